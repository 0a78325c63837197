"""``StochasticChoice``: binary choice frequencies over items, forced or with "indifferent".

One record per observed unordered pair ``{a, b}``: the exact probabilities (or counts) that
``a`` is chosen over ``b``, ``b`` over ``a``, and, for ternary data, that the answer is
"indifferent". Forced choice has no third answer, so ``P(a, b) + P(b, a) = 1``. Numbers go
through the number policy (:func:`coherence._exact.as_fraction`: 0.8 is 4/5, ``"2/3"`` is
exact). Menu data (choice frequencies from menus of more than two items) are not covered.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence._exact import as_fraction
from coherence.errors import InputError

__all__ = ["PairRecord", "StochasticChoice"]


@dataclass(frozen=True)
class PairRecord:
    """One observed pair: item indices ``a``, ``b`` and the exact shares of the three answers
    (``a`` chosen, ``b`` chosen, indifferent), with the counts when the data were counts."""

    a: int
    b: int
    p_a: Fraction
    p_b: Fraction
    p_indifferent: Fraction = Fraction(0)
    counts: tuple[int, int, int] | None = None


def _count(v: Any, what: str) -> int:
    f = as_fraction(v, what=what)
    if f.denominator != 1 or f < 0:
        raise InputError(f"{what} must be a non-negative integer count, got {v!r}")
    return int(f)


def _probability(v: Any, what: str) -> Fraction:
    f = as_fraction(v, what=what)
    if not 0 <= f <= 1:
        raise InputError(f"{what} must be a probability in [0, 1], got {v!r}")
    return f


@dataclass(frozen=True, eq=False, init=False)
class StochasticChoice:
    """Binary choice probabilities over ``items``: forced choice, or with "indifferent".

    Build one with :meth:`from_matrix`, :meth:`from_counts`, :meth:`from_probabilities`
    or :meth:`from_records` (the CSV reader :func:`~coherence.stochastic.stochastic_from_csv`
    uses the last). Immutable; validation is O(n + pairs). ``forced`` is ``True`` when no
    pair has an "indifferent" share.

    >>> d = StochasticChoice.from_probabilities({("a", "b"): 0.8, ("b", "c"): "2/3"})
    >>> d.items, d.forced, d.probability("b", "a")
    (('a', 'b', 'c'), True, Fraction(1, 5))
    """

    items: tuple[Hashable, ...]
    records: tuple[PairRecord, ...]
    forced: bool

    def __init__(self, items: Iterable[Hashable], records: Iterable[PairRecord],
                 *, forced: bool | None = None) -> None:
        items_ = tuple(items)
        try:
            index = {x: i for i, x in enumerate(items_)}
        except TypeError as exc:
            raise InputError(f"items must be hashable ({exc})") from None
        if len(index) != len(items_):
            raise InputError("items must be distinct")
        recs = tuple(records)
        seen: set[frozenset[int]] = set()
        for r in recs:
            if not (0 <= r.a < len(items_) and 0 <= r.b < len(items_)) or r.a == r.b:
                raise InputError(f"a pair names two distinct items, got ({r.a}, {r.b})")
            key = frozenset((r.a, r.b))
            if key in seen:
                raise InputError(f"the pair {items_[r.a]!r}, {items_[r.b]!r} is given twice")
            seen.add(key)
            if min(r.p_a, r.p_b, r.p_indifferent) < 0 or r.p_a + r.p_b + r.p_indifferent != 1:
                raise InputError(f"the shares for {items_[r.a]!r}, {items_[r.b]!r} must be "
                                 "non-negative and add up to 1")
        ternary = any(r.p_indifferent for r in recs)
        if forced is None:
            forced = not ternary
        if forced and ternary:
            raise InputError("forced-choice data cannot have an 'indifferent' share")
        object.__setattr__(self, "items", items_)
        object.__setattr__(self, "records", recs)
        object.__setattr__(self, "forced", bool(forced))

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def from_probabilities(cls, probabilities: Mapping[tuple[Hashable, Hashable], Any], *,
                           items: Sequence[Hashable] | None = None) -> StochasticChoice:
        """Forced choice from ``{(a, b): P(a chosen over b)}``, one key per unordered pair.
        Probabilities outside [0, 1] raise :class:`~coherence.errors.InputError`. O(pairs).

        >>> StochasticChoice.from_probabilities({(1, 2): "1/3"}).probability(2, 1)
        Fraction(2, 3)
        """
        rows = [{"item_a": a, "item_b": b, "p": p} for (a, b), p in probabilities.items()]
        return cls.from_records(rows, items=items)

    @classmethod
    def from_matrix(cls, P: Any, items: Sequence[Hashable] | None = None, *,
                    forced: bool = True) -> StochasticChoice:
        """From an n×n matrix of ``P[i][j]`` = P(i chosen over j) (the diagonal is ignored).
        Forced choice needs ``P[i][j] + P[j][i] = 1``; with ``forced=False`` the rest of each
        pair is the "indifferent" share. Every off-diagonal pair is observed. O(n²).

        >>> StochasticChoice.from_matrix([[0, 0.75], [0.25, 0]], items="xy").probability("x", "y")
        Fraction(3, 4)
        """
        M = np.asarray(P, dtype=object)
        if M.ndim != 2 or M.shape[0] != M.shape[1]:
            raise InputError(f"a choice-probability matrix must be square, got shape {M.shape}")
        n = M.shape[0]
        labels = tuple(range(n)) if items is None else tuple(items)
        if len(labels) != n:
            raise InputError(f"{len(labels)} item labels for a {n}×{n} matrix")
        recs = []
        for i in range(n):
            for j in range(i + 1, n):
                pa = _probability(M[i, j], f"P[{i}, {j}]")
                pb = _probability(M[j, i], f"P[{j}, {i}]")
                if forced and pa + pb != 1:
                    raise InputError(f"forced choice needs P[{i}, {j}] + P[{j}, {i}] = 1, got "
                                     f"{pa} + {pb}")
                if pa + pb > 1:
                    raise InputError(f"P[{i}, {j}] + P[{j}, {i}] exceeds 1")
                recs.append(PairRecord(i, j, pa, pb, 1 - pa - pb))
        return cls(labels, recs, forced=forced)

    @classmethod
    def from_counts(cls, N: Any, items: Sequence[Hashable] | None = None, *,
                    indifferent: Any = None) -> StochasticChoice:
        """From counts: ``N[i][j]`` = how often ``i`` was chosen over ``j``; ``indifferent``
        (symmetric) the "indifferent" answers per pair. Pairs never asked are unobserved.
        Checked as the frequencies. O(n²).

        >>> d = StochasticChoice.from_counts([[0, 3], [1, 0]])
        >>> d.probability(0, 1), d.records[0].counts
        (Fraction(3, 4), (3, 1, 0))
        """
        M = np.asarray(N, dtype=object)
        if M.ndim != 2 or M.shape[0] != M.shape[1]:
            raise InputError(f"a count matrix must be square, got shape {M.shape}")
        n = M.shape[0]
        Z = None if indifferent is None else np.asarray(indifferent, dtype=object)
        if Z is not None and Z.shape != M.shape:
            raise InputError("the 'indifferent' counts must have the shape of the counts")
        rows = []
        for i in range(n):
            for j in range(i + 1, n):
                row = {"item_a": i, "item_b": j, "n_a": M[i, j], "n_b": M[j, i]}
                if Z is not None:
                    if _count(Z[i, j], f"indifferent[{i}, {j}]") != _count(
                            Z[j, i], f"indifferent[{j}, {i}]"):
                        raise InputError(f"indifferent[{i}, {j}] ≠ indifferent[{j}, {i}]")
                    row["n_indifferent"] = Z[i, j]
                rows.append(row)
        labels = tuple(range(n)) if items is None else tuple(items)
        if len(labels) != n:
            raise InputError(f"{len(labels)} item labels for a {n}×{n} matrix")
        return cls.from_records(rows, items=labels, skip_empty=True)

    @classmethod
    def from_records(cls, rows: Iterable[Mapping[str, Any]], *,
                     items: Sequence[Hashable] | None = None,
                     skip_empty: bool = False) -> StochasticChoice:
        """From rows with ``item_a``, ``item_b`` and either ``p`` (P(item_a over item_b))
        or counts ``n_a``, ``n_b`` (and ``n_indifferent`` for ternary data). Items are
        listed in order of appearance unless ``items`` is given. O(rows).

        >>> StochasticChoice.from_records([{"item_a": "x", "item_b": "y", "n_a": 2, "n_b": 2,
        ...                                 "n_indifferent": 1}]).records[0].p_indifferent
        Fraction(1, 5)
        """
        labels: list[Hashable] = [] if items is None else list(items)
        index = {x: i for i, x in enumerate(labels)}
        recs, ternary = [], False
        for k, row in enumerate(rows):
            a, b = row["item_a"], row["item_b"]
            for x in (a, b):
                if x not in index:
                    if items is not None:
                        raise InputError(f"row {k + 1}: unknown item {x!r}")
                    index[x] = len(labels)
                    labels.append(x)
            where = f"line {row['_line']}" if "_line" in row else f"row {k + 1}"
            rec = _record(row, index[a], index[b], where)
            if rec is None:
                if not skip_empty:
                    raise InputError(f"{where}: no choices recorded for {a!r}, {b!r}")
                continue
            ternary = ternary or "n_indifferent" in row
            recs.append(rec)
        return cls(labels, recs, forced=False if ternary else None)

    # -- views -----------------------------------------------------------------------------

    @property
    def n(self) -> int:
        """The number of items."""
        return len(self.items)

    def probability(self, a: Hashable, b: Hashable) -> Fraction:
        """P(``a`` chosen over ``b``), exact; :class:`InputError` for an unobserved pair.
        O(pairs)."""
        idx = {x: i for i, x in enumerate(self.items)}
        if a not in idx or b not in idx:
            raise InputError(f"unknown item {a if a not in idx else b!r}")
        i, j = idx[a], idx[b]
        for r in self.records:
            if (r.a, r.b) == (i, j):
                return r.p_a
            if (r.a, r.b) == (j, i):
                return r.p_b
        raise InputError(f"the pair {a!r}, {b!r} is not observed")

    def triples(self) -> tuple[tuple[int, int, Fraction], ...]:
        """``(better, worse, P(better chosen over worse))`` for both directions of every
        observed pair: the coordinates a random-utility model must reproduce. O(pairs)."""
        out: list[tuple[int, int, Fraction]] = []
        for r in self.records:
            out += [(r.a, r.b, r.p_a), (r.b, r.a, r.p_b)]
        return tuple(out)

    def shares(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
        """``(a, b, num_a, den)`` as int64 arrays: record ``k`` has P(a over b) =
        ``num_a[k] / den[k]`` in lowest terms; ``None`` when a numerator or denominator
        needs more than 62 bits. Computed once and kept. O(pairs).

        >>> StochasticChoice.from_probabilities({("x", "y"): "2/3"}).shares()[2:]
        (array([2]), array([3]))
        """
        cache = self.__dict__.get("_shares", False)
        if cache is not False:
            return cache
        ratios = [(r.a, r.b, *r.p_a.as_integer_ratio()) for r in self.records]
        out = None
        if all(max(abs(x), d) < 2**62 for _, _, x, d in ratios):
            arr = np.array(ratios, dtype=np.int64).reshape(-1, 4)
            out = (arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3])
        object.__setattr__(self, "_shares", out)
        return out

    def matrix(self) -> np.ndarray:
        """``P[i, j]`` = P(i chosen over j) as floats (NaN where unobserved, and on the
        diagonal). O(n²)."""
        P = np.full((self.n, self.n), np.nan)
        sh = self.shares() if self.forced else None
        if sh is not None:
            a, b, num, den = sh
            P[a, b] = num / den
            P[b, a] = (den - num) / den
            return P
        for r in self.records:
            P[r.a, r.b], P[r.b, r.a] = float(r.p_a), float(r.p_b)
        return P

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StochasticChoice) and (
            self.items, self.records, self.forced) == (other.items, other.records, other.forced)

    def __hash__(self) -> int:
        return hash((self.items, self.records, self.forced))

    def __repr__(self) -> str:
        kind = "forced" if self.forced else "ternary"
        return f"StochasticChoice({self.n} items, {len(self.records)} pairs, {kind})"


def _record(row: Mapping[str, Any], a: int, b: int, k: str) -> PairRecord | None:
    """One pair from a row with ``p`` or with counts; ``None`` for counts that are all 0."""
    has = {c for c in ("p", "n_a", "n_b", "n_indifferent")
           if c in row and row[c] is not None and row[c] != ""}
    if "p" in has:
        if has - {"p"}:
            raise InputError(f"{k}: give either 'p' or counts, not both")
        p = _probability(row["p"], f"{k}: p")
        return PairRecord(a, b, p, 1 - p)
    if not {"n_a", "n_b"} <= has:
        raise InputError(f"{k}: needs 'p' or the counts 'n_a' and 'n_b'")
    na, nb = _count(row["n_a"], f"{k}: n_a"), _count(row["n_b"], f"{k}: n_b")
    ni = _count(row["n_indifferent"], f"{k}: n_indifferent") if "n_indifferent" in has else 0
    total = na + nb + ni
    if total == 0:
        return None
    return PairRecord(a, b, Fraction(na, total), Fraction(nb, total), Fraction(ni, total),
                      (na, nb, ni))
