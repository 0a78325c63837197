"""Gordan's theorem of the alternative, exactly (Gordan 1873).

For a matrix ``G`` exactly one holds: some ``s`` has ``G s < 0`` in every row (an exploit:
a Dutch book, a dominating mixture), or some probability vector ``y`` has ``yᵀ G = 0`` (a
rationalisation: a prior, a probability measure). One bounded margin LP decides in floats;
the side it points to is made exact, and the other side is tried when it fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence._exact.feasible import find_point
from coherence._exact.numbers import rational_candidates
from coherence._exact.solvers import linprog
from coherence._exact.system import LinearSystem
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


def _scaled(p: _Problem, s: list[Fraction]) -> GordanResult:
    vals = p.Gx.dot(np.asarray(s, dtype=object))
    big = max(abs(v) for v in s)
    return GordanResult(tuple(v / big for v in s), -max(v / big for v in vals), None)


def _exploit(p: _Problem, sf: np.ndarray) -> GordanResult | None:
    """Round the float stakes ``sf`` and keep the first rounding with ``G s < 0`` exactly."""
    Gf, k = p.Gf, p.k
    for cand in rational_candidates(sf):
        if not any(cand):
            continue
        cf = np.array([float(v) for v in cand])
        if k and (Gf @ cf).max() >= -1e-12 * (1 + np.abs(Gf).sum(axis=1).max()):
            continue  # cheap float pre-check; the exact check below decides
        nz = [t for t, v in enumerate(cand) if v != 0]
        vals = p.Gs[:, nz].dot(np.asarray([cand[t] for t in nz], dtype=object))
        if len(vals) and all(v < 0 for v in vals):
            return _scaled(p, p.embed(cand))
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


def _exact_exploit(p: _Problem) -> GordanResult | None:
    """Exact search for ``G s < 0`` (strict rows) when floats were inconclusive."""
    mm = len(p.cols)
    system = LinearSystem(
        n=mm,
        A_ub=p.Gs,
        b_ub=np.array([Fraction(0)] * p.k, dtype=object),
        lb=(Fraction(-1),) * mm,
        ub=(Fraction(1),) * mm,
        strict=np.ones(p.k, dtype=bool),
    )
    s = find_point(system)
    return None if s is None else _scaled(p, p.embed(s))


def _problem(G: Any, support: Sequence[int] | None) -> _Problem:
    Gx = np.asarray(G, dtype=object)
    if Gx.ndim != 2:
        raise InputError("gordan: G must be a matrix")
    k, m = Gx.shape
    cols = list(range(m)) if support is None else [int(j) for j in support]
    Gs = Gx[:, cols] if cols else np.zeros((k, 0), dtype=object)
    Gf = np.vectorize(float, otypes=[float])(Gs) if Gs.size else np.zeros((k, len(cols)))
    return _Problem(Gx, cols, Gs, Gf)


def gordan(G: Any, *, support: Sequence[int] | None = None) -> GordanResult | None:
    """Gordan's alternative, exactly: ``∃ s: G s < 0`` (every row) or ``∃ y ∈ Δ: yᵀ G = 0``.

    Solves the bounded margin LP ``max t  s.t.  G s + t ≤ 0, −1 ≤ s ≤ 1, t ≤ 1`` with HiGHS.
    If ``t* > 0`` the primal ``s`` is rounded and verified exactly; otherwise the duals of the
    row constraints, normalised, are the candidate ``y`` and are made exact by
    :func:`~coherence._exact.feasible.find_point`. If the float answer is wrong in either
    direction the other side is tried as well. Returns ``None`` only if neither side could be
    verified (callers raise :class:`~coherence.errors.CertificationError`).

    ``support`` restricts ``s`` to those columns (others fixed at 0).

    Cost: one HiGHS solve on (rows × cols) plus exact verification O(rows · cols).

    >>> gordan([[1, -1], [-1, 1]]).weights
    (Fraction(1, 2), Fraction(1, 2))
    >>> r = gordan([[-1], [-2]]); r.stakes, r.margin
    ((Fraction(1, 1),), Fraction(1, 1))
    """
    p = _problem(G, support)
    mm = len(p.cols)
    c = np.zeros(mm + 1)
    c[-1] = -1.0
    res = linprog(
        c,
        A_ub=np.hstack([p.Gf, np.ones((p.k, 1))]),
        b_ub=np.zeros(p.k),
        bounds=[(-1.0, 1.0)] * mm + [(None, 1.0)],
        method="highs",
    )
    if res.status != 0:
        return _rationalise(p, None) or _exact_exploit(p)
    primal = np.asarray(res.x[:mm], dtype=float)
    if float(-res.fun) > 1e-9:
        out = _exploit(p, primal) or _rationalise(p, None)
    else:
        duals = None
        if getattr(res, "ineqlin", None) is not None:
            duals = -np.asarray(res.ineqlin.marginals, dtype=float)
        out = _rationalise(p, duals) or _exploit(p, primal)
    return out or _exact_exploit(p)
