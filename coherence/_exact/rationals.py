"""Floats as the rationals they were meant to be: the scalar rule and its vectorised twin.

The *decimal* reading of a finite float ``x`` (the default of the number policy in
:mod:`coherence._exact.numbers`) is

* the shortest decimal that rounds to ``x`` (what :func:`repr` prints) when it has at most
  15 significant digits — every decimal of 15 digits survives the trip to binary and back, so
  this is what a person typed: ``0.8`` is ``4/5``, ``1e20`` is ``10²⁰``;
* otherwise (a float that came out of a computation, ``0.3333333333333333`` written by a CSV
  writer, say) the *simplest* rational that rounds to ``x`` — the one of least denominator
  (then least numerator), found on the Stern–Brocot path of ``x``'s exact binary value: the
  first semiconvergent of its continued fraction that rounds to ``x`` (Khinchin 1964,
  *Continued fractions*, §6; Graham, Knuth & Patashnik 1994, *Concrete Mathematics*, §4.5);
  ``0.3333333333333333`` is ``1/3``. Floats at or beyond ``2⁵³`` are integers and keep their
  binary value.

Either way the rational rounds back to ``x`` (``float(q) == x``), so the float arrays of the
fast layer stay within half an ulp of the exact values. The *binary* reading is the float's
exact dyadic value.

:func:`simplest_rational` is the scalar rule (O(log q) big-integer steps);
:func:`rational_parts` applies the same rule to an array in int64 numpy passes — decimals by
correctly rounded division ``n / 10^k`` (exact when ``n, 10^k < 2⁵³``: IEEE 754 division
rounds correctly), the rest by a vectorised continued fraction of ``m / 2^e`` — and sends the
few values out of that range to the scalar rule. 10⁶ values take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import numpy as np

__all__ = ["NumberReading", "binary_parts", "rational_parts", "rational_sum", "simplest_rational"]

NumberReading = Literal["decimal", "binary"]

_TWO53 = 2**53
_MAX_DIGITS = 15  # decimals with this many significant digits survive a round trip
_MAX_K = 18  # 10^k fits int64 and is an exact float for k ≤ 18


def _simplest_between(x: float, v: Fraction) -> Fraction:
    """The first semiconvergent of ``v > 0`` (exact) that rounds to the float ``x``."""
    n, d = v.numerator, v.denominator
    p2, q2, p1, q1 = 0, 1, 1, 0
    while True:
        a, r = divmod(n, d)
        p, q = a * p1 + p2, a * q1 + q2
        if p / q == x:  # int true division rounds correctly
            lo, hi = 1, a  # smallest j in [1, a] with (j p1 + p2)/(j q1 + q2) rounding to x
            while lo < hi:
                mid = (lo + hi) // 2
                if (mid * p1 + p2) / (mid * q1 + q2) == x:
                    hi = mid
                else:
                    lo = mid + 1
            return Fraction(lo * p1 + p2, lo * q1 + q2)
        p2, q2, p1, q1 = p1, q1, p, q
        n, d = d, r


def simplest_rational(x: float) -> Fraction:
    """The decimal reading of the finite float ``x`` (see the module docstring).

    O(log q) integer steps for the result ``p/q``; the result rounds back to ``x``.

    >>> simplest_rational(0.8), simplest_rational(0.3333333333333333), simplest_rational(1e20)
    (Fraction(4, 5), Fraction(1, 3), Fraction(100000000000000000000, 1))
    >>> simplest_rational(0.1 + 0.2) == Fraction(3, 10)
    False
    """
    if x == 0:
        return Fraction(0)
    d = Decimal(repr(x)).normalize()
    if len(d.as_tuple().digits) <= _MAX_DIGITS:
        return Fraction(d)
    if abs(x) >= _TWO53:
        return Fraction(x)
    q = _simplest_between(abs(x), Fraction(abs(x)))
    return q if x > 0 else -q


def binary_parts(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators of the exact binary values of a finite float array.

    int64 where every value fits (``|x| < 2⁶²`` with a denominator of at most ``2⁶²``),
    Python ints in object arrays otherwise. O(size).

    >>> n, d = binary_parts(np.array([0.5, 3.0, 0.1]))
    >>> n.tolist(), d.tolist()
    ([1, 3, 3602879701896397], [2, 1, 36028797018963968])
    """
    a = np.asarray(a, dtype=np.float64)
    f, E = np.frexp(a)
    m = np.ldexp(f, 53).astype(np.int64)  # exact: |m| < 2⁵³
    e = 53 - E.astype(np.int64)
    tz = _trailing_zeros(m)
    cut = np.minimum(tz, np.maximum(e, 0))
    cut[m == 0] = 0
    m >>= cut
    e -= cut
    e[m == 0] = 0
    ok = (e >= 0) & (e <= 62) | ((e < 0) & (e >= -9))
    if ok.all():
        num = np.where(e >= 0, m, m << np.maximum(-e, 0))
        den = np.left_shift(np.int64(1), np.maximum(e, 0))
        return num, den
    num_o = np.empty(a.shape, dtype=object)
    den_o = np.empty(a.shape, dtype=object)
    for idx, v in enumerate(a.reshape(-1).tolist()):
        q = Fraction(v)
        num_o.reshape(-1)[idx] = q.numerator
        den_o.reshape(-1)[idx] = q.denominator
    return num_o, den_o


def _trailing_zeros(m: np.ndarray) -> np.ndarray:
    """Number of trailing zero bits of each |m| (0 for m = 0). O(size · 6)."""
    x = np.abs(m)
    low = x & -x  # lowest set bit
    out = np.zeros(m.shape, dtype=np.int64)
    nz = low > 0
    out[nz] = np.log2(low[nz].astype(np.float64)).astype(np.int64)  # exact for powers of two
    return out


_CHUNK = 1 << 16  # values per continued-fraction pass (its arrays stay in cache)
_POW10 = np.array([10.0**k for k in range(_MAX_K + 1)])  # exact: 10^k < 2^63, k ≤ 22
_IPOW10 = np.array([10**k for k in range(_MAX_K + 1)], dtype=np.int64)


def _decimals(x: np.ndarray, num: np.ndarray, den: np.ndarray, todo: np.ndarray) -> np.ndarray:
    """Fill the shortest decimals of at most 15 significant digits; the undecided indices back.

    A decimal of at most 15 significant digits is, at the scale ``K = 14 − ⌊log₁₀|x|⌋``
    (clipped to ``[0, 18]``), an integer ``n < 10¹⁵ < 2⁵³`` with ``n / 10^K == x`` (exact: both
    are floats, the division correctly rounded); distinct such decimals are further apart than
    a float's spacing, so there is at most one, and ``n = rint(x·10^K)`` or a neighbour finds it
    (at ``K = 0`` any integer below ``2⁵³``). Its shortest form drops ``n``'s trailing zeros.
    O(size) float passes, plus at most 18 int64 passes over the decimals found.
    """
    xs = x[todo]
    mag = np.floor(np.log10(np.abs(xs))).astype(np.int64)  # decimal exponent (±1)
    K = np.clip(_MAX_DIGITS - 1 - mag, 0, _MAX_K)
    scale = _POW10[K]
    with np.errstate(over="ignore", invalid="ignore"):
        n0 = np.rint(xs * scale)
    found = np.zeros(todo.size, dtype=bool)
    best = np.zeros(todo.size)
    for n in (n0, n0 - 1.0, n0 + 1.0):
        with np.errstate(over="ignore", invalid="ignore"):
            hit = ~found & (np.abs(n) < _TWO53) & (n / scale == xs)
        best[hit] = n[hit]
        found |= hit
    found &= (K == 0) | (np.abs(best) < 10.0**_MAX_DIGITS)
    ni, ki, at = best[found].astype(np.int64), K[found], todo[found]
    strip = np.flatnonzero((ki > 0) & (ni % 10 == 0))
    while strip.size:
        ni[strip] //= 10
        ki[strip] -= 1
        strip = strip[(ki[strip] > 0) & (ni[strip] % 10 == 0)]
    p = _IPOW10[ki]
    g = np.gcd(ni, p)
    num[at] = ni // g
    den[at] = p // g
    return todo[~found]


def _fractions_cf(x: np.ndarray, num: np.ndarray, den: np.ndarray, todo: np.ndarray
                  ) -> np.ndarray:
    """Simplest rationals by a vectorised continued fraction of ``|x| = m / 2^e`` in int64.

    Convergents ``p/q`` are tested by ``p / q == |x|`` (correctly rounded, exact while
    ``p, q < 2⁵³``), then the least semiconvergent is found by bisection. Returns the indices
    it could not settle in int64 (``e`` outside ``[0, 62]`` or ``q ≥ 2⁵³``). O(size · log q).
    """
    ax = np.abs(x[todo])
    f, E = np.frexp(ax)
    m = np.ldexp(f, 53).astype(np.int64)
    e = 53 - E.astype(np.int64)
    inrange = (e >= 0) & (e <= 62) & (ax < _TWO53)
    bad = [todo[~inrange]]
    idx, ax, r0 = todo[inrange], ax[inrange], m[inrange]
    r1 = np.left_shift(np.int64(1), e[inrange])
    p2 = np.zeros(idx.size, np.int64)
    q2 = np.ones(idx.size, np.int64)
    p1 = np.ones(idx.size, np.int64)
    q1 = np.zeros(idx.size, np.int64)
    sign = np.sign(x[idx]).astype(np.int64)
    while idx.size:
        a, r2 = np.divmod(r0, r1)
        p = a * p1
        p += p2
        q = a * q1
        q += q2
        fits = (p < _TWO53) & (q < _TWO53)
        hit = p.astype(np.float64)
        hit /= q
        hit = fits & (hit == ax)
        if hit.any():
            j = _least_j(ax[hit], a[hit], p1[hit], q1[hit], p2[hit], q2[hit])
            num[idx[hit]] = sign[hit] * (j * p1[hit] + p2[hit])
            den[idx[hit]] = j * q1[hit] + q2[hit]
        keep = fits & ~hit & (r2 != 0)  # r2 = 0: x itself, which must have hit or overflowed
        if keep.all():
            r0, r1, p2, p1, q2, q1 = r1, r2, p1, p, q1, q
            continue
        bad.append(idx[~keep & ~hit])
        r0, r1 = r1[keep], r2[keep]
        p2, p1, q2, q1 = p1[keep], p[keep], q1[keep], q[keep]
        idx, ax, sign = idx[keep], ax[keep], sign[keep]
    return np.concatenate(bad) if bad else np.empty(0, np.int64)


def _least_j(ax: np.ndarray, a: np.ndarray, p1: np.ndarray, q1: np.ndarray, p2: np.ndarray,
             q2: np.ndarray) -> np.ndarray:
    """Least ``j ∈ [1, a]`` with ``(j p1 + p2)/(j q1 + q2)`` rounding to ``ax`` (bisection)."""
    lo = np.ones(a.size, np.int64)
    hi = a.copy()
    while True:
        open_ = lo < hi
        if not open_.any():
            return lo
        mid = (lo + hi) // 2
        ok = (mid * p1 + p2).astype(np.float64) / (mid * q1 + q2).astype(np.float64) == ax
        hi = np.where(open_ & ok, mid, hi)
        lo = np.where(open_ & ~ok, mid + 1, lo)


def rational_parts(a: np.ndarray, numbers: NumberReading = "decimal"
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Numerators and denominators (reduced, denominators positive) of a finite float array
    read by the number policy: ``"decimal"`` (:func:`simplest_rational`, vectorised) or
    ``"binary"`` (:func:`binary_parts`).

    int64 arrays when every value fits, object arrays of Python ints otherwise. O(size · 19)
    float passes plus O(size · log q) int64 passes; values out of int64 range (below about
    ``10⁻⁵`` with 16 or more digits, say) go through the scalar rule.

    >>> n, d = rational_parts(np.array([0.8, 0.3333333333333333, -2.5, 0.0]))
    >>> n.tolist(), d.tolist()
    ([4, 1, -5, 0], [5, 3, 2, 1])
    """
    x = np.asarray(a, dtype=np.float64)
    if numbers == "binary":
        return binary_parts(x)
    flat = x.reshape(-1)
    num = np.zeros(flat.size, np.int64)
    den = np.ones(flat.size, np.int64)
    todo = np.flatnonzero(flat != 0)
    todo = _decimals(flat, num, den, todo)
    if todo.size:  # in cache-sized chunks: the loop makes about 20 passes over each
        todo = np.concatenate([_fractions_cf(flat, num, den, todo[i : i + _CHUNK])
                               for i in range(0, todo.size, _CHUNK)])
    if todo.size:
        num_o, den_o = num.astype(object), den.astype(object)
        for i in todo.tolist():
            q = simplest_rational(float(flat[i]))
            num_o[i], den_o[i] = q.numerator, q.denominator
        return num_o.reshape(x.shape), den_o.reshape(x.shape)
    return num.reshape(x.shape), den.reshape(x.shape)


def rational_sum(values: Iterable[Fraction | int]) -> Fraction:
    """The exact sum of rationals by pairwise (tree) summation of unreduced numerator and
    denominator pairs, reduced once at the end: O(M(N) log n) for ``n`` terms whose
    denominators total ``N`` bits (``M`` the cost of a multiplication), where adding them
    one by one with :class:`~fractions.Fraction` pays a gcd of the growing sum per term
    (quadratic in ``n`` for distinct denominators: 12 s for 5,000 cost ratios).

    >>> rational_sum([Fraction(1, 3), Fraction(1, 6), 2])
    Fraction(5, 2)
    """
    pairs = [(int(v.numerator), int(v.denominator)) for v in (Fraction(x) for x in values)]
    if not pairs:
        return Fraction(0)
    while len(pairs) > 1:
        nxt = []
        for k in range(0, len(pairs) - 1, 2):
            (a, b), (c, d) = pairs[k], pairs[k + 1]
            nxt.append((a * d + c * b, b * d) if b != d else (a + c, b))
        if len(pairs) % 2:
            nxt.append(pairs[-1])
        pairs = nxt
    return Fraction(*pairs[0])
