"""Exact linear programming: solve in floats with HiGHS, certify in rationals.

Every LP-based certificate in :mod:`coherence` goes through this module. The recipe is the
same everywhere:

1. Solve a *bounded, margin-maximising* LP with HiGHS (:func:`scipy.optimize.linprog`).
   A positive optimal margin means an exploit exists and the primal solution is a candidate
   for it; a zero margin means none exists and the dual solution is a candidate for the
   rationalisation (Farkas / Gordan alternative).
2. Turn the float candidate into rationals: first by rounding at increasing precision
   (:meth:`fractions.Fraction.limit_denominator`), then by an exact vertex solve from the
   active set (the constraints the float point makes tight are solved as equalities in
   Fractions, remaining free variables pinned to rounded values), and for small systems by
   an exact two-phase simplex in Fractions (Bland's rule, so it terminates).
3. Verify the rational point against the exact (Fraction) constraints. Only a verified point
   is ever returned; a candidate that fails everywhere yields ``None`` and the caller raises
   :class:`~coherence.errors.CertificationError`.

Public surface:

* :func:`as_fraction` / :func:`fraction_array` — parse numbers exactly (ints, Fractions,
  decimal or ``"p/q"`` strings, finite floats); NaN and infinities raise
  :class:`~coherence.errors.InputError`.
* :class:`LinearSystem` — exact constraints ``A_ub x ≤ b_ub`` (some rows strict),
  ``A_eq x = b_eq``, bounds ``lb ≤ x ≤ ub``; :meth:`LinearSystem.satisfied` checks a point
  exactly.
* :func:`find_point` — a verified rational point of a :class:`LinearSystem` (strict rows
  included), from a float hint or a fresh HiGHS solve.
* :func:`gordan` — the theorem of the alternative used by Dutch books and dominance: either
  ``G s < 0`` in every row (exploit) or a probability vector ``y`` with ``yᵀ G = 0``
  (rationalisation), both exact.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Rational
from typing import Any

import numpy as np

from coherence._exact.solvers import linprog
from coherence.errors import InputError

__all__ = [
    "GordanResult",
    "LinearSystem",
    "as_fraction",
    "find_point",
    "fraction_array",
    "gordan",
    "rational_candidates",
    "solve_linear_exact",
]

#: denominators tried when rounding a float vector to rationals
_DENOMINATORS = (1, 2, 6, 12, 60, 360, 2520, 10**4, 10**6, 10**9, 10**12)
#: float tolerance for "tight" when reading an active set
_TIGHT = 1e-9
#: largest tableau (roughly rows × cols) sent to the exact simplex fallback
_EXACT_LIMIT = 40_000


def as_fraction(x: Any, *, what: str = "value") -> Fraction:
    """Parse ``x`` exactly as a :class:`~fractions.Fraction`.

    Accepts ints, Fractions (any :class:`numbers.Rational`), :class:`decimal.Decimal`, finite
    floats (their exact binary value) and strings such as ``"0.25"``, ``"1/3"``, ``"-2"``,
    ``"1e-3"``. Booleans, NaN, infinities and anything else raise
    :class:`~coherence.errors.InputError` naming ``what``.
    """
    if isinstance(x, bool):
        raise InputError(f"{what} must be a number, got a boolean {x!r}")
    if isinstance(x, Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, float | np.floating):
        if not math.isfinite(float(x)):
            raise InputError(f"{what} must be finite, got {x!r}")
        return Fraction(float(x))
    if isinstance(x, np.integer):
        return Fraction(int(x))
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise InputError(f"{what} must be finite, got {x!r}")
        return Fraction(x)
    if isinstance(x, str):
        s = x.strip()
        try:
            if "/" in s:
                num, _, den = s.partition("/")
                f = Fraction(int(num.strip()), int(den.strip()))
            else:
                d = Decimal(s)
                if not d.is_finite():
                    raise InputError(f"{what} must be finite, got {x!r}")
                f = Fraction(d)
        except (ValueError, ZeroDivisionError, InvalidOperation):
            raise InputError(f"{what} must be a decimal or 'p/q' string, got {x!r}") from None
        return f
    raise InputError(f"{what} must be a number, got {type(x).__name__}")


def fraction_array(values: Any, *, what: str = "value") -> np.ndarray:
    """An object-dtype numpy array of Fractions with the shape of ``values`` (exact parse)."""
    arr = np.asarray(values, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    flat = arr.reshape(-1)
    res = out.reshape(-1)
    for k, v in enumerate(flat):
        res[k] = as_fraction(v, what=what)
    return out


def rational_candidates(x: Sequence[float]) -> Iterable[list[Fraction]]:
    """Rational roundings of the float vector ``x`` at increasing precision.

    Yields ``[Fraction(xi).limit_denominator(D) for xi in x]`` for growing ``D`` and finally the
    exact binary values. Cheap: O(len(x)) per candidate.
    """
    xs = [float(v) for v in x]
    seen: set[tuple[Fraction, ...]] = set()
    for D in _DENOMINATORS:
        cand = [Fraction(v).limit_denominator(D) for v in xs]
        key = tuple(cand)
        if key not in seen:
            seen.add(key)
            yield cand
    yield [Fraction(v) for v in xs]


def _rref_solve(
    A: list[list[Fraction]], b: list[Fraction], pinned: dict[int, Fraction]
) -> list[Fraction] | None:
    """Solve ``A x = b`` exactly with Gauss–Jordan elimination. Free variables take the value
    in ``pinned`` (default 0). Returns ``None`` when inconsistent. O(rows · cols · rank)."""
    m = len(A)
    n = len(A[0]) if m else len(pinned)
    rows = [[*list(r), bi] for r, bi in zip(A, b, strict=True)]
    pivots: list[int] = []
    r = 0
    for c in range(n):
        piv = next((i for i in range(r, m) if rows[i][c] != 0), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        pr = rows[r]
        inv = 1 / pr[c]
        if inv != 1:
            pr = [v * inv for v in pr]
            rows[r] = pr
        nz = [j for j in range(c, n + 1) if pr[j] != 0]
        for i in range(m):
            if i != r:
                f = rows[i][c]
                if f != 0:
                    ri = rows[i]
                    for j in nz:
                        ri[j] -= f * pr[j]
        pivots.append(c)
        r += 1
        if r == m:
            break
    for i in range(r, m):
        if rows[i][n] != 0:
            return None
    x = [pinned.get(j, Fraction(0)) for j in range(n)]
    piv_set = set(pivots)
    for i, c in enumerate(pivots):
        s = rows[i][n]
        for j in range(c + 1, n):
            if j not in piv_set and rows[i][j] != 0:
                s -= rows[i][j] * x[j]
        x[c] = s
    return x


def solve_linear_exact(
    A: Sequence[Sequence[Any]], b: Sequence[Any], pinned: dict[int, Any] | None = None
) -> list[Fraction] | None:
    """Exactly solve ``A x = b`` (Fractions); free variables are set from ``pinned`` (else 0).

    Returns ``None`` when the system is inconsistent. O(rows · cols · rank) Fraction operations.
    """
    AA = [[as_fraction(v) for v in row] for row in A]
    bb = [as_fraction(v) for v in b]
    pin = {int(k): as_fraction(v) for k, v in (pinned or {}).items()}
    if not AA:
        n = max(pin, default=-1) + 1
        return [pin.get(j, Fraction(0)) for j in range(n)]
    return _rref_solve(AA, bb, pin)


def _as_obj(M: Any, ncols: int) -> np.ndarray:
    if M is None:
        return np.empty((0, ncols), dtype=object)
    A = np.asarray(M, dtype=object)
    if A.ndim != 2:
        A = A.reshape(-1, ncols)
    return A


@dataclass(frozen=True, eq=False)
class LinearSystem:
    """Exact linear constraints on ``x ∈ ℚⁿ``.

    ``A_ub x ≤ b_ub`` (rows flagged in ``strict`` must hold with ``<``), ``A_eq x = b_eq`` and
    bounds ``lb[j] ≤ x[j] ≤ ub[j]`` (``None`` = unbounded). Matrices are object arrays of
    Fractions (ints are fine); the float copies used by HiGHS are derived, never trusted.
    """

    n: int
    A_ub: np.ndarray = field(default=None)  # type: ignore[assignment]
    b_ub: np.ndarray = field(default=None)  # type: ignore[assignment]
    A_eq: np.ndarray = field(default=None)  # type: ignore[assignment]
    b_eq: np.ndarray = field(default=None)  # type: ignore[assignment]
    lb: tuple[Fraction | None, ...] = ()
    ub: tuple[Fraction | None, ...] = ()
    strict: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        n = self.n
        A_ub = _as_obj(self.A_ub, n)
        A_eq = _as_obj(self.A_eq, n)
        b_ub = np.asarray(self.b_ub if self.b_ub is not None else [], dtype=object).reshape(-1)
        b_eq = np.asarray(self.b_eq if self.b_eq is not None else [], dtype=object).reshape(-1)
        if A_ub.shape != (len(b_ub), n) or A_eq.shape != (len(b_eq), n):
            raise InputError("linear system: matrix and right-hand side shapes disagree")
        lb = tuple(self.lb) if self.lb else (None,) * n
        ub = tuple(self.ub) if self.ub else (None,) * n
        if len(lb) != n or len(ub) != n:
            raise InputError("linear system: bounds must have one entry per variable")
        strict = (
            np.zeros(len(b_ub), dtype=bool)
            if self.strict is None
            else np.asarray(self.strict, dtype=bool).reshape(-1)
        )
        if len(strict) != len(b_ub):
            raise InputError("linear system: strict mask must have one entry per ≤ row")
        object.__setattr__(self, "A_ub", A_ub)
        object.__setattr__(self, "b_ub", b_ub)
        object.__setattr__(self, "A_eq", A_eq)
        object.__setattr__(self, "b_eq", b_eq)
        object.__setattr__(self, "lb", lb)
        object.__setattr__(self, "ub", ub)
        object.__setattr__(self, "strict", strict)

    def satisfied(self, x: Sequence[Fraction]) -> bool:
        """Exact check of every constraint at the rational point ``x``. O(nnz)."""
        if len(x) != self.n or not all(isinstance(v, Fraction | int) for v in x):
            return False
        xv = np.asarray(list(x), dtype=object)
        for j in range(self.n):
            lo, hi = self.lb[j], self.ub[j]
            if (lo is not None and xv[j] < lo) or (hi is not None and xv[j] > hi):
                return False
        if len(self.b_eq) and any(self.A_eq.dot(xv) != self.b_eq):
            return False
        if len(self.b_ub):
            lhs = self.A_ub.dot(xv)
            if any(lhs > self.b_ub):
                return False
            if self.strict.any() and any(lhs[self.strict] >= self.b_ub[self.strict]):
                return False
        return True

    @property
    def _f(self) -> tuple[np.ndarray, ...]:
        cached = self.__dict__.get("_float_cache")
        if cached is None:
            cached = self._floats()
            object.__setattr__(self, "_float_cache", cached)
        return cached

    def _floats(self) -> tuple[np.ndarray, ...]:
        f = np.vectorize(float, otypes=[float])
        A_ub = f(self.A_ub) if self.A_ub.size else np.zeros((0, self.n))
        A_eq = f(self.A_eq) if self.A_eq.size else np.zeros((0, self.n))
        b_ub = f(self.b_ub) if self.b_ub.size else np.zeros(0)
        b_eq = f(self.b_eq) if self.b_eq.size else np.zeros(0)
        return A_ub, b_ub, A_eq, b_eq

    def _bounds(self) -> list[tuple[float | None, float | None]]:
        return [
            (None if lo is None else float(lo), None if hi is None else float(hi))
            for lo, hi in zip(self.lb, self.ub, strict=True)
        ]


def _highs(
    system: LinearSystem, c: np.ndarray | None = None
) -> np.ndarray | None:
    """HiGHS solve of ``system`` with a margin variable on its strict rows; float point or None."""
    A_ub, b_ub, A_eq, b_eq = system._f
    n = system.n
    bounds = system._bounds()
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


def _active_set_solve(system: LinearSystem, hint: np.ndarray) -> list[Fraction] | None:
    """Exact vertex from the constraints that ``hint`` makes (nearly) tight.

    Equalities, tight non-strict ``≤`` rows and tight bounds are solved as equalities in
    Fractions; variables left free are pinned to their rounded hint values. Strict rows are
    never forced tight. O(active rows · n · rank).
    """
    A_ub, b_ub, A_eq, _ = system._f
    n = system.n
    exact_rows: list[np.ndarray] = [r for r in system.A_eq]
    float_rows: list[np.ndarray] = [r for r in A_eq]
    rhs: list[Fraction] = list(system.b_eq)
    if A_ub.shape[0]:
        slack = b_ub - A_ub @ hint
        scale = 1.0 + np.abs(A_ub).sum(axis=1) * (1.0 + np.abs(hint).max(initial=0.0))
        tight = (np.abs(slack) <= _TIGHT * scale) & ~system.strict
        for i in np.flatnonzero(tight):
            exact_rows.append(system.A_ub[i])
            float_rows.append(A_ub[i])
            rhs.append(system.b_ub[i])
    for j in range(n):
        for bound in (system.lb[j], system.ub[j]):
            if bound is not None and abs(hint[j] - float(bound)) <= _TIGHT * (1 + abs(hint[j])):
                e = np.zeros(n, dtype=object)
                e[:] = Fraction(0)
                e[j] = Fraction(1)
                ef = np.zeros(n)
                ef[j] = 1.0
                exact_rows.append(e)
                float_rows.append(ef)
                rhs.append(Fraction(bound))
    pinned = {j: Fraction(float(v)).limit_denominator(10**6) for j, v in enumerate(hint)}
    if not exact_rows:
        return [pinned[j] for j in range(n)]
    # keep a numerically independent subset of rows (pivoted QR), solve those exactly;
    # the caller verifies every constraint afterwards
    F = np.vstack(float_rows)
    keep = range(len(exact_rows))
    if F.shape[0] > n:
        from scipy.linalg import qr

        _, R, piv = qr(F.T, mode="economic", pivoting=True)
        d = np.abs(np.diag(R))
        rank = int((d > 1e-10 * max(d.max(initial=0.0), 1.0)).sum())
        keep = sorted(piv[:rank].tolist())
    rows = [[Fraction(v) for v in exact_rows[i]] for i in keep]
    rr = [Fraction(rhs[i]) for i in keep]
    return _rref_solve(rows, rr, pinned)


def _simplex(
    A: list[list[Fraction]], b: list[Fraction], c: list[Fraction]
) -> list[Fraction] | None:
    """Exact two-phase tableau simplex with Bland's rule: ``min c·x`` s.t. ``A x = b``,
    ``x ≥ 0``. Returns an optimal vertex, or ``None`` when infeasible or unbounded.
    Dense Fractions: O(pivots · rows · cols); only for small systems."""
    m = len(A)
    n = len(c)
    # make b ≥ 0
    rows = []
    for i in range(m):
        if b[i] < 0:
            rows.append([-v for v in A[i]] + [-b[i]])
        else:
            rows.append([*list(A[i]), b[i]])
    # tableau columns: x (n), artificials (m), rhs
    T = [r[:n] + [Fraction(int(i == j)) for j in range(m)] + [r[n]] for i, r in enumerate(rows)]
    basis = [n + i for i in range(m)]
    width = n + m

    def pivot(r: int, col: int) -> None:
        pr = T[r]
        inv = 1 / pr[col]
        if inv != 1:
            T[r] = pr = [v * inv for v in pr]
        nz = [j for j, v in enumerate(pr) if v != 0]
        for i in range(m):
            if i != r and T[i][col] != 0:
                f = T[i][col]
                ri = T[i]
                for j in nz:
                    ri[j] -= f * pr[j]
        basis[r] = col

    def run(cost: list[Fraction], allowed: int) -> bool:
        while True:
            # reduced costs  c_j − c_B B⁻¹ A_j
            cb = [cost[basis[i]] for i in range(m)]
            enter = None
            for j in range(allowed):
                if j in basis:
                    continue
                rc = cost[j] - sum((cb[i] * T[i][j] for i in range(m) if T[i][j] != 0),
                                   Fraction(0))
                if rc < 0:
                    enter = j
                    break
            if enter is None:
                return True
            best = None
            for i in range(m):
                if T[i][enter] > 0:
                    ratio = T[i][width] / T[i][enter]
                    if best is None or ratio < best[0] or (ratio == best[0]
                                                           and basis[i] < basis[best[1]]):
                        best = (ratio, i)
            if best is None:
                return False  # unbounded
            pivot(best[1], enter)

    phase1 = [Fraction(0)] * n + [Fraction(1)] * m
    run(phase1, width)
    if any(basis[i] >= n and T[i][width] != 0 for i in range(m)):
        return None
    # drive remaining (zero-valued) artificials out of the basis where possible
    for i in range(m):
        if basis[i] >= n:
            col = next((j for j in range(n) if T[i][j] != 0 and j not in basis), None)
            if col is not None:
                pivot(i, col)
    cost = list(c) + [Fraction(0)] * m
    # forbid artificials from re-entering: only the first n columns may enter
    if not run(cost, n):
        return None
    x = [Fraction(0)] * n
    for i in range(m):
        if basis[i] < n:
            x[basis[i]] = T[i][width]
    return x


def _exact_solve(system: LinearSystem) -> list[Fraction] | None:
    """Exact fallback for small systems: rewrite in standard form and run :func:`_simplex`,
    maximising the margin of strict rows. The caller verifies the answer."""
    n = system.n
    rows_ub = len(system.b_ub)
    rows_eq = len(system.b_eq)
    if (rows_ub + rows_eq + n + 2) * (2 * n + 2 * rows_ub + 2) > _EXACT_LIMIT:
        return None
    # x_j = off_j + sign_j · z_a (− z_b when free)
    cols: list[list[tuple[int, int]]] = []  # per x_j: (z index, coefficient ±1)
    off: list[Fraction] = []
    extra_rows: list[tuple[dict[int, Fraction], Fraction]] = []
    nz = 0
    for j in range(n):
        lo, hi = system.lb[j], system.ub[j]
        if lo is not None:
            cols.append([(nz, 1)])
            off.append(Fraction(lo))
            if hi is not None:
                extra_rows.append(({nz: Fraction(1)}, Fraction(hi) - Fraction(lo)))  # ≤
            nz += 1
        elif hi is not None:
            cols.append([(nz, -1)])
            off.append(Fraction(hi))
            nz += 1
        else:
            cols.append([(nz, 1), (nz + 1, -1)])
            off.append(Fraction(0))
            nz += 2
    strict = bool(system.strict.any())
    t_idx = nz if strict else None
    if strict:
        nz += 1
        extra_rows.append(({t_idx: Fraction(1)}, Fraction(1)))  # t ≤ 1

    def expand(row: np.ndarray) -> tuple[dict[int, Fraction], Fraction]:
        d: dict[int, Fraction] = {}
        shift = Fraction(0)
        for j, a in enumerate(row):
            a = Fraction(a)
            if a == 0:
                continue
            shift += a * off[j]
            for z, sgn in cols[j]:
                d[z] = d.get(z, Fraction(0)) + sgn * a
        return d, shift

    le_rows: list[tuple[dict[int, Fraction], Fraction]] = []
    for i in range(rows_ub):
        d, shift = expand(system.A_ub[i])
        if strict and system.strict[i]:
            d[t_idx] = Fraction(1)
        le_rows.append((d, Fraction(system.b_ub[i]) - shift))
    le_rows += extra_rows
    eq_rows = []
    for i in range(rows_eq):
        d, shift = expand(system.A_eq[i])
        eq_rows.append((d, Fraction(system.b_eq[i]) - shift))
    total = nz + len(le_rows)  # one slack per ≤ row
    A: list[list[Fraction]] = []
    b: list[Fraction] = []
    for k, (d, rhs) in enumerate(le_rows):
        r = [Fraction(0)] * total
        for z, v in d.items():
            r[z] = v
        r[nz + k] = Fraction(1)
        A.append(r)
        b.append(rhs)
    for d, rhs in eq_rows:
        r = [Fraction(0)] * total
        for z, v in d.items():
            r[z] = v
        A.append(r)
        b.append(rhs)
    c = [Fraction(0)] * total
    if strict:
        c[t_idx] = Fraction(-1)
    z = _simplex(A, b, c)
    if z is None:
        return None
    if strict and z[t_idx] <= 0:
        return None
    return [off[j] + sum((sgn * z[zi] for zi, sgn in cols[j]), Fraction(0)) for j in range(n)]


def _plausible(system: LinearSystem, x: Sequence[Fraction]) -> bool:
    """Cheap float pre-check of a rational candidate (never a substitute for the exact one)."""
    A_ub, b_ub, A_eq, b_eq = system._f
    xf = np.array([float(v) for v in x])
    tol = 1e-9 * (1 + np.abs(xf).max(initial=0.0))
    if A_eq.shape[0] and np.abs(A_eq @ xf - b_eq).max() > tol * (1 + np.abs(A_eq).max()):
        return False
    return not (A_ub.shape[0] and (A_ub @ xf - b_ub).max() > tol * (1 + np.abs(A_ub).max()))


def _from_hint(system: LinearSystem, h: np.ndarray) -> list[Fraction] | None:
    for cand in rational_candidates(h):
        if _plausible(system, cand) and system.satisfied(cand):
            return cand
    cand2 = _active_set_solve(system, h)
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
    systems.
    Every candidate is checked with :meth:`LinearSystem.satisfied`; ``None`` means no verified
    point was found (which is not a proof of infeasibility).

    Cost: one HiGHS solve plus O(n · rows) per rounding candidate and one exact elimination.
    """
    hints: list[np.ndarray] = []
    if hint is not None:
        hints.append(np.asarray(hint, dtype=float))
    else:
        h = _highs(system, None if objective is None else np.asarray(objective, dtype=float))
        if h is not None:
            hints.append(h)
    for h in hints:
        got = _from_hint(system, h)
        if got is not None:
            return got
    if hint is not None:
        h = _highs(system)
        if h is not None:
            got = _from_hint(system, h)
            if got is not None:
                return got
    if exact_fallback:
        cand3 = _exact_solve(system)
        if cand3 is not None and system.satisfied(cand3):
            return cand3
    return None


@dataclass(frozen=True)
class GordanResult:
    """Outcome of :func:`gordan`: exactly one of ``stakes`` / ``weights`` is set.

    ``stakes`` (``s`` with ``G s < 0`` row-wise, scaled so ``max |s_j| = 1``) with ``margin =
    −max_rows (G s)`` > 0; or ``weights`` (``y ≥ 0``, ``Σ y = 1``, ``yᵀ G = 0``).
    """

    stakes: tuple[Fraction, ...] | None
    margin: Fraction | None
    weights: tuple[Fraction, ...] | None


def gordan(
    G: Any,
    *,
    support: Sequence[int] | None = None,
) -> GordanResult | None:
    """Gordan's alternative, exactly: ``∃ s: G s < 0`` (every row) or ``∃ y ∈ Δ: yᵀ G = 0``.

    Solves the bounded margin LP ``max t  s.t.  G s + t ≤ 0, −1 ≤ s ≤ 1, t ≤ 1`` with HiGHS.
    If ``t* > 0`` the primal ``s`` is rounded and verified exactly; otherwise the duals of the
    row constraints, normalised, are the candidate ``y`` and are made exact by
    :func:`find_point`. If the float answer is wrong in either direction the other side is
    tried as well. Returns ``None`` only if neither side could be verified (callers raise
    :class:`~coherence.errors.CertificationError`).

    ``support`` restricts ``s`` to those columns (others fixed at 0).

    Cost: one HiGHS solve on (rows × cols) plus exact verification O(rows · cols).
    """
    Gx = np.asarray(G, dtype=object)
    if Gx.ndim != 2:
        raise InputError("gordan: G must be a matrix")
    k, m = Gx.shape
    cols = list(range(m)) if support is None else [int(j) for j in support]
    Gs = Gx[:, cols] if cols else np.zeros((k, 0), dtype=object)
    Gf = np.vectorize(float, otypes=[float])(Gs) if Gs.size else np.zeros((k, len(cols)))
    mm = len(cols)
    c = np.zeros(mm + 1)
    c[-1] = -1.0
    A = np.hstack([Gf, np.ones((k, 1))])
    res = linprog(
        c,
        A_ub=A,
        b_ub=np.zeros(k),
        bounds=[(-1.0, 1.0)] * mm + [(None, 1.0)],
        method="highs",
    )
    t = float(-res.fun) if res.status == 0 else 0.0
    duals = None
    if res.status == 0 and getattr(res, "ineqlin", None) is not None:
        duals = -np.asarray(res.ineqlin.marginals, dtype=float)

    def exploit(sf: np.ndarray | None) -> GordanResult | None:
        if sf is None:
            return None
        for cand in rational_candidates(sf):
            if not any(cand):
                continue
            cf = np.array([float(v) for v in cand])
            if k and (Gf @ cf).max() >= -1e-12 * (1 + np.abs(Gf).sum(axis=1).max()):
                continue  # cheap float pre-check; the exact check below decides
            nz = [t for t, v in enumerate(cand) if v != 0]
            vals = Gs[:, nz].dot(np.asarray([cand[t] for t in nz], dtype=object))
            s = _embed(cand, cols, m)
            if len(vals) and all(v < 0 for v in vals):
                big = max(abs(v) for v in s)
                s = [v / big for v in s]
                marg = -max(v / big for v in vals)
                return GordanResult(tuple(s), marg, None)
        return None

    def rationalise(yf: np.ndarray | None) -> GordanResult | None:
        sys_ = LinearSystem(
            n=k,
            A_eq=np.vstack([Gs.T, np.ones((1, k), dtype=object)]).astype(object),
            b_eq=np.array([Fraction(0)] * mm + [Fraction(1)], dtype=object),
            lb=(Fraction(0),) * k,
        )
        if yf is not None:
            yf = np.clip(yf, 0.0, None)
            tot = yf.sum()
            yf = yf / tot if tot > 0 else None
        y = find_point(sys_, hint=yf) if yf is not None else find_point(sys_)
        if y is None:
            return None
        return GordanResult(None, None, tuple(y))

    if t > 1e-9:
        out = exploit(np.asarray(res.x[:mm]))
        if out is not None:
            return out
        out = rationalise(None)
        if out is not None:
            return out
        return _exact_exploit(Gx, cols, m)
    out = rationalise(duals)
    if out is not None:
        return out
    if res.status == 0:
        out = exploit(np.asarray(res.x[:mm]))
        if out is not None:
            return out
    return _exact_exploit(Gx, cols, m)


def _embed(vals: Sequence[Fraction], cols: Sequence[int], m: int) -> list[Fraction]:
    s = [Fraction(0)] * m
    for j, v in zip(cols, vals, strict=True):
        s[j] = Fraction(v)
    return s


def _exact_exploit(Gx: np.ndarray, cols: list[int], m: int) -> GordanResult | None:
    """Exact search for ``G s < 0`` (strict rows) when floats were inconclusive."""
    k = Gx.shape[0]
    mm = len(cols)
    sys_ = LinearSystem(
        n=mm,
        A_ub=Gx[:, cols] if mm else np.zeros((k, 0), dtype=object),
        b_ub=np.array([Fraction(0)] * k, dtype=object),
        lb=(Fraction(-1),) * mm,
        ub=(Fraction(1),) * mm,
        strict=np.ones(k, dtype=bool),
    )
    s = find_point(sys_)
    if s is None:
        return None
    full = _embed(s, cols, m)
    vals = Gx.dot(np.asarray(full, dtype=object))
    big = max(abs(v) for v in full)
    return GordanResult(
        tuple(v / big for v in full), -max(v / big for v in vals), None
    )
