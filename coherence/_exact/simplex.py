"""Exact vertices of a :class:`~coherence._exact.system.LinearSystem`, in Fractions.

Two routes, both exact and both checked by the caller:

* :func:`active_set_solve` — the constraints a float solution makes (nearly) tight are
  solved as equalities (Gauss–Jordan), the other variables pinned to rounded values;
* :func:`exact_solve` — for small systems, a two-phase dense Fraction tableau simplex with
  Bland's rule (which terminates: Bland 1977) on the standard form of the system, maximising
  the margin of its strict rows.

:func:`~coherence._exact.feasible.find_point` uses neither: its exact stage is the integer
bounded-variable simplex of :mod:`coherence._exact.rational_lp`, which has no size limit. These
two stay as small, independent references (the tests cross-check the two solvers).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from coherence._exact.linear import rref_solve
from coherence._exact.system import LinearSystem

__all__ = ["EXACT_LIMIT", "active_set_solve", "exact_solve", "simplex"]

#: float tolerance for "tight" when reading an active set
TIGHT = 1e-9
#: largest tableau (roughly rows × cols) sent to the exact simplex fallback
EXACT_LIMIT = 40_000

_Row = tuple[dict[int, Fraction], Fraction]


def _unit_row(n: int, j: int) -> tuple[np.ndarray, np.ndarray]:
    e = np.empty(n, dtype=object)
    e[:] = Fraction(0)
    e[j] = Fraction(1)
    ef = np.zeros(n)
    ef[j] = 1.0
    return e, ef


def _tight_rows(
    system: LinearSystem, hint: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray], list[Fraction]]:
    """Exact rows, their float copies and right-hand sides of the constraints tight at hint."""
    A_ub, b_ub, A_eq, _ = system.floats
    exact_rows: list[np.ndarray] = list(system.A_eq)
    float_rows: list[np.ndarray] = list(A_eq)
    rhs: list[Fraction] = list(system.b_eq)
    if A_ub.shape[0]:
        slack = b_ub - A_ub @ hint
        scale = 1.0 + np.abs(A_ub).sum(axis=1) * (1.0 + np.abs(hint).max(initial=0.0))
        tight = (np.abs(slack) <= TIGHT * scale) & ~system.strict
        for i in np.flatnonzero(tight):
            exact_rows.append(system.A_ub[i])
            float_rows.append(A_ub[i])
            rhs.append(system.b_ub[i])
    for j in range(system.n):
        for bound in (system.lb[j], system.ub[j]):
            if bound is not None and abs(hint[j] - float(bound)) <= TIGHT * (1 + abs(hint[j])):
                e, ef = _unit_row(system.n, j)
                exact_rows.append(e)
                float_rows.append(ef)
                rhs.append(Fraction(bound))
    return exact_rows, float_rows, rhs


def _independent(float_rows: list[np.ndarray], n: int) -> list[int]:
    """Indices of a numerically independent subset of rows (pivoted QR of the transpose)."""
    F = np.vstack(float_rows)
    if F.shape[0] <= n:
        return list(range(F.shape[0]))
    from scipy.linalg import qr

    _, R, piv = qr(F.T, mode="economic", pivoting=True)
    d = np.abs(np.diag(R))
    rank = int((d > 1e-10 * max(d.max(initial=0.0), 1.0)).sum())
    return sorted(piv[:rank].tolist())


def active_set_solve(system: LinearSystem, hint: np.ndarray) -> list[Fraction] | None:
    """Exact vertex from the constraints that ``hint`` makes (nearly) tight.

    Equalities, tight non-strict ``≤`` rows and tight bounds are solved as equalities in
    Fractions; variables left free are pinned to their rounded hint values. Strict rows are
    never forced tight. The caller verifies every constraint afterwards.
    O(active rows · n · rank).

    >>> s = LinearSystem(2, A_eq=[[1, 1]], b_eq=[1], lb=(0, 0))
    >>> [str(v) for v in active_set_solve(s, np.array([0.6666666, 0.3333334]))]
    ['2/3', '1/3']
    """
    exact_rows, float_rows, rhs = _tight_rows(system, hint)
    pinned = {j: Fraction(float(v)).limit_denominator(10**6) for j, v in enumerate(hint)}
    if not exact_rows:
        return [pinned[j] for j in range(system.n)]
    keep = _independent(float_rows, system.n)
    rows = [[Fraction(v) for v in exact_rows[i]] for i in keep]
    return rref_solve(rows, [Fraction(rhs[i]) for i in keep], pinned)


class _Tableau:
    """Dense Fraction tableau ``[A | I | b]`` with a basis, for :func:`simplex`."""

    def __init__(self, A: list[list[Fraction]], b: list[Fraction], n: int) -> None:
        m = len(A)
        rows = [[-v for v in A[i]] + [-b[i]] if b[i] < 0 else [*A[i], b[i]] for i in range(m)]
        self.m, self.n, self.width = m, n, n + m
        self.T = [
            r[:n] + [Fraction(int(i == j)) for j in range(m)] + [r[n]] for i, r in enumerate(rows)
        ]
        self.basis = [n + i for i in range(m)]

    def pivot(self, r: int, col: int) -> None:
        T = self.T
        pr = T[r]
        inv = 1 / pr[col]
        if inv != 1:
            T[r] = pr = [v * inv for v in pr]
        nz = [j for j, v in enumerate(pr) if v != 0]
        for i in range(self.m):
            if i != r and T[i][col] != 0:
                f = T[i][col]
                ri = T[i]
                for j in nz:
                    ri[j] -= f * pr[j]
        self.basis[r] = col

    def entering(self, cost: list[Fraction], allowed: int) -> int | None:
        """Bland's rule: the lowest-index column with a negative reduced cost."""
        T, basis = self.T, self.basis
        cb = [cost[basis[i]] for i in range(self.m)]
        for j in range(allowed):
            if j in basis:
                continue
            rc = cost[j] - sum(
                (cb[i] * T[i][j] for i in range(self.m) if T[i][j] != 0), Fraction(0)
            )
            if rc < 0:
                return j
        return None

    def leaving(self, enter: int) -> int | None:
        """Ratio test, ties broken by the lowest basic index (Bland); ``None``: unbounded."""
        T, w = self.T, self.width
        best: tuple[Fraction, int] | None = None
        for i in range(self.m):
            if T[i][enter] > 0:
                ratio = T[i][w] / T[i][enter]
                if best is None or ratio < best[0] or (
                    ratio == best[0] and self.basis[i] < self.basis[best[1]]
                ):
                    best = (ratio, i)
        return None if best is None else best[1]

    def run(self, cost: list[Fraction], allowed: int) -> bool:
        """Pivot to optimality; ``False`` when the objective is unbounded."""
        while True:
            enter = self.entering(cost, allowed)
            if enter is None:
                return True
            leave = self.leaving(enter)
            if leave is None:
                return False
            self.pivot(leave, enter)


def simplex(
    A: list[list[Fraction]], b: list[Fraction], c: list[Fraction]
) -> list[Fraction] | None:
    """Exact two-phase tableau simplex with Bland's rule: ``min c·x`` s.t. ``A x = b``,
    ``x ≥ 0``. Returns an optimal vertex, or ``None`` when infeasible or unbounded.
    Dense Fractions: O(pivots · rows · cols); only for small systems.

    >>> F = Fraction
    >>> simplex([[F(1), F(1)]], [F(1)], [F(1), F(2)])
    [Fraction(1, 1), Fraction(0, 1)]
    """
    n = len(c)
    tab = _Tableau(A, b, n)
    m, T, basis = tab.m, tab.T, tab.basis
    tab.run([Fraction(0)] * n + [Fraction(1)] * m, tab.width)
    if any(basis[i] >= n and T[i][tab.width] != 0 for i in range(m)):
        return None
    # drive remaining (zero-valued) artificials out of the basis where possible
    for i in range(m):
        if basis[i] >= n:
            col = next((j for j in range(n) if T[i][j] != 0 and j not in basis), None)
            if col is not None:
                tab.pivot(i, col)
    # only the first n columns may enter: artificials never come back
    if not tab.run(list(c) + [Fraction(0)] * m, n):
        return None
    x = [Fraction(0)] * n
    for i in range(m):
        if basis[i] < n:
            x[basis[i]] = tab.T[i][tab.width]
    return x


@dataclass(frozen=True)
class _StandardForm:
    """``x_j = off_j + Σ sign · z``; ``le`` rows ``d·z ≤ rhs``; ``t`` the margin variable."""

    cols: list[list[tuple[int, int]]]
    off: list[Fraction]
    nz: int
    t: int | None
    le: list[_Row]
    eq: list[_Row]


def _substitution(system: LinearSystem) -> tuple[list[list[tuple[int, int]]], list[Fraction],
                                                 list[_Row], int]:
    """Non-negative variables ``z`` for each ``x_j`` (shifted, flipped or split when free)."""
    cols: list[list[tuple[int, int]]] = []
    off: list[Fraction] = []
    extra: list[_Row] = []
    nz = 0
    for lo, hi in zip(system.lb, system.ub, strict=True):
        if lo is not None:
            cols.append([(nz, 1)])
            off.append(Fraction(lo))
            if hi is not None:
                extra.append(({nz: Fraction(1)}, Fraction(hi) - Fraction(lo)))
            nz += 1
        elif hi is not None:
            cols.append([(nz, -1)])
            off.append(Fraction(hi))
            nz += 1
        else:
            cols.append([(nz, 1), (nz + 1, -1)])
            off.append(Fraction(0))
            nz += 2
    return cols, off, extra, nz


def _standard_form(system: LinearSystem) -> _StandardForm:
    cols, off, extra, nz = _substitution(system)
    t = None
    if system.strict.any():
        t, nz = nz, nz + 1
        extra.append(({t: Fraction(1)}, Fraction(1)))  # t ≤ 1

    def expand(row: np.ndarray, rhs: Fraction) -> _Row:
        d: dict[int, Fraction] = {}
        shift = Fraction(0)
        for j, a in enumerate(row):
            a = Fraction(a)
            if a != 0:
                shift += a * off[j]
                for z, sgn in cols[j]:
                    d[z] = d.get(z, Fraction(0)) + sgn * a
        return d, Fraction(rhs) - shift

    le = []
    for i in range(len(system.b_ub)):
        d, rhs = expand(system.A_ub[i], system.b_ub[i])
        if t is not None and system.strict[i]:
            d[t] = Fraction(1)
        le.append((d, rhs))
    eq = [expand(system.A_eq[i], system.b_eq[i]) for i in range(len(system.b_eq))]
    return _StandardForm(cols, off, nz, t, le + extra, eq)


def exact_solve(system: LinearSystem) -> list[Fraction] | None:
    """Exact fallback for small systems: the standard form of ``system`` (one slack per ``≤``
    row) solved by :func:`simplex`, maximising the margin ``t ≤ 1`` of strict rows.

    ``None`` when the system is too large (tableau over :data:`EXACT_LIMIT`), infeasible, or
    its strict rows cannot hold with a positive margin. The caller verifies the answer.

    >>> s = LinearSystem(1, A_ub=[[1]], b_ub=[Fraction(1, 3)], strict=[True], lb=(0,))
    >>> x = exact_solve(s); s.satisfied(x)
    True
    """
    n, rows_ub, rows_eq = system.n, len(system.b_ub), len(system.b_eq)
    if (rows_ub + rows_eq + n + 2) * (2 * n + 2 * rows_ub + 2) > EXACT_LIMIT:
        return None
    sf = _standard_form(system)
    total = sf.nz + len(sf.le)
    A: list[list[Fraction]] = []
    b: list[Fraction] = []
    for k, (d, rhs) in enumerate([*sf.le, *sf.eq]):
        r = [Fraction(0)] * total
        for zi, v in d.items():
            r[zi] = v
        if k < len(sf.le):
            r[sf.nz + k] = Fraction(1)
        A.append(r)
        b.append(rhs)
    c = [Fraction(0)] * total
    if sf.t is not None:
        c[sf.t] = Fraction(-1)
    z = simplex(A, b, c)
    if z is None or (sf.t is not None and z[sf.t] <= 0):
        return None
    return [
        sf.off[j] + sum((sgn * z[zi] for zi, sgn in sf.cols[j]), Fraction(0)) for j in range(n)
    ]

