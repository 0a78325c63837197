"""The Houtman–Maks index (Houtman & Maks 1985): the fewest observations to drop for GARP.

NP-hard (Smeulders, Cherchye, De Rock & Spieksma 2014, "Goodness-of-fit measures for
revealed preference tests: complexity results and algorithms", ACM TEAC 2). Violations live
inside strongly connected components of ``R0``, so each component is solved on its own:

* a lower bound from node-disjoint violating cycles (each needs a removal of its own): a
  greedy matching of the violating two-cycles, then shortest longer cycles;
* an upper bound from greedy removal (most violating two-cycles first, then the observation
  on most shortest violating cycles), then putting back every removed observation that no
  longer closes a violation;
* the exact optimum by a cutting-plane hitting-set MILP (HiGHS, gap 0) over a growing family
  of violating cycles: all violating two-cycles to start with, and after each solution the
  shortest violating cycle through each of many observations it keeps, all added at once.
  Each MILP optimum over part of the cycle family is a lower bound; a solution whose kept
  observations satisfy GARP is optimal.

Everything runs under one deadline (``time_limit``): when it passes, the best kept set found
is returned with the best lower bound and ``exact=False`` (a bound is never called exact).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix

from coherence.budgets._data import BudgetData
from coherence.budgets._kernel import _strict_inside_components, direct_relations
from coherence.errors import CertificationError
from coherence.graphs import strongly_connected_components

__all__ = ["DEFAULT_TIME_LIMIT", "HoutmanMaks", "houtman_maks", "houtman_maks_bounds"]

#: seconds :func:`houtman_maks` spends on the exact optimum before returning bounds
DEFAULT_TIME_LIMIT = 10.0

#: observations through which violating cycles are sought in one round
_SOURCES = 128


@dataclass(frozen=True)
class HoutmanMaks:
    """The Houtman–Maks index: ``removed`` is a set of observations whose removal leaves data
    that satisfy GARP (checked exactly), ``index == len(removed) == upper``. ``lower`` is a
    proved lower bound; ``exact`` is ``True`` iff ``lower == upper`` (``removed`` is then a
    smallest such set). ``gap`` is ``upper − lower``."""

    index: int
    removed: tuple[int, ...]
    lower: int
    upper: int
    exact: bool

    @property
    def gap(self) -> int:
        """``upper − lower``: 0 for an exact answer. O(1).

        >>> houtman_maks(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])).gap
        0
        """
        return self.upper - self.lower


# --------------------------------------------------------------------------------------
# violating cycles through many observations at once
# --------------------------------------------------------------------------------------


def _cycles_many(r: np.ndarray, p: np.ndarray, alive: np.ndarray,
                 sources: int = _SOURCES) -> list[list[int]]:
    """Violating cycles (an ``r`` cycle with a ``p`` edge) among the ``alive`` nodes: for up
    to ``sources`` heads ``v`` of strict edges ``u → v`` inside a component, a shortest cycle
    through such an edge. One breadth-first search from all heads at once (a matrix product
    per level). Empty iff the alive nodes satisfy GARP. O(s·n² per BFS level)."""
    idx = np.flatnonzero(alive)
    if idx.size < 2:
        return []
    A, S = r[np.ix_(idx, idx)], p[np.ix_(idx, idx)]
    _, lab = strongly_connected_components(A)
    Sin = S & (lab[:, None] == lab[None, :])
    heads = np.flatnonzero(Sin.any(axis=0))
    if heads.size == 0:
        return []
    if heads.size > sources:
        heads = heads[np.linspace(0, heads.size - 1, sources).astype(np.int64)]
    n, m = idx.size, heads.size
    dist = np.full((m, n), -1, dtype=np.int32)
    dist[np.arange(m), heads] = 0
    F = np.zeros((m, n), dtype=np.float32)
    F[np.arange(m), heads] = 1
    Af = A.astype(np.float32)
    level = 0
    while F.any():
        level += 1
        reach = (F @ Af > 0) & (dist < 0)
        dist[reach] = level
        F = reach.astype(np.float32)
    out = []
    for s, v in enumerate(heads.tolist()):
        tails = np.flatnonzero(Sin[:, v] & (dist[s] > 0))
        if tails.size == 0:
            continue
        u = int(tails[np.argmin(dist[s, tails])])
        path = [u]
        while path[-1] != v:  # walk back one level at a time
            w = path[-1]
            prev = np.flatnonzero(A[:, w] & (dist[s] == dist[s, w] - 1))
            path.append(int(prev[0]))
        out.append([int(idx[t]) for t in reversed(path)])
    return out


def _two_cycles(r: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The symmetric conflict matrix of violating two-cycles."""
    return (r & p.T) | (p & r.T)


# --------------------------------------------------------------------------------------
# bounds
# --------------------------------------------------------------------------------------


def _packing(r: np.ndarray, p: np.ndarray) -> list[list[int]]:
    """Node-disjoint violating cycles: a greedy matching of the violating two-cycles (least
    conflicted nodes first), then disjoint shortest longer cycles. A lower bound. O(n²)."""
    C = _two_cycles(r, p)
    n = C.shape[0]
    alive = np.ones(n, dtype=bool)
    out: list[list[int]] = []
    for v in np.argsort(C.sum(axis=1), kind="stable").tolist():
        if not alive[v]:
            continue
        mates = np.flatnonzero(C[v] & alive)
        if mates.size:
            w = int(mates[np.argmin(C[mates].sum(axis=1))])
            out.append([v, w])
            alive[[v, w]] = False
    while True:
        found = sorted(_cycles_many(r, p, alive), key=len)
        if not found:
            return out
        for cyc in found:
            if alive[cyc].all():
                out.append(cyc)
                alive[cyc] = False


def _closes_violation(r: np.ndarray, p: np.ndarray, keep: np.ndarray, v: int) -> bool:
    """Whether adding ``v`` to the GARP-consistent ``keep`` set creates a violation: the
    component of ``v`` in ``r`` restricted to ``keep ∪ {v}`` holds a strict edge. O(n·m)."""
    sel = keep.copy()
    sel[v] = True
    fwd = np.zeros_like(sel)
    bwd = np.zeros_like(sel)
    for seen, M in ((fwd, r), (bwd, r.T)):
        seen[v] = True
        frontier = seen.copy()
        while frontier.any():
            nxt = M[frontier].any(axis=0) & sel & ~seen
            seen |= nxt
            frontier = nxt
    comp = fwd & bwd
    return bool(comp.sum() > 1 and p[np.ix_(comp, comp)].any())


def _removal(r: np.ndarray, p: np.ndarray, start: np.ndarray | None = None,
             deadline: float = math.inf) -> np.ndarray:
    """A removal mask that leaves GARP (greedy, then observations put back when they close
    no violation, until ``deadline``), starting from the removals in ``start``: an upper
    bound. O(n³) worst."""
    n = r.shape[0]
    removed = np.zeros(n, dtype=bool) if start is None else start.copy()
    C = _two_cycles(r, p) & ~removed[None, :] & ~removed[:, None]
    deg = C.sum(axis=1).astype(np.int64)
    while deg.max(initial=0) > 0:
        v = int(np.argmax(deg))
        removed[v] = True
        deg -= C[:, v]
        deg[v] = 0
        C[:, v] = False
    while True:
        cycles = _cycles_many(r, p, ~removed)
        if not cycles:
            break
        hits = np.bincount(np.concatenate(cycles), minlength=n)
        removed[int(np.argmax(hits))] = True
    for v in np.flatnonzero(removed).tolist():
        if time.monotonic() > deadline:
            break  # every put-back so far kept GARP: the mask is still a valid removal
        if not _closes_violation(r, p, ~removed, v):
            removed[v] = False
    return removed


# --------------------------------------------------------------------------------------
# the exact optimum
# --------------------------------------------------------------------------------------


def _hitting_set(n: int, cycles: list[list[int]], seconds: float
                 ) -> tuple[np.ndarray | None, int, bool]:
    """Fewest nodes meeting every cycle (HiGHS): ``(chosen mask or None, lower bound,
    optimal)``. The bound is valid for every superset of ``cycles``."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    rows = np.concatenate([np.full(len(c), q) for q, c in enumerate(cycles)])
    cols = np.concatenate([np.asarray(c) for c in cycles])
    A = coo_matrix((np.ones(rows.size), (rows, cols)), shape=(len(cycles), n)).tocsr()
    res = milp(np.ones(n), constraints=LinearConstraint(A, lb=1, ub=np.inf),
               integrality=np.ones(n), bounds=Bounds(0, 1),
               options={"mip_rel_gap": 0.0, "time_limit": max(seconds, 0.01)})
    optimal = res.status == 0 and res.x is not None
    bound = getattr(res, "mip_dual_bound", None)
    if optimal:
        lower = round(float(res.fun))
    elif bound is not None and math.isfinite(bound):
        lower = math.ceil(float(bound) - 1e-6)
    else:
        lower = 0
    chosen = None if res.x is None else res.x > 0.5
    return chosen, lower, optimal


def _component(r: np.ndarray, p: np.ndarray, deadline: float) -> tuple[np.ndarray, int]:
    """``(removal mask, lower bound)`` for one component's relations ``r``/``p``."""
    n = r.shape[0]
    packing = _packing(r, p)
    best = _removal(r, p, deadline=deadline)
    lower = len(packing)
    if lower >= best.sum():
        return best, int(best.sum())
    ii, jj = np.nonzero(np.triu(_two_cycles(r, p), 1))
    cycles = [[int(a), int(b)] for a, b in zip(ii, jj, strict=True)] + packing
    while time.monotonic() < deadline:
        chosen, bound, optimal = _hitting_set(n, cycles, deadline - time.monotonic())
        lower = max(lower, bound)
        if chosen is not None:
            new = _cycles_many(r, p, ~chosen)
            if optimal and not new:
                return chosen, int(chosen.sum())  # optimal for a relaxation, and feasible
            fixed = chosen if not new else _removal(r, p, chosen, deadline)
            if fixed.sum() < best.sum():
                best = fixed
            cycles.extend(new)
        if lower >= best.sum() or not optimal:
            break
    return best, min(lower, int(best.sum()))


def houtman_maks(data: BudgetData, efficiency: Any = 1, *,
                 time_limit: float | None = DEFAULT_TIME_LIMIT) -> HoutmanMaks:
    """The Houtman–Maks index: the fewest observations to drop so GARP(e) holds.

    Per strongly connected component of ``R0``: disjoint violating cycles give a lower bound,
    greedy removal (then putting back what closes no violation) an upper bound, and when they
    differ a cutting-plane hitting-set MILP over violating cycles (HiGHS, gap 0) adds the
    shortest violating cycle through each of many kept observations per round until the kept
    observations satisfy GARP. ``time_limit`` seconds (default :data:`DEFAULT_TIME_LIMIT`,
    ``None`` for none) bound the whole call: past it the best removal found is returned with
    the best proved lower bound and ``exact=False``. The kept observations are re-checked
    exactly. Worst case exponential (NP-hard; Smeulders et al. 2014).

    >>> hm = houtman_maks(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    >>> hm.index, hm.removed, hm.exact
    (1, (0,), True)
    """
    deadline = math.inf if time_limit is None else time.monotonic() + float(time_limit)
    R0, P0 = direct_relations(data, efficiency)
    k, lab = strongly_connected_components(R0)
    removed: list[int] = []
    lo = 0
    for c in range(k):
        nodes = np.flatnonzero(lab == c)
        if nodes.size < 2 or not P0[np.ix_(nodes, nodes)].any():
            continue
        sub = np.ix_(nodes, nodes)
        mask, lower = _component(R0[sub], P0[sub], deadline)
        removed.extend(int(v) for v in nodes[mask])
        lo += lower
    keep = np.setdiff1d(np.arange(data.T), removed)
    if removed and _strict_inside_components(R0[np.ix_(keep, keep)], P0[np.ix_(keep, keep)]):
        raise CertificationError("Houtman–Maks removal set leaves a GARP violation")
    hi = len(removed)
    return HoutmanMaks(hi, tuple(sorted(removed)), lo, hi, lo == hi)


def houtman_maks_bounds(data: BudgetData, efficiency: Any = 1) -> tuple[int, int]:
    """Fast bounds ``(lower, upper)`` on Houtman–Maks without an MILP: node-disjoint violating
    cycles (each needs a removal) and greedy removal. O(T³) in the worst case.

    >>> houtman_maks_bounds(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    (1, 1)
    """
    R0, P0 = direct_relations(data, efficiency)
    k, lab = strongly_connected_components(R0)
    lo = hi = 0
    for c in range(k):
        nodes = np.flatnonzero(lab == c)
        if nodes.size < 2 or not P0[np.ix_(nodes, nodes)].any():
            continue
        sub = np.ix_(nodes, nodes)
        lo += len(_packing(R0[sub], P0[sub]))
        hi += int(_removal(R0[sub], P0[sub]).sum())
    return lo, hi
