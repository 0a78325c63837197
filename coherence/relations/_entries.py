"""Exact entries of a payment matrix and the filtered test of a potential.

``W[i, j]`` (float64, ``-inf``: no edge) is the fast layer's copy of a payment whose exact
value is the number policy's reading of the float (:mod:`coherence.numbers`), or the
rational given; either way it lies within half an ulp of the float. :class:`ExactEntries`
reads entries on demand (scalar reads cached, vectorised bulk reads), and
:func:`potential_holds` checks ``W[i, j] − λ ≤ u[j] − u[i]`` on every edge as a *filtered*
predicate: a vectorised float pass with a rigorous error bound decides every entry outside
the bound, and exact integer arithmetic (over one denominator per comparison) the few inside
it (Shewchuk 1997, *Adaptive precision floating-point arithmetic*, on filtered predicates).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from coherence._exact import NumberReading, rational_parts, read_float

__all__ = ["ExactEntries", "Scaled", "floats_hold", "potential_holds", "reduced_payments"]

#: relative error bound of ``(W + u_i) − u_j − λ`` over the magnitudes summed: three
#: roundings of at most 2⁻⁵³ each and half an ulp in each of the four inputs, with room
_REL = 2.0**-50
#: absolute slack for inputs in the subnormal range (each within 2⁻¹⁰⁷⁵ of its float)
_ABS = 2.0**-1070
#: about this many entries per block of the vectorised scans
_BLOCK = 1 << 21
#: decimals with up to this many digits after the point may get int64 integers
_MAX_DECIMALS = 12


@dataclass(frozen=True)
class Scaled:
    """Every finite entry as ``S[i, j] / L`` (``S`` int64, 0 off the edges, ``|S| ≤ smax``)."""

    S: np.ndarray
    L: int
    smax: int


def blocks(n: int) -> Iterator[slice]:
    """Row blocks of about :data:`_BLOCK` entries of an ``n × n`` matrix."""
    step = max(1, _BLOCK // max(1, n))
    for lo in range(0, n, step):
        yield slice(lo, min(n, lo + step))


def nearest(v: Fraction | int) -> float:
    """The float nearest ``v`` (``±inf`` beyond the float range)."""
    try:
        return float(v)
    except OverflowError:
        return float("inf") if v > 0 else float("-inf")


def unclear_rows(W: np.ndarray, uf: np.ndarray, lam: float, rows: slice
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Off-diagonal edges in ``rows`` that floats cannot show satisfy ``W − λ ≤ u[j] − u[i]``:
    the float residual is not below minus its error bound (or is not a number). O(size)."""
    Wb = W[rows]
    with np.errstate(over="ignore", invalid="ignore"):
        ui = uf[rows, None]
        r = (Wb + ui) - uf[None, :] - lam
        bound = (np.abs(Wb) + np.abs(ui) + np.abs(uf)[None, :] + abs(lam)) * _REL + _ABS
        clear = r < -bound
    I, J = np.nonzero(np.isfinite(Wb) & ~clear)
    I += rows.start
    keep = I != J
    return I[keep], J[keep]


def unclear_column(W: np.ndarray, uf: np.ndarray, lam: float, j: int) -> np.ndarray:
    """The tails ``i`` of the edges into ``j`` that floats cannot show satisfied. O(n)."""
    Wc = W[:, j]
    with np.errstate(over="ignore", invalid="ignore"):
        r = (Wc + uf) - uf[j] - lam
        bound = (np.abs(Wc) + np.abs(uf) + abs(uf[j]) + abs(lam)) * _REL + _ABS
        clear = r < -bound
    I = np.flatnonzero(np.isfinite(Wc) & ~clear)
    return I[np.not_equal(I, j)]


def _short_decimals(vals: np.ndarray) -> bool:
    """Whether every value is a decimal of at most :data:`_MAX_DECIMALS` places and below
    10¹⁵ in units of its last place (the number policy then reads it as that decimal).
    O(size · places) float passes."""
    left = vals
    for k in range(_MAX_DECIMALS + 1):
        scale = 10.0**k
        n = np.rint(left * scale)
        left = left[~((np.abs(n) < 1e15) & (n / scale == left))]
        if not left.size:
            return True
    return False


class ExactEntries:
    """Exact values of the finite entries of a payment matrix ``W``, read when needed.

    ``numbers`` is the reading of floats; ``given`` an object matrix of the exact entries
    when they were given exactly (else ``None``). Reads are cached as numerator/denominator
    pairs; :meth:`scaled` reads every entry once (vectorised) and keeps int64 integers over
    one common denominator when they exist.
    """

    def __init__(self, W: np.ndarray, numbers: str, given: np.ndarray | None) -> None:
        self.W, self.numbers, self.given = W, numbers, given
        self.n = W.shape[0]
        self._parts: dict[int, tuple[int, int]] = {}
        self._full: tuple[np.ndarray, np.ndarray] | None = None
        self._scaled: Scaled | bool | None = False  # False: not computed yet

    def parts(self, rows: Sequence[int], cols: Sequence[int]) -> tuple[list[int], list[int]]:
        """Numerators and denominators (reduced, denominators positive) of the entries at
        ``(rows[k], cols[k])``: cached per entry, or for the whole matrix once a request is
        large (one vectorised read of every entry)."""
        n, cache = self.n, self._parts
        if self._full is None and len(rows) > max(64, n * n // 16):
            self._full = self._read_all()
        if self._full is not None:
            num, den = self._full
            return num[rows, cols].tolist(), den[rows, cols].tolist()
        keys = [i * n + j for i, j in zip(rows, cols, strict=True)]
        missing = [k for k in keys if k not in cache]
        if missing:
            if self.given is not None:
                for k in missing:
                    v = self.given[k // n, k % n]
                    cache[k] = (v.numerator, v.denominator)
            elif len(missing) <= 32:  # a few scalar reads beat a vectorised pass
                flat = self.W.reshape(-1)
                for k in missing:
                    v = read_float(float(flat[k]), self.numbers)
                    cache[k] = (v.numerator, v.denominator)
            else:
                vals = self.W.reshape(-1)[np.array(missing, dtype=np.int64)]
                num, den = rational_parts(vals, self._reading)
                cache.update(zip(missing, zip(num.tolist(), den.tolist(), strict=True),
                                 strict=True))
        pq = [cache[k] for k in keys]
        return [p for p, _ in pq], [q for _, q in pq]

    @property
    def _reading(self) -> NumberReading:
        return "binary" if self.numbers == "binary" else "decimal"

    def _read_all(self) -> tuple[np.ndarray, np.ndarray]:
        """Numerators and denominators of every finite entry (0/1 elsewhere), as n × n
        arrays (int64 or Python ints). O(n²) vectorised."""
        fin = np.isfinite(self.W)
        if self.given is not None:
            num = np.zeros(self.W.shape, dtype=object)
            den = np.ones(self.W.shape, dtype=object)
            vals = self.given[fin].tolist()
            num[fin] = [v.numerator for v in vals]
            den[fin] = [v.denominator for v in vals]
            return num, den
        vals = self.W[fin]
        if vals.size <= 256:  # scalar reads beat the vectorised pass's fixed cost
            qs = [read_float(v, self.numbers) for v in vals.tolist()]
            p = np.array([v.numerator for v in qs], dtype=object)
            q = np.array([v.denominator for v in qs], dtype=object)
        else:
            p, q = rational_parts(vals, self._reading)
        num = np.zeros(self.W.shape, dtype=p.dtype)
        den = np.ones(self.W.shape, dtype=q.dtype)
        num[fin], den[fin] = p, q
        return num, den

    def at(self, rows: Sequence[int], cols: Sequence[int]) -> list[Fraction]:
        """Exact entries at ``(rows[k], cols[k])`` (finite ones), as Fractions."""
        if self.given is not None:
            return [self.given[i, j] for i, j in zip(rows, cols, strict=True)]
        if len(rows) <= 4:  # a few scalar reads beat a vectorised pass
            return [read_float(float(self.W[i, j]), self.numbers)
                    for i, j in zip(rows, cols, strict=True)]
        P, Q = self.parts(rows, cols)
        return [Fraction(p, q) for p, q in zip(P, Q, strict=True)]

    def scaled(self) -> Scaled | None:
        """The entries as int64 integers over one common denominator, or ``None`` when they
        do not fit (the decimal reading of computed floats, wide binary ranges). O(n²)
        vectorised, once."""
        if self._scaled is False:
            self._scaled = self._compute_scaled()
        return self._scaled  # type: ignore[return-value]  # computed above

    def _compute_scaled(self) -> Scaled | None:
        fin = np.isfinite(self.W)
        if self.given is None:
            vals = self.W[fin]
            if self.numbers == "binary":
                _, E = np.frexp(vals[vals != 0])
                if E.size and int(E.max()) - int(E.min()) + 54 > 62:
                    return None  # integers over one power of two would not fit int64
            elif not (_short_decimals(vals[:4096]) and _short_decimals(vals)):
                return None
        if self._full is None:
            self._full = self._read_all()
        num, den = self._full[0][fin], self._full[1][fin]
        S = np.zeros(fin.shape, dtype=np.int64)
        if not num.size:
            return Scaled(S, 1, 0)
        L = 1
        for d in set(den.tolist()):
            L = math.lcm(L, int(d))
            if L >= 2**62:
                return None
        mult = [L // int(q) for q in den.tolist()]
        top = max(abs(int(p)) * m for p, m in zip(num.tolist(), mult, strict=True))
        if top >= 2**62:
            return None
        S[fin] = np.asarray(num, dtype=np.int64) * np.asarray(mult, dtype=np.int64)
        return Scaled(S, L, top)


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a + b = s + e`` exactly (Knuth's TwoSum), elementwise."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a · b = p + e`` exactly for moderate magnitudes (Dekker's product, Veltkamp's
    split), elementwise."""
    p = a * b
    ca, cb = 134217729.0 * a, 134217729.0 * b  # 2²⁷ + 1
    ah, bh = ca - (ca - a), cb - (cb - b)
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _offsets(entries: ExactEntries, I: np.ndarray, J: np.ndarray) -> np.ndarray:
    """``exact − float`` of the entries at ``(I, J)``, each to about float precision (0 in
    the binary reading). Vectorised where numerator and denominator are exact floats."""
    Wf = entries.W[I, J]
    if entries.given is None and entries.numbers == "binary":
        return np.zeros(I.size)
    if entries.given is not None:
        return np.array([nearest(v - Fraction(float(w)))
                         for v, w in zip(entries.at(I.tolist(), J.tolist()), Wf.tolist(),
                                         strict=True)])
    P, Q = entries.parts(I.tolist(), J.tolist())
    p = np.array([float(v) if abs(v) < 2**53 else np.nan for v in P])
    q = np.array([float(v) if v < 2**53 else np.nan for v in Q])
    with np.errstate(over="ignore", invalid="ignore"):
        ph, pl = _two_prod(q, Wf)
        out = ((p - ph) - pl) / q  # p − ph is exact: p and ph are within a factor 2
    bad = np.flatnonzero(~np.isfinite(out))
    for t in bad.tolist():
        out[t] = nearest(Fraction(P[t], Q[t]) - Fraction(float(Wf[t])))
    return out


def reduced_payments(entries: ExactEntries, I: np.ndarray, J: np.ndarray, u: np.ndarray,
                     lam: float) -> np.ndarray:
    """``W[i, j] − λ + u[i] − u[j]`` at ``(I, J)`` for float ``u`` and ``λ``, to about twice
    the float precision of the magnitudes (an error-free TwoSum chain, then the entries'
    offsets from their floats): the small reduced payments of near-tight edges keep their
    leading digits, which plain float arithmetic cancels away. O(len(I)).

    >>> W = np.array([[-np.inf, 0.1], [0.2, -np.inf]])
    >>> r = reduced_payments(ExactEntries(W, "decimal", None), np.array([0]), np.array([1]),
    ...                      np.array([0.0, 0.1]), 0.0)
    >>> bool(r[0] == float(Fraction(1, 10) - Fraction(0.1)))  # floats would round it to 0
    True
    """
    Wf = entries.W[I, J]
    with np.errstate(over="ignore", invalid="ignore"):
        s, e1 = _two_sum(Wf, u[I])
        s, e2 = _two_sum(s, -u[J])
        s, e3 = _two_sum(s, np.full(s.shape, -lam))
        return s + ((e1 + e2 + e3) + _offsets(entries, I, J))


def _common(u: Sequence[Fraction]) -> int:
    D = 1
    for v in u:
        D = math.lcm(D, v.denominator)
    return D


def violated(entries: ExactEntries, lam: Fraction, u: Sequence[Fraction], D: int,
             I: np.ndarray, J: np.ndarray) -> np.ndarray:
    """Exact ``W[i, j] − λ + u[i] − u[j] > 0`` at ``(I, J)``, where every ``u`` is an integer
    over ``D``: ``p·b·D − a·q·D + (N_i − N_j)·q·b > 0`` in integers, vectorised."""
    N = np.array([v.numerator * (D // v.denominator) for v in u], dtype=object)
    a, b = lam.numerator, lam.denominator
    sc = entries.scaled() if I.size > max(64, entries.n * entries.n // 16) else None
    if sc is not None:  # one denominator L for every entry: S·(b·D) − a·L·D + (N_i − N_j)·L·b
        S = sc.S[I, J].astype(object)
        lhs = S * (b * D) - a * sc.L * D + (N[I] - N[J]) * (sc.L * b)
        return np.asarray(lhs > 0, dtype=bool)
    P, Q = entries.parts(I.tolist(), J.tolist())
    p = np.array(P, dtype=object)
    q = np.array(Q, dtype=object)
    lhs = p * (b * D) - q * (a * D) + (N[I] - N[J]) * q * b
    return np.asarray(lhs > 0, dtype=bool)


def potential_holds(entries: ExactEntries, u: Sequence[Fraction],
                    lam: Fraction = Fraction(0)) -> bool:
    """``W[i, j] − λ ≤ u[j] − u[i]`` exactly on every finite off-diagonal entry.

    Filtered: a vectorised float pass with a rigorous error bound, then exact integers on the
    entries inside it. O(n²) float work plus the exact candidates.

    >>> W = np.array([[-np.inf, 0.1], [-0.1, -np.inf]])
    >>> potential_holds(ExactEntries(W, "decimal", None), [Fraction(0), Fraction(1, 10)])
    True
    >>> potential_holds(ExactEntries(W, "binary", None), [Fraction(0), Fraction(1, 10)])
    False
    """
    uf = np.array([nearest(v) for v in u], dtype=np.float64)
    lam_f = nearest(lam)
    D = 0
    for rows in blocks(entries.n):
        I, J = unclear_rows(entries.W, uf, lam_f, rows)
        if I.size:
            D = D or _common(u)
            if violated(entries, lam, u, D, I, J).any():
                return False
    return True


def floats_hold(entries: ExactEntries, uf: np.ndarray) -> bool:
    """Whether floats alone show the float potential ``uf`` holds (no entry undecided).
    O(n²) float work.

    >>> floats_hold(ExactEntries(np.array([[-np.inf, 1.0], [-2.0, -np.inf]]), "decimal", None),
    ...             np.array([0.0, 1.5]))
    True
    """
    return not any(unclear_rows(entries.W, uf, 0.0, rows)[0].size for rows in blocks(entries.n))
