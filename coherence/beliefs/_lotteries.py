"""Lotteries and observed preferences between them: the data of the von Neumann–Morgenstern
checks.

A :class:`Lottery` is a probability distribution (exact Fractions) over finitely many
outcomes. :class:`LotteryPreferences` holds an agent's observed weak preferences between
some lotteries (a :class:`~coherence.relations.PreferenceRelation` whose items are lotteries;
pairs it does not relate count as unobserved). The checks live in
:mod:`coherence.beliefs._expected_utility` and :mod:`coherence.beliefs._vnm`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, cast

import numpy as np

from coherence._exact import as_fraction
from coherence._jsonio import label_from_json
from coherence.errors import InputError
from coherence.relations import PreferenceRelation
from coherence.validation import check_mapping, check_real, check_type
from coherence.verdict import label_to_json

__all__ = ["Lottery", "LotteryPreferences"]


def _okey(x: Hashable) -> tuple[str, str]:
    return (type(x).__name__, repr(x))


@dataclass(frozen=True)
class Lottery:
    """A finite probability distribution over outcomes, exact.

    ``Lottery({"£1M": 1})`` or ``Lottery({5: "1/10", 1: "89/100", 0: "1/100"})``. Zero-mass
    outcomes are dropped; probabilities must lie in [0, 1] and sum to exactly 1 (else
    :class:`InputError`). Lotteries are hashable and compare by distribution.

    >>> Lottery({5: "1/10", 1: "89/100", 0: "1/100"}).expected({5: 5, 1: 1, 0: 0})
    Fraction(139, 100)
    >>> Lottery.mixture("1/2", Lottery.sure("a"), Lottery({"a": "1/2", "b": "1/2"}))
    L{'a': 3/4, 'b': 1/4}
    """

    probabilities: tuple[tuple[Hashable, Fraction], ...]

    def __init__(self, probabilities: Mapping[Hashable, Any] | Iterable[tuple[Hashable, Any]]):
        items = probabilities.items() if isinstance(probabilities, Mapping) else probabilities
        acc: dict[Hashable, Fraction] = {}
        for pair in items:
            try:
                x, p = pair
                hash(x)
            except (TypeError, ValueError):
                raise InputError(f"lottery entries must be (hashable outcome, prob): {pair!r}")\
                    from None
            what = f"probability of {x!r}"
            f = check_real(as_fraction(p, what=what), what, min_value=0, max_value=1)
            acc[x] = acc.get(x, Fraction(0)) + f
        if not acc:
            raise InputError("a lottery needs at least one outcome")
        if sum(acc.values()) != 1:
            raise InputError(f"lottery probabilities must sum to 1, got {sum(acc.values())}")
        canon = tuple(sorted(((x, p) for x, p in acc.items() if p), key=lambda t: _okey(t[0])))
        object.__setattr__(self, "probabilities", canon)

    @classmethod
    def sure(cls, outcome: Hashable) -> Lottery:
        """The degenerate lottery giving ``outcome`` for sure."""
        return cls({outcome: 1})

    @classmethod
    def mixture(cls, alpha: Any, p: Lottery, q: Lottery) -> Lottery:
        """``α p + (1 − α) q`` (α in [0, 1], exact)."""
        a = check_real(as_fraction(alpha, what="mixing weight"), "mixing weight",
                       min_value=0, max_value=1)
        acc: dict[Hashable, Fraction] = {}
        for x, w in p.probabilities:
            acc[x] = acc.get(x, Fraction(0)) + a * w
        for x, w in q.probabilities:
            acc[x] = acc.get(x, Fraction(0)) + (1 - a) * w
        return cls(acc)

    @property
    def outcomes(self) -> tuple[Hashable, ...]:
        return tuple(x for x, _ in self.probabilities)

    def prob(self, outcome: Hashable) -> Fraction:
        return dict(self.probabilities).get(outcome, Fraction(0))

    def expected(self, utility: Mapping[Hashable, Fraction]) -> Fraction:
        """Exact expected utility."""
        return sum((p * Fraction(utility[x]) for x, p in self.probabilities), Fraction(0))

    def __repr__(self) -> str:
        inner = ", ".join(f"{x!r}: {p}" for x, p in self.probabilities)
        return f"L{{{inner}}}"

    def to_json(self) -> dict[str, str]:
        """``{outcome: "p/q"}`` with outcomes through :func:`~coherence.verdict.label_to_json`."""
        return {str(label_to_json(x)): str(p) for x, p in self.probabilities}


@dataclass(frozen=True, eq=False)
class LotteryPreferences:
    """Observed weak preferences between lotteries: ``relation.items`` are :class:`Lottery`.

    Pairs the relation leaves unrelated are treated as unobserved by the expected-utility
    check; :func:`vnm_axioms` reports them as completeness violations.

    >>> a, b = Lottery.sure("win"), Lottery({"win": "1/2", "lose": "1/2"})
    >>> LotteryPreferences.from_pairs([(a, b)]).comparisons()
    [(0, 1, True)]
    """

    relation: PreferenceRelation

    def __post_init__(self) -> None:
        check_type(self.relation, PreferenceRelation, "relation")
        if not all(isinstance(x, Lottery) for x in self.relation.items):
            raise InputError("every item of the relation must be a Lottery")

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[Lottery, Lottery]], lotteries: Iterable[Lottery] | None = None
    ) -> LotteryPreferences:
        """From ``(better, worse)`` pairs meaning ``better ≽ worse`` (both orders: indifferent).
        Strict preference is a pair listed in one order only. Reflexive."""
        return cls(PreferenceRelation.from_pairs(pairs, lotteries, reflexive=True))

    @classmethod
    def from_utility(
        cls, utility: Mapping[Hashable, Any], lotteries: Iterable[Lottery]
    ) -> LotteryPreferences:
        """The (complete) expected-utility preferences of ``utility`` on ``lotteries``."""
        u = {x: as_fraction(v, what=f"utility of {x!r}") for x, v in utility.items()}
        lots = tuple(lotteries)
        for L in lots:
            for x in L.outcomes:
                if x not in u:
                    raise InputError(f"utility has no value for outcome {x!r}")
        return cls(PreferenceRelation.from_utility({L: L.expected(u) for L in lots}, lots))

    @classmethod
    def from_comparison(
        cls, compare: Callable[[Lottery, Lottery], bool], lotteries: Iterable[Lottery]
    ) -> LotteryPreferences:
        """Ask ``compare(p, q)`` ("is p at least as good as q?") for every ordered pair."""
        def ask(p: Hashable, q: Hashable) -> bool:
            return compare(cast(Lottery, p), cast(Lottery, q))

        return cls(PreferenceRelation.from_comparison(ask, lotteries))

    @cached_property
    def lotteries(self) -> tuple[Lottery, ...]:
        """The lotteries, in the order of the relation's items."""
        return tuple(cast(Lottery, x) for x in self.relation.items)

    @cached_property
    def outcomes(self) -> tuple[Hashable, ...]:
        seen: dict[Hashable, None] = {}
        for L in self.lotteries:
            for x in L.outcomes:
                seen.setdefault(x, None)
        return tuple(sorted(seen, key=_okey))

    @cached_property
    def matrix(self) -> np.ndarray:
        """Exact probabilities, lotteries × outcomes (object array of Fractions)."""
        idx = {x: k for k, x in enumerate(self.outcomes)}
        M = np.empty((len(self.lotteries), len(self.outcomes)), dtype=object)
        M[:] = Fraction(0)
        for i, L in enumerate(self.lotteries):
            for x, p in L.probabilities:
                M[i, idx[x]] = p
        return M

    def comparisons(self) -> list[tuple[int, int, bool]]:
        """Observed comparisons ``(i, j, strict)`` with ``items[i] ≽ items[j]``, ``i ≠ j``."""
        R = self.relation.weak
        P = self.relation.strict
        ij = np.argwhere(R & ~np.eye(len(R), dtype=bool))
        return [(int(i), int(j), bool(P[i, j])) for i, j in ij]

    def to_json(self) -> dict[str, Any]:
        """``{"outcomes": [...], "lotteries": [["p/q" per outcome], ...], "weak": ["101", ...]}``:
        each lottery as its probabilities of the outcomes, and row ``i`` of the weak relation
        as a 0/1 string. Read back with :meth:`from_json`. O(n² + n · outcomes).

        >>> LotteryPreferences.from_pairs([(Lottery.sure("x"), Lottery.sure("y"))]).to_json()
        {'outcomes': ['x', 'y'], 'lotteries': [['1', '0'], ['0', '1']], 'weak': ['11', '01']}
        """
        outs = self.outcomes
        R = self.relation.weak
        return {
            "outcomes": [label_to_json(x) for x in outs],
            "lotteries": [[str(L.prob(x)) for x in outs] for L in self.lotteries],
            "weak": ["".join("1" if v else "0" for v in row) for row in R.tolist()],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> LotteryPreferences:
        """Read preferences back from :meth:`to_json`; list labels become tuples. O(size).

        >>> p = LotteryPreferences.from_pairs([(Lottery.sure(("x", 1)), Lottery.sure("y"))])
        >>> LotteryPreferences.from_json(p.to_json()).relation == p.relation
        True
        """
        check_mapping(doc, "lottery preferences JSON")
        outs = [label_from_json(x) for x in _json_list(doc, "outcomes")]
        if len(set(outs)) != len(outs):
            raise InputError("'outcomes' must be distinct")
        rows = _json_list(doc, "lotteries")
        if not all(isinstance(r, list) and len(r) == len(outs) for r in rows):
            raise InputError(f"'lotteries' must be lists of {len(outs)} probabilities")
        lots = [Lottery(zip(outs, r, strict=True)) for r in rows]
        weak = _json_list(doc, "weak")
        n = len(lots)
        if len(weak) != n or not all(isinstance(w, str) and len(w) == n for w in weak):
            raise InputError(f"'weak' must be {n} strings of {n} characters 0 or 1")
        if "".join(weak).strip("01"):
            raise InputError("'weak' rows may hold only the characters 0 and 1")
        R = np.array([[c == "1" for c in w] for w in weak], dtype=bool).reshape(n, n)
        return cls(PreferenceRelation(tuple(lots), R))


def _json_list(doc: Mapping[str, Any], key: str) -> list[Any]:
    return check_type(doc.get(key), list, f"'{key}'")
