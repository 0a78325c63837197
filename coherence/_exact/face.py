"""A rational point on the face of a float point: the "exact solve from the basis" step.

A float optimum of an LP sits on a face of the feasible set: some ``≤`` rows hold with
equality, some variables rest on a bound. Rounding the point at any precision usually breaks
those equalities (half the tight rows end up violated), which is why rounding fails on
degenerate optima such as a weakly dominating mixture, tied in some columns. This module
keeps the face: the variables at a bound take the bound, the tight rows and the equations are
solved exactly for as many of the other variables as they determine (Gauss–Jordan
elimination in rationals, pivots chosen on the float magnitudes), and the remaining
variables take rounded float values. The result is checked exactly by the caller; ``None``
hands over to the exact simplex (:func:`coherence._exact.rational_lp.exact_point`).

Cost: O(t · f · min(t, f)) rational operations for ``t`` tight rows and ``f`` free variables,
which on a small face is far below installing a basis in the full integer tableau (whose
entries grow with the common denominators of *all* rows).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import numpy as np

from coherence._exact.numbers import rational_candidates
from coherence._exact.system import LinearSystem

__all__ = ["face_points"]

#: relative distance below which a float row counts as tight, a variable as at its bound
TIGHT = 1e-9


def _frac(v: Any) -> Fraction:
    return v if isinstance(v, Fraction) else Fraction(v)


def _at_bounds(system: LinearSystem, x: np.ndarray) -> list[Fraction | None]:
    fixed: list[Fraction | None] = [None] * system.n
    for j in range(system.n):
        near = TIGHT * (1.0 + abs(x[j]))
        for b in (system.lb[j], system.ub[j]):
            if b is not None and abs(x[j] - float(b)) <= near:
                fixed[j] = _frac(b)
                break
    return fixed


def _tight_rows(system: LinearSystem, x: np.ndarray) -> list[tuple[list[Fraction], Fraction]]:
    """The equations and the non-strict ``≤`` rows that ``x`` meets with equality or
    violates (floats, relative to the row's own scale; a solver's point may overshoot a row
    of small coefficients by its absolute tolerance), as exact rows."""
    A_ub, b_ub, _, _ = system.floats
    rows = [([_frac(v) for v in r], _frac(b))
            for r, b in zip(system.A_eq.tolist(), system.b_eq.tolist(), strict=True)]
    if len(b_ub):
        with np.errstate(all="ignore"):
            gap = A_ub @ x - b_ub
            scale = np.abs(A_ub) @ np.abs(x) + np.abs(b_ub)
        tight = np.flatnonzero((gap >= -TIGHT * scale) & ~system.strict)
        rows += [([_frac(v) for v in system.A_ub[i].tolist()], _frac(system.b_ub[i]))
                 for i in tight.tolist()]
    return rows


def face_points(system: LinearSystem, x: np.ndarray) -> Iterator[list[Fraction]]:
    """Rational points on the face of the float point ``x`` (possibly infeasible: the caller
    checks them with :meth:`LinearSystem.satisfied`), one per rounding precision of the
    variables the face leaves free. Yields nothing when the face's equations are
    inconsistent in exact arithmetic or the float copy of the system is not finite.

    >>> s = LinearSystem(3, A_ub=[[-1, 0, 0]], b_ub=[Fraction(-1, 3)],
    ...                  A_eq=[[1, 1, 1]], b_eq=[1], lb=(0, 0, 0))
    >>> [[str(v) for v in p] for p in face_points(s, np.array([1 / 3, 0.6, 1 / 15]))][:3]
    [['1/3', '2/3', '0'], ['1/3', '7/12', '1/12'], ['1/3', '3/5', '1/15']]
    """
    x = np.asarray(x, dtype=float).reshape(-1)
    A_ub, b_ub, A_eq, b_eq = system.floats
    if x.size != system.n or not (np.isfinite(x).all() and np.isfinite(A_ub).all()
                                  and np.isfinite(b_ub).all() and np.isfinite(A_eq).all()
                                  and np.isfinite(b_eq).all()):
        return
    fixed = _at_bounds(system, x)
    free = sorted((j for j in range(system.n) if fixed[j] is None), key=lambda j: -abs(x[j]))
    # rows over the free variables, the fixed ones moved to the right-hand side
    M: list[list[Fraction]] = []
    rhs: list[Fraction] = []
    for row, b in _tight_rows(system, x):
        for j, v in enumerate(row):
            fj = fixed[j]
            if fj is not None and v:
                b -= v * fj
        M.append([row[j] for j in free])
        rhs.append(b)
    pivots: list[int] = []  # pivots[r]: the position in ``free`` solved by reduced row r
    done = 0
    for k in range(len(free)):
        if done == len(M):
            break
        r = max(range(done, len(M)), key=lambda i: abs(float(M[i][k])))
        p = M[r][k]
        if not p:
            continue
        M[done], M[r] = M[r], M[done]
        rhs[done], rhs[r] = rhs[r], rhs[done]
        row = [v / p for v in M[done]]
        b0 = rhs[done] / p
        M[done], rhs[done] = row, b0
        for i in range(len(M)):
            f = M[i][k]
            if i != done and f:
                M[i] = [a - f * c for a, c in zip(M[i], row, strict=True)]
                rhs[i] -= f * b0
        pivots.append(k)
        done += 1
    if any(rhs[i] for i in range(done, len(M))):
        return  # the face's equations contradict each other exactly
    rest = [k for k in range(len(free)) if k not in set(pivots)]
    for vals in rational_candidates([x[free[k]] for k in rest]):
        point = list(fixed)
        for k, v in zip(rest, vals, strict=True):
            point[free[k]] = v
        for r, k in enumerate(pivots):
            point[free[k]] = rhs[r] - sum((M[r][q] * v for q, v in zip(rest, vals,
                                                                         strict=True) if M[r][q]),
                                          Fraction(0))
        yield [v if v is not None else Fraction(0) for v in point]
