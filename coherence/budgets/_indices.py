"""Goodness-of-fit indices for budget data: CCEI and Varian.

* **CCEI** (Afriat 1972, "Efficiency estimation of production functions", IER 13): the
  supremum of ``e ∈ [0, 1]`` at which GARP(e) holds. It equals ``min(1, b*)`` where ``b*`` is
  the smallest, over cycles of observations, of the largest cost ratio ``p_i·x_j / p_i·x_i``
  on the cycle (a bottleneck cycle). Found by binary search over the sorted candidate ratios
  with an O(T²) acyclicity test, then confirmed in exact arithmetic.
* **Varian** (Varian 1990, "Goodness-of-fit in optimizing models", J. Econometrics 46): an
  efficiency ``v_t`` per observation, maximising ``Σ v_t`` subject to GARP(v); the index is
  the mean of ``v``. Exact MILP (a weighted feedback-arc problem, NP-hard).

The money pump index is in :mod:`coherence.budgets._money_pump`, Houtman–Maks in
:mod:`coherence.budgets._houtman_maks`.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from coherence.budgets._axioms import garp_holds
from coherence.budgets._data import BudgetData
from coherence.budgets._kernel import (
    _ExactCosts,
    _tol,
    direct_relations,
    float_view,
    row_blocks,
)
from coherence.errors import CertificationError
from coherence.graphs import shortest_cycle_through, strongly_connected_components

__all__ = [
    "ccei",
    "ccei_fraction",
    "varian_index",
    "varian_vector",
]


# --------------------------------------------------------------------------------------
# CCEI
# --------------------------------------------------------------------------------------


def _has_cycle_edges(n: int, src: np.ndarray, dst: np.ndarray) -> bool:
    if src.size == 0:
        return False
    G = csr_matrix((np.ones(src.size, dtype=np.int8), (src, dst)), shape=(n, n))
    k, _ = connected_components(G, directed=True, connection="strong")
    return k < n


def _ratio_rows(P: np.ndarray, X: np.ndarray, own: np.ndarray, a: int, b: int) -> np.ndarray:
    """Float cost ratios ``r[i, j] = p_i·x_j / p_i·x_i`` for rows ``a ≤ i < b`` (diagonal
    ``inf``), from the power-of-two scaled :func:`float_view`."""
    R = (P[a:b] @ X.T) / own[a:b, None]
    R[np.arange(b - a), np.arange(a, b)] = np.inf
    return R


def _two_cycle_bound(P: np.ndarray, X: np.ndarray, own: np.ndarray) -> float:
    """``min_{i ≠ j} max(r_ij, r_ji)`` in floats: the best two-cycle's bottleneck, block by
    block (rows ``r[a:b, :]`` and columns ``r[:, a:b]`` from two matrix products, so no
    ``T × T`` matrix is held or transposed). O(T²K)."""
    T = own.size
    best = np.inf
    for a, b in row_blocks(T):
        R = _ratio_rows(P, X, own, a, b)
        C = (X[a:b] @ P.T) / own[None, :]  # C[k, j] = r[j, a + k]
        best = min(best, float(np.maximum(R, C).min()))
    return best


def _candidate_edges(P: np.ndarray, X: np.ndarray, own: np.ndarray, lim: float
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges ``i → j`` with float ratio ``r_ij ≤ lim``, and their ratios, block by block."""
    T = own.size
    src, dst, w = [], [], []
    for a, b in row_blocks(T):
        R = _ratio_rows(P, X, own, a, b)
        ii, jj = np.nonzero(np.less_equal(R, lim))
        src.append(ii + a)
        dst.append(jj)
        w.append(R[ii, jj])
    return np.concatenate(src), np.concatenate(dst), np.concatenate(w)


def _below(edges: tuple[np.ndarray, np.ndarray, np.ndarray], b: Fraction, band: float,
           ex: _ExactCosts) -> tuple[np.ndarray, np.ndarray]:
    """Exact ``{(i, j): p_i·x_j < b·p_i·x_i, i ≠ j}`` as edge arrays, from candidate edges
    holding every pair whose float ratio is below ``b·(1 + band)``: the sure ones from the
    floats, those in the rounding band in Fractions."""
    src, dst, w = edges
    bf = float(b)
    keep = w < bf * (1 - band)
    for k in np.flatnonzero(~keep & (w <= bf * (1 + band))).tolist():
        keep[k] = ex.ratio(int(src[k]), int(dst[k])) < b
    keep &= src != dst
    return src[keep], dst[keep]


def _bottleneck(ex: _ExactCosts, cyc: list[int]) -> Fraction:
    """The largest exact cost ratio along a cycle."""
    return max(ex.ratio(cyc[s], cyc[(s + 1) % len(cyc)]) for s in range(len(cyc)))


def _candidate_cycle(T: int, edges: tuple[np.ndarray, np.ndarray, np.ndarray]
                     ) -> list[int] | None:
    """A cycle of the candidate edges whose largest float ratio is the smallest possible, or
    ``None``: binary search over the sorted candidate ratios, each step an O(m) strongly
    connected components test, after keeping only edges inside a component."""
    src, dst, w = edges
    if src.size:
        G = csr_matrix((np.ones(src.size, dtype=np.int8), (src, dst)), shape=(T, T))
        _, lab = connected_components(G, directed=True, connection="strong")
        keep = lab[src] == lab[dst]
        src, dst, w = src[keep], dst[keep], w[keep]
    if not _has_cycle_edges(T, src, dst):
        return None
    cand = np.unique(w)
    lo, hi_i = 0, cand.size - 1  # the answer is cand[hi_i] or below
    while lo < hi_i:
        mid = (lo + hi_i) // 2
        sel = w <= cand[mid]
        if _has_cycle_edges(T, src[sel], dst[sel]):
            hi_i = mid
        else:
            lo = mid + 1
    A = np.zeros((T, T), dtype=bool)
    sel = w <= cand[hi_i]
    A[src[sel], dst[sel]] = True
    cyc = shortest_cycle_through(A)
    if cyc is None:  # pragma: no cover - the search guarantees a cycle
        raise CertificationError("CCEI search lost its cycle")
    return cyc


def _ccei_with_cycle(data: BudgetData) -> tuple[Fraction, tuple[int, ...] | None]:
    """The CCEI ``c`` exactly and, when ``c < 1``, a critical cycle: every step has cost
    ratio ``p_t·x_{t+1} / p_t·x_t ≤ c`` and the largest is ``c``, so the cycle violates
    GARP at every efficiency above ``c`` and is no revealed preference cycle below it.

    GARP(1) holding (the exact, early-exit test) gives 1 at once, GARP(e) being monotone in
    ``e``. Otherwise the critical cycle's bottleneck is at most 1 and at most the best
    two-cycle's, so only edges with ratios up to that bound are kept (found block by block,
    never a ``T × T`` float matrix)."""
    T = data.T
    if T < 2 or garp_holds(data):
        return Fraction(1), None
    ex = _ExactCosts(data)
    band = 3 * _tol(data.K)
    P, X, own = float_view(data)
    hi = min(1.0, _two_cycle_bound(P, X, own)) * (1 + band)
    edges = _candidate_edges(P, X, own, hi * (1 + band) ** 2)
    cyc = _candidate_cycle(T, edges)
    b = Fraction(1) if cyc is None else min(_bottleneck(ex, cyc), Fraction(1))
    crit = cyc if cyc is not None and b < 1 else None
    # exact confirmation: no cycle uses only ratios < b; tighten b if floats misled us
    for _ in range(T * T + 1):
        src, dst = _below(edges, b, band, ex)
        if not _has_cycle_edges(T, src, dst):
            return b, (None if crit is None else tuple(int(t) for t in crit))
        H = np.zeros((T, T), dtype=bool)
        H[src, dst] = True
        cyc = shortest_cycle_through(H)
        assert cyc is not None
        b, crit = _bottleneck(ex, cyc), cyc
    raise CertificationError("CCEI confirmation did not terminate")  # pragma: no cover


def ccei_fraction(data: BudgetData) -> Fraction:
    """The CCEI exactly, as a Fraction (see :func:`ccei`).

    >>> ccei_fraction(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    Fraction(4, 5)
    """
    return _ccei_with_cycle(data)[0]


def ccei(data: BudgetData) -> float:
    """Afriat's critical cost efficiency index: ``sup {e ∈ [0, 1] : GARP(e) holds}``.

    Exact: the value is a cost ratio ``p_i·x_j / p_i·x_i`` (or 1), found by binary search
    over the sorted candidate ratios (each step an O(m) strongly-connected-components test on
    the candidate edges, after pruning to ratios no larger than the best two-cycle) and
    confirmed with Fractions. Data satisfying GARP answer 1 from the GARP test alone.
    O(T²K + m log m) time; the float ratios are formed in blocks of rows, so memory is
    O(m) for the ``m`` candidate edges plus one ``T × T`` boolean graph. Returned as the
    nearest float.

    >>> ccei(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    0.8
    """
    return float(ccei_fraction(data))


# --------------------------------------------------------------------------------------
# Varian
# --------------------------------------------------------------------------------------


def _edge_cycles(kept: np.ndarray, eid: np.ndarray) -> list[list[int]]:
    """Edge-id lists of cycles of ``kept``, found greedily (shortest first, then dropping the
    last edge of each cycle found so the next search finds another)."""
    out: list[list[int]] = []
    A = kept.copy()
    for _ in range(4 * A.shape[0]):
        cyc = shortest_cycle_through(A)
        if cyc is None:
            break
        n = len(cyc)
        out.append([int(eid[cyc[s], cyc[(s + 1) % n]]) for s in range(n)])
        A[cyc[-1], cyc[0]] = False
    return out


def _varian_cuts(G: np.ndarray, r: np.ndarray, time_limit: float | None
                 ) -> list[tuple[int, int]]:
    """Edges to cut so that ``G`` becomes acyclic, maximising ``Σ_i min(1, min cut r_i·)``.

    MILP (HiGHS, gap 0): binary ``c_e`` (cut), continuous ``v_i ≤ 1 − (1 − r_e) c_e`` for
    each out-edge ``e`` of ``i``, and ``Σ_{e ∈ C} c_e ≥ 1`` for cycles ``C`` of ``G``,
    generated lazily from the cycles that survive each solution.
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
    if time_limit is not None:
        opts["time_limit"] = time_limit
    cycles = _edge_cycles(G, eid)
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
        res = milp(cost, constraints=LinearConstraint(A, lb, ub), integrality=integ,
                   bounds=Bounds(np.zeros(n + m), np.ones(n + m)), options=opts)
        if res.x is None or res.status != 0:
            raise CertificationError(f"Varian MILP failed: {res.message}")
        cut = res.x[n:] > 0.5
        kept = G.copy()
        kept[ei[cut], ej[cut]] = False
        new = _edge_cycles(kept, eid)
        if not new:
            return [(int(ei[e]), int(ej[e])) for e in np.flatnonzero(cut)]
        cycles.extend(new)


#: search nodes the combinatorial Varian search may visit before handing over to the MILP
_VARIAN_NODES = 4000


def _short_cycle(A: np.ndarray) -> list[int] | None:
    """A cycle of a small graph: a two- or three-cycle from matrix products when there is one
    (the common case), else a shortest cycle. O(n³) for the product."""
    two = np.argwhere(A & A.T)
    if two.size:
        return [int(two[0, 0]), int(two[0, 1])]
    Ai = A.astype(np.int32)
    three = np.argwhere(((Ai @ Ai) > 0) & A.T)
    if three.size:
        i, j = int(three[0, 0]), int(three[0, 1])
        return [i, int(np.argmax(A[i] & A[:, j])), j]
    return shortest_cycle_through(A)


def _exact_ranks(G: np.ndarray, r: np.ndarray, ratio: Any, band: float) -> np.ndarray:
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
        near = sv[1:] <= sv[:-1] * (1 + 2 * band)
        if near.any():
            keys = [ratio(i, int(j)) for j in js.tolist()]
            order = np.array(sorted(range(js.size), key=keys.__getitem__), dtype=np.int64)
            new_rank = np.r_[True, [keys[a] != keys[b] for a, b in pairwise(order)]]
        else:
            new_rank = np.r_[True, sv[1:] != sv[:-1]]
        q[i, js[order]] = np.cumsum(new_rank) - 1
    return q


def _varian_search(G: np.ndarray, r: np.ndarray, q: np.ndarray
                   ) -> list[tuple[int, int]] | None:
    """The cuts of :func:`_varian_cuts` by branch and bound, or ``None`` past
    :data:`_VARIAN_NODES` search nodes. Some edge of every cycle is cut, and cutting
    ``i → j`` lowers ``v_i`` to ``r_ij`` (all of ``i``'s edges with ratios as large go too), so
    branch on the edges of a shortest remaining cycle; ``Σ v`` only falls along a branch, so
    it bounds the branch. Which edges remain is decided on the exact ranks ``q`` of
    :func:`_exact_ranks`, never on float ratios, so the cuts are right in exact arithmetic;
    the floats ``r`` only steer and bound the search. No solver set-up: fast on the small
    components of panel data."""
    n = G.shape[0]
    best_val = -1.0
    best: list[tuple[int, int]] = []
    top = np.full(n, n + 1, dtype=np.int64)  # no cut: every edge of G remains
    stack: list[tuple[np.ndarray, np.ndarray, tuple[tuple[int, int], ...]]] = [
        (np.ones(n), top, ())]
    visited = 0
    while stack:
        v, cap, cuts = stack.pop()
        visited += 1
        if visited > _VARIAN_NODES:
            return None
        total = float(v.sum())
        if total <= best_val + 1e-12:
            continue
        cyc = _short_cycle(G & (q < cap[:, None]))
        if cyc is None:
            best_val, best = total, list(cuts)
            continue
        steps = [(cyc[s], cyc[(s + 1) % len(cyc)]) for s in range(len(cyc))]
        steps.sort(key=lambda e: v[e[0]] - r[e])  # the cheapest cut is searched first
        for i, j in reversed(steps):
            w = v.copy()
            w[i] = min(w[i], r[i, j])
            c = cap.copy()
            c[i] = q[i, j]
            if float(w.sum()) > best_val + 1e-12:
                stack.append((w, c, (*[e for e in cuts if e[0] != i], (i, j))))
    return best


def varian_vector(data: BudgetData, *, time_limit: float | None = None) -> tuple[Fraction, ...]:
    """Varian's efficiency vector: ``v`` maximising ``Σ v_t`` such that GARP(v) holds in the
    supremum sense (no cycle of edges ``p_i·x_j < v_i·p_i·x_i``).

    Per strongly connected component of the strict graph, an MILP with a binary per edge
    ("kept" or "cut"; cutting edge ``i → j`` caps ``v_i`` at its ratio) and a covering
    constraint per cycle, the cycles generated lazily (HiGHS, gap 0). The vector is then
    read exactly from the cut edges and re-checked exactly. NP-hard; practical for
    experimental data (tens of observations).

    >>> varian_vector(BudgetData([[1, 2], [2, 1]], [[2, 4], [4, 1]]))  # ratios 3/5 and 8/9
    (Fraction(1, 1), Fraction(8, 9))
    """
    T = data.T
    ex = _ExactCosts(data)
    _, P1 = direct_relations(data, 1)  # edges with ratio < 1
    k, lab = strongly_connected_components(P1)
    v: list[Fraction] = [Fraction(1)] * T
    own = data.own_expenditure()
    r = data.expenditure() / own[:, None]
    for c in range(k):
        nodes = np.flatnonzero(lab == c)
        if nodes.size < 2:
            continue
        G, rr = P1[np.ix_(nodes, nodes)], r[np.ix_(nodes, nodes)]
        q = _exact_ranks(G, rr, lambda i, j, nd=nodes: ex.ratio(int(nd[i]), int(nd[j])),
                         3 * _tol(data.K))
        cuts = _varian_search(G, rr, q)
        for i, j in cuts if cuts is not None else _varian_cuts(G, rr, time_limit):
            a, b = int(nodes[i]), int(nodes[j])
            v[a] = min(v[a], ex.ratio(a, b))
    # exact check: the graph of edges with ratio < v_i is acyclic
    H = np.zeros((T, T), dtype=bool)
    band = 3 * _tol(data.K)
    for i in range(T):
        vi = float(v[i])
        row = r[i] < vi * (1 - band)
        unsure = np.flatnonzero((r[i] >= vi * (1 - band)) & (r[i] <= vi * (1 + band)))
        for j in unsure.tolist():
            if j != i:
                row[j] = ex.ratio(i, j) < v[i]
        row[i] = False
        H[i] = row
    if shortest_cycle_through(H) is not None:
        raise CertificationError("Varian efficiency vector leaves a violation")
    return tuple(v)


def varian_index(data: BudgetData, *, time_limit: float | None = None) -> float:
    """Varian's index: the mean of :func:`varian_vector` (1 iff GARP holds, up to ties
    that vanish below efficiency 1). Costs as :func:`varian_vector`.

    >>> varian_index(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    0.9
    """
    v = varian_vector(data, time_limit=time_limit)
    return float(sum(v, Fraction(0)) / len(v))
