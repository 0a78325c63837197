"""The money pump index of budget data (Echenique, Lee & Shum 2011, JPE 119).

The share of spending an arbitrageur extracts around a violating cycle: for a cycle
``t0 → t1 → ... → t0`` of the revealed preference graph, ``Σ (p_t·x_t − p_t·x_{t+1}) /
Σ p_t·x_t``. Maximum and minimum over cycles are polynomial (Smeulders, Cherchye, De Rock &
Spieksma 2013, JPE 121: minimum cost-to-time ratio cycles); here by Howard's policy
iteration for cycle ratios, O(T²) per round, and the cycle found is re-evaluated exactly.
The mean over all violating cycles is computed by enumeration for small ``T``.
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


def _mpi_with_cycle(data: BudgetData, which: str) -> tuple[Fraction, tuple[int, ...] | None]:
    """The largest (``"max"``) or smallest (``"min"``) cycle MPI found, exactly, and the
    cycle that has it (``(0, None)`` when GARP holds)."""
    R0, P0 = direct_relations(data, 1)
    if not _strict_inside_components(R0, P0):
        return Fraction(0), None
    ex = _ExactCosts(data)
    own = data.own_expenditure()
    E = data.expenditure()
    np.subtract(own[:, None], E, out=E)  # a = p_t·x_t − p_t·x_s
    if which == "max":
        found = _max_ratio_cycle(R0, E, own)
    else:
        cls = _bundle_classes(data)
        np.negative(E, out=E)
        found = _max_ratio_cycle(R0 & (cls[:, None] != cls[None, :]), E, own)
    if found is None:
        return Fraction(0), None
    return _cycle_mpi(ex, found[1]), tuple(found[1])


def _mpi_witnesses(data: BudgetData) -> tuple[Fraction, tuple[int, ...] | None,
                                                Fraction, tuple[int, ...] | None]:
    """``(minimum, its cycle, maximum, its cycle)``, the values exact for those cycles; the
    minimum is 0 without a cycle when every violating cycle steps between equal bundles."""
    hi, hi_cycle = _mpi_with_cycle(data, "max")
    if hi == 0:
        return Fraction(0), None, hi, hi_cycle
    lo, lo_cycle = _mpi_with_cycle(data, "min")
    if lo > hi:  # policy iteration in floats missed the exact order of two close cycles
        lo, lo_cycle = hi, hi_cycle
    return lo, lo_cycle, hi, hi_cycle


def mpi_bounds(data: BudgetData) -> tuple[float, float]:
    """``(minimum, maximum)`` money pump index over cycles of the revealed preference graph.

    Maximum: the largest ``Σ(p_t·x_t − p_t·x_{t+1}) / Σ p_t·x_t`` over cycles of ``R0``.
    Minimum: the smallest such ratio over cycles of ``R0`` without edges between identical
    bundles (Smeulders et al. 2013); a cycle of ties between distinct bundles (a SARP but not
    GARP violation) makes it 0. Both are 0 when GARP holds. Each is a cycle-ratio problem
    solved by Howard's policy iteration; the cycle found is re-evaluated exactly.

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
                     max_cycles: int = 100_000) -> float:
    """The money pump index (Echenique, Lee & Shum 2011): ``"max"`` (default) or ``"min"``
    over violating cycles (polynomial, see :func:`mpi_bounds`), or ``"mean"`` over all simple
    violating cycles without steps between identical bundles, the cycles of the minimum
    (enumeration; raises :class:`~coherence.errors.InputError` beyond
    ``max_cycles``). 0 when GARP holds.

    >>> d = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])  # 1 of 5 left on each budget
    >>> money_pump_index(d), money_pump_index(d, "mean")
    (0.2, 0.2)
    """
    if kind == "mean":
        return _mean_mpi(data, max_cycles)
    if kind not in ("max", "min"):
        raise InputError(f"kind must be 'max', 'min' or 'mean', got {kind!r}")
    if kind == "max":
        return float(_mpi_with_cycle(data, "max")[0])
    return mpi_bounds(data)[0]
