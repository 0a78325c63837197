"""The money pump index of budget data (Echenique, Lee & Shum 2011, JPE 119).

The share of spending an arbitrageur extracts around a *violating* cycle ``t0 → t1 → ... →
t0`` of the direct revealed preference relation (``p_t·x_t ≥ p_t·x_{t+1}`` at every step,
strictly at one at least: a GARP violation): ``Σ (p_t·x_t − p_t·x_{t+1}) / Σ p_t·x_t``.

* Maximum: a cycle-ratio problem (Smeulders, Cherchye, De Rock & Spieksma 2013, JPE 121:
  minimum cost-to-time ratio cycles), by Howard's policy iteration for cycle ratios, O(T²)
  per round. A cycle of largest ratio is violating as soon as one is (a cycle of ties has
  ratio 0), so all cycles of ``R0`` may compete.
* Minimum over violating cycles without a step between identical bundles: a cycle of ties
  (ratio 0, no violation) must not compete. When tie steps form no cycle every cycle is
  violating and the minimum ratio cycle (Howard again) is the answer. When they do, a closed
  walk could dilute a violation with ties without end, and the minimum over *simple* cycles
  is a longest-path-like problem; each group of ties (a strongly connected component of the
  tie steps, small in practice) is then replaced by its simple traversals, in a graph whose
  cycles are all violating, and its minimum ratio cycle is checked to be a simple cycle of
  the data; cycles inside one group, groups above 10 items and the rare overlapping answer
  are enumerated (up to ``max_cycles``; beyond, an :class:`~coherence.errors.InputError`).
* Mean over all violating simple cycles without steps between identical bundles:
  enumeration for small ``T``.

The cycles found are re-evaluated exactly (the number policy's rationals).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

import numpy as np

from coherence.budgets._data import BudgetData
from coherence.budgets._kernel import (
    _bundle_classes,
    _ExactCosts,
    _strict_inside_components,
    direct_relations,
)
from coherence.errors import CertificationError, InputError
from coherence.graphs import functional_graph_cycles, strongly_connected_components

__all__ = ["money_pump_index", "mpi_bounds"]

#: enumerations of violating cycles stop (with an InputError) beyond this many cycles
MAX_CYCLES = 100_000
#: the graph built from the traversals of groups of ties is kept below this many nodes
_MAX_GADGET = 4_000
#: groups of ties larger than this are not replaced by their traversals
_MAX_GROUP = 10


def _policy_values(AM: np.ndarray, B: np.ndarray, pi: np.ndarray
                   ) -> tuple[np.ndarray, list[list[int]], np.ndarray, np.ndarray]:
    """Cycle ratios, cycles, per-node ratio and values of the policy ``pi``."""
    n = len(pi)
    cyc_id, cycles, order = functional_graph_cycles(pi)
    w = AM[np.arange(n), pi]
    ratios = np.array([w[c].sum() / B[c].sum() for c in cycles])
    eta = ratios[cyc_id]
    x = np.zeros(n)
    for c, mu in zip(cycles, ratios, strict=True):
        for t in range(len(c) - 1, 0, -1):
            v = c[t]
            x[v] = w[v] - mu * B[v] + x[pi[v]]
    for v in order:
        x[v] = w[v] - eta[v] * B[v] + x[pi[v]]
    return ratios, cycles, eta, x


def _max_ratio_cycle(mask: np.ndarray, a: np.ndarray, b: np.ndarray, *,
                     max_iter: int = 10_000) -> tuple[float, list[int]] | None:
    """Howard's policy iteration for ``max Σa/Σb`` over cycles of ``mask``, where the
    "time" ``b[i] ≥ 0`` of an edge depends only on its tail ``i`` (every cycle's time is
    positive).

    Nodes outside nontrivial strongly connected components are dropped first; edges between
    components are ignored. Improvements count only beyond a tolerance relative to the
    magnitudes of the payments and values (so that prices of any size converge), and a
    policy that no longer changes has converged. O(n²) per iteration, few iterations in
    practice (Cochet-Terrasson et al. 1998; Dasdan 2004). Returns ``(ratio, cycle)`` or
    ``None`` when the graph is acyclic.
    """
    k, lab = strongly_connected_components(mask)
    sizes = np.bincount(lab, minlength=k)
    nodes = np.flatnonzero(sizes[lab] > 1)
    if nodes.size == 0:
        return None
    if nodes.size == mask.shape[0] and k == 1:  # one component: no copies, no masks
        AM = np.where(mask, a, -np.inf)
    else:
        sub = np.ix_(nodes, nodes)
        AM = np.where(mask[sub] & (lab[nodes][:, None] == lab[nodes][None, :]), a[sub], -np.inf)
    B = np.asarray(b, dtype=np.float64)[nodes]
    finite = np.isfinite(AM)
    amax = float(np.abs(AM[finite]).max())
    n = nodes.size
    rtol = 1e-12 * n * max(amax / float(B[B > 0].min()), 1e-300)
    rows = np.arange(n)
    pi = np.argmax(AM, axis=1)  # initial policy: the best edge out of each node
    for _ in range(max_iter):
        ratios, cycles, eta, x = _policy_values(AM, B, pi)
        spread = np.ptp(eta) > rtol
        if spread:  # some successor may lead to a better cycle (else none can)
            eta_succ = np.where(finite, eta[None, :], -np.inf)
            to = np.argmax(eta_succ, axis=1)
            up = eta_succ[rows, to] > eta + rtol
            if up.any():
                pi = np.where(up, to, pi)
                continue
        val = AM + x[None, :]
        if spread:  # restrict to successors in the same ratio class (none is above it)
            val = np.where(eta_succ >= (eta - rtol)[:, None], val, -np.inf)
        arg = np.argmax(val, axis=1)
        best = val[rows, arg] - eta * B
        vtol = 1e-12 * n * (amax + float(B.max()) * float(np.abs(eta).max()) + np.abs(x))
        better = best > x + vtol
        new = np.where(better, arg, pi)
        if not better.any() or np.array_equal(new, pi):
            top = int(np.argmax(ratios))
            return float(ratios[top]), [int(nodes[c]) for c in cycles[top]]
        pi = new
    raise CertificationError("money pump index: policy iteration did not converge")


def _cycle_mpi(ex: _ExactCosts, cyc: list[int]) -> Fraction:
    n = len(cyc)
    spent = sum((ex.own(c) for c in cyc), Fraction(0))
    leak = sum((ex.own(cyc[s]) - ex.cost(cyc[s], cyc[(s + 1) % n]) for s in range(n)),
               Fraction(0))
    return leak / spent


def _leaks(data: BudgetData, R0: np.ndarray, P0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float leaks ``p_t·x_t − p_t·x_s`` (exactly 0 on ties) and spending, on a common
    power-of-two scale (ratios are unchanged)."""
    _, pe = np.frexp(float(data.prices.max()))
    _, xe = np.frexp(float(data.quantities.max()))
    P = np.ldexp(data.prices, -int(pe))
    X = np.ldexp(data.quantities, -int(xe))
    own = np.einsum("ij,ij->i", P, X)
    A = own[:, None] - P @ X.T
    A[R0 & ~P0] = 0.0  # a tie leaks nothing, exactly
    return A, own


def _max_mpi(data: BudgetData) -> tuple[Fraction, tuple[int, ...] | None]:
    """The largest cycle MPI, exactly for the cycle found (``(0, None)`` when GARP holds)."""
    R0, P0 = direct_relations(data, 1)
    if not _strict_inside_components(R0, P0):
        return Fraction(0), None
    A, own = _leaks(data, R0, P0)
    found = _max_ratio_cycle(R0, A, own)
    if found is None:  # pragma: no cover - a strict step inside a component is on a cycle
        return Fraction(0), None
    return _cycle_mpi(_ExactCosts(data), found[1]), tuple(found[1])


def _enumerated_min(ex: _ExactCosts, R: np.ndarray, P0: np.ndarray, nodes: np.ndarray,
                    max_cycles: int, A: np.ndarray, own: np.ndarray
                    ) -> tuple[Fraction, list[int]] | None:
    """The least MPI over the violating simple cycles of ``R`` on ``nodes``, by enumeration
    (:class:`~coherence.errors.InputError` beyond ``max_cycles`` cycles). Floats screen the
    cycles (``A`` leaks, ``own`` spending); only those within rounding of the best so far are
    evaluated exactly."""
    import networkx as nx

    G = nx.DiGraph([(int(nodes[i]), int(nodes[j]))
                    for i, j in np.argwhere(R[np.ix_(nodes, nodes)])])
    best: tuple[Fraction, list[int]] | None = None
    best_f = np.inf
    for count, cyc in enumerate(nx.simple_cycles(G)):
        if count >= max_cycles:
            raise InputError(f"more than {max_cycles} cycles through large groups of ties: the "
                             "minimum MPI over violating cycles is only computed for small data")
        nxt = cyc[1:] + cyc[:1]
        if not P0[cyc, nxt].any():
            continue  # a cycle of ties: no violation
        ratio = float(A[cyc, nxt].sum() / own[cyc].sum())
        if ratio > best_f * (1 + 1e-9) + 1e-300:
            continue
        v = _cycle_mpi(ex, cyc)
        if best is None or v < best[0]:
            best, best_f = (v, cyc), min(best_f, ratio)
    return best


def _traversals(R: np.ndarray, A: np.ndarray, own: np.ndarray, group: list[int]
                ) -> list[tuple[list[int], float]]:
    """The useful simple paths inside ``group`` (edges of ``R`` within it), one-node paths
    included, with their leaks: for each pair of end points and each set of items visited the
    path of least leak (Held & Karp's dynamic programme over subsets, O(2^s·s³) for ``s``
    items), then only those no other path with the same end points beats in both leak and
    spending (a longer path of ties dilutes a violation more)."""
    s = len(group)
    adj = [[j for j in range(s) if j != i and R[group[i], group[j]]] for i in range(s)]
    out: list[tuple[list[int], float]] = []
    for x in range(s):
        best: dict[tuple[int, int], tuple[float, tuple[int, int] | None]] = {
            (1 << x, x): (0.0, None)}
        frontier = [(1 << x, x)]
        while frontier:
            nxt: set[tuple[int, int]] = set()
            for mask, y in frontier:
                leak = best[(mask, y)][0]
                for z in adj[y]:
                    if mask >> z & 1:
                        continue
                    key = (mask | 1 << z, z)
                    cand = leak + float(A[group[y], group[z]])
                    if key not in best or cand < best[key][0]:
                        best[key] = (cand, (mask, y))
                        nxt.add(key)
            frontier = list(nxt)
        by_end: dict[int, list[tuple[float, float, tuple[int, int]]]] = {}
        for (mask, y), (leak, _) in best.items():
            spend = float(sum(own[group[i]] for i in range(s) if mask >> i & 1 and i != y))
            by_end.setdefault(y, []).append((-spend, leak, (mask, y)))
        for cands in by_end.values():
            low = np.inf
            for _, leak, key in sorted(cands):  # most spending first
                if leak < low:
                    low = leak
                    path: list[int] = []
                    k: tuple[int, int] | None = key
                    while k is not None:
                        path.append(group[k[1]])
                        k = best[k][1]
                    out.append((path[::-1], leak))
    return out


def _gadget_graph(R: np.ndarray, A: np.ndarray, own: np.ndarray, groups: list[list[int]]
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[int]]]:
    """The graph in which each group of ties (a strongly connected component of the ties) is
    replaced by its traversals: an entry node per item, a node per simple path inside the
    group (its items' spending, its leak), an exit node per item. Its cycles are the closed
    walks of ``R`` that enter and leave groups along simple paths, and none is a cycle of
    ties. Returns the edge mask, leaks, spending per node and the items each node stands
    for."""
    T = R.shape[0]
    grouped = {v for g in groups for v in g}
    owner: list[list[int]] = [[v] for v in range(T) if v not in grouped]
    node_of = {v: i for i, v in enumerate(v for v in range(T) if v not in grouped)}
    spend = [float(own[v]) for v in node_of]
    entry: dict[int, int] = {}
    exit_: dict[int, int] = {}
    edges: list[tuple[int, int, float]] = []
    group_of = {v: gi for gi, g in enumerate(groups) for v in g}
    for g in groups:
        for v in g:
            entry[v] = len(owner)
            owner.append([])
            spend.append(0.0)
        for v in g:
            exit_[v] = len(owner)
            owner.append([v])
            spend.append(float(own[v]))
        for path, path_leak in _traversals(R, A, own, g):
            t = len(owner)
            owner.append(path[:-1])
            spend.append(float(own[path[:-1]].sum()) if len(path) > 1 else 0.0)
            edges.append((entry[path[0]], t, 0.0))
            edges.append((t, exit_[path[-1]], path_leak))
    for i, j in np.argwhere(R).tolist():
        gi, gj = group_of.get(i), group_of.get(j)
        if gi is not None and gi == gj:
            continue  # inside a group: the traversals
        src = exit_[i] if gi is not None else node_of[i]
        dst = entry[j] if gj is not None else node_of[j]
        edges.append((src, dst, float(A[i, j])))
    N = len(owner)
    mask = np.zeros((N, N), dtype=bool)
    leak = np.zeros((N, N))
    for i, j, w in edges:
        mask[i, j] = True
        leak[i, j] = w
    return mask, leak, np.array(spend), owner


def _min_through_groups(ex: _ExactCosts, R: np.ndarray, P0: np.ndarray, A: np.ndarray,
                        own: np.ndarray, groups: list[list[int]], max_cycles: int
                        ) -> tuple[Fraction, list[int]] | None:
    """The least MPI over violating simple cycles when ties form cycles: those inside one
    group of ties by enumeration (groups are small), the others as the minimum ratio cycle
    of :func:`_gadget_graph` (every cycle there is violating), checked to be a simple cycle
    of ``R``; when it is not, or the groups are too large, enumeration."""
    if max(len(g) for g in groups) > _MAX_GROUP:
        return _enumerated_min(ex, R, P0, np.flatnonzero(R.any(axis=0) & R.any(axis=1)),
                               max_cycles, A, own)
    best: tuple[Fraction, list[int]] | None = None
    for g in groups:
        got = _enumerated_min(ex, R, P0, np.array(g), max_cycles, A, own)
        if got is not None and (best is None or got[0] < best[0]):
            best = got
    mask, leak, spend, owner = _gadget_graph(R, A, own, groups)
    found = None if mask.shape[0] > _MAX_GADGET else _max_ratio_cycle(mask, -leak, spend)
    walk = None if found is None else [v for node in found[1] for v in owner[node]]
    if mask.shape[0] > _MAX_GADGET or (walk is not None and len(set(walk)) < len(walk)):
        nodes = np.flatnonzero(R.any(axis=0) & R.any(axis=1))
        got = _enumerated_min(ex, R, P0, nodes, max_cycles, A, own)
    else:
        got = None if walk is None else (_cycle_mpi(ex, walk), walk)
    if got is not None and (best is None or got[0] < best[0]):
        best = got
    return best


def _min_mpi(data: BudgetData, max_cycles: int = MAX_CYCLES
             ) -> tuple[Fraction, tuple[int, ...] | None]:
    """The least MPI over violating cycles without steps between identical bundles, exactly
    for the cycle found; ``(0, None)`` when there is none."""
    R0, P0 = direct_relations(data, 1)
    cls = _bundle_classes(data)
    R = R0 & (cls[:, None] != cls[None, :])
    if not _strict_inside_components(R, P0 & R):
        return Fraction(0), None
    ex = _ExactCosts(data)
    A, own = _leaks(data, R0, P0)
    kt, lab = strongly_connected_components(R & ~P0)
    sizes = np.bincount(lab, minlength=kt)
    groups = [np.flatnonzero(lab == g).tolist() for g in range(kt) if sizes[g] > 1]
    if not groups:  # ties form no cycle: every cycle is violating
        found = _max_ratio_cycle(R, -A, own)
        best = None if found is None else (_cycle_mpi(ex, found[1]), found[1])
    else:
        best = _min_through_groups(ex, R, P0, A, own, groups, max_cycles)
    return (Fraction(0), None) if best is None else (best[0], tuple(best[1]))


def _mpi_witnesses(data: BudgetData) -> tuple[Fraction, tuple[int, ...] | None,
                                                Fraction, tuple[int, ...] | None]:
    """``(minimum, its cycle, maximum, its cycle)``, the values exact for those cycles; the
    minimum is 0 without a cycle when every violating cycle steps between equal bundles."""
    hi, hi_cycle = _max_mpi(data)
    if hi == 0:
        return Fraction(0), None, hi, hi_cycle
    lo, lo_cycle = _min_mpi(data)
    if lo_cycle is not None and lo > hi:  # floats missed the exact order of close cycles
        lo, lo_cycle = hi, hi_cycle
    return lo, lo_cycle, hi, hi_cycle


def mpi_bounds(data: BudgetData) -> tuple[float, float]:
    """``(minimum, maximum)`` money pump index over the violating cycles of the revealed
    preference graph.

    Maximum: the largest ``Σ(p_t·x_t − p_t·x_{t+1}) / Σ p_t·x_t`` over cycles of ``R0``.
    Minimum: the smallest over violating cycles (a strict step at least) of ``R0`` without a
    step between identical bundles; 0 when every violating cycle has such a step. Both are 0
    when GARP holds. Howard's policy iteration (Smeulders et al. 2013), O(T²) per round; the
    minimum enumerates the violating cycles of a component where ties form cycles (see the
    module docstring). The cycles found are re-evaluated exactly.

    >>> mpi_bounds(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    (0.2, 0.2)
    """
    lo, _, hi, _ = _mpi_witnesses(data)
    return float(lo), float(hi)


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
                     max_cycles: int = MAX_CYCLES) -> float:
    """The money pump index (Echenique, Lee & Shum 2011) over violating cycles (GARP
    violations: a strict step at least): ``"max"`` (default), ``"min"`` (cycles without a
    step between identical bundles; see :func:`mpi_bounds`) or ``"mean"`` over all simple
    violating cycles without such steps (enumeration). ``max_cycles`` bounds the enumeration
    (of the mean, and of the minimum where ties form cycles); beyond it an
    :class:`~coherence.errors.InputError` is raised. 0 when GARP holds.

    >>> d = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])  # 1 of 5 left on each budget
    >>> money_pump_index(d), money_pump_index(d, "min"), money_pump_index(d, "mean")
    (0.2, 0.2, 0.2)
    """
    if kind == "mean":
        return _mean_mpi(data, max_cycles)
    if kind not in ("max", "min"):
        raise InputError(f"kind must be 'max', 'min' or 'mean', got {kind!r}")
    hi, _ = _max_mpi(data)
    if kind == "max" or hi == 0:
        return float(hi)
    lo, lo_cycle = _min_mpi(data, max_cycles)
    return float(hi if lo_cycle is not None and lo > hi else lo)
