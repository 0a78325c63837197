"""The exact LP: a rational point of a :class:`~coherence._exact.system.LinearSystem`, or a
proof that none exists.

The float copy that HiGHS solves (:func:`float_model`) is the system with every row, and where
needed every column, scaled by a power of two, so HiGHS sees entries of order one however large
or small the data are (rows already of moderate size are left as written). The exact problem
(:func:`integer_form`) is the same one with integer rows (each row times a common denominator:
the same constraint), one slack per ``≤`` row and one margin column ``t ≤ 1`` on the strict
rows, so any basis of the float problem is a basis of the exact one.

:func:`exact_point` installs that basis in an integer tableau (:mod:`coherence._exact.tableau`).
When its vertex is infeasible, one artificial column whose tableau entries are the
infeasibilities themselves makes the start feasible, and phase 1 drives it to zero (the
single-artificial start: Wolfe 1965; Maros 2003, *Computational Techniques of the Simplex
Method*, §9.3); phase 2 maximises the margin and stops as soon as it is positive. A feasible
problem therefore always yields a point, and ``None`` comes only from an exact optimum: phase 1
ending above zero (infeasible), or a margin that cannot be positive.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence._exact.system import LinearSystem, to_float
from coherence._exact.tableau import BoundedState, Tableau, run_simplex

__all__ = ["FloatModel", "IntegerForm", "exact_point", "float_model", "integer_form"]

#: rows and columns whose largest entry lies within [2⁻ᴮ, 2ᴮ] are given to HiGHS unscaled
BAND = 16
#: a hint this close to a bound (in the float model's units) is read as sitting on it
AT_BOUND = 1e-9


def _exponent(v: Fraction) -> int:
    """``e`` with ``2^e ≤ |v| < 2^(e+1)`` (``v ≠ 0``), exactly."""
    n, d = abs(v.numerator), v.denominator
    e = n.bit_length() - d.bit_length()
    if (n << max(0, -e)) < (d << max(0, e)):
        e -= 1
    return e


def _frac(v: Any) -> Fraction:
    return v if isinstance(v, Fraction) else Fraction(v)


@dataclass(frozen=True)
class FloatModel:
    """What HiGHS solves: row ``i`` is ``2^-e_i`` times the written row (``e_i = 0`` for rows
    within the band); ``x_j = col_scale_j · x̃_j``; the margin has coefficient 1 in every
    strict float row."""

    A_ub: np.ndarray
    b_ub: np.ndarray
    A_eq: np.ndarray
    b_eq: np.ndarray
    bounds: list[tuple[float | None, float | None]]
    row_exp: tuple[int, ...]
    col_scale: np.ndarray


def _scaled_row(row: np.ndarray, rhs: object) -> tuple[np.ndarray, float, int]:
    """The written row and right-hand side times ``2^-e``, ``e`` the exponent of its largest
    entry (0 for a zero row), as floats."""
    fr = [_frac(v) for v in row.tolist()]
    top = max((abs(v) for v in fr), default=Fraction(0))
    e = _exponent(top) if top else 0
    s = Fraction(1, 2**e) if e >= 0 else Fraction(2**-e)
    return (
        np.array([to_float(v * s) if v else 0.0 for v in fr], dtype=float),
        to_float(_frac(rhs) * s),
        e,
    )


def _rescale_rows(
    A: np.ndarray, b: np.ndarray, exact_A: np.ndarray, exact_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Rows of ``A`` (floats of ``exact_A``) whose largest entry is out of the band, or not
    finite, replaced by their power-of-two scaled copies."""
    A, b = A.copy(), b.copy()
    exps = [0] * A.shape[0]
    if not A.shape[0]:
        return A, b, exps
    with np.errstate(all="ignore"):
        top = np.abs(A).max(axis=1) if A.shape[1] else np.zeros(A.shape[0])
    bad = ~np.isfinite(top) | ~np.isfinite(b) | (top > 2.0**BAND) | (
        (top < 2.0**-BAND) & (top > 0)
    )
    # a row of normal floats is scaled exactly by ldexp (scaling by 2^-e commutes with
    # rounding); only rows beyond the float range are rescaled from their exact entries
    with np.errstate(all="ignore"):
        normal = np.isfinite(top) & (top >= 2.0**-1000) & np.isfinite(b) & (
            (b == 0) | (np.abs(b) >= 2.0**-1000))
    for i in np.flatnonzero(bad).tolist():
        if normal[i]:
            e = int(np.frexp(top[i])[1]) - 1
            row, rhs = np.ldexp(A[i], -e), math.ldexp(float(b[i]), -e)
            if math.isfinite(rhs):
                A[i], b[i], exps[i] = row, rhs, e
                continue
        A[i], b[i], exps[i] = _scaled_row(exact_A[i], exact_b[i])
    return A, b, exps


def float_model(system: LinearSystem) -> FloatModel:
    """The float problem HiGHS is given for ``system`` (cached on it). O(rows · n).

    >>> s = LinearSystem(1, A_ub=[[10**30]], b_ub=[3 * 10**30])
    >>> m = float_model(s); m.A_ub.tolist(), m.b_ub.tolist(), m.row_exp
    ([[1.5777218104420236]], [4.7331654313260705], (99,))
    """
    cached = system.__dict__.get("_float_model")
    if isinstance(cached, FloatModel):
        return cached
    A_ub, b_ub, A_eq, b_eq = system.floats
    A_ub, b_ub, e_ub = _rescale_rows(A_ub, b_ub, system.A_ub, system.b_ub)
    A_eq, b_eq, e_eq = _rescale_rows(A_eq, b_eq, system.A_eq, system.b_eq)
    both = np.vstack([A_ub, A_eq])
    col = np.ones(system.n)
    if both.shape[0]:
        top = np.abs(both).max(axis=0)
        out = np.isfinite(top) & ((top > 2.0**BAND) | ((top < 2.0**-BAND) & (top > 0)))
        for j in np.flatnonzero(out).tolist():
            col[j] = 2.0 ** -math.floor(math.log2(top[j]))
    bounds: list[tuple[float | None, float | None]] = []
    for (lo, hi), g in zip(system.float_bounds(), col.tolist(), strict=True):
        bounds.append((None if lo is None else lo / g, None if hi is None else hi / g))
    model = FloatModel(A_ub * col, b_ub, A_eq * col, b_eq, bounds, tuple(e_ub + e_eq), col)
    object.__setattr__(system, "_float_model", model)
    return model


@dataclass(frozen=True)
class IntegerForm:
    """``A z = b`` over integer rows (the ``≤`` rows, then the ``=`` rows), ``z = (x, one
    slack per ≤ row, t)`` with bounds ``lo ≤ z ≤ hi``; ``t`` is the margin column."""

    A: np.ndarray
    b: list[int]
    lo: list[Fraction | None]
    hi: list[Fraction | None]
    n: int
    n_ub: int
    t: int | None

    @property
    def N(self) -> int:
        """The number of columns."""
        return int(self.A.shape[1])


def integer_form(system: LinearSystem) -> IntegerForm:
    """The exact bounded form of ``system`` matching :func:`float_model`: its integer rows
    (:attr:`~coherence._exact.system.LinearSystem.integer_rows`), a slack per ``≤`` row and
    the margin column, whose weight in row ``i`` is what makes it 1 in the float row
    (``2^-e_i`` times the written row, itself ``1/F_i`` times the integer row). O(rows · n).

    >>> s = LinearSystem(2, A_ub=[[Fraction(1, 2), Fraction(1, 3)]], b_ub=[1], strict=[True],
    ...                  lb=(0, 0))
    >>> f = integer_form(s); f.A.tolist(), f.b, f.t
    ([[3, 2, 1, 6]], [6], 3)
    """
    exps = float_model(system).row_exp
    n, k_ub, k_eq = system.n, len(system.b_ub), len(system.b_eq)
    has_t = bool(system.strict.any())
    N = n + k_ub + int(has_t)
    A_ub, b_ub, A_eq, b_eq = system.integer_rows
    f_ub, _ = system.row_factors
    A = np.zeros((k_ub + k_eq, N), dtype=object)
    if k_ub:
        A[:k_ub, :n] = A_ub
    if k_eq:
        A[k_ub:, :n] = A_eq
    b = [*b_ub, *b_eq]
    for i in range(k_ub):
        A[i, n + i] = 1
        if has_t and system.strict[i]:
            e = exps[i]
            # W = F · 2^e must be an integer: when e < 0, scale the row by what is missing
            missing = 2**-e // math.gcd(f_ub[i], 2**-e) if e < 0 else 1
            if missing != 1:
                A[i, :n] = A[i, :n] * missing
                b[i] *= missing
            A[i, N - 1] = f_ub[i] * missing * 2**e if e >= 0 else f_ub[i] * missing // 2**-e
    lo: list[Fraction | None] = [None if v is None else _frac(v) for v in system.lb]
    hi: list[Fraction | None] = [None if v is None else _frac(v) for v in system.ub]
    lo += [Fraction(0)] * k_ub
    hi += [None] * k_ub
    if has_t:
        lo.append(None)
        hi.append(Fraction(1))
    return IntegerForm(A, b, lo, hi, n, k_ub, N - 1 if has_t else None)


def _hint_columns(
    system: LinearSystem, form: IntegerForm, hint: np.ndarray | None
) -> np.ndarray | None:
    """Float values of every column ``z`` (in the float model's units) from a hint on ``x``."""
    if hint is None:
        return None
    model = float_model(system)
    xs = np.asarray(hint, dtype=float)[: system.n] / model.col_scale
    if not np.all(np.isfinite(xs)):
        return None
    with np.errstate(all="ignore"):
        slack = model.b_ub - model.A_ub @ xs if form.n_ub else np.zeros(0)
    z = np.concatenate([xs, slack])
    if form.t is not None:
        st = np.asarray(system.strict, dtype=bool)
        t = min(1.0, float(slack[st].min())) if st.any() else 1.0
        z[form.n: form.n + form.n_ub][st] -= t
        z = np.concatenate([z, [t]])
    return np.where(np.isfinite(z), z, 0.0)


def _scaled_bounds(system: LinearSystem, form: IntegerForm) -> tuple[np.ndarray, np.ndarray]:
    """Float lower/upper bounds of every column in the float model's units (±inf: none)."""
    model = float_model(system)
    lo = np.array([-math.inf if b is None else to_float(b) for b in form.lo])
    hi = np.array([math.inf if b is None else to_float(b) for b in form.hi])
    lo[: form.n] /= model.col_scale
    hi[: form.n] /= model.col_scale
    return lo, hi


def _column_order(
    system: LinearSystem, form: IntegerForm, z: np.ndarray | None
) -> tuple[list[int], list[Fraction]]:
    """Columns in the order they are offered to the starting basis (the hint's basic
    columns first: those farthest from their bounds), and a value for each non-basic one:
    the bound the hint sits on, else 0 when the bounds allow it, else the nearer bound."""
    lo, hi = _scaled_bounds(system, form)
    N = form.N
    if z is None:
        order = list(range(form.n, N)) + list(range(form.n))
        z = np.zeros(N)
        dist = np.zeros(N)
    else:
        with np.errstate(all="ignore"):
            dist = np.minimum(np.abs(z - lo), np.abs(hi - z))
        scale = 1.0 + np.abs(z)
        free = ~np.isfinite(dist)
        dist = np.where(free, np.inf, dist / scale)
        order = sorted(range(N), key=lambda j: -dist[j])
    values: list[Fraction] = []
    zero = Fraction(0)
    for j in range(N):
        a, b = form.lo[j], form.hi[j]
        near_lo = a is not None and abs(z[j] - lo[j]) <= AT_BOUND * (1 + abs(z[j]))
        near_hi = b is not None and abs(hi[j] - z[j]) <= AT_BOUND * (1 + abs(z[j]))
        if near_lo or near_hi:  # where the hint's vertex has it
            values.append(a if near_lo else b)  # type: ignore[arg-type]
        elif (a is None or a <= 0) and (b is None or b >= 0):
            values.append(zero)  # between its bounds: at 0, which keeps points sparse
        elif b is None or (a is not None and abs(z[j] - lo[j]) <= abs(hi[j] - z[j])):
            values.append(a)  # type: ignore[arg-type]
        else:
            values.append(b)
    return order, values


def _install(tab: Tableau, order: Sequence[int]) -> bool:
    """Pivot columns of ``order`` into the basis (each into a row not yet pivoted where it is
    non-zero) until every row has one; rows that stay empty are dropped when their
    right-hand side is 0. ``False``: such a row has a non-zero right-hand side (no solution
    at all). O(m² · N)."""
    free_rows = set(range(tab.m))
    for j in order:
        if not free_rows:
            break
        col = tab.T[:, j]
        rows = [i for i in free_rows if col[i] != 0]
        if rows:
            r = min(rows, key=lambda i: abs(col[i]))
            tab.pivot(r, j)
            free_rows.discard(r)
    if any(tab.T[i, -1] != 0 for i in free_rows):
        return False
    if free_rows:
        tab.drop_rows(sorted(free_rows))
    return True


def _basic_values(tab: Tableau, values: list[Fraction], basic: np.ndarray) -> list[Fraction]:
    """``x_B = B⁻¹ (b − N x_N)`` exactly, for non-basic columns at ``values``."""
    nb = [j for j in range(tab.N) if not basic[j] and values[j] != 0]
    den = 1
    for j in nb:
        d = values[j].denominator
        if den % d:
            den = den * d // math.gcd(den, d)
    acc = tab.T[:, -1] * den
    for j in nb:
        acc = acc - tab.T[:, j] * int(values[j] * den)
    return [Fraction(int(v), tab.D * den) for v in acc.tolist()]


def _phase_one(tab: Tableau, st: BoundedState) -> bool:
    """Make the state feasible (single artificial column, then phase 1). ``False``: the
    system has no solution (exact phase-1 optimum above zero)."""
    w: list[Fraction] = []
    for b in tab.basis:
        v, lo, hi = st.x[b], st.lo[b], st.hi[b]
        target = lo if lo is not None and v < lo else hi if hi is not None and v > hi else v
        w.append(v - target)
    if not any(w):
        return True
    L = 1
    for v in w:
        d = v.denominator
        if L % d:
            L = L * d // math.gcd(L, d)
    tab.add_column([int(v * L) * tab.D for v in w])
    tau = tab.N - 1
    st.x = [*st.x, Fraction(1, L)]
    st.lo, st.hi = [*st.lo, Fraction(0)], [*st.hi, Fraction(1, L)]
    st.basic = np.concatenate([st.basic, [False]])
    for i, b in enumerate(tab.basis):
        st.x[b] -= w[i]
    cost = [0] * tab.N
    cost[tau] = 1
    tab.set_cost(cost)
    run_simplex(tab, st, stop=lambda: st.x[tau] == 0)
    if st.x[tau] != 0:
        return False
    st.hi[tau] = Fraction(0)
    return True


def exact_point(system: LinearSystem, hint: np.ndarray | None = None) -> list[Fraction] | None:
    """A rational point of ``system`` (strict rows strict), or ``None`` when there is none.

    ``hint`` (float values of ``x``, e.g. HiGHS's optimum) picks the starting basis; any hint,
    or none, gives the same answer. Cost: O(m² · N) integer operations to install the basis
    (``m`` rows, ``N`` columns with the slacks) and O(m · N) per simplex step after it.

    >>> s = LinearSystem(2, A_ub=[[1, 1]], b_ub=[Fraction(1, 10**12)], strict=[True],
    ...                  A_eq=[[1, -3]], b_eq=[0], lb=(0, 0))
    >>> x = exact_point(s); s.satisfied(x)
    True
    >>> exact_point(LinearSystem(1, A_ub=[[1], [-1]], b_ub=[0, -1])) is None
    True
    """
    form = integer_form(system)
    order, values = _column_order(system, form, _hint_columns(system, form, hint))
    tab = Tableau(form.A, form.b)
    if not _install(tab, order):
        return None
    basic = np.zeros(form.N, dtype=bool)
    basic[tab.basis] = True
    st = BoundedState(list(values), list(form.lo), list(form.hi), basic)
    for i, v in enumerate(_basic_values(tab, values, basic)):
        st.x[tab.basis[i]] = v
    if not _phase_one(tab, st):
        return None
    t = form.t
    if t is not None and st.x[t] <= 0:
        cost = [0] * tab.N
        cost[t] = -1
        tab.set_cost(cost)
        run_simplex(tab, st, stop=lambda: st.x[t] > 0)
        if st.x[t] <= 0:
            return None
    return st.x[: form.n]
