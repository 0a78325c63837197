"""Exact linear equations: Gauss–Jordan elimination in Fractions."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from coherence._exact.numbers import as_fraction

__all__ = ["rref_solve", "solve_linear_exact"]


def _eliminate(rows: list[list[Fraction]], n: int) -> list[int] | None:
    """Reduce the augmented ``rows`` (width ``n + 1``) in place; pivot columns, or ``None``
    when a zero row has a non-zero right-hand side (inconsistent)."""
    m = len(rows)
    pivots: list[int] = []
    r = 0
    for c in range(n):
        if r == m:
            break
        piv = next((i for i in range(r, m) if rows[i][c] != 0), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        pr = rows[r]
        inv = 1 / pr[c]
        if inv != 1:
            pr = [v * inv for v in pr]
            rows[r] = pr
        nz = [j for j in range(c, n + 1) if pr[j] != 0]
        for i in range(m):
            if i != r:
                f = rows[i][c]
                if f != 0:
                    ri = rows[i]
                    for j in nz:
                        ri[j] -= f * pr[j]
        pivots.append(c)
        r += 1
    if any(rows[i][n] != 0 for i in range(r, m)):
        return None
    return pivots


def rref_solve(
    A: Sequence[Sequence[Fraction]], b: Sequence[Fraction], pinned: dict[int, Fraction]
) -> list[Fraction] | None:
    """Solve ``A x = b`` exactly with Gauss–Jordan elimination on Fractions.

    Free (non-pivot) variables take the value in ``pinned`` (default 0). Returns ``None`` when
    the system is inconsistent. O(rows · cols · rank) Fraction operations.

    >>> F = Fraction
    >>> rref_solve([[F(1), F(1)], [F(1), F(-1)]], [F(3), F(1)], {})
    [Fraction(2, 1), Fraction(1, 1)]
    """
    n = len(A[0]) if len(A) else len(pinned)
    rows = [[*list(r), bi] for r, bi in zip(A, b, strict=True)]
    pivots = _eliminate(rows, n)
    if pivots is None:
        return None
    x = [pinned.get(j, Fraction(0)) for j in range(n)]
    piv_set = set(pivots)
    for i, c in enumerate(pivots):
        s = rows[i][n]
        for j in range(c + 1, n):
            if j not in piv_set and rows[i][j] != 0:
                s -= rows[i][j] * x[j]
        x[c] = s
    return x


def solve_linear_exact(
    A: Sequence[Sequence[Any]], b: Sequence[Any], pinned: dict[int, Any] | None = None
) -> list[Fraction] | None:
    """Exactly solve ``A x = b`` (entries read by :func:`as_fraction`); free variables are set
    from ``pinned`` (else 0).

    Returns ``None`` when the system is inconsistent. O(rows · cols · rank) Fraction operations.

    >>> solve_linear_exact([[1, 1], [1, -1]], ["1/2", 0])
    [Fraction(1, 4), Fraction(1, 4)]
    >>> solve_linear_exact([[1, 1], [2, 2]], [1, 3]) is None
    True
    """
    AA = [[as_fraction(v) for v in row] for row in A]
    bb = [as_fraction(v) for v in b]
    pin = {int(k): as_fraction(v) for k, v in (pinned or {}).items()}
    if not AA:
        n = max(pin, default=-1) + 1
        return [pin.get(j, Fraction(0)) for j in range(n)]
    return rref_solve(AA, bb, pin)
