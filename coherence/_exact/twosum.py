"""Exact comparisons of float expressions (error-free transformations).

Floats are dyadic rationals, so inequalities between them can be decided exactly. For
``a + b ≤ c`` we use Knuth's TwoSum: ``s = fl(a + b)`` and ``e`` with ``a + b = s + e``
exactly; then ``a + b ≤ c`` iff ``s < c`` or (``s == c`` and ``e ≤ 0``), because
``|e| ≤ ½ ulp(s)`` puts ``s + e`` strictly below the next float above ``s``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sum_le"]


def sum_le(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Elementwise exact test ``a + b ≤ c`` for finite float64 arrays (broadcasting). O(size)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        s = a + b
        bb = s - a
        e = (a - (s - bb)) + (b - bb)
    ok = (s < c) | ((s == c) & (e <= 0))
    # overflow in s: fall back to exact Fractions for those (rare) entries
    bad = ~np.isfinite(s)
    if bad.any():
        from fractions import Fraction

        ab, bb2, cb = np.broadcast_arrays(a, b, c)
        ok = np.array(ok, copy=True)
        for idx in zip(*np.nonzero(np.broadcast_to(bad, ok.shape)), strict=True):
            ok[idx] = Fraction(ab[idx]) + Fraction(bb2[idx]) <= Fraction(cb[idx])
    return ok
