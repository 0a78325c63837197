"""Varian's goodness-of-fit index for budget data, exactly or between proved bounds.

Varian (1990, "Goodness-of-fit in optimizing models", J. Econometrics 46): an efficiency
``v_t ≤ 1`` per observation, maximising ``Σ v_t`` subject to GARP(v) in the supremum sense
(no cycle of steps ``p_i·x_j < v_i·p_i·x_i``); the index is the mean of ``v``. Cutting edge
``i → j`` caps ``v_i`` at its cost ratio ``r_ij``, so the problem is a weighted feedback-arc
problem per strongly connected component of the strict graph: NP-hard (Smeulders et al.
2014). Per component:

* a branch and bound over the cuts of a shortest remaining cycle, decided on exact ranks of
  the ratios (small components, the common case in experimental and panel data);
* else an MILP over lazily generated cycles (HiGHS, gap 0) under the time left;
* else (too large, or out of time) *bounds*: the best of two feasible vectors — an order
  built greedily, each observation placed where it loses least (``v_i`` the smallest ratio
  to an earlier one: every remaining edge points forward, so none is on a cycle), and the
  uniform vector at the CCEI — and an upper bound from node-disjoint two-cycles (each costs
  its node at least ``1 − max(r_ij, r_ji)``).

The vector is stated in exact ratios and re-checked exactly; a bound is never called exact.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import pairwise
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix

from coherence._exact.rationals import rational_sum
from coherence.budgets._data import BudgetData
from coherence.budgets._indices import ccei_fraction
from coherence.budgets._kernel import _TINY, _ExactCosts, _tol, direct_relations, float_view
from coherence.errors import CertificationError
from coherence.graphs import shortest_cycle_through, strongly_connected_components

__all__ = ["VarianBounds", "varian_bounds", "varian_index", "varian_vector"]

#: seconds :func:`varian_bounds` spends on exact optima before answering with bounds
DEFAULT_TIME_LIMIT = 10.0
#: components above this many observations go to the MILP (or bounds) without the search
_SEARCH_MAX = 400
#: components above this many observations get bounds when a time limit is set
_EXACT_MAX = 1500


@dataclass(frozen=True)
class VarianBounds:
    """Varian's efficiency vector and index, with a proved upper bound.

    ``vector`` satisfies GARP(v) (checked exactly); its mean is a lower bound on the optimal
    mean, ``index_fraction`` exactly and ``index`` as a float. ``upper_fraction`` is a proved
    upper bound on the optimal mean (``upper``: a float no smaller than it). ``exact`` is
    ``True`` iff the vector is optimal (then the two coincide). The exact sums are formed on
    demand: the mean of thousands of distinct cost ratios is a fraction of many thousands of
    digits.

    >>> b = varian_bounds(BudgetData([[1, 2], [2, 1]], [[2, 4], [4, 1]]))
    >>> b.index_fraction, b.upper_fraction, b.exact, round(b.index, 4)
    (Fraction(17, 18), Fraction(17, 18), True, 0.9444)
    """

    vector: tuple[Fraction, ...]
    exact: bool
    #: the optimal ``Σ v`` is at most ``_upper_const + Σ _upper_terms``
    _upper_const: int = 0
    _upper_terms: tuple[Fraction, ...] = ()

    @property
    def index(self) -> float:
        """The mean of ``vector`` as a float: the exact mean rounded for up to a thousand
        observations, else a correctly rounded float sum over ``T`` (within two rounding
        steps). O(T)."""
        if len(self.vector) <= 1000:
            return float(self.index_fraction)
        return math.fsum(float(x) for x in self.vector) / len(self.vector)

    @cached_property
    def index_fraction(self) -> Fraction:
        """The exact mean of ``vector``. O(M(N) log T) (:func:`rational_sum`)."""
        return rational_sum(self.vector) / len(self.vector)

    @cached_property
    def upper_fraction(self) -> Fraction:
        """A proved upper bound on the optimal mean, exactly (the mean when exact)."""
        if self.exact:
            return self.index_fraction
        up = (self._upper_const + rational_sum(self._upper_terms)) / len(self.vector)
        return max(up, self.index_fraction)

    @property
    def upper(self) -> float:
        """A float no smaller than :attr:`upper_fraction` (rounded up with a rigorous error
        bound on the float sum). O(T)."""
        if self.exact:
            return self.index
        f = [float(x) for x in self._upper_terms]
        total = self._upper_const + math.fsum(f)
        err = (len(f) + 2) * 2.0**-52 * (abs(self._upper_const) + math.fsum(map(abs, f)))
        return max(min(1.0, (total + err) / len(self.vector) * (1 + 2.0**-51)), self.index)

    @property
    def gap(self) -> float:
        """``upper − index``: 0 for an exact answer. O(T)."""
        return self.upper - self.index


def _edge_cycles(kept: np.ndarray, eid: np.ndarray, deadline: float | None = None
                 ) -> list[list[int]]:
    """Edge-id lists of cycles of ``kept``, found greedily (shortest first, then dropping the
    last edge of each cycle found so the next search finds another), until ``deadline``
    (``time.monotonic()``; at least one cycle is always looked for)."""
    out: list[list[int]] = []
    A = kept.copy()
    for _ in range(4 * A.shape[0]):
        if out and deadline is not None and time.monotonic() > deadline:
            break
        cyc = shortest_cycle_through(A)
        if cyc is None:
            break
        n = len(cyc)
        out.append([int(eid[cyc[s], cyc[(s + 1) % n]]) for s in range(n)])
        A[cyc[-1], cyc[0]] = False
    return out


def _varian_cuts(G: np.ndarray, r: np.ndarray, deadline: float | None
                 ) -> list[tuple[int, int]] | None:
    """Edges to cut so that ``G`` becomes acyclic, maximising ``Σ_i min(1, min cut r_i·)``.

    MILP (HiGHS, gap 0): binary ``c_e`` (cut), continuous ``v_i ≤ 1 − (1 − r_e) c_e`` for
    each out-edge ``e`` of ``i``, and ``Σ_{e ∈ C} c_e ≥ 1`` for cycles ``C`` of ``G``,
    generated lazily from the cycles that survive each solution. ``None`` when HiGHS
    stops without an optimum or ``deadline`` (``time.monotonic()``) passes.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = G.shape[0]
    ei, ej = np.nonzero(G)
    m = ei.size
    eid = np.full(G.shape, -1, dtype=np.int64)
    eid[ei, ej] = np.arange(m)
    rr = r[ei, ej]
    base_rows = np.repeat(np.arange(m), 2)
    base_cols = np.stack([ei, n + np.arange(m)], axis=1).ravel()
    base_vals = np.stack([np.ones(m), 1.0 - rr], axis=1).ravel()
    cost = np.zeros(n + m)
    cost[:n] = -1.0
    integ = np.zeros(n + m)
    integ[n:] = 1
    opts: dict[str, Any] = {"mip_rel_gap": 0.0}
    cycles = _edge_cycles(G, eid, deadline)
    two = np.flatnonzero(G[ej, ei] & (ei < ej))
    cycles += [[int(e), int(eid[ej[e], ei[e]])] for e in two]
    while True:
        rows = [base_rows]
        cols = [base_cols]
        for q, cyc in enumerate(cycles):
            rows.append(np.full(len(cyc), m + q))
            cols.append(n + np.asarray(cyc))
        R = np.concatenate(rows)
        C = np.concatenate(cols)
        V = np.concatenate([base_vals, np.ones(R.size - base_vals.size)])
        A = coo_matrix((V, (R, C)), shape=(m + len(cycles), n + m)).tocsr()
        lb = np.r_[np.full(m, -np.inf), np.ones(len(cycles))]
        ub = np.r_[np.ones(m), np.full(len(cycles), np.inf)]
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            opts["time_limit"] = left
        res = milp(cost, constraints=LinearConstraint(A, lb, ub), integrality=integ,
                   bounds=Bounds(np.zeros(n + m), np.ones(n + m)), options=opts)
        if res.x is None or res.status != 0:
            return None  # past the time limit (or a solver failure): the caller bounds it
        cut = res.x[n:] > 0.5
        kept = G.copy()
        kept[ei[cut], ej[cut]] = False
        new = _edge_cycles(kept, eid, deadline)
        if not new:
            return [(int(ei[e]), int(ej[e])) for e in np.flatnonzero(cut)]
        cycles.extend(new)


#: search nodes the combinatorial Varian search may visit before handing over to the MILP
_VARIAN_NODES = 4000


def _short_cycle(A: np.ndarray, both: np.ndarray | None = None) -> list[int] | None:
    """A cycle of a small graph: a two- or three-cycle from matrix products when there is one
    (the common case), else a shortest cycle. ``both`` may pass ``A & Aᵀ``. O(n³) for the
    product."""
    two = np.argwhere(A & A.T if both is None else both)
    if two.size:
        return [int(two[0, 0]), int(two[0, 1])]
    Ai = A.astype(np.int32)
    three = np.argwhere(((Ai @ Ai) > 0) & A.T)
    if three.size:
        i, j = int(three[0, 0]), int(three[0, 1])
        return [i, int(np.argmax(A[i] & A[:, j])), j]
    return shortest_cycle_through(A)


def _disjoint_two_cycle_loss(both: np.ndarray, v: np.ndarray, r: np.ndarray) -> float:
    """A lower bound on what breaking every cycle of a graph costs ``Σ v``, from its
    two-cycles ``both = A & Aᵀ``: over node-disjoint two-cycles ``i ⇄ j`` (chosen greedily,
    dearest first), the cheaper of the two cuts, ``min(v_i − r_ij, v_j − r_ji)``; each such
    cycle needs a cut at one of its own nodes, and cuts at different nodes cost
    independently. O(n²) plus the pairs."""
    i, j = np.nonzero(both)
    keep = i < j
    if not keep.any():
        return 0.0
    i, j = i[keep], j[keep]
    loss = np.maximum(np.minimum(v[i] - r[i, j], v[j] - r[j, i]), 0.0)
    if loss.size == 1:
        return float(loss[0])
    used: set[int] = set()
    total = 0.0
    for w, a, b in sorted(zip(loss.tolist(), i.tolist(), j.tolist(), strict=True),
                          reverse=True):
        if a not in used and b not in used:
            used.update((a, b))
            total += w
    return total


def _exact_ranks(G: np.ndarray, r: np.ndarray, ratio: Any, band: float,
                 absb: np.ndarray | None = None) -> np.ndarray:
    """Per row ``i``, the rank of each edge ``i → j`` of ``G`` in the exact order of the
    ratios ``r_ij`` (equal ratios share a rank; non-edges rank above every edge). Rows are
    sorted in floats; a row with two ratios within the relative error ``band`` of each
    other is sorted again in exact rationals (``ratio(i, j)``), so a float tie never hides
    an exact difference. O(n² log n) plus the exact sorts of near-tied rows."""
    n = G.shape[0]
    q = np.full((n, n), n + 1, dtype=np.int64)
    for i in range(n):
        js = np.flatnonzero(G[i])
        if js.size == 0:
            continue
        vals = r[i, js]
        order = np.argsort(vals, kind="stable")
        sv = vals[order]
        slack = 0.0 if absb is None else 2 * float(absb[i])
        with np.errstate(invalid="ignore"):
            near = ~(sv[1:] > sv[:-1] * (1 + 2 * band) + slack)
        if near.any():
            keys = [ratio(i, int(j)) for j in js.tolist()]
            order = np.array(sorted(range(js.size), key=keys.__getitem__), dtype=np.int64)
            new_rank = np.r_[True, [keys[a] != keys[b] for a, b in pairwise(order)]]
        else:
            new_rank = np.r_[True, sv[1:] != sv[:-1]]
        q[i, js[order]] = np.cumsum(new_rank) - 1
    return q


def _varian_search(G: np.ndarray, r: np.ndarray, q: np.ndarray,
                   deadline: float | None = None, floor: float = -1.0,
                   ratio: Any = None) -> list[tuple[int, int]] | None:
    """The cuts of :func:`_varian_cuts` by branch and bound, or ``None`` past
    :data:`_VARIAN_NODES` search nodes or past ``deadline`` (``time.monotonic()``). Some edge
    of every cycle is cut, and cutting
    ``i → j`` lowers ``v_i`` to ``r_ij`` (all of ``i``'s edges with ratios as large go too), so
    branch on the edges of a shortest remaining cycle; ``Σ v`` only falls along a branch, so
    it bounds the branch. Which edges remain is decided on the exact ranks ``q`` of
    :func:`_exact_ranks`, never on float ratios, so the cuts are right in exact arithmetic;
    the floats ``r`` steer and bound the search, and where a float sum is within
    :data:`_SUM_TOL` of the best one the two are compared exactly (``ratio(i, j)``, the
    exact ratio). ``floor``, a value just below that of a known feasible vector, prunes from
    the start (the optimum, at least as good, is still reached); a branch is also pruned when
    the loss its node-disjoint two-cycles force (:func:`_disjoint_two_cycle_loss`) takes it
    certainly below the best. No solver set-up: fast on the small components of panel
    data."""
    n = G.shape[0]
    best_val = floor
    best: tuple[tuple[int, int], ...] | None = None
    best_exact: Fraction | None = None

    def exact_sum(cuts: tuple[tuple[int, int], ...]) -> Fraction:
        return n - len(cuts) + sum((ratio(i, j) for i, j in cuts), Fraction(0))

    def beats(total: float, cuts: tuple[tuple[int, int], ...]) -> bool:
        """Whether ``Σ v`` of ``cuts`` (float ``total``) may exceed the best (exactly)."""
        nonlocal best_exact
        if total > best_val + _SUM_TOL or best is None:
            return total > best_val + _SUM_TOL or (best is None and total > best_val)
        if total < best_val - _SUM_TOL or ratio is None:
            return False
        if best_exact is None:
            best_exact = exact_sum(best)
        return exact_sum(cuts) > best_exact

    top = np.full(n, n + 1, dtype=np.int64)  # no cut: every edge of G remains
    stack: list[tuple[np.ndarray, np.ndarray, tuple[tuple[int, int], ...]]] = [
        (np.ones(n), top, ())]
    visited = 0
    seen: set[bytes] = set()  # cut states reached before (cutting a then b = b then a)
    while stack:
        v, cap, cuts = stack.pop()
        key = cap.tobytes()
        if key in seen:
            continue
        seen.add(key)
        visited += 1
        if visited > _VARIAN_NODES or (
                deadline is not None and visited % 16 == 0 and time.monotonic() > deadline):
            return None
        total = float(v.sum())
        if not beats(total, cuts):
            continue
        A = G & (q < cap[:, None])
        both = A & A.T
        if total - _disjoint_two_cycle_loss(both, v, r) < best_val - _SUM_TOL:
            continue
        cyc = _short_cycle(A, both)
        if cyc is None:
            best_val, best, best_exact = total, cuts, None
            continue
        steps = [(cyc[s], cyc[(s + 1) % len(cyc)]) for s in range(len(cyc))]
        steps.sort(key=lambda e: v[e[0]] - r[e])  # the cheapest cut is searched first
        for i, j in reversed(steps):
            w = v.copy()
            w[i] = min(w[i], r[i, j])
            c = cap.copy()
            c[i] = q[i, j]
            if float(w.sum()) >= best_val - _SUM_TOL:
                stack.append((w, c, (*[e for e in cuts if e[0] != i], (i, j))))
    return None if best is None else list(best)  # None: nothing above ``floor``


#: float sums of efficiencies closer than this are compared exactly (far above the rounding
#: error of a sum of ratios, far below any difference the floats decide)
_SUM_TOL = 1e-9


def _cuts_value(n: int, cuts: list[tuple[int, int]], r: np.ndarray) -> float:
    """``Σ v`` in floats for the vector that ``cuts`` imply (``v_i`` the least cut ratio)."""
    v = np.ones(n)
    for i, j in cuts:
        v[i] = min(v[i], r[i, j])
    return float(v.sum())


def _greedy_order_cuts(G: np.ndarray, r: np.ndarray, band: float,
                       absb: np.ndarray) -> list[tuple[int, int]]:
    """Cuts of a feasible vector from a greedy order: repeatedly append the observation whose
    smallest ratio to those already placed is largest (it loses least), and cut its edges
    back to them (every placed ``j`` whose float ratio is within the rounding ``band`` of
    the smallest: the exact minimum is among them). Every remaining edge points forward, so
    none is on a cycle. O(n²)."""
    n = G.shape[0]
    R = np.where(G, r, np.inf)
    RT = np.ascontiguousarray(R.T)  # RT[i] = ratios into i: a row, not a strided column
    placed = np.zeros(n, dtype=bool)
    low = np.full(n, np.inf)  # smallest ratio to a placed observation
    cuts: list[tuple[int, int]] = []
    for _ in range(n):
        i = int(np.argmax(np.where(placed, -np.inf, np.minimum(low, 1.0))))
        if low[i] < 1.0:
            near = placed & (R[i] <= low[i] * (1 + 2 * band) + 2 * absb[i])
            cuts += [(i, int(j)) for j in np.flatnonzero(near).tolist()]
        placed[i] = True
        np.minimum(low, RT[i], out=low)
    return cuts


def _two_cycle_ratios(G: np.ndarray, r: np.ndarray, ex_ratio: Any) -> list[Fraction]:
    """Node-disjoint two-cycles of ``G``, chosen greedily from each node's best partner, and
    for each the larger of its two exact ratios ``m``: the cycle costs one of its nodes at
    least ``1 − m``, so the optimal ``Σ v`` over the component is at most
    ``n − Σ (1 − m)``. O(n²)."""
    M = np.where(G & G.T, np.maximum(r, r.T), np.inf)
    np.fill_diagonal(M, np.inf)
    partner = np.argmin(M, axis=1)
    best = M[np.arange(M.shape[0]), partner]
    used = np.zeros(M.shape[0], dtype=bool)
    kept: list[Fraction] = []
    for i in np.argsort(best, kind="stable").tolist():
        j = int(partner[i])
        if not np.isfinite(best[i]) or used[i] or used[j]:
            continue
        used[[i, j]] = True
        kept.append(max(ex_ratio(i, j), ex_ratio(j, i)))
    return kept


def varian_bounds(data: BudgetData, *, time_limit: float | None = DEFAULT_TIME_LIMIT
                  ) -> VarianBounds:
    """Varian's efficiency vector, its mean and a proved upper bound, exact when the search
    or the MILP finish (see the module docstring for the method).

    ``time_limit`` (seconds, ``None``: no limit) bounds the exact work of the whole call;
    components above a few thousand observations go straight to the bounds when it is set.
    The bounds cost O(T²) per component. Worst case exponential without a limit.

    >>> b = varian_bounds(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    >>> b.index_fraction, b.exact
    (Fraction(9, 10), True)
    """
    deadline = None if time_limit is None else time.monotonic() + max(0.0, time_limit)
    T = data.T
    ex = _ExactCosts(data)
    _, P1 = direct_relations(data, 1)  # edges with ratio < 1
    k, lab = strongly_connected_components(P1)
    v: list[Fraction] = [Fraction(1)] * T
    up_const = T  # the optimal Σ v is at most up_const + Σ up_terms
    up_terms: list[Fraction] = []
    exact = True
    P, X, own = float_view(data)  # exact power-of-two scalings: the ratios are unchanged
    band, absb = _bands(own, data.K)
    r = _ratios(P, X, own) if T <= _EXACT_MAX else None
    for c in range(k):
        nodes = np.flatnonzero(lab == c)
        if nodes.size < 2:
            continue
        G = P1[np.ix_(nodes, nodes)]

        def ratio(i: int, j: int, nd: np.ndarray = nodes) -> Fraction:
            return ex.ratio(int(nd[i]), int(nd[j]))

        rr = r[np.ix_(nodes, nodes)] if r is not None else _ratios(P, X, own, nodes)
        ab = absb[nodes]
        for i in np.flatnonzero(~np.isfinite(ab)).tolist():  # floats say nothing: exact ones
            js = np.flatnonzero(G[i])
            rr[i] = 2.0
            rr[i, js] = [float(ratio(i, int(j))) for j in js.tolist()]

        cuts: list[tuple[int, int]] | None = None
        if deadline is None or (nodes.size <= _EXACT_MAX and time.monotonic() < deadline):
            if nodes.size <= _SEARCH_MAX:
                seed = _cuts_value(nodes.size, _greedy_order_cuts(G, rr, band, ab), rr)
                cuts = _varian_search(G, rr, _exact_ranks(G, rr, ratio, band, ab), deadline,
                                      floor=seed - 1e-6, ratio=ratio)
            if cuts is None:
                cuts = _varian_cuts(G, rr, deadline)
        vc: dict[int, Fraction] = {}
        if cuts is None:  # bounds: the better of two feasible vectors
            exact = False
            greedy = _apply(_greedy_order_cuts(G, rr, band, ab), ratio)
            g_sum = nodes.size - len(greedy) + math.fsum(float(w) for w in greedy.values())
            e = ccei_fraction(data.subset([int(t) for t in nodes]))
            vc = greedy if g_sum >= float(e) * nodes.size else dict.fromkeys(range(nodes.size), e)
            kept = _two_cycle_ratios(G, rr, ratio)
            up_const -= len(kept)
            up_terms += kept
        else:
            vc = _apply(cuts, ratio)
            up_const -= len(vc)
            up_terms += vc.values()
        for i, w in vc.items():
            a = int(nodes[i])
            v[a] = min(v[a], w)
    _verify_vector(ex, v, P1, P, X, own, band, absb)
    return VarianBounds(tuple(v), exact, up_const, tuple(up_terms))


def _apply(cuts: list[tuple[int, int]], ratio: Any) -> dict[int, Fraction]:
    """The efficiencies a set of cuts implies: ``v_i`` the smallest exact ratio cut at ``i``."""
    out: dict[int, Fraction] = {}
    for i, j in cuts:
        q = ratio(i, j)
        out[i] = min(out.get(i, Fraction(1)), q)
    return out


def _verify_vector(ex: _ExactCosts, v: list[Fraction], P1: np.ndarray, P: np.ndarray,
                   X: np.ndarray, own: np.ndarray, band: float, absb: np.ndarray) -> None:
    """Exactly: the graph of edges ``i → j`` with ratio ``< v_i`` is acyclic. Only edges of
    ``P1`` (ratio ``< 1``) can count, as ``v_i ≤ 1``; row by row, floats with a band
    (relative ``band``, absolute ``absb[i]``), Fractions inside it."""
    T = own.size
    H = np.zeros((T, T), dtype=bool)
    for i in range(T):
        js = np.flatnonzero(P1[i])
        if js.size == 0:
            continue
        vf = float(v[i])
        ri = (X[js] @ P[i]) / own[i]
        with np.errstate(invalid="ignore"):
            sure = ri < vf * (1 - band) - absb[i]
            unsure = ~sure & ~(ri > vf * (1 + band) + absb[i])
        H[i, js[sure]] = True
        for j in js[unsure].tolist():
            H[i, j] = ex.ratio(i, j) < v[i]
    np.fill_diagonal(H, False)
    if shortest_cycle_through(H) is not None:
        raise CertificationError("Varian efficiency vector leaves a violation")


def _bands(own: np.ndarray, K: int) -> tuple[float, np.ndarray]:
    """The rounding band of the float ratios ``P_i·X_j / own_i`` of :func:`float_view`: a
    relative part, and per row an absolute part for products in the subnormal range (``inf``
    where ``own_i`` itself is below the normal range: the row's floats prove nothing)."""
    with np.errstate(divide="ignore"):
        absb = np.where(own < 2.0**-1000, np.inf, (K + 2) * _TINY / own)
    return 3 * _tol(K), absb


def _ratios(P: np.ndarray, X: np.ndarray, own: np.ndarray,
            nodes: np.ndarray | None = None) -> np.ndarray:
    """Float ratios ``P_i·X_j / own_i`` (for ``nodes`` only when given; NaN and ``inf`` where
    a row's spending underflowed, which :func:`_bands` marks as unsure)."""
    with np.errstate(all="ignore"):
        if nodes is None:
            return (P @ X.T) / own[:, None]
        return (P[nodes] @ X[nodes].T) / own[nodes, None]


def varian_vector(data: BudgetData, *, time_limit: float | None = None) -> tuple[Fraction, ...]:
    """Varian's efficiency vector: ``v`` maximising ``Σ v_t`` such that GARP(v) holds in the
    supremum sense (no cycle of edges ``p_i·x_j < v_i·p_i·x_i``), exactly when
    ``time_limit`` is ``None`` (the default; NP-hard, practical for tens to hundreds of
    observations per component), else the best vector :func:`varian_bounds` finds in time.

    >>> varian_vector(BudgetData([[1, 2], [2, 1]], [[2, 4], [4, 1]]))  # ratios 3/5 and 8/9
    (Fraction(1, 1), Fraction(8, 9))
    """
    return varian_bounds(data, time_limit=time_limit).vector


def varian_index(data: BudgetData, *, time_limit: float | None = None) -> float:
    """Varian's index: the mean of :func:`varian_vector` (1 iff GARP holds, up to ties
    that vanish below efficiency 1). Costs as :func:`varian_vector`.

    >>> varian_index(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    0.9
    """
    return varian_bounds(data, time_limit=time_limit).index
