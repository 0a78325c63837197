"""Small Dutch books, with their size proved: irreducible, or the fewest bets.

Works on the exact payoff matrix ``G`` (states × bets, Fractions) of
:class:`~coherence.beliefs._credences.Credences`. A set of bets *admits a book* iff some
stakes on it lose in every state; by Gordan's alternative it does not iff some probability
``y`` on the states prices every bet of the set at its expected payoff 0 (``yᵀG = 0`` on those
columns). Every claim below rests on one of these two exact certificates per set of bets
(:func:`coherence._exact.gordan`), never on a float LP:

* a book is *irreducible* when each set left by dropping one of its bets has such a ``y``
  (subsets of a set without a book have none, so proofs made before a later drop still hold);
* it has the *fewest* bets when every set of one bet fewer has one — then every smaller set
  has one too. A single bet is a book iff its payoff column is negative (buy) or positive
  (sell) in every state, read off exactly; so a book of two bets with no single-bet book is
  the fewest at once.

The fewest-bets search enumerates the sets of one bet fewer only while that needs at most a
budget of exact solves (measures found are reused: one ``y`` clears every set of bets it
prices at 0). A book given with more bets than states is first reduced to a basic one with
the same payoffs (at most ``rank G ≤ |Ω|`` bets, :func:`_basic`), so pruning it costs at most
``2|Ω|`` exact solves on ``|Ω| × |Ω|``; at most the budget more for the fewest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations

import numpy as np

from coherence._exact import gordan, linprog
from coherence._exact.linear import rref_solve
from coherence.errors import CertificationError

__all__ = ["single_bet_book", "small_book"]

#: the fewest-bets search runs when it needs at most this many exact solves
EXHAUSTIVE_BUDGET = 300


def single_bet_book(G: np.ndarray) -> list[Fraction] | None:
    """Stakes of a one-bet book (buy a bet that loses in every state, or sell one that gains
    in every state), the first such bet; ``None`` when there is none. Exact, O(|Ω|·bets).

    >>> G = np.array([[Fraction(1, 2), Fraction(-1, 5)], [Fraction(-1, 2), Fraction(-1, 5)]])
    >>> single_bet_book(G)
    [Fraction(0, 1), Fraction(1, 1)]
    """
    k, m = G.shape
    for j in range(m):
        col = G[:, j]
        sign = 1 if all(v < 0 for v in col) else -1 if all(v > 0 for v in col) else 0
        if sign and k:
            out = [Fraction(0)] * m
            out[j] = Fraction(sign)
            return out
    return None


class _Search:
    """Exact book-or-measure decisions on sets of bets, with the measures found kept."""

    def __init__(self, G: np.ndarray) -> None:
        self.G = G
        self.solves = 0
        self.measures: list[np.ndarray] = []
        self.priced: list[dict[int, bool]] = []  # per measure: does it price bet j at 0?

    def _prices(self, t: int, j: int) -> bool:
        memo = self.priced[t]
        hit = memo.get(j)
        if hit is None:
            hit = memo[j] = self.measures[t].dot(self.G[:, j]) == 0
        return hit

    def _known_bookless(self, cols: Sequence[int]) -> bool:
        return any(all(self._prices(t, j) for j in cols) for t in range(len(self.measures)))

    def book_on(self, cols: Sequence[int]) -> list[Fraction] | None:
        """Exact stakes of a book on ``cols`` (others 0), or ``None`` when a probability shows
        there is none. Raises :class:`CertificationError` when neither verifies (a bug).
        One exact solve on ``|Ω| × |cols|``."""
        cols = list(cols)
        if not cols or self._known_bookless(cols):
            return None
        self.solves += 1
        res = gordan(self.G[:, cols])
        if res is not None and res.stakes is not None:
            out = [Fraction(0)] * self.G.shape[1]
            for j, v in zip(cols, res.stakes, strict=True):
                out[j] = v
            return out
        if res is None or res.weights is None:
            raise CertificationError("neither a book nor a probability on a set of bets")
        self.measures.append(np.asarray(res.weights, dtype=object))
        self.priced.append(dict.fromkeys(cols, True))
        return None


def _support(stakes: Sequence[Fraction]) -> list[int]:
    return [j for j, s in enumerate(stakes) if s != 0]


def _basic(G: np.ndarray, stakes: list[Fraction]) -> list[Fraction]:
    """The same payoff vector ``G s`` on at most ``rank G`` bets: a basic solution of
    ``G[:, S] x = G s`` over the book's support ``S`` (largest stakes first, free ones 0), so
    still a book with the same loss in every state (Carathéodory's reduction). One exact
    Gauss–Jordan elimination, O(|Ω|² · |S|) Fraction operations.

    >>> F = Fraction
    >>> G = np.array([[F(-1), F(-1), F(-2)], [F(-1), F(0), F(-1)]])
    >>> _basic(G, [F(1), F(1), F(1)])
    [Fraction(2, 1), Fraction(2, 1), Fraction(0, 1)]
    """
    sup = sorted(_support(stakes), key=lambda j: -abs(stakes[j]))
    if len(sup) <= G.shape[0]:
        return stakes
    payoff = [sum((G[i, j] * stakes[j] for j in sup), Fraction(0)) for i in range(G.shape[0])]
    x = rref_solve([[G[i, j] for j in sup] for i in range(G.shape[0])], payoff, {})
    if x is None:  # the payoff vector lies in the span of the columns by construction
        raise CertificationError("a book's payoff is outside the span of its bets")
    out = [Fraction(0)] * len(stakes)
    for j, v in zip(sup, x, strict=True):
        out[j] = v
    return out


def _prune(search: _Search, stakes: list[Fraction]) -> list[Fraction]:
    """An irreducible book inside the one given: drop bets (smallest stakes first) while the
    rest still admits a book, each keep proved by a measure on the rest. Two bets are
    irreducible already (no single bet is a book)."""
    kept: set[int] = set()
    while True:
        sup = _support(stakes)
        todo = sorted((j for j in sup if j not in kept), key=lambda j: abs(stakes[j]))
        if not todo or len(sup) <= 2:
            return stakes
        j = todo[0]
        smaller = search.book_on([i for i in sup if i != j])
        if smaller is None:
            kept.add(j)
        else:
            stakes = smaller


def _float_l1_book(G: np.ndarray) -> list[int] | None:
    """Bets of an L1-minimal float book ``G s ≤ −1`` (a vertex: at most ``|Ω|`` bets), or
    ``None`` when HiGHS finds none. Only a starting point: it is checked exactly."""
    Gf = np.vectorize(float, otypes=[float])(G)
    k, m = Gf.shape
    res = linprog(np.ones(2 * m), A_ub=np.hstack([Gf, -Gf]), b_ub=-np.ones(k),
                  bounds=[(0, None)] * (2 * m), method="highs-ds")
    if res.status != 0:
        return None
    s = res.x[:m] - res.x[m:]
    return [int(j) for j in np.flatnonzero(np.abs(s) > 1e-12)]


def _fewest(search: _Search, stakes: list[Fraction], budget: int) -> tuple[list[Fraction], bool]:
    """The fewest-bets book when every set of one bet fewer can be settled within ``budget``
    exact solves (``True``), else the smallest irreducible book found (``False``)."""
    m = search.G.shape[1]
    while True:
        r = len(_support(stakes))
        if r <= 2:
            return stakes, True  # no single bet is a book (checked exactly before)
        if math.comb(m, r - 1) > 10 * budget:  # too many sets even to look through
            return stakes, False
        for cols in combinations(range(m), r - 1):
            smaller = search.book_on(cols)
            if smaller is not None:
                stakes = _prune(search, smaller)
                break
            if search.solves > budget:
                return stakes, False
        else:
            return stakes, True


def small_book(G: np.ndarray, stakes: Sequence[Fraction] | None = None, *,
               budget: int = EXHAUSTIVE_BUDGET) -> tuple[list[Fraction], str] | None:
    """A small book and what its size is proved to be: ``"fewest"`` (no book has fewer
    bets) or ``"irreducible"`` (dropping any one bet leaves no book). The caller has checked
    that no single bet is a book (:func:`single_bet_book`).

    Starts from the exact book ``stakes``, or without them from an L1-minimal float book
    checked exactly (``None`` when that is no book: the caller then decides with the full
    LP). Cost: see the module docstring.

    >>> G = np.array([[Fraction(1, 2), Fraction(-3, 5)], [Fraction(-1, 2), Fraction(2, 5)]])
    >>> small_book(G)  # buy {a} at 1/2 and {b} at 3/5: 1/10 lost in either state
    ([Fraction(1, 1), Fraction(1, 1)], 'fewest')
    """
    search = _Search(G)
    if stakes is None:
        start = _float_l1_book(G)
        best = search.book_on(start) if start is not None else None
        if best is None:
            return None
    else:
        best = list(stakes)
    best, fewest = _fewest(search, _prune(search, _basic(G, best)), budget)
    return best, "fewest" if fewest else "irreducible"
