"""Goodness-of-fit indices for budget data: CCEI, Houtman–Maks, Varian, money pump index.

* **CCEI** (Afriat 1972, "Efficiency estimation of production functions", IER 13): the
  supremum of ``e ∈ [0, 1]`` at which GARP(e) holds. It equals ``min(1, b*)`` where ``b*`` is
  the smallest, over cycles of observations, of the largest cost ratio ``p_i·x_j / p_i·x_i``
  on the cycle (a bottleneck cycle). Found by binary search over the sorted candidate ratios
  with an O(T²) acyclicity test, then confirmed in exact arithmetic.
* **Houtman–Maks** (Houtman & Maks 1985): the fewest observations whose removal leaves GARP
  data. NP-hard (Smeulders, Cherchye, De Rock & Spieksma 2014); solved exactly per strongly
  connected component as a hitting-set MILP over violating cycles generated lazily (HiGHS),
  with greedy lower/upper bounds that often close the gap without an MILP.
* **Varian** (Varian 1990, "Goodness-of-fit in optimizing models", J. Econometrics 46): an
  efficiency ``v_t`` per observation, maximising ``Σ v_t`` subject to GARP(v); the index is
  the mean of ``v``. Exact MILP (a weighted feedback-arc problem, NP-hard).
* **Money pump index** (Echenique, Lee & Shum 2011, JPE 119): the share of spending an
  arbitrageur extracts around a violating cycle. Maximum and minimum over cycles are
  polynomial (Smeulders, Cherchye, De Rock & Spieksma 2013, JPE 121: minimum cost-to-time
  ratio cycles); here by Howard's policy iteration for cycle ratios, O(T²) per round. The
  mean over all violating cycles is computed by enumeration for small ``T``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from coherence.budgets._axioms import (
    _bundle_classes,
    _ExactCosts,
    _strict_inside_components,
    _tol,
    direct_relations,
)
from coherence.budgets._data import BudgetData
from coherence.errors import CertificationError, InputError
from coherence.graphs import (
    functional_graph_cycles,
    shortest_cycle_through,
    strongly_connected_components,
)

__all__ = [
    "HoutmanMaks",
    "ccei",
    "ccei_fraction",
    "houtman_maks",
    "houtman_maks_bounds",
    "money_pump_index",
    "mpi_bounds",
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


def _exact_ratio(ex: _ExactCosts, i: int, j: int) -> Fraction:
    return ex.cost(i, j) / ex.own(i)


def _below(data: BudgetData, r: np.ndarray, b: Fraction, ex: _ExactCosts) -> np.ndarray:
    """Exact ``{(i, j): p_i·x_j < b·p_i·x_i, i ≠ j}`` from float ratios ``r`` plus a band."""
    band = 3 * _tol(data.K)
    bf = float(b)
    H = r < bf * (1 - band)
    unsure = (r >= bf * (1 - band)) & (r <= bf * (1 + band))
    np.fill_diagonal(unsure, False)
    for i, j in np.argwhere(unsure).tolist():
        H[i, j] = _exact_ratio(ex, i, j) < b
    np.fill_diagonal(H, False)
    return H


def ccei_fraction(data: BudgetData) -> Fraction:
    """The CCEI exactly, as a Fraction (see :func:`ccei`)."""
    T = data.T
    if T < 2:
        return Fraction(1)
    ex = _ExactCosts(data)
    own = data.own_expenditure()
    r = data.expenditure() / own[:, None]
    np.fill_diagonal(r, np.inf)
    band = 3 * _tol(data.K)
    # an upper bound from two-cycles prunes the candidate edges
    two = np.maximum(r, r.T)
    hi = min(1.0, float(two.min())) * (1 + band)
    src, dst = np.nonzero(r <= hi)
    w = r[src, dst]
    # keep edges inside strongly connected components of the candidate graph
    if src.size:
        G = csr_matrix((np.ones(src.size, dtype=np.int8), (src, dst)), shape=(T, T))
        _, lab = connected_components(G, directed=True, connection="strong")
        keep = lab[src] == lab[dst]
        src, dst, w = src[keep], dst[keep], w[keep]
    b: Fraction
    if _has_cycle_edges(T, src, dst):
        cand = np.unique(w)
        lo, hi_i = 0, cand.size - 1  # the answer is cand[hi_i] or below
        while lo < hi_i:
            mid = (lo + hi_i) // 2
            sel = w <= cand[mid]
            if _has_cycle_edges(T, src[sel], dst[sel]):
                hi_i = mid
            else:
                lo = mid + 1
        tau = cand[hi_i]
        A = np.zeros((T, T), dtype=bool)
        sel = w <= tau
        A[src[sel], dst[sel]] = True
        cyc = shortest_cycle_through(A)
        if cyc is None:  # pragma: no cover - the search guarantees a cycle
            raise CertificationError("CCEI search lost its cycle")
        b = max(_exact_ratio(ex, cyc[s], cyc[(s + 1) % len(cyc)]) for s in range(len(cyc)))
        b = min(b, Fraction(1))
    else:
        b = Fraction(1)
    # exact confirmation: no cycle uses only ratios < b; tighten b if floats misled us
    for _ in range(T * T + 1):
        H = _below(data, r, b, ex)
        cyc = shortest_cycle_through(H)
        if cyc is None:
            return b
        b = max(_exact_ratio(ex, cyc[s], cyc[(s + 1) % len(cyc)]) for s in range(len(cyc)))
    raise CertificationError("CCEI confirmation did not terminate")  # pragma: no cover


def ccei(data: BudgetData) -> float:
    """Afriat's critical cost efficiency index: ``sup {e ∈ [0, 1] : GARP(e) holds}``.

    Exact: the value is a cost ratio ``p_i·x_j / p_i·x_i`` (or 1), found by binary search
    over the sorted candidate ratios (each step an O(m) strongly-connected-components test on
    the candidate edges, after pruning to ratios no larger than the best two-cycle) and
    confirmed with Fractions. O(T²K + m log m). Returned as the nearest float.
    """
    return float(ccei_fraction(data))


# --------------------------------------------------------------------------------------
# Houtman–Maks
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoutmanMaks:
    """The Houtman–Maks index: ``removed`` is a smallest set of observations whose removal
    leaves data that satisfy GARP; ``lower``/``upper`` are the bounds found on the way."""

    index: int
    removed: tuple[int, ...]
    lower: int
    upper: int
    exact: bool


def _violating_cycle(R0: np.ndarray, P0: np.ndarray, nodes: np.ndarray) -> list[int] | None:
    sub = np.ix_(nodes, nodes)
    cyc = shortest_cycle_through(R0[sub], P0[sub])
    return None if cyc is None else [int(nodes[c]) for c in cyc]


def _greedy_packing(R0: np.ndarray, P0: np.ndarray, nodes: np.ndarray) -> list[list[int]]:
    """Node-disjoint violating cycles, shortest first: a lower bound on HM."""
    out: list[list[int]] = []
    alive = nodes.copy()
    while alive.size:
        cyc = _violating_cycle(R0, P0, alive)
        if cyc is None:
            break
        out.append(cyc)
        alive = np.setdiff1d(alive, cyc)
    return out


def _greedy_removal(R0: np.ndarray, P0: np.ndarray, nodes: np.ndarray) -> list[int]:
    """Remove the observation on most violating two-cycles (else on a shortest violating
    cycle, the one with most strict edges) until GARP holds: an upper bound on HM."""
    removed: list[int] = []
    alive = nodes.copy()
    while alive.size:
        sub = np.ix_(alive, alive)
        r, p = R0[sub], P0[sub]
        if not _strict_inside_components(r, p):
            break
        two = (r & p.T) | (p & r.T)
        deg = two.sum(axis=1)
        if deg.max() > 0:
            v = int(alive[int(np.argmax(deg))])
        else:
            cyc = _violating_cycle(R0, P0, alive)
            assert cyc is not None
            v = max(cyc, key=lambda t: int(P0[t, np.intersect1d(alive, cyc)].sum()))
        removed.append(v)
        alive = alive[alive != v]
    return removed


def _hitting_set(n_nodes: int, cycles: list[list[int]], pos: dict[int, int],
                 time_limit: float | None) -> list[int]:
    from scipy.optimize import Bounds, LinearConstraint, milp

    rows, cols = [], []
    for r, cyc in enumerate(cycles):
        for v in set(cyc):
            rows.append(r)
            cols.append(pos[v])
    A = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(cycles), n_nodes)).tocsr()
    opts: dict[str, Any] = {"mip_rel_gap": 0.0}
    if time_limit is not None:
        opts["time_limit"] = time_limit
    res = milp(np.ones(n_nodes), constraints=LinearConstraint(A, lb=1, ub=np.inf),
               integrality=np.ones(n_nodes), bounds=Bounds(0, 1), options=opts)
    if res.x is None or res.status != 0:
        raise CertificationError(f"Houtman–Maks MILP failed: {res.message}")
    return [int(i) for i in np.flatnonzero(res.x > 0.5)]


def _hm_component(R0: np.ndarray, P0: np.ndarray, nodes: np.ndarray,
                  time_limit: float | None) -> tuple[list[int], int, int]:
    packing = _greedy_packing(R0, P0, nodes)
    upper = _greedy_removal(R0, P0, nodes)
    lower = len(packing)
    if lower == len(upper):
        return upper, lower, len(upper)
    pos = {int(v): i for i, v in enumerate(nodes)}
    sub = np.ix_(nodes, nodes)
    r, p = R0[sub], P0[sub]
    ii, jj = np.nonzero(np.triu(r & p.T | p & r.T, 1))
    cycles = [list(c) for c in packing] + [[int(nodes[a]), int(nodes[b])]
                                           for a, b in zip(ii, jj, strict=True)]
    while True:
        chosen = [int(nodes[i]) for i in _hitting_set(len(nodes), cycles, pos, time_limit)]
        alive = np.setdiff1d(nodes, chosen)
        new = _greedy_packing(R0, P0, alive)
        if not new:
            return chosen, max(lower, len(chosen)), len(upper)
        cycles.extend(new)


def houtman_maks(data: BudgetData, efficiency: Any = 1, *,
                 time_limit: float | None = None) -> HoutmanMaks:
    """The Houtman–Maks index, exactly: the fewest observations to drop so GARP holds.

    Violations live inside strongly connected components of ``R0``, so each component is
    solved on its own: greedy disjoint violating cycles give a lower bound, greedy removal an
    upper bound, and when they differ a hitting-set MILP over violating cycles (HiGHS, gap 0)
    is re-solved with the cycles that survive each solution until none does. The remaining
    observations are re-checked exactly. Worst case exponential (the problem is NP-hard).
    """
    R0, P0 = direct_relations(data, efficiency)
    k, lab = strongly_connected_components(R0)
    removed: list[int] = []
    lo = hi = 0
    for c in range(k):
        nodes = np.flatnonzero(lab == c)
        if nodes.size < 2:
            continue
        if not (P0[np.ix_(nodes, nodes)]).any():
            continue
        rem, lower, upper = _hm_component(R0, P0, nodes, time_limit)
        removed.extend(rem)
        lo += lower
        hi += upper
    keep = np.setdiff1d(np.arange(data.T), removed)
    if removed and _strict_inside_components(R0[np.ix_(keep, keep)], P0[np.ix_(keep, keep)]):
        raise CertificationError("Houtman–Maks removal set leaves a GARP violation")
    return HoutmanMaks(len(removed), tuple(sorted(removed)), lo, hi, True)


def houtman_maks_bounds(data: BudgetData, efficiency: Any = 1) -> tuple[int, int]:
    """Fast bounds ``(lower, upper)`` on Houtman–Maks without an MILP: disjoint violating
    cycles (each needs a removal) and greedy removal. O(T²) per cycle found."""
    R0, P0 = direct_relations(data, efficiency)
    k, lab = strongly_connected_components(R0)
    lo = hi = 0
    for c in range(k):
        nodes = np.flatnonzero(lab == c)
        if nodes.size < 2 or not P0[np.ix_(nodes, nodes)].any():
            continue
        lo += len(_greedy_packing(R0, P0, nodes))
        hi += len(_greedy_removal(R0, P0, nodes))
    return lo, hi


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


def varian_vector(data: BudgetData, *, time_limit: float | None = None) -> tuple[Fraction, ...]:
    """Varian's efficiency vector: ``v`` maximising ``Σ v_t`` such that GARP(v) holds in the
    supremum sense (no cycle of edges ``p_i·x_j < v_i·p_i·x_i``).

    Per strongly connected component of the strict graph, an MILP with a binary per edge
    ("kept" or "cut"; cutting edge ``i → j`` caps ``v_i`` at its ratio) and a covering
    constraint per cycle, the cycles generated lazily (HiGHS, gap 0). The vector is then
    read exactly from the cut edges and re-checked exactly. NP-hard; practical for
    experimental data (tens of observations).
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
        for i, j in _varian_cuts(P1[np.ix_(nodes, nodes)], r[np.ix_(nodes, nodes)], time_limit):
            a, b = int(nodes[i]), int(nodes[j])
            v[a] = min(v[a], _exact_ratio(ex, a, b))
    # exact check: the graph of edges with ratio < v_i is acyclic
    H = np.zeros((T, T), dtype=bool)
    band = 3 * _tol(data.K)
    for i in range(T):
        vi = float(v[i])
        row = r[i] < vi * (1 - band)
        unsure = np.flatnonzero((r[i] >= vi * (1 - band)) & (r[i] <= vi * (1 + band)))
        for j in unsure.tolist():
            if j != i:
                row[j] = _exact_ratio(ex, i, j) < v[i]
        row[i] = False
        H[i] = row
    if shortest_cycle_through(H) is not None:
        raise CertificationError("Varian efficiency vector leaves a violation")
    return tuple(v)


def varian_index(data: BudgetData, *, time_limit: float | None = None) -> float:
    """Varian's index: the mean of :func:`varian_vector` (1 iff GARP holds)."""
    v = varian_vector(data, time_limit=time_limit)
    return float(sum(v, Fraction(0)) / len(v))


# --------------------------------------------------------------------------------------
# money pump index
# --------------------------------------------------------------------------------------


def _max_ratio_cycle(mask: np.ndarray, a: np.ndarray, b: np.ndarray, *,
                     max_iter: int = 10_000) -> tuple[float, list[int]] | None:
    """Howard's policy iteration for ``max Σa/Σb`` over cycles of ``mask``, where the
    "time" ``b[i] > 0`` of an edge depends only on its tail ``i``.

    Nodes outside nontrivial strongly connected components are dropped first; edges between
    components are ignored. O(n²) per iteration, few iterations in practice
    (Cochet-Terrasson et al. 1998; Dasdan 2004). Returns ``(ratio, cycle)`` or ``None``
    when the graph is acyclic.
    """
    k, lab = strongly_connected_components(mask)
    sizes = np.bincount(lab, minlength=k)
    nodes = np.flatnonzero(sizes[lab] > 1)
    if nodes.size == 0:
        return None
    if nodes.size == mask.shape[0] and k == 1:
        AM = np.where(mask, a, -np.inf)
    else:
        sub = np.ix_(nodes, nodes)
        AM = np.where(mask[sub] & (lab[nodes][:, None] == lab[nodes][None, :]), a[sub], -np.inf)
    B = np.asarray(b, dtype=np.float64)[nodes]
    n = nodes.size
    Mneg = np.where(np.isfinite(AM), 0.0, -np.inf)
    finite = AM[np.isfinite(AM)]
    scale = max(1.0, float(np.abs(finite).max()) / float(B.min()))
    tol = 1e-12 * scale * n
    pi = np.argmax(AM, axis=1)  # initial policy: the best edge out of each node
    rows = np.arange(n)
    for _ in range(max_iter):
        cyc_id, cycles, order = functional_graph_cycles(pi)
        w = AM[rows, pi]
        ratios = np.array([w[c].sum() / B[c].sum() for c in cycles])
        eta = ratios[cyc_id]
        x = np.zeros(n)
        for c, mu in zip(cycles, ratios, strict=True):
            for t in range(len(c) - 1, 0, -1):
                v = c[t]
                x[v] = w[v] - mu * B[v] + x[pi[v]]
        for v in order:
            x[v] = w[v] - eta[v] * B[v] + x[pi[v]]
        eta_succ = Mneg + eta[None, :]
        best_eta = eta_succ.max(axis=1)
        up = best_eta > eta + tol
        if up.any():
            pi = np.where(up, np.argmax(eta_succ, axis=1), pi)
            continue
        val = AM + x[None, :]
        if np.ptp(eta) > tol:  # restrict to successors in the same ratio class
            val[np.abs(eta_succ - eta[:, None]) > tol] = -np.inf
        best = val.max(axis=1) - eta * B
        better = best > x + tol * (1 + np.abs(x))
        if not better.any():
            top = int(np.argmax(ratios))
            return float(ratios[top]), [int(nodes[c]) for c in cycles[top]]
        pi = np.where(better, np.argmax(val, axis=1), pi)
    raise CertificationError("money pump index: policy iteration did not converge")


def _cycle_mpi(ex: _ExactCosts, cyc: list[int]) -> Fraction:
    n = len(cyc)
    spent = sum((ex.own(c) for c in cyc), Fraction(0))
    leak = sum((ex.own(cyc[s]) - ex.cost(cyc[s], cyc[(s + 1) % n]) for s in range(n)),
               Fraction(0))
    return leak / spent


def _mpi(data: BudgetData, which: str) -> float:
    R0, P0 = direct_relations(data, 1)
    if not _strict_inside_components(R0, P0):
        return 0.0
    ex = _ExactCosts(data)
    own = data.own_expenditure()
    E = data.expenditure()
    np.subtract(own[:, None], E, out=E)  # a = p_t·x_t − p_t·x_s
    b = own
    if which == "max":
        best = _max_ratio_cycle(R0, E, b)
        return float(_cycle_mpi(ex, best[1])) if best else 0.0
    cls = _bundle_classes(data)
    Rm = R0 & (cls[:, None] != cls[None, :])
    np.negative(E, out=E)
    worst = _max_ratio_cycle(Rm, E, b)
    return float(_cycle_mpi(ex, worst[1])) if worst else 0.0


def mpi_bounds(data: BudgetData) -> tuple[float, float]:
    """``(minimum, maximum)`` money pump index over cycles of the revealed preference graph.

    Maximum: the largest ``Σ(p_t·x_t − p_t·x_{t+1}) / Σ p_t·x_t`` over cycles of ``R0``.
    Minimum: the smallest such ratio over cycles of ``R0`` without edges between identical
    bundles (Smeulders et al. 2013); a cycle of ties between distinct bundles (a SARP but not
    GARP violation) makes it 0. Both are 0 when GARP holds. Each is a cycle-ratio problem
    solved by Howard's policy iteration; the cycle found is re-evaluated exactly.
    """
    hi = _mpi(data, "max")
    lo = _mpi(data, "min") if hi > 0 else 0.0
    return min(lo, hi), hi


def _mean_mpi(data: BudgetData, max_cycles: int) -> float:
    import networkx as nx

    R0, P0 = direct_relations(data, 1)
    ex = _ExactCosts(data)
    cls = _bundle_classes(data)
    R0 &= cls[:, None] != cls[None, :]  # as for the minimum: no steps between equal bundles
    G = nx.DiGraph([(int(i), int(j)) for i, j in np.argwhere(R0)])
    vals: list[Fraction] = []
    for cyc in nx.simple_cycles(G):
        n = len(cyc)
        if any(P0[cyc[s], cyc[(s + 1) % n]] for s in range(n)):
            vals.append(_cycle_mpi(ex, cyc))
            if len(vals) > max_cycles:
                raise InputError(f"more than {max_cycles} violating cycles: the mean MPI is "
                                 "only computed for small data")
    return float(sum(vals, Fraction(0)) / len(vals)) if vals else 0.0


def money_pump_index(data: BudgetData, kind: Literal["max", "min", "mean"] = "max", *,
                     max_cycles: int = 100_000) -> float:
    """The money pump index (Echenique, Lee & Shum 2011): ``"max"`` (default) or ``"min"``
    over violating cycles (polynomial, see :func:`mpi_bounds`), or ``"mean"`` over all simple
    violating cycles without steps between identical bundles, the cycles of the minimum
    (enumeration; raises :class:`~coherence.errors.InputError` beyond
    ``max_cycles``). 0 when GARP holds."""
    if kind == "mean":
        return _mean_mpi(data, max_cycles)
    if kind not in ("max", "min"):
        raise InputError(f"kind must be 'max', 'min' or 'mean', got {kind!r}")
    if kind == "max":
        return _mpi(data, "max")
    return mpi_bounds(data)[0]

