"""A verified rational point of a :class:`~coherence._exact.system.LinearSystem`.

The recipe: solve in floats with HiGHS (:func:`scipy.optimize.linprog`) on the power-of-two
scaled copy of the system (:func:`~coherence._exact.rational_lp.float_model`), round the float
point to rationals at increasing precision, and else solve exactly from HiGHS's basis
(:func:`~coherence._exact.rational_lp.exact_point`: the basis solved in integers, then the
exact simplex until a point is found or none is proved to exist). A candidate is returned only
after :meth:`~coherence._exact.system.LinearSystem.satisfied` accepted it in exact arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from coherence._exact.face import face_points
from coherence._exact.numbers import rational_candidates
from coherence._exact.rational_lp import exact_point, float_model
from coherence._exact.solvers import linprog
from coherence._exact.system import LinearSystem, to_float

__all__ = ["find_point", "highs_point", "highs_solve", "plausible"]


def highs_solve(system: LinearSystem, c: np.ndarray | None = None) -> tuple[Any, np.ndarray]:
    """HiGHS on the float model of ``system``: ``(result, x)`` with ``x`` in the system's own
    units, or ``(None, empty)`` when HiGHS returns no point.

    With strict rows it maximises a margin ``t ≤ 1`` added to them (the last entry of
    ``result.x``); otherwise it minimises ``c`` (default: any feasible point). One LP.

    >>> res, x = highs_solve(LinearSystem(1, A_ub=[[10**30]], b_ub=[3 * 10**30]), [-1.0])
    >>> x.round(6).tolist()
    [3.0]
    """
    model = float_model(system)
    A_ub, b_ub, A_eq, b_eq = model.A_ub, model.b_ub, model.A_eq, model.b_eq
    n = system.n
    bounds = list(model.bounds)
    if system.strict.any():
        A_ub = np.hstack([A_ub, system.strict.astype(float)[:, None]])
        A_eq = np.hstack([A_eq, np.zeros((A_eq.shape[0], 1))])
        cc = np.zeros(n + 1)
        cc[-1] = -1.0
        bounds = [*bounds, (None, 1.0)]
    else:
        cc = np.zeros(n) if c is None else np.asarray(c, dtype=float) * model.col_scale
    big = 1e300
    try:
        res = linprog(
            cc,
            A_ub=A_ub if A_ub.shape[0] else None,
            b_ub=np.clip(b_ub, -big, big) if A_ub.shape[0] else None,
            A_eq=A_eq if A_eq.shape[0] else None,
            b_eq=np.clip(b_eq, -big, big) if A_eq.shape[0] else None,
            bounds=bounds,
            method="highs",
        )
    except ValueError:  # a float copy scipy refuses (the exact solve does not need it)
        return None, np.zeros(0)
    if res.status != 0 or res.x is None:
        return None, np.zeros(0)
    return res, np.asarray(res.x[:n], dtype=float) * model.col_scale


def highs_point(system: LinearSystem, c: np.ndarray | None = None) -> np.ndarray | None:
    """HiGHS solve of ``system``: a float point, or ``None`` when HiGHS finds none.

    With strict rows it maximises a margin ``t ≤ 1`` added to them (``None`` unless
    ``t > 0``); otherwise it minimises ``c`` (default: any feasible point). One LP.

    >>> highs_point(LinearSystem(1, A_ub=[[1]], b_ub=[2], lb=(1,))).tolist()
    [1.0]
    """
    res, x = highs_solve(system, c)
    if res is None or (system.strict.any() and res.x[-1] <= 0):
        return None
    return x


def plausible(system: LinearSystem, x: Sequence[Fraction]) -> bool:
    """Cheap float pre-check of a rational candidate (never a substitute for the exact one)."""
    A_ub, b_ub, A_eq, b_eq = system.floats
    xf = np.array([to_float(v) for v in x])
    if not (np.all(np.isfinite(xf)) and np.all(np.isfinite(b_ub)) and np.all(np.isfinite(b_eq))):
        return True  # out of the float range: only the exact check can tell
    tol = 1e-9 * (1 + np.abs(xf).max(initial=0.0))
    with np.errstate(all="ignore"):
        if A_eq.shape[0] and np.abs(A_eq @ xf - b_eq).max() > tol * (1 + np.abs(A_eq).max()):
            return False
        return not (
            A_ub.shape[0] and (A_ub @ xf - b_ub).max() > tol * (1 + np.abs(A_ub).max())
        )


def _rounded(system: LinearSystem, h: np.ndarray) -> list[Fraction] | None:
    if not np.all(np.isfinite(h)):
        return None
    for cand in rational_candidates(h):
        if plausible(system, cand) and system.satisfied(cand):
            return cand
    return None


def _on_face(system: LinearSystem, h: np.ndarray) -> list[Fraction] | None:
    for cand in face_points(system, h):
        if plausible(system, cand) and system.satisfied(cand):
            return cand
    return None


def find_point(
    system: LinearSystem,
    *,
    hint: Sequence[float] | np.ndarray | None = None,
    objective: Sequence[float] | None = None,
    exact_fallback: bool = True,
) -> list[Fraction] | None:
    """A rational point satisfying ``system`` exactly (strict rows strictly), or ``None``.

    Tries, in order: rounding the float ``hint`` at increasing precision; rounding a HiGHS
    solution (minimising ``objective`` when given, or maximising the strict-row margin); the
    exact solution of the face HiGHS's point (or the hint) lies on
    (:func:`~coherence._exact.face.face_points`: its tight rows solved in rationals); the
    exact solve from HiGHS's basis (:func:`~coherence._exact.rational_lp.exact_point`). Every
    candidate is checked with :meth:`LinearSystem.satisfied`. With ``exact_fallback`` (the
    default) ``None`` is a proof that the system has no solution; without it, it only means
    that rounding found none.

    Cost: one HiGHS solve plus O(n · rows) per rounding candidate; when rounding fails, the
    exact solve (O(rows² · columns) integer operations to install the basis, then simplex
    steps of O(rows · columns) each).

    >>> s = LinearSystem(2, A_eq=[[3, -7], [1, 1]], b_eq=[0, 1], lb=(0, 0))
    >>> [str(v) for v in find_point(s)]
    ['7/10', '3/10']
    >>> s = LinearSystem(1, A_ub=[[-1], [10**12]], b_ub=[0, 1], strict=[True, True])
    >>> x = find_point(s); 0 < x[0] < Fraction(1, 10**12)
    True
    """
    got: list[Fraction] | None = None
    if hint is not None:
        got = _rounded(system, np.asarray(hint, dtype=float))
    h = None
    if got is None:
        res, x = highs_solve(system, None if objective is None else np.asarray(objective))
        if res is not None:
            h = x
            if not system.strict.any() or res.x[-1] > 0:
                got = _rounded(system, x)
    for start in () if got is not None else (h, hint):
        got = None if start is None else _on_face(system, np.asarray(start, dtype=float))
        if got is not None:
            break
    if got is None and exact_fallback:
        start = h if h is not None else None if hint is None else np.asarray(hint, dtype=float)
        cand = exact_point(system, start)
        if cand is not None and system.satisfied(cand):
            got = cand
    return got
