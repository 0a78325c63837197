"""Dominance by mixtures and best-response beliefs on one player's payoff matrix.

Everything here works on a matrix ``U`` (rows: the player's surviving strategies, columns:
the surviving opponent profiles). Float LPs (HiGHS) find a dominating mixture or a belief;
the exact side rounds it to rationals and checks it in integers, or solves exactly
(:func:`coherence._exact.find_point`). The exact matrices hold Python ints (payoffs times
their common denominator).

The two sides are one LP duality (Pearce 1984, Lemma 3): a row is strictly dominated by a
mixture of the others iff it is a best response to no belief over the columns; it is weakly
dominated iff it is a best response to no belief with full support (the finite complete class
theorem, Wald 1950, with the columns as states).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

import numpy as np

from coherence._exact import LinearSystem, find_point, rational_candidates
from coherence._exact.solvers import linprog
from coherence._exact.system import float_array

__all__ = [
    "TOL",
    "best_response",
    "candidate_beliefs",
    "common_den",
    "dominance_lp",
    "dominance_system",
    "exact_belief",
    "exact_full_support_belief",
    "exact_mixture",
    "lp_floats",
    "mixture_dominates",
    "pure_strict_dominated",
]

#: float margin above which an LP's dominance is trusted enough to look for an exact mixture
TOL = 1e-9

Mixture = tuple[Fraction, ...]


def common_den(xs: Iterable[Fraction]) -> int:
    """The least common denominator of exact numbers.

    >>> common_den([Fraction(1, 2), Fraction(1, 3), Fraction(1)])
    6
    """
    D = 1
    for v in xs:
        if v.denominator != 1:
            D = D * v.denominator // math.gcd(D, v.denominator)
    return D


def lp_floats(Ue: np.ndarray) -> np.ndarray:
    """A float copy of the exact matrix ``Ue`` (ints or Fractions) for a float LP: as it is
    when its largest entry is below 2¹⁶, else scaled by a power of two to largest entry of
    order one (a positive scaling: dominance and best responses are unchanged). O(size).

    >>> lp_floats(np.array([[2**400, 0], [1, 2]], dtype=object))[0].tolist()
    [1.0, 0.0]
    """
    top = max((abs(v) for v in Ue.reshape(-1).tolist()), default=0)
    e = (top.numerator.bit_length() - top.denominator.bit_length() if isinstance(top, Fraction)
         else int(top).bit_length() - 1)
    if e <= 16:
        return float_array(Ue)
    if e < 1000:
        return float_array(Ue) * 2.0**-e
    shift = 2**e
    return np.array([[v / shift for v in row] for row in Ue.tolist()], dtype=float)


#: unit roundoff of float64
_U = 2.0**-53


def _float_products(M: np.ndarray, w: Sequence[Fraction]) -> tuple[np.ndarray, np.ndarray] | None:
    """``M @ w`` in floats with a rigorous bound on each entry's error, or ``None`` when the
    floats cannot be trusted: a float copy is not finite, or a non-zero weight falls below
    the normal range (its conversion error is then absolute, and a large entry of ``M``
    would magnify it). Normal conversions are correctly rounded (relative error ``u``); an
    entry of ``M`` in the subnormal range is off by at most ``2⁻¹⁰⁷⁴`` absolutely; a dot
    product of length ``n`` adds at most ``n·u`` relative to ``|M|·|w|`` and ``2⁻¹⁰⁷⁴`` per
    term on underflow. O(size)."""
    Mf = float_array(M)
    wf = np.array([float(v) for v in w])
    if not (np.isfinite(Mf).all() and np.isfinite(wf).all()):
        return None
    if any(v != 0 and abs(f) < 2.0**-1022 for v, f in zip(w, wf.tolist(), strict=True)):
        return None
    n = len(wf)
    scale = max(1.0, float(np.abs(wf).max(initial=0.0)))
    with np.errstate(all="ignore"):
        vals = Mf @ wf
        err = (n + 4) * _U * 1.01 * (np.abs(Mf) @ np.abs(wf)) + 2 * (n + 1) * scale * 2.0**-1074
    if not (np.isfinite(vals).all() and np.isfinite(err).all()):
        return None
    return vals, err


def mixture_dominates(U: np.ndarray, s: int, sigma: Sequence[Fraction], strict: bool) -> bool:
    """Exact: does ``σ`` (over U's rows, ``σ_s = 0``) dominate row ``s``? (strict: in every
    column; weak: ≥ everywhere and > somewhere). ``U`` holds exact numbers (ints or
    Fractions).

    A filtered predicate: every column is compared in floats with a rigorous error bound,
    and only the columns inside it are decided in exact arithmetic. O(rows · columns) float
    operations plus O(rows) exact ones per undecided column.

    >>> U = np.array([[3, 0], [0, 3], [1, 1]], dtype=object)
    >>> mixture_dominates(U, 2, (Fraction(1, 2), Fraction(1, 2), Fraction(0)), strict=True)
    True
    """
    if len(sigma) != U.shape[0] or sigma[s] != 0:
        return False
    sup = [j for j, v in enumerate(sigma) if v != 0]
    vals = [Fraction(sigma[j]) for j in sup]
    if any(v < 0 for v in vals) or sum(vals) != 1:
        return False
    cols = np.arange(U.shape[1])
    gt_some = False
    fl = _float_products(U[sup].T, vals)
    rf = _float_products(U[s][:, None], [Fraction(1)])
    if fl is not None and rf is not None:
        (lf, le), (sf, se) = fl, rf
        with np.errstate(over="ignore"):  # an overflowed bound is only less sure
            if (lf + le < sf - se).any():
                return False  # a column where σ surely pays less
            above = lf - le > sf + se
        if strict:
            cols = cols[~above]
        else:
            gt_some = bool(above.any())
            cols = cols[~above]
    if cols.size:
        D = common_den(vals)
        lhs = sum((int(v * D) * U[j, cols] for j, v in zip(sup, vals, strict=True)),
                  np.zeros(cols.size, dtype=object))
        rhs = U[s, cols] * D
        if strict:
            return bool(all(lhs > rhs))
        if not all(lhs >= rhs):
            return False
        gt_some = gt_some or bool(any(lhs > rhs))
    return gt_some or strict


def best_response(U: np.ndarray, s: int, y: Sequence[Fraction]) -> bool:
    """Exact: is row ``s`` a best response to the belief ``y`` over U's columns?

    A filtered predicate: the expected payoffs are compared in floats with a rigorous error
    bound, and only the rows inside it are computed exactly. O(rows · columns) float
    operations plus O(columns) exact ones per undecided row.

    >>> best_response(np.array([[1, 0], [0, 1]], dtype=object), 1, (Fraction(0), Fraction(1)))
    True
    """
    if len(y) != U.shape[1] or any(v < 0 for v in y) or sum(y) != 1:
        return False
    rows = np.arange(U.shape[0])
    sup = [t for t, v in enumerate(y) if v != 0]
    fl = _float_products(U[:, sup], [y[t] for t in sup])
    if fl is not None:
        vf, ve = fl
        with np.errstate(over="ignore"):  # an overflowed bound is only less sure
            if (vf - ve > vf[s] + ve[s]).any():
                return False  # a row surely pays more
            rows = rows[~(vf + ve < vf[s] - ve[s])]
        if rows.size <= 1:  # only row s itself is left
            return True
    D = common_den(y)
    w = np.array([int(y[t] * D) for t in sup], dtype=object)
    vals = U[np.ix_(rows, np.asarray(sup, dtype=np.int64))].dot(w)
    own = U[s, sup].dot(w)
    return bool(own >= max(vals))


def _unsolved(r: int, c: int) -> tuple[float, np.ndarray, np.ndarray]:
    return -math.inf, np.zeros(r), np.full(c, 1.0 / c)


def _strict_lp(U: np.ndarray, s: int, others: list[int]) -> tuple[float, np.ndarray, np.ndarray]:
    """``max ε`` s.t. ``σᵀU ≥ U_s + ε`` by constraint generation.

    A restricted LP that finds no margin proves there is none (its duals are a belief on the
    kept columns); a restricted σ that beats row s on every column is a dominating mixture;
    otherwise the violated columns are added (16 at a time). When every violated column is
    kept already (a near tie the floats cannot resolve) the smallest slack is returned: the
    caller settles it exactly.
    """
    r, c = U.shape
    Uo = U[others].T  # c × (r-1)
    gap = U[s] - Uo.max(axis=1)  # how well s does in each column
    cols = [int(t) for t in np.argsort(-gap)[: min(c, 16)]]
    while True:
        res = linprog(
            np.r_[np.zeros(len(others)), -1.0],
            A_ub=np.hstack([-Uo[cols], np.ones((len(cols), 1))]),
            b_ub=-U[s, cols],
            A_eq=np.r_[np.ones(len(others)), 0.0][None, :],
            b_eq=[1.0],
            bounds=[(0, None)] * len(others) + [(None, 1.0)],
            method="highs",
            options={"presolve": False},
        )
        if res.status != 0:
            return _unsolved(r, c)
        val = float(-res.fun)
        sig = res.x[: len(others)]
        duals = np.zeros(c)
        if val <= TOL:
            duals[cols] = -np.asarray(res.ineqlin.marginals)
            break
        slack = Uo @ sig - U[s]
        bad = np.flatnonzero(slack <= TOL)
        if not len(bad):
            val = float(slack.min())
            break
        kept = set(cols)
        new = [int(t) for t in bad[np.argsort(slack[bad])] if int(t) not in kept][:16]
        if not new:  # the float LP and its own point disagree: a near tie, settled exactly
            val = float(slack.min())
            break
        cols += new
    sigma = np.zeros(r)
    sigma[others] = sig
    return val, sigma, duals


def _weak_lp(U: np.ndarray, s: int, others: list[int]) -> tuple[float, np.ndarray, np.ndarray]:
    """``max Σ d`` s.t. ``σᵀU ≥ U_s + d``, ``0 ≤ d ≤ 1``: positive iff row s is weakly
    dominated."""
    r, c = U.shape
    Uo = U[others].T
    res = linprog(
        np.r_[np.zeros(len(others)), -np.ones(c)],
        A_ub=np.hstack([-Uo, np.eye(c)]),
        b_ub=-U[s],
        A_eq=np.r_[np.ones(len(others)), np.zeros(c)][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * len(others) + [(0, 1)] * c,
        method="highs",
    )
    if res.status != 0:
        return _unsolved(r, c)
    sigma = np.zeros(r)
    sigma[others] = res.x[: len(others)]
    return float(-res.fun), sigma, -np.asarray(res.ineqlin.marginals)


def dominance_lp(U: np.ndarray, s: int, strict: bool) -> tuple[float, np.ndarray, np.ndarray]:
    """Float LP: best mixture of rows ≠ s against row s. Returns (value, σ, belief duals).

    strict: ``max ε`` s.t. ``σᵀU ≥ U_s + ε``; weak: ``max Σ d`` s.t. ``σᵀU ≥ U_s + d``,
    ``0 ≤ d ≤ 1``. A positive value means row ``s`` is dominated. Cost: one HiGHS LP of size
    rows × cols (strict: on a growing subset of the columns).

    >>> val, sigma, _ = dominance_lp(np.array([[3.0, 0.0], [0.0, 3.0], [1.0, 1.0]]), 2, True)
    >>> round(val, 6), sigma.round(6).tolist()
    (0.5, [0.5, 0.5, 0.0])
    """
    r, c = U.shape
    others = [k for k in range(r) if k != s]
    if not others:
        return _unsolved(r, c)
    return _strict_lp(U, s, others) if strict else _weak_lp(U, s, others)


def _support_candidates(x: np.ndarray, exclude: int | None = None) -> Iterable[list[Fraction]]:
    """Probability vectors near ``x``: round its support (entries > 1e-12) at increasing
    precision and renormalise exactly; entries off the support (and ``exclude``) are 0."""
    x = np.asarray(x, dtype=float)
    sup = [int(j) for j in np.flatnonzero(x > 1e-12) if j != exclude]
    if not sup:
        return
    zero = Fraction(0)
    for vals in rational_candidates([float(x[j]) for j in sup]):
        vals = [max(v, zero) for v in vals]
        tot = sum(vals)
        if tot <= 0:
            continue
        out = [zero] * len(x)
        for j, v in zip(sup, vals, strict=True):
            out[j] = v / tot
        yield out


def _differences(Ue: np.ndarray, s: int) -> np.ndarray:
    """``U_k − U_s`` for every row ``k`` (exact; row ``s`` is zero)."""
    return Ue - Ue[s]


def dominance_system(Ue: np.ndarray, s: int, strict: bool) -> LinearSystem:
    """``σ ∈ Δ`` over the rows, ``σ_s = 0``, with ``σᵀ(U − U_s) ≥ 0`` in every column —
    ``> 0`` in every column (strict), or in their sum (weak: ``> 0`` in some column).
    Differences ``U − U_s`` keep a large common offset out of the float copy.

    >>> s = dominance_system(np.array([[3, 0], [0, 3], [1, 1]], dtype=object), 2, True)
    >>> s.satisfied([Fraction(1, 2), Fraction(1, 2), Fraction(0)])
    True
    """
    r, c = Ue.shape
    D = _differences(Ue, s)
    A_ub = -D.T
    strict_rows = np.full(c, strict)
    if not strict:
        A_ub = np.vstack([A_ub, -D.sum(axis=1)[None, :]])
        strict_rows = np.r_[strict_rows, True]
    return LinearSystem(
        n=r, A_ub=A_ub, b_ub=np.zeros(len(strict_rows), dtype=object),
        A_eq=np.ones((1, r), dtype=object), b_eq=np.array([Fraction(1)], dtype=object),
        lb=(Fraction(0),) * r, ub=tuple(Fraction(0) if k == s else None for k in range(r)),
        strict=strict_rows,
    )


def exact_mixture(
    Ue: np.ndarray, s: int, sigma_f: np.ndarray | None, strict: bool,
    *, exact_fallback: bool = True,
) -> Mixture | None:
    """An exactly verified mixture of the other rows dominating row ``s`` (strictly: in
    every column; weakly: ≥ everywhere and > somewhere), or ``None`` when there is none.

    Rounds the float mixture ``sigma_f`` first (O(rows · cols) per candidate), then solves
    :func:`dominance_system` exactly (:func:`coherence._exact.find_point`, which finds a point
    whenever one exists), so ``None`` is a proof: row ``s`` is not dominated. Without
    ``exact_fallback`` only the roundings of ``sigma_f`` are tried (``None``: none verified).

    >>> U = np.array([[3, 0], [0, 3], [1, 1]], dtype=object)
    >>> exact_mixture(U, 2, np.array([0.5000001, 0.4999999, 0.0]), strict=True)
    (Fraction(1, 2), Fraction(1, 2), Fraction(0, 1))
    >>> exact_mixture(U, 0, None, strict=False) is None
    True
    """
    if Ue.shape[0] < 2:
        return None
    if sigma_f is not None:
        for cand in _support_candidates(sigma_f, exclude=s):
            if mixture_dominates(Ue, s, cand, strict):
                return tuple(cand)
    if not exact_fallback:
        return None
    x = find_point(dominance_system(Ue, s, strict), hint=sigma_f)
    if x is not None and mixture_dominates(Ue, s, x, strict):
        return tuple(x)
    return None


def _belief_lp(U: np.ndarray, s: int) -> np.ndarray:
    """Float LP: belief y over columns maximising min_k≠s (U_s − U_k)·y."""
    r, c = U.shape
    others = [k for k in range(r) if k != s]
    if not others:
        return np.full(c, 1.0 / c)
    res = linprog(
        np.r_[np.zeros(c), -1.0],
        A_ub=np.hstack([U[others] - U[s], np.ones((len(others), 1))]),
        b_ub=np.zeros(len(others)),
        A_eq=np.r_[np.ones(c), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * c + [(None, 1.0)],
        method="highs",
    )
    return np.full(c, 1.0 / c) if res.status != 0 else np.asarray(res.x[:c])


def _best_response_system(Ue: np.ndarray, s: int, *, full_support: bool) -> LinearSystem:
    """``(U_k − U_s)·y ≤ 0`` for every row k, ``Σ y = 1``, ``y ≥ 0`` (``y > 0`` when
    ``full_support``: those rows are strict)."""
    r, c = Ue.shape
    others = [k for k in range(r) if k != s]
    D = _differences(Ue, s)[others]
    strict = np.zeros(len(others), dtype=bool)
    if full_support:
        eye = np.zeros((c, c), dtype=object)
        np.fill_diagonal(eye, -1)
        D = np.vstack([D, eye]) if len(others) else eye
        strict = np.r_[strict, np.ones(c, dtype=bool)]
    return LinearSystem(
        n=c, A_ub=D if len(strict) else None, b_ub=np.zeros(len(strict), dtype=object),
        A_eq=np.ones((1, c), dtype=object), b_eq=np.array([Fraction(1)], dtype=object),
        lb=(Fraction(0),) * c, strict=strict,
    )


def exact_belief(
    Ue: np.ndarray, s: int, U: np.ndarray | None = None, *, exact_fallback: bool = True
) -> Mixture | None:
    """An exact belief over the columns to which row ``s`` is a best response, or ``None``
    when there is none (then row ``s`` is strictly dominated: Pearce 1984, Lemma 3).

    ``U`` is the float matrix for the LP hint (without it, the exact differences
    ``U − U_s`` scaled by a power of two). Cost: one HiGHS LP, then rounding or the exact solve of
    :func:`coherence._exact.find_point` (which finds a belief whenever one exists). Without
    ``exact_fallback`` only the roundings are tried (``None``: none verified).

    >>> exact_belief(np.array([[2, 0], [0, 2], [1, 1]], dtype=object), 2)
    (Fraction(1, 2), Fraction(1, 2))
    """
    c = Ue.shape[1]
    best = np.flatnonzero(np.asarray(Ue[s] >= Ue.max(axis=0), dtype=bool))
    if len(best):  # a best reply to a sure profile: no LP needed
        return tuple(Fraction(int(t == best[0])) for t in range(c))
    y_f = _belief_lp(lp_floats(_differences(Ue, s)) if U is None else U, s)
    if y_f is not None:
        for cand in _support_candidates(y_f):
            if best_response(Ue, s, cand):
                return tuple(cand)
    if not exact_fallback:
        return None
    x = find_point(_best_response_system(Ue, s, full_support=False), hint=y_f)
    return tuple(x) if x is not None and best_response(Ue, s, x) else None


def exact_full_support_belief(Ue: np.ndarray, s: int) -> Mixture | None:
    """An exact belief with every column positive to which row ``s`` is a best response.

    Exists iff row ``s`` is not weakly dominated by a mixture of the rows (Wald's complete
    class theorem with the columns as states), so ``None`` is a proof of weak dominance.
    Cost: a uniform-belief check, one float LP, then rounding or one exact feasibility
    problem.

    >>> exact_full_support_belief(np.array([[1, 1], [0, 1]], dtype=object), 0)
    (Fraction(1, 2), Fraction(1, 2))
    >>> exact_full_support_belief(np.array([[1, 1], [0, 1]], dtype=object), 1) is None
    True
    """
    c = Ue.shape[1]

    def ok(y: Sequence[Fraction]) -> bool:
        return all(v > 0 for v in y) and best_response(Ue, s, y)

    uniform = tuple(Fraction(1, c) for _ in range(c))
    if ok(uniform):
        return uniform
    near = _near_pure_belief(Ue, s)
    if near is not None and ok(near):
        return near
    y_f = _full_support_lp(lp_floats(_differences(Ue, s)), s)
    for cand in rational_candidates([] if y_f is None else [float(v) for v in y_f]):
        tot = sum(cand)
        if tot > 0 and ok([v / tot for v in cand]):
            return tuple(v / tot for v in cand)
    x = find_point(_best_response_system(Ue, s, full_support=True), hint=y_f)
    return tuple(x) if x is not None and ok(x) else None


def _near_pure_belief(Ue: np.ndarray, s: int) -> Mixture | None:
    """A full-support belief ``(1 − ε)·δ_t + ε·uniform`` for a column ``t`` where row ``s``
    is a best reply, with the largest ``ε ≤ 1/2`` that keeps it one (exact, O(rows · cols)),
    or ``None`` when no column allows one."""
    r, c = Ue.shape
    D = Ue[s] - Ue  # D[k, t]: how much row s beats row k in column t
    S = D.sum(axis=1)
    for t in np.flatnonzero(np.asarray((D >= 0).all(axis=0), dtype=bool)).tolist()[:4]:
        eps = Fraction(1, 2)
        for k in range(r):
            a, b = D[k, t] * c, S[k]  # need (1 − ε)·a + ε·b ≥ 0
            if b >= a:
                continue
            if a == 0:
                eps = Fraction(0)
                break
            eps = min(eps, Fraction(a, a - b))
        if eps > 0:
            y = [eps / c] * c
            y[t] += 1 - eps
            return tuple(y)
    return None


def _full_support_lp(U: np.ndarray, s: int) -> np.ndarray | None:
    """Float LP: a belief y to which row s is a best response, maximising ``min_t y_t``;
    ``None`` when its optimum is not positive (row s is then weakly dominated, up to
    rounding)."""
    r, c = U.shape
    others = [k for k in range(r) if k != s]
    A_ub = np.vstack([
        np.hstack([U[others] - U[s], np.zeros((len(others), 1))]),
        np.hstack([-np.eye(c), np.ones((c, 1))]),
    ])
    res = linprog(
        np.r_[np.zeros(c), -1.0],
        A_ub=A_ub,
        b_ub=np.zeros(len(others) + c),
        A_eq=np.r_[np.ones(c), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * c + [(None, 1.0)],
        method="highs",
    )
    if res.status != 0 or -res.fun <= 1e-12:
        return None
    return np.asarray(res.x[:c])


def pure_strict_dominated(U: np.ndarray) -> list[tuple[int, int]]:
    """(dominated row, dominating row) pairs by pure strategies, vectorised O(r² c).

    >>> pure_strict_dominated(np.array([[3.0, 0.0], [5.0, 1.0]]))
    [(0, 1)]
    """
    gt = np.asarray((U[:, None, :] > U[None, :, :]).all(axis=2))  # gt[k, s]: k beats s
    np.fill_diagonal(gt, False)
    out = []
    for s in range(U.shape[0]):
        ks = np.flatnonzero(gt[:, s])
        if len(ks):
            out.append((s, int(ks[0])))
    return out


def candidate_beliefs(
    U: np.ndarray, rows: Sequence[int], seed: int = 0
) -> dict[int, tuple[int, ...]]:
    """Rows (among ``rows``) that are float best responses to a uniform belief on one, two or
    three columns, with that support. Vectorised: O(r · (c + K)) for K sampled supports.

    >>> candidate_beliefs(np.array([[1.0, 0.0], [0.0, 1.0]]), [0, 1])
    {0: (0,), 1: (1,)}
    """
    _r, c = U.shape
    out: dict[int, tuple[int, ...]] = {}
    todo = set(rows)
    best = U.max(axis=0)
    br = best - 1e-9 * (1.0 + np.abs(best)) <= U
    for s in sorted(todo):
        cols = np.flatnonzero(br[s])
        if len(cols):
            out[s] = (int(cols[0]),)
            todo.discard(s)
    rng = np.random.default_rng(seed)
    for size in (2, 3):
        if not todo or c < size:
            break
        K = min(4000, math.comb(c, size) * 2)
        idx = np.stack([rng.integers(0, c, K) for _ in range(size)])
        V = U[:, idx].sum(axis=1)  # r × K
        bestV = V.max(axis=0)
        brV = bestV - 1e-9 * (1.0 + np.abs(bestV)) <= V
        for s in sorted(todo):
            for k in np.flatnonzero(brV[s]):
                sup = tuple(sorted({int(t) for t in idx[:, k]}))
                if len(sup) == size:
                    out[s] = sup
                    todo.discard(s)
                    break
    return out
