"""Reading JSON input documents: one reader, clear errors, exact numbers.

Every JSON input of :mod:`coherence` (credences, games, reports, CLI files) is read here:
:func:`load_json` parses a document from a path, JSON text or an open file (NaN and
infinities are refused, so every JSON number is finite); :func:`json_object` checks that it
is an object with the expected keys; :func:`check_numbers` checks that the leaves of a nested
list are numbers that :func:`coherence._exact.as_fraction` reads exactly;
:func:`label_from_json` undoes :func:`coherence.verdict.label_to_json`. Every failure is an
:class:`~coherence.errors.InputError` with a one-line message.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Collection, Hashable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

from coherence._exact import as_fraction
from coherence.errors import InputError
from coherence.verdict import label_from_json, label_to_json

__all__ = [
    "JSONSource",
    "by_label",
    "check_numbers",
    "json_object",
    "label_from_json",
    "load_json",
]

#: what :func:`load_json` reads: a path, JSON text, an open file, or a parsed document
JSONSource = str | bytes | bytearray | os.PathLike[str] | IO[str] | IO[bytes] | Mapping[str, Any]


def _refuse_constant(name: str) -> Any:
    raise InputError(f"invalid JSON: {name} is not a number JSON allows")


def _parse_int(digits: str) -> int:
    limit = sys.get_int_max_str_digits()
    if limit and len(digits.lstrip("-")) > limit:
        raise InputError(
            f"invalid JSON: an integer of {len(digits.lstrip('-'))} digits"
            f" (at most {limit} are read)"
        )
    return int(digits)


def _parse_float(text: str) -> float:
    """A JSON number with a fraction or exponent, as a float; one the float range cannot hold
    (``1e-400`` would become 0, ``1e400`` infinity) is refused rather than changed."""
    value = float(text)
    mantissa = text.lower().partition("e")[0]
    if value == 0 and mantissa.strip("-+0.") != "":
        raise InputError(f"invalid JSON: the number {text} is below the float range, which "
                         "would read it as 0")
    if math.isinf(value):
        raise InputError(f"invalid JSON: the number {text} is beyond the float range")
    return value


def _parse(text: str | bytes | bytearray) -> Any:
    # a byte-order mark (what some editors and Excel write first) is not part of the JSON
    if isinstance(text, str):
        text = text.removeprefix("\ufeff")
    elif text[:3] == b"\xef\xbb\xbf":
        text = text[3:]
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int,
                          parse_float=_parse_float)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"invalid JSON: not UTF-8 text ({exc.reason})") from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply") from None


def load_json(source: JSONSource) -> Any:
    """The JSON value in ``source``: a path (:class:`os.PathLike`), JSON text (``str`` or
    ``bytes``), an open text or binary file, or an already parsed mapping (returned as is).

    ``NaN``, ``Infinity`` and ``-Infinity`` are refused. Errors of a path name the file.
    O(size of the document).

    >>> load_json('{"price": "1/3", "n": 2}')
    {'price': '1/3', 'n': 2}
    >>> load_json('{"price": NaN}')
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: invalid JSON: NaN is not a number JSON allows
    """
    if isinstance(source, Mapping):
        return source
    if isinstance(source, str | bytes | bytearray):
        return _parse(source)
    if isinstance(source, os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        try:
            return _parse(path.read_bytes())
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from None
    if hasattr(source, "read"):
        return _parse(source.read())
    raise InputError(f"cannot read JSON from a {type(source).__name__}")


def json_object(
    source: JSONSource,
    *,
    what: str = "document",
    required: Collection[str] = (),
    allowed: Collection[str] | None = None,
) -> dict[str, Any]:
    """:func:`load_json`, then check the value is an object holding every key in ``required``
    and (when ``allowed`` is given) no key outside ``allowed``; ``what`` names the document in
    the messages. O(size of the document).

    >>> json_object('{"states": ["a"], "bets": []}', what="credences", required=("states",))
    {'states': ['a'], 'bets': []}
    >>> json_object('[1, 2]', what="credences")
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: credences JSON must be an object
    """
    doc = load_json(source)
    if not isinstance(doc, Mapping):
        raise InputError(f"{what} JSON must be an object")
    if allowed is not None:
        for key in doc:
            if key not in allowed:
                raise InputError(f"unknown key {key!r} in {what} JSON")
    missing = [k for k in required if k not in doc]
    if missing:
        raise InputError(f"{what} JSON needs {' and '.join(repr(k) for k in missing)}")
    return dict(doc)


def check_numbers(value: Any, *, what: str = "value") -> None:
    """Check that ``value`` (a number or nested lists of them) holds only numbers read exactly
    by :func:`~coherence._exact.as_fraction`: ints, finite floats, decimal or ``"p/q"``
    strings; booleans, ``null``, objects, NaN and infinities raise
    :class:`~coherence.errors.InputError` naming the position. O(number of leaves).

    >>> check_numbers([[1, "1/2"], [0.25, "-3"]], what="payoffs")
    >>> check_numbers([[1, True]], what="payoffs")
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: payoffs[0][1] must be a number, got a boolean True
    """
    stack: list[tuple[Any, str]] = [(value, what)]
    while stack:
        x, where = stack.pop()
        if isinstance(x, list | tuple):
            stack.extend((v, f"{where}[{k}]") for k, v in reversed(list(enumerate(x))))
        else:
            as_fraction(x, what=where)


def by_label(values: Any, labels: Sequence[Hashable], *, what: str = "value") -> list[Fraction]:
    """The exact numbers of a ``{str(label_to_json(label)): number}`` JSON object (the form
    certificates write per item or state), in the order of ``labels``; the object must have
    exactly one entry per label. O(len(labels)).

    >>> by_label({"b": "3/4", "a": "1/4"}, ["a", "b"], what="probability")
    [Fraction(1, 4), Fraction(3, 4)]
    """
    keys = [str(label_to_json(x)) for x in labels]
    if not isinstance(values, Mapping) or len(set(keys)) != len(keys) or set(keys) != set(values):
        raise InputError(f"'{what}' must be an object with one entry per label")
    return [as_fraction(values[k], what=f"{what} of {k!r}") for k in keys]
