"""Exact linear-ordering and weak-ordering problems by dynamic programming over subsets.

Given weights ``W[a][b]`` (exact rationals or integers) for "``a`` is ranked strictly above
``b``", :func:`best_linear_order` finds a linear order maximising ``Σ W[a][b]`` over the pairs
it ranks ``a`` above ``b``, and :func:`best_weak_order` the same over weak orders (tied pairs
gain nothing). The recursion over the set ``S`` of the items placed on top is the
Held–Karp-style dynamic programme for the linear ordering problem (Martí & Reinelt 2011, *The
Linear Ordering Problem*, §4): ``f(S ∪ {v}) = max f(S) + Σ_{u∈S} W[u][v]``, O(2ⁿn) states
and O(2ⁿn²) work with running column sums; for weak orders the next block ``T`` is any
non-empty subset of the rest, O(3ⁿn). Fractions are scaled to integers first, so every step
is an integer addition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

__all__ = ["best_linear_order", "best_weak_order", "integer_weights"]


def integer_weights(W: Sequence[Sequence[Any]]) -> tuple[list[list[int]], int]:
    """``(M, d)`` with ``M = d·W`` in integers, ``d`` the least common denominator. O(n²).

    >>> integer_weights([[0, Fraction(1, 2)], [Fraction(-1, 3), 0]])
    ([[0, 3], [-2, 0]], 6)
    """
    fr = [[v if isinstance(v, Fraction) else Fraction(v) for v in row] for row in W]
    d = 1
    for row in fr:
        for v in row:
            d = d * v.denominator // math.gcd(d, v.denominator)
    return [[int(v * d) for v in row] for row in fr], d


def _column_sums(M: list[list[int]], n: int) -> list[list[int]]:
    """``cs[S][v] = Σ_{u∈S} M[u][v]`` for every subset ``S`` (bit mask). O(2ⁿn)."""
    cs = [[0] * n]
    for b in range(n):
        row = M[b]
        cs.extend([x + y for x, y in zip(c, row, strict=True)] for c in list(cs))
    return cs


def best_linear_order(W: Sequence[Sequence[Any]]) -> tuple[Fraction, tuple[int, ...]]:
    """The largest ``Σ W[a][b]`` over pairs a linear order ranks ``a`` above ``b``, and an
    order attaining it (item indices, best first). Exact; O(2ⁿn²) integer operations, O(2ⁿn)
    memory (n ≤ 20 or so).

    >>> best_linear_order([[0, 1, 0], [0, 0, 1], [5, 0, 0]])
    (Fraction(6, 1), (2, 0, 1))
    """
    n = len(W)
    if n == 0:
        return Fraction(0), ()
    M, d = integer_weights(W)
    cs = _column_sums(M, n)
    full = (1 << n) - 1
    f: list[int | None] = [None] * (full + 1)
    last = [0] * (full + 1)
    f[0] = 0
    for S in range(full):  # every proper subset before its supersets
        fs = f[S]
        if fs is None:
            continue
        col = cs[S]
        for v in range(n):
            bit = 1 << v
            if S & bit:
                continue
            val = fs + col[v]
            T = S | bit
            cur = f[T]
            if cur is None or val > cur:
                f[T] = val
                last[T] = v
    order: list[int] = []
    S = full
    while S:
        v = last[S]
        order.append(v)
        S &= ~(1 << v)
    best = f[full]
    assert best is not None
    return Fraction(best, d), tuple(reversed(order))


def best_weak_order(W: Sequence[Sequence[Any]]) -> tuple[Fraction, tuple[tuple[int, ...], ...]]:
    """The largest ``Σ W[a][b]`` over pairs a weak order ranks strictly ``a`` above ``b``
    (ties gain nothing), and a weak order attaining it: blocks of tied item indices, best
    first. Exact; O(3ⁿn) integer operations (n ≤ 12 or so).

    >>> best_weak_order([[0, -1], [-1, 0]])
    (Fraction(0, 1), ((0, 1),))
    """
    n = len(W)
    if n == 0:
        return Fraction(0), ()
    M, d = integer_weights(W)
    cs = _column_sums(M, n)
    full = (1 << n) - 1
    f: list[int | None] = [None] * (full + 1)
    block = [0] * (full + 1)
    f[0] = 0
    for S in range(full):
        fs = f[S]
        if fs is None:
            continue
        col = cs[S]
        rest = full & ~S
        T = rest
        while T:
            gain, t = 0, T
            while t:
                low = t & -t
                gain += col[low.bit_length() - 1]
                t ^= low
            val, U = fs + gain, S | T
            cur = f[U]
            if cur is None or val > cur:
                f[U] = val
                block[U] = T
            T = (T - 1) & rest
    blocks: list[tuple[int, ...]] = []
    S = full
    while S:
        T = block[S]
        blocks.append(tuple(v for v in range(n) if T >> v & 1))
        S &= ~T
    best = f[full]
    assert best is not None
    return Fraction(best, d), tuple(reversed(blocks))
