"""Afriat numbers by construction: levels and multipliers component by component, no LP.

Data satisfy GARP at efficiency ``e`` iff no strongly connected component of the weak direct
revealed preference ``R0`` holds a strict edge (Varian 1982, "The nonparametric approach to
demand analysis", Econometrica 50). The constructive proofs of Afriat's theorem (Varian 1982,
appendix; Fostel, Scarf & Todd 2004, "Two new proofs of Afriat's theorem", Economic Theory 24;
Piaw & Vohra 2003) then build numbers ``U_t`` and ``λ_t > 0`` with

    ``U_j ≤ U_i + λ_i d_ij``,  ``d_ij = p_i·x_j − e·p_i·x_i``,

greedily. Take the components in a topological order of the condensation of ``R0`` (an edge
``i → j``, "``x_i`` revealed preferred to ``x_j``", runs from an earlier component to a later
one or stays inside one). Every observation of a component gets the same level; when a
component ``C`` comes, with ``S`` the observations before it:

* pairs inside ``C`` hold for any ``λ > 0``: ``d_ij ≥ 0`` there (a negative one is a strict
  edge inside a component, which GARP forbids), and the levels are equal;
* ``i ∈ S, j ∈ C`` bound the level from above: ``U_C ≤ min (U_i + λ_i d_ij)`` (``λ_i`` is
  already fixed), so ``U_C`` is taken just below that minimum;
* ``i ∈ C, j ∈ S`` have ``d_ij > 0`` (an edge from ``C`` back to ``S`` would break the order),
  so ``λ_i ≥ max (U_j − U_C) / d_ij`` holds for ``λ_i`` large enough; it is taken just above.

Every ordered pair of observations in different components is settled when the later one
comes, with a margin, so the numbers are strict across components (SARP, where the components
hold one bundle each, needs no more). The arithmetic runs in floats with relative margins of
``2⁻³⁰`` (far above the rounding error of one inequality), in multipliers normalised by the
budget (``μ_t = λ_t·p_t·x_t``); the numbers are float64, hence exact dyadic rationals, and the
exact check of :meth:`AfriatUtility.verify` settles them. Should that check fail (floats out of
range, say), the same construction runs in Fractions on the exact costs, rounding each number
to a nearby dyadic on the safe side. Either way it applies whenever GARP holds: nothing is left
for a linear program. Cost: O(T²K) for the costs and O(T²) for the construction.
"""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import pairwise

import numpy as np

from coherence.budgets._data import BudgetData
from coherence.budgets._kernel import _ExactCosts, float_view
from coherence.errors import CertificationError
from coherence.graphs import condensation, strongly_connected_components, topological_layers

__all__: list[str] = []

#: the most observations the Fraction construction takes on (O(T²K) Fraction operations)
EXACT_CONSTRUCTION_MAX = 2000

_DELTA = 2.0**-30  # relative margin of every inequality the construction makes
_UP = 1.0 + 2.0**-40  # covers the rounding of one division
_NORMAL = 2.0**-1000  # below this a float product may have lost relative precision


def _order_key(C: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort keys of a topological order of the DAG ``C``: ``depth − height`` (the longest
    path from a source minus the longest path to a sink; it grows strictly along every edge),
    then the net degree (out − in) downwards. O(n²).

    Any topological order makes the construction valid; this one, which puts observations
    revealed preferred to many others early, keeps the multipliers far smaller than plain
    layering does (by orders of magnitude on Cobb–Douglas demands)."""
    depth = topological_layers(C)
    height = topological_layers(np.ascontiguousarray(C.T))
    net = C.sum(axis=1, dtype=np.int64) - C.sum(axis=0, dtype=np.int64)
    return depth - height, -net


def _component_order(R0: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Observations in a topological order of the components of ``R0`` (members of a
    component contiguous) and the ``[start, stop)`` block of each component. O(T²)."""
    T = R0.shape[0]
    try:  # acyclic (rationalisable data without ties): every component is one observation
        first, second = _order_key(R0)
        return np.lexsort((second, first)), [(s, s + 1) for s in range(T)]
    except ValueError:
        pass
    k, comp = strongly_connected_components(R0)
    first, second = _order_key(condensation(R0, comp, k))
    order = np.lexsort((comp, second[comp], first[comp]))
    lab = comp[order]
    cuts = [0, *(np.flatnonzero(np.diff(lab) != 0) + 1).tolist(), T]
    return order, list(pairwise(cuts))


def _float_numbers(data: BudgetData, e: Fraction, order: np.ndarray,
                   blocks: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """The greedy construction in floats: ``(U, λ)`` indexed by observation. O(T²).

    Each inequality is made with a relative margin: ``U_j ≤ U_i + μ_i d_ij − δ (|U_i| + |U_j|
    + μ_i (r_ij + e))`` where ``r_ij = p_i·x_j / p_i·x_i`` and ``d_ij = r_ij − e``, i.e. with the
    coefficient ``r_ij (1 − δ) − e (1 + δ)`` in place of ``d_ij`` and ``U (1 ∓ δ)``.
    """
    T = data.T
    ef = float(e)
    Ps, Xs, own_s = float_view(data)  # r_ij = p_i·x_j / p_i·x_i is scale-free
    P, X, own = Ps[order], Xs[order], own_s[order]
    U = np.zeros(T)
    mu = np.ones(T)
    base = np.zeros(T)  # U − δ|U|
    absU = np.zeros(T)
    ex = _ExactCosts(data)
    hi, lo = 1.0 - _DELTA, ef * (1.0 + _DELTA)
    for s, t in blocks:  # the costs of one component against the earlier ones, on demand
        if s == 0:
            continue
        terms = P[:s] @ X[s:t].T  # p_i·x_j for i earlier, j in the component
        terms /= own[:s, None]
        terms *= hi
        terms -= lo
        terms *= mu[:s, None]
        terms += base[:s, None]
        m = float(terms.min())
        Ua = m - _DELTA * abs(m)
        U[s:t] = Ua
        absU[s:t] = abs(Ua)
        base[s:t] = Ua - _DELTA * abs(Ua)
        coef = P[s:t] @ X[:s].T  # p_i·x_j for i in the component, j earlier
        coef /= own[s:t, None]
        coef *= hi
        coef -= lo
        num = U[:s] - Ua
        num += _DELTA * (absU[:s] + abs(Ua))
        if (coef <= 0).any():  # d > 0 but within the margin: its exact value, halved
            for a, j in np.argwhere(coef <= 0).tolist():
                d = ex.ratio(int(order[s + a]), int(order[j])) - e
                coef[a, j] = float(d) / 2
        need = (num / coef).max(axis=1) * _UP
        mu[s:t] = np.maximum(need, 1.0)
    Uo = np.empty(T)
    lam = np.empty(T)
    Uo[order] = U
    _, pe = np.frexp(data.prices.max(axis=1))
    _, xe = np.frexp(data.quantities.max())
    lam[order] = mu / own  # λ for the scaled data; scaled back by the same powers of two
    return Uo, np.ldexp(lam, -(pe + int(xe)))


def _below(q: Fraction) -> Fraction:
    """A dyadic (a float) a little below ``q``, or ``q − 1`` beyond the float range."""
    try:
        f = float(q - abs(q) * Fraction(2) ** -30)
        while Fraction(f) >= q:
            f = math.nextafter(f, -math.inf)
        if math.isfinite(f):
            return Fraction(f)
    except OverflowError:
        pass
    return q - 1


def _above(q: Fraction) -> Fraction:
    """A dyadic (a float) a little above ``q``, or ``q + 1`` beyond the float range."""
    try:
        f = float(q + abs(q) * Fraction(2) ** -30)
        while Fraction(f) <= q:
            f = math.nextafter(f, math.inf)
        if math.isfinite(f):
            return Fraction(f)
    except OverflowError:
        pass
    return q + 1


def _exact_numbers(data: BudgetData, e: Fraction, order: np.ndarray,
                   blocks: list[tuple[int, int]]) -> tuple[list[Fraction], list[Fraction]]:
    """The same construction in Fractions on the exact costs. O(T²K) Fraction operations
    (about a minute at :data:`EXACT_CONSTRUCTION_MAX` observations; beyond it a
    :class:`~coherence.errors.CertificationError` rather than hours of work)."""
    T = data.T
    if T > EXACT_CONSTRUCTION_MAX:
        raise CertificationError(
            f"the float Afriat numbers of these {T} observations leave the float range or do "
            "not verify, and building them in exact arithmetic takes O(T²K) Fraction "
            f"operations, too many beyond {EXACT_CONSTRUCTION_MAX} observations; GARP holds "
            "(garp_holds gives the verdict without a certificate)")
    ex = _ExactCosts(data)
    idx = [int(v) for v in order]
    U: list[Fraction] = [Fraction(0)] * T
    lam: list[Fraction] = [Fraction(0)] * T
    for s, t in blocks:
        done, members = idx[:s], idx[s:t]
        if s:
            ub = min(U[i] + lam[i] * (ex.cost(i, j) - e * ex.own(i))
                     for i in done for j in members)
            level = _below(ub)
        else:
            level = Fraction(0)
        for i in members:
            U[i] = level
            need = _above(1 / ex.own(i))  # the floor μ = 1, as in floats
            for j in done:
                d = ex.cost(i, j) - e * ex.own(i)
                need = max(need, _above((U[j] - level) / d))
            lam[i] = need
    return U, lam


def afriat_numbers(data: BudgetData, e: Fraction, R0: np.ndarray | None, *,
                   exact: bool = False,
                   ordered: tuple[np.ndarray, list[tuple[int, int]]] | None = None,
                   ) -> tuple[list[Fraction], list[Fraction]]:
    """Levels ``U`` and multipliers ``λ > 0`` for GARP data (``R0`` exact, no strict edge inside
    its components), strict across components. Floats (O(T²K)) unless ``exact`` (the same
    construction in Fractions, for when the float numbers do not verify). Not verified here.
    ``ordered`` may pass the topological order of the components and their blocks instead of
    ``R0`` (the bit-packed kernel computes them without a dense relation)."""
    if ordered is None:
        if R0 is None:
            raise ValueError("afriat_numbers needs R0 or its component order")
        ordered = _component_order(R0)
    order, blocks = ordered
    if not exact:
        with np.errstate(all="ignore"):  # out-of-range floats fail the checks below
            U, lam = _float_numbers(data, e, order, blocks)
        if np.isfinite(U).all() and np.isfinite(lam).all() and (lam > 0).all():
            return [Fraction(v) for v in U.tolist()], [Fraction(v) for v in lam.tolist()]
    return _exact_numbers(data, e, order, blocks)


# --------------------------------------------------------------------------------------
# homothetic levels
# --------------------------------------------------------------------------------------


def _log(q: Fraction) -> float:
    """``log q`` for a positive Fraction of any size (no float overflow)."""
    return math.log(q.numerator) - math.log(q.denominator)


def log_ratios(data: BudgetData, e: Fraction) -> np.ndarray:
    """``W[i, j] = log(p_i·x_j / (e·p_i·x_i))`` in floats, on the power-of-two scaled data
    (ratios are scale-free, so nothing overflows; an underflowed cost gives ``-inf``, which
    the exact steps after it settle). O(T²K).

    >>> log_ratios(BudgetData([[1, 1]], [[1, 1]]), Fraction(1)).tolist()
    [[0.0]]
    """
    P, X, own = float_view(data)
    E = P @ X.T
    with np.errstate(divide="ignore", invalid="ignore"):
        W = np.log(E) - np.log(float(e) * own)[:, None]
    # costs near the subnormal range lost their relative precision: take their exact logs
    weak = (E < _NORMAL) | (own[:, None] < _NORMAL)
    if weak.any():
        ex = _ExactCosts(data)
        for i, j in np.argwhere(weak).tolist():
            W[i, j] = _log(ex.cost(i, j) / (e * ex.own(i)))
    return W


def settle_homothetic(data: BudgetData, e: Fraction, V: list[Fraction]
                      ) -> tuple[list[Fraction], list[int] | None]:
    """Make positive levels satisfy ``e·V_j·p_i·x_i ≤ V_i·p_i·x_j`` exactly, or find a cycle.

    Exact Bellman–Ford restricted to the pairs that floats cannot clear: each round finds the
    pairs within ``10⁻⁹`` of tight in logarithms (O(T²) floats), decides them in Fractions and
    lowers ``V_j`` to ``V_i·p_i·x_j / (e·p_i·x_i)`` where one fails. Levels that came from
    float shortest paths need one round or two; after ``T`` rounds with changes the
    predecessor graph holds a cycle with ``Π p_t·x_{t+1} / (e·p_t·x_t) < 1`` (Varian 1983:
    HARP fails), returned as ``(V, cycle)``; otherwise ``(V, None)``.
    """
    T = data.T
    ex = _ExactCosts(data)
    W = log_ratios(data, e)
    V = list(V)
    parent = [-1] * T
    last = -1
    for _ in range(T + 1):
        lv = np.array([_log(v) for v in V])
        gap = lv[None, :] - lv[:, None] - W  # > 0: V_j > V_i·ρ_ij
        np.fill_diagonal(gap, -np.inf)
        changed = False
        for i, j in np.argwhere(gap > -1e-9).tolist():
            bound = V[i] * ex.cost(i, j) / (e * ex.own(i))
            if V[j] > bound:
                V[j], parent[j], last, changed = bound, i, j, True
        if not changed:
            return V, None
    v = last
    for _ in range(T):  # walk back into the cycle of the predecessor graph
        if parent[v] < 0:
            return V, None  # no cycle after all: the caller's exact check decides
        v = parent[v]
    cycle = [v]
    while parent[cycle[-1]] != v:
        cycle.append(parent[cycle[-1]])
    return V, cycle[::-1]
