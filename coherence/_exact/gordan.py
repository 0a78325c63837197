"""Gordan's theorem of the alternative, exactly (Gordan 1873).

For a matrix ``G`` exactly one holds: some ``s`` has ``G s < 0`` in every row (an exploit:
a Dutch book, a dominating mixture), or some probability vector ``y`` has ``yᵀ G = 0`` (a
rationalisation: a prior, a probability measure). One bounded margin LP decides in floats
(on a power-of-two scaled copy of ``G``); the side it points to is made exact, and the other
side is tried when it fails. Both sides end in the exact solve of
:func:`~coherence._exact.feasible.find_point`, which finds a point whenever one exists, so one
of them always verifies.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence._exact.feasible import find_point, highs_solve
from coherence._exact.numbers import rational_candidates
from coherence._exact.rational_lp import exact_point, float_model
from coherence._exact.system import LinearSystem, float_array
from coherence.errors import InputError

__all__ = ["GordanResult", "gordan"]


@dataclass(frozen=True)
class GordanResult:
    """Outcome of :func:`gordan`: exactly one of ``stakes`` / ``weights`` is set.

    ``stakes`` (``s`` with ``G s < 0`` row-wise, scaled so ``max |s_j| = 1``) with ``margin =
    −max_rows (G s)`` > 0; or ``weights`` (``y ≥ 0``, ``Σ y = 1``, ``yᵀ G = 0``).
    """

    stakes: tuple[Fraction, ...] | None
    margin: Fraction | None
    weights: tuple[Fraction, ...] | None


@dataclass(frozen=True)
class _Problem:
    """``G`` restricted to the columns ``cols`` of the full ``m`` (exact and float copies)."""

    Gx: np.ndarray
    cols: list[int]
    Gs: np.ndarray
    Gf: np.ndarray

    @property
    def k(self) -> int:
        return int(self.Gx.shape[0])

    @property
    def m(self) -> int:
        return int(self.Gx.shape[1])

    def embed(self, vals: Sequence[Fraction]) -> list[Fraction]:
        s = [Fraction(0)] * self.m
        for j, v in zip(self.cols, vals, strict=True):
            s[j] = Fraction(v)
        return s


def _lcm(values: Sequence[int]) -> int:
    out = 1
    for d in values:
        if d != 1 and out % d:
            out = out * d // math.gcd(out, d)
    return out


def _scaled(p: _Problem, s: list[Fraction]) -> GordanResult:
    """The stakes over ``max |s_j| = 1`` and their exact margin ``−max_rows (G s)``, in
    integers over common denominators (O(rows · support))."""
    nz = [j for j, v in enumerate(s) if v != 0]
    L = _lcm([s[j].denominator for j in nz])
    num = np.asarray([s[j].numerator * (L // s[j].denominator) for j in nz], dtype=object)
    vals = []
    for row in p.Gx[:, nz].tolist():
        row = [v if isinstance(v, int | Fraction) else Fraction(v) for v in row]
        R = _lcm([v.denominator for v in row])
        ints = np.asarray([v.numerator * (R // v.denominator) for v in row], dtype=object)
        vals.append(Fraction(int(ints.dot(num)), R))
    big = max(abs(v) for v in s)
    return GordanResult(tuple(v / big for v in s), -max(vals) / (L * big), None)


def _rounded(x: np.ndarray) -> Iterator[list[Fraction]]:
    """:func:`rational_candidates` of ``x``, with entries that are integers kept as they
    are (most entries of a box-constrained vertex are 0 or ±1)."""
    whole = np.isfinite(x) & (x == np.round(x))
    rest = np.flatnonzero(~whole)
    base = [Fraction(int(v)) if w else Fraction(0) for v, w in zip(x.tolist(), whole, strict=True)]
    if not len(rest):
        yield base
        return
    for cand in rational_candidates(x[rest]):
        out = list(base)
        for t, v in zip(rest.tolist(), cand, strict=True):
            out[t] = v
        yield out


def _exploit(p: _Problem, sf: np.ndarray) -> GordanResult | None:
    """Round the float stakes ``sf`` (their non-zero entries) and keep the first rounding
    with ``G s < 0`` exactly."""
    Gf, k = p.Gf, p.k
    top = float(np.abs(sf).max(initial=0.0))
    sup = np.flatnonzero(np.abs(sf) > 1e-12 * top) if top > 0 else np.zeros(0, dtype=int)
    if not len(sup) or not np.all(np.isfinite(sf[sup])):
        return None
    tol = -1e-12 * (1 + np.abs(Gf).sum(axis=1).max()) if k else 0.0
    for cand in _rounded(sf[sup]):
        if not any(cand):
            continue
        cf = np.array([float(v) for v in cand])
        if k and (Gf[:, sup] @ cf).max() >= tol:
            continue  # cheap float pre-check; the exact check below decides
        full = [Fraction(0)] * len(p.cols)
        for t, v in zip(sup.tolist(), cand, strict=True):
            full[t] = v
        res = _scaled(p, p.embed(full))
        if res.margin is not None and res.margin > 0:
            return res
    return None


def _rationalise(p: _Problem, yf: np.ndarray | None) -> GordanResult | None:
    """An exact ``y ∈ Δ`` with ``yᵀ G = 0``, from the float duals ``yf`` when given."""
    k, mm = p.k, len(p.cols)
    system = LinearSystem(
        n=k,
        A_eq=np.vstack([p.Gs.T, np.ones((1, k), dtype=object)]).astype(object),
        b_eq=np.array([Fraction(0)] * mm + [Fraction(1)], dtype=object),
        lb=(Fraction(0),) * k,
    )
    if yf is not None:
        yf = np.clip(yf, 0.0, None)
        tot = yf.sum()
        yf = yf / tot if tot > 0 else None
    y = find_point(system, hint=yf) if yf is not None else find_point(system)
    return None if y is None else GordanResult(None, None, tuple(y))


def _exploit_system(p: _Problem) -> LinearSystem:
    """``G s < 0`` in every row, ``−1 ≤ s ≤ 1``."""
    mm = len(p.cols)
    return LinearSystem(
        n=mm,
        A_ub=p.Gs,
        b_ub=np.array([Fraction(0)] * p.k, dtype=object),
        lb=(Fraction(-1),) * mm,
        ub=(Fraction(1),) * mm,
        strict=np.ones(p.k, dtype=bool),
    )


def _exact_exploit(
    p: _Problem, system: LinearSystem, hint: np.ndarray | None = None
) -> GordanResult | None:
    """Exact search for ``G s < 0`` (strict rows) when floats were inconclusive, started
    from the float margin LP's point when there is one."""
    if hint is None:
        s = find_point(system)
    else:
        s = exact_point(system, hint)
        s = s if s is not None and system.satisfied(s) else None
    return None if s is None else _scaled(p, p.embed(s))


def _problem(G: Any, support: Sequence[int] | None) -> _Problem:
    Gx = np.asarray(G, dtype=object)
    if Gx.ndim != 2:
        raise InputError("gordan: G must be a matrix")
    k, m = Gx.shape
    cols = list(range(m)) if support is None else [int(j) for j in support]
    Gs = Gx[:, cols] if cols else np.zeros((k, 0), dtype=object)
    Gf = float_array(Gs) if Gs.size else np.zeros((k, len(cols)))
    return _Problem(Gx, cols, Gs, Gf)


def gordan(G: Any, *, support: Sequence[int] | None = None) -> GordanResult | None:
    """Gordan's alternative, exactly: ``∃ s: G s < 0`` (every row) or ``∃ y ∈ Δ: yᵀ G = 0``.

    Solves the bounded margin LP ``max t  s.t.  G s + t ≤ 0, −1 ≤ s ≤ 1, t ≤ 1`` with HiGHS
    (rows scaled by powers of two where their entries are very large or small). If ``t* > 0``
    the primal ``s`` is rounded and verified exactly; otherwise the duals of the row
    constraints, normalised, are the candidate ``y`` and are made exact by
    :func:`~coherence._exact.feasible.find_point`. If the float answer is wrong in either
    direction the other side is solved exactly; since :func:`find_point` finds a point
    whenever one exists, ``None`` (callers raise
    :class:`~coherence.errors.CertificationError`) would mean a bug.

    ``support`` restricts ``s`` to those columns (others fixed at 0).

    Cost: one HiGHS solve on (rows × cols) plus exact verification O(rows · cols).

    >>> gordan([[1, -1], [-1, 1]]).weights
    (Fraction(1, 2), Fraction(1, 2))
    >>> r = gordan([[-1], [-2]]); r.stakes, r.margin
    ((Fraction(1, 1),), Fraction(1, 1))
    """
    p = _problem(G, support)
    system = _exploit_system(p)
    res, primal = highs_solve(system)
    if res is None:
        return _rationalise(p, None) or _exact_exploit(p, system)
    if float(res.x[-1]) > 1e-9:
        return (_exploit(p, primal) or _exact_exploit(p, system, primal)
                or _rationalise(p, None))
    duals = None
    if getattr(res, "ineqlin", None) is not None:
        scale = np.ldexp(1.0, -np.asarray(float_model(system).row_exp[: p.k]))
        duals = -np.asarray(res.ineqlin.marginals, dtype=float) * scale
    return _rationalise(p, duals) or _exploit(p, primal) or _exact_exploit(p, system, primal)
