"""Afriat's critical cost efficiency index (CCEI) for budget data.

* **CCEI** (Afriat 1972, "Efficiency estimation of production functions", IER 13): the
  supremum of ``e ∈ [0, 1]`` at which GARP(e) holds. It equals ``min(1, b*)`` where ``b*`` is
  the smallest, over cycles of observations, of the largest cost ratio ``p_i·x_j / p_i·x_i``
  on the cycle (a bottleneck cycle). Found by binary search over the sorted candidate ratios
  with an O(T²) acyclicity test, then confirmed in exact arithmetic.

Varian's index is in :mod:`coherence.budgets._varian`, the money pump index in
:mod:`coherence.budgets._money_pump`, Houtman–Maks in :mod:`coherence.budgets._houtman_maks`.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from coherence.budgets._axioms import garp_holds
from coherence.budgets._data import BudgetData
from coherence.budgets._kernel import (
    _ExactCosts,
    _tol,
    float_view,
    row_blocks,
)
from coherence.errors import CertificationError
from coherence.graphs import shortest_cycle_through

__all__ = ["ccei", "ccei_fraction"]


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
    if not (own >= _TINY_COST).all():  # an own cost near underflow: floats say nothing
        return _ccei_in_fractions(data, ex)
    hi = min(1.0, _two_cycle_bound(P, X, own)) * (1 + band)
    edges = _candidate_edges(P, X, own, hi * (1 + band) ** 2)
    if (edges[2] * own[edges[0]] < _TINY_COST).any():  # a cost near underflow: likewise
        return _ccei_in_fractions(data, ex)
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


#: scaled costs below this may have lost their relative precision (subnormal products)
_TINY_COST = 2.0**-900


def _ccei_in_fractions(data: BudgetData, ex: _ExactCosts
                       ) -> tuple[Fraction, tuple[int, ...] | None]:
    """The CCEI and a critical cycle from the exact ratios alone: binary search over the
    sorted distinct ratios, each step a components test on the edges at most the candidate.
    For data whose magnitudes are so far apart that scaled float costs underflow. O(T²)
    Fractions plus O(T² log T) for the search."""
    T = data.T
    pairs = [(i, j) for i in range(T) for j in range(T) if i != j]
    ratios = [ex.ratio(i, j) for i, j in pairs]
    src = np.array([i for i, _ in pairs], dtype=np.int64)
    dst = np.array([j for _, j in pairs], dtype=np.int64)
    cand = sorted(set(ratios))
    rank = {c: k for k, c in enumerate(cand)}
    rk = np.array([rank[q] for q in ratios], dtype=np.int64)
    lo, hi = 0, len(cand) - 1
    if not _has_cycle_edges(T, src, dst):  # pragma: no cover - GARP failed, so a cycle is there
        return Fraction(1), None
    while lo < hi:
        mid = (lo + hi) // 2
        sel = rk <= mid
        if _has_cycle_edges(T, src[sel], dst[sel]):
            hi = mid
        else:
            lo = mid + 1
    b = cand[lo]
    if b >= 1:
        return Fraction(1), None
    A = np.zeros((T, T), dtype=bool)
    sel = rk <= lo
    A[src[sel], dst[sel]] = True
    cyc = shortest_cycle_through(A)
    assert cyc is not None
    return b, tuple(int(t) for t in cyc)


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
