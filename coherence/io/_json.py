"""JSON documents → certificates, verdicts and the data types that have a JSON form.

Every reader takes a parsed document (a mapping), JSON text (``str`` or ``bytes``), an open
file or a path (:class:`os.PathLike`) to a JSON file, reads it with the one JSON reader of
the package (NaN and infinities refused, one-line :class:`~coherence.errors.InputError`
messages), and hands the mapping to the reader that lives with the type:
:func:`coherence.verdict.from_json`, :meth:`coherence.verdict.Verdict.from_json`,
:meth:`coherence.relations.PreferenceRelation.from_json`,
:meth:`coherence.beliefs.Credences.from_json`, :meth:`coherence.decisions.Game.from_json`,
:meth:`subagents.Committee.from_json`. Exact numbers travel as ``"p/q"`` strings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from coherence._jsonio import JSONSource, json_object
from coherence.beliefs import Credences
from coherence.decisions import Game
from coherence.errors import InputError
from coherence.relations import PreferenceRelation
from coherence.subagents import Committee
from coherence.verdict import _MALFORMED, Certificate, Evidence, Verdict, from_json

__all__ = [
    "read_certificate",
    "read_committee",
    "read_credences",
    "read_game",
    "read_relation",
    "read_verdict",
]


T = TypeVar("T")


def read_certificate(source: JSONSource) -> Certificate | Evidence:
    """A certificate (or evidence record) from its ``to_json()`` document; the ``"kind"``
    field says which class reads it. O(size of the document).

    >>> from coherence import PreferenceRelation, check
    >>> import json
    >>> pump = check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")]))
    >>> cert = read_certificate(json.dumps(pump.certificate.to_json()))
    >>> cert.kind, cert.verify()
    ('money_pump', True)
    """
    return from_json(json_object(source, what="certificate"))


def read_verdict(source: JSONSource) -> Verdict:
    """A verdict from its ``to_json()`` document (quantities come back as JSON values).
    O(size of the document).

    >>> from coherence import PreferenceRelation, check
    >>> v = check(PreferenceRelation.from_pairs([("a", "b")]))
    >>> back = read_verdict(v.dumps())
    >>> back.status, back.exit_code, back.verify()
    ('coherent', 0, True)
    """
    return Verdict.from_json(json_object(source, what="verdict"))


def read_relation(source: JSONSource) -> PreferenceRelation:
    """A preference relation from ``{"items": [...], "weak": ["10", ...]}`` (row ``i`` of
    the matrix as a 0/1 string), the form ``PreferenceRelation.to_json()`` writes. O(n²).

    >>> r = read_relation('{"items": ["a", "b"], "weak": ["11", "01"]}')
    >>> r.items, bool(r.strict[0, 1])
    (('a', 'b'), True)
    """
    return _read(PreferenceRelation.from_json, json_object(source, what="relation"), "relation")


def read_credences(source: JSONSource) -> Credences:
    """Credences from ``{"states": [...], "bets": [{"event": [...], "price": "1/3"}, ...]}``
    (optionally ``"conditional"``). O(states × bets).

    >>> c = read_credences({"states": ["rain", "sun"],
    ...                     "bets": [{"event": ["rain"], "price": "1/3"}]})
    >>> c.states, c.bets[0][1]
    (('rain', 'sun'), Fraction(1, 3))
    """
    return _read(Credences.from_json, json_object(source, what="credences"), "credences")


def read_game(source: JSONSource) -> Game:
    """A normal-form game from ``{"payoffs": [...], "strategies": ..., "players": ...}``
    (payoffs nested strategies × ... × players). O(size).

    >>> read_game('{"payoffs": [[[3, 0], [5, 1]], [[3, 5], [0, 1]]]}').shape
    (2, 2)
    """
    return _read(Game.from_json, json_object(source, what="game"), "game")


def read_committee(source: JSONSource) -> Committee:
    """A committee from ``Committee.to_json()``'s document (one utility member per row of
    values, the rule, counts). O(members × items).

    >>> import json
    >>> c = Committee.from_rankings([["a", "b"], ["b", "a"]])
    >>> back = read_committee(json.dumps(c.to_json()))
    >>> back.relation() == c.relation()
    True
    """
    return _read(Committee.from_json, json_object(source, what="committee"), "committee")


def _read(reader: Callable[[dict[str, Any]], T], doc: dict[str, Any], what: str) -> T:
    """``reader(doc)``, with anything a malformed document makes it raise as an InputError."""
    try:
        return reader(doc)
    except InputError:
        raise
    except _MALFORMED as exc:
        raise InputError(f"malformed {what} document: {type(exc).__name__}: {exc}"[:300]) from None
