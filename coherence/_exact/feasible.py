"""A verified rational point of a :class:`~coherence._exact.system.LinearSystem`.

The recipe: solve in floats with HiGHS (:func:`scipy.optimize.linprog`), round the float
point to rationals at increasing precision, else solve its active set exactly, else (small
systems) run an exact simplex; a candidate is returned only after
:meth:`~coherence._exact.system.LinearSystem.satisfied` accepted it in exact arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from coherence._exact.numbers import rational_candidates
from coherence._exact.simplex import active_set_solve, exact_solve
from coherence._exact.solvers import linprog
from coherence._exact.system import LinearSystem

__all__ = ["find_point", "highs_point", "plausible"]


def highs_point(system: LinearSystem, c: np.ndarray | None = None) -> np.ndarray | None:
    """HiGHS solve of ``system``: a float point, or ``None`` when HiGHS finds none.

    With strict rows it maximises a margin ``t ≤ 1`` added to them (``None`` unless
    ``t > 0``); otherwise it minimises ``c`` (default: any feasible point). One LP.
    """
    A_ub, b_ub, A_eq, b_eq = system.floats
    n = system.n
    bounds = system.float_bounds()
    if system.strict.any():
        # maximise t ≤ 1 subject to A_ub x + t·strict ≤ b_ub
        A_ub = np.hstack([A_ub, system.strict.astype(float)[:, None]])
        A_eq = np.hstack([A_eq, np.zeros((A_eq.shape[0], 1))])
        cc = np.zeros(n + 1)
        cc[-1] = -1.0
        bounds = [*bounds, (None, 1.0)]
    else:
        cc = np.zeros(n) if c is None else np.asarray(c, dtype=float)
    res = linprog(
        cc,
        A_ub=A_ub if A_ub.shape[0] else None,
        b_ub=b_ub if A_ub.shape[0] else None,
        A_eq=A_eq if A_eq.shape[0] else None,
        b_eq=b_eq if A_eq.shape[0] else None,
        bounds=bounds,
        method="highs",
    )
    if res.status != 0 or res.x is None:
        return None
    if system.strict.any() and res.x[-1] <= 0:
        return None
    return np.asarray(res.x[:n], dtype=float)


def plausible(system: LinearSystem, x: Sequence[Fraction]) -> bool:
    """Cheap float pre-check of a rational candidate (never a substitute for the exact one)."""
    A_ub, b_ub, A_eq, b_eq = system.floats
    xf = np.array([float(v) for v in x])
    tol = 1e-9 * (1 + np.abs(xf).max(initial=0.0))
    if A_eq.shape[0] and np.abs(A_eq @ xf - b_eq).max() > tol * (1 + np.abs(A_eq).max()):
        return False
    return not (A_ub.shape[0] and (A_ub @ xf - b_ub).max() > tol * (1 + np.abs(A_ub).max()))


def _from_hint(system: LinearSystem, h: np.ndarray) -> list[Fraction] | None:
    for cand in rational_candidates(h):
        if plausible(system, cand) and system.satisfied(cand):
            return cand
    cand2 = active_set_solve(system, h)
    if cand2 is not None and system.satisfied(cand2):
        return cand2
    return None


def find_point(
    system: LinearSystem,
    *,
    hint: Sequence[float] | np.ndarray | None = None,
    objective: Sequence[float] | None = None,
    exact_fallback: bool = True,
) -> list[Fraction] | None:
    """A rational point satisfying ``system`` exactly (strict rows strictly), or ``None``.

    Tries, in order: rounding the float ``hint`` (or a fresh HiGHS solution, minimising
    ``objective`` when given, or maximising the strict-row margin) at increasing precision;
    an exact vertex solve from the hint's active set; an exact Fraction simplex for small
    systems. Every candidate is checked with :meth:`LinearSystem.satisfied`; ``None`` means no
    verified point was found (which is not a proof of infeasibility).

    Cost: one HiGHS solve plus O(n · rows) per rounding candidate and one exact elimination.

    >>> s = LinearSystem(2, A_eq=[[3, -7], [1, 1]], b_eq=[0, 1], lb=(0, 0))
    >>> [str(v) for v in find_point(s)]
    ['7/10', '3/10']
    """
    if hint is not None:
        h: np.ndarray | None = np.asarray(hint, dtype=float)
    else:
        h = highs_point(system, None if objective is None else np.asarray(objective, dtype=float))
    got = None if h is None else _from_hint(system, h)
    if got is None and hint is not None:
        h = highs_point(system)
        got = None if h is None else _from_hint(system, h)
    if got is None and exact_fallback:
        cand = exact_solve(system)
        if cand is not None and system.satisfied(cand):
            got = cand
    return got
