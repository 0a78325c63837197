"""Bit-packed revealed preference: GARP and Afriat's numbers for large T in T²/4 bytes.

From :data:`PACKED_FROM` observations on, the direct revealed preference ``R0`` is held as
bits, once by rows (``rows[i]`` packs ``R0[i, :]``) and once by columns (``cols[j]`` packs
``R0[:, j]``), ``T²/8`` bytes each in little bit order, and the strict relation ``P0`` as the
sparse set of *ties* it lacks (``R0`` pairs with ``e·p_i·x_i = p_i·x_j`` exactly). The float
pass runs over square tiles as in the dense kernel (:func:`coherence.budgets._kernel.
_relations_early_exit`): pairs outside the rounding band are decided by floats, the rest in
Fractions afterwards, and the pass stops at the first certain strict two-cycle.

GARP from the ties (Varian 1982: GARP holds iff no strongly connected component of ``R0``
holds a strict edge). If GARP holds, every edge inside a component of ``R0`` is a tie, so the
components of ``R0`` are those of the sparse tie graph ``W``. Conversely, if the contraction of
``R0`` by the components of ``W`` is acyclic and every ``R0`` edge inside a component of ``W`` is
a tie, the components of ``R0`` are those of ``W`` and none holds a strict edge. So GARP is
decided by the components of ``W`` (sparse) and Kahn's algorithm on the contraction, run on the
packed rows with edges counted with multiplicity (a component becomes a source once every edge
into it from outside is gone); the same layering, forwards and backwards, gives the topological
order of Afriat's construction (:mod:`coherence.budgets._construct`). Without ties the order is
the dense kernel's exactly.

When GARP fails without a certain two-cycle, the violating cycles lie in the *core* that Kahn's
algorithm leaves from both sides; the dense shortest-cycle search runs on that core (up to
:data:`CORE_MAX` observations).

Cost: O(T²K) floats for the relation, O(T²) bit operations for each layering, memory
``T²/4`` bytes plus O(T) (T = 10⁵: 2.5 GB).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from typing import Final

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from coherence.budgets._data import BudgetData
from coherence.budgets._kernel import _band, float_view, gap_signs

__all__: list[str] = []

#: from this many observations on, ``check_garp`` and ``afriat_certificate`` hold the relation
#: as bits (below it the dense boolean kernel is faster and its T² bytes are affordable)
PACKED_FROM = 4096

#: the largest violating core handed to the dense shortest-cycle search
CORE_MAX = 16_384

_TILE = 1024  # a multiple of 8: tiles start on byte boundaries of the packed rows
_CHUNK = 1 << 24  # bytes of unpacked rows per pass (16 MiB)
_LITTLE: Final = "little"

if hasattr(np, "bitwise_count"):  # numpy ≥ 2.0

    def _popcount(M: np.ndarray) -> np.ndarray:
        return np.bitwise_count(M).sum(axis=1, dtype=np.int64)

else:  # pragma: no cover - numpy 1.26
    _POP = np.array([bin(v).count("1") for v in range(256)], dtype=np.uint8)

    def _popcount(M: np.ndarray) -> np.ndarray:
        return _POP[M].sum(axis=1, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class PackedRelation:
    """``R0`` of ``T`` observations as bits by rows and by columns, and its ties (the pairs of
    ``R0`` that are not in ``P0``), an ``(m, 2)`` array of ``(i, j)``."""

    T: int
    rows: np.ndarray
    cols: np.ndarray
    ties: np.ndarray

    def out_degree(self) -> np.ndarray:
        """Row sums of ``R0``. O(T²/8)."""
        return _row_popcounts(self.rows)

    def in_degree(self) -> np.ndarray:
        """Column sums of ``R0``. O(T²/8)."""
        return _row_popcounts(self.cols)

    def bits(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """``R0[i, j]`` for index arrays of one shape."""
        return ((self.rows[i, j >> 3] >> (j & 7).astype(np.uint8)) & 1).astype(bool)

    def dense(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(R0, P0)`` restricted to the observations ``idx``, as boolean matrices."""
        c = idx.size
        R0 = np.empty((c, c), dtype=bool)
        step = max(1, _CHUNK // max(self.T, 1))
        for s in range(0, c, step):
            full = np.unpackbits(self.rows[idx[s:s + step]], axis=1, count=self.T,
                                 bitorder=_LITTLE)
            R0[s:s + step] = full[:, idx].astype(bool)
        P0 = R0.copy()
        if self.ties.size:
            pos = np.full(self.T, -1, dtype=np.int64)
            pos[idx] = np.arange(c)
            a, b = pos[self.ties[:, 0]], pos[self.ties[:, 1]]
            keep = (a >= 0) & (b >= 0)
            P0[a[keep], b[keep]] = False
        return R0, P0


def _row_popcounts(M: np.ndarray) -> np.ndarray:
    out = np.empty(M.shape[0], dtype=np.int64)
    step = max(1, _CHUNK // max(M.shape[1], 1))
    for s in range(0, M.shape[0], step):
        out[s:s + step] = _popcount(M[s:s + step])
    return out


def _column_sums(M: np.ndarray, nodes: np.ndarray, T: int) -> np.ndarray:
    """``Σ_{i ∈ nodes} unpack(M[i])``: how many of ``nodes`` point at each of the ``T``."""
    out = np.zeros(T, dtype=np.int64)
    step = max(1, _CHUNK // max(T, 1))
    for s in range(0, nodes.size, step):
        out += np.unpackbits(M[nodes[s:s + step]], axis=1, count=T,
                             bitorder=_LITTLE).sum(axis=0, dtype=np.int64)
    return out


def packed_relations(data: BudgetData, e: Fraction, found: list[int] | None = None,
                     tile: int = _TILE) -> PackedRelation | None:
    """Exact ``R0`` (bits) and its ties, or ``None`` at the first certain strict two-cycle
    (``found`` receives that pair ``[i, j]``), as :func:`~coherence.budgets._kernel.
    _relations_early_exit` does for the dense relation. O(T²K) floats in tiles of
    ``tile × tile``; pairs inside the rounding band in Fractions."""
    if tile % 8:
        raise ValueError("tile must be a multiple of 8")
    T = data.T
    P, X, own = float_view(data)
    budget, band = _band(own, e, data.K + 1)
    Pa = np.hstack([-P, budget[:, None]])
    Xa = np.hstack([X, np.ones((T, 1))])
    nb = (T + 7) // 8
    rows = np.zeros((T, nb), dtype=np.uint8)
    cols = np.zeros((T, nb), dtype=np.uint8)
    unsure: list[np.ndarray] = []
    for a in range(0, T, tile):
        A = slice(a, min(a + tile, T))
        for b in range(a, T, tile):
            B = slice(b, min(b + tile, T))
            rs, nears = [], []
            for I, J in ((A, B), (B, A)) if a != b else ((A, B),):
                D = Pa[I] @ Xa[J].T
                r = D >= 0
                np.abs(D, out=D)
                near = ~(band[I, None] < D)  # NaN counts as unsure
                if a == b:  # the diagonal is no comparison
                    np.fill_diagonal(r, False)
                    np.fill_diagonal(near, False)
                rows[I, J.start >> 3:(J.stop + 7) >> 3] = np.packbits(r, axis=1,
                                                                      bitorder=_LITTLE)
                cols[J, I.start >> 3:(I.stop + 7) >> 3] = np.packbits(r.T, axis=1,
                                                                      bitorder=_LITTLE)
                rs.append(r)
                nears.append(near)
                hit = np.flatnonzero(near.any(axis=1))
                if hit.size:
                    ij = np.argwhere(near[hit])
                    ij[:, 0] = hit[ij[:, 0]]
                    unsure.append(ij + np.array([I.start, J.start]))
            # a certain strict two-cycle (both entries outside the band) violates GARP
            if a == b:
                both = rs[0] & rs[0].T & ~nears[0] & ~nears[0].T
            else:
                both = rs[0] & rs[1].T
                if both.any():
                    both &= ~nears[0] & ~nears[1].T
            if both.any():
                if found is not None:
                    i, j = np.unravel_index(int(np.argmax(both)), both.shape)
                    found.extend([int(i) + A.start, int(j) + B.start])
                return None
    ties = np.empty((0, 2), dtype=np.int64)
    if unsure:
        ties = _settle(data, e, rows, cols, np.concatenate(unsure))
    return PackedRelation(T, rows, cols, ties)


def _settle(data: BudgetData, e: Fraction, rows: np.ndarray, cols: np.ndarray,
            pairs: np.ndarray) -> np.ndarray:
    """Decide the pairs in the band exactly, set their bits, and return the ties."""
    sign = gap_signs(data, e, pairs)
    weak, tie = sign >= 0, sign == 0
    i, j = pairs[:, 0], pairs[:, 1]
    for M, r, c in ((rows, i, j), (cols, j, i)):
        bit = np.left_shift(np.uint8(1), (c & 7).astype(np.uint8))
        np.bitwise_and.at(M, (r, c >> 3), ~bit)
        np.bitwise_or.at(M, (r[weak], c[weak] >> 3), bit[weak])
    return pairs[tie]


@dataclass(frozen=True)
class _Groups:
    """Observations grouped by component: ``members[starts[c]:starts[c] + sizes[c]]``."""

    comp: np.ndarray
    k: int
    members: np.ndarray
    starts: np.ndarray
    sizes: np.ndarray

    @classmethod
    def of(cls, comp: np.ndarray, k: int) -> _Groups:
        members = np.argsort(comp, kind="stable")
        sizes = np.bincount(comp, minlength=k)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        return cls(comp, k, members, starts, sizes)

    def nodes(self, front: np.ndarray) -> np.ndarray:
        if self.k == self.comp.size:
            return self.members[front]
        n = self.sizes[front]
        offset = np.repeat(self.starts[front] - np.concatenate([[0], np.cumsum(n)[:-1]]), n)
        return self.members[np.arange(int(n.sum())) + offset]


def _tie_components(rel: PackedRelation) -> tuple[int, np.ndarray]:
    """Strongly connected components of the tie graph (sparse). O(T + m)."""
    T = rel.T
    if not rel.ties.size:
        return T, np.arange(T, dtype=np.int64)
    i, j = rel.ties[:, 0], rel.ties[:, 1]
    W = coo_matrix((np.ones(i.size, dtype=np.int8), (i, j)), shape=(T, T)).tocsr()
    k, lab = connected_components(W, directed=True, connection="strong")
    if k == T:  # no cycle of ties: each observation its own component, in its own place
        return T, np.arange(T, dtype=np.int64)
    return int(k), lab.astype(np.int64)


def _internal_edges(rel: PackedRelation, g: _Groups) -> np.ndarray:
    """``R0`` edges inside each component (counted per component). O(Σ size²)."""
    internal = np.zeros(g.k, dtype=np.int64)
    for c in np.flatnonzero(g.sizes > 1).tolist():
        m = g.members[g.starts[c]:g.starts[c] + g.sizes[c]]
        step = max(1, _CHUNK // m.size)
        for s in range(0, m.size, step):
            internal[c] += int(rel.bits(m[s:s + step, None], m[None, :]).sum())
    return internal


def _layers(M: np.ndarray, indeg: np.ndarray, g: _Groups, T: int) -> np.ndarray | None:
    """Kahn's longest-path layering of the contraction by ``g`` of the graph whose packed rows
    are ``M`` (in-degrees of the components counted with multiplicity); ``None`` if the
    contraction has a cycle. O(T²) bit operations."""
    indeg = indeg.copy()
    layer = np.full(g.k, -1, dtype=np.int64)
    front = np.flatnonzero(indeg == 0)
    depth = 0
    while front.size:
        layer[front] = depth
        dec = _column_sums(M, g.nodes(front), T)
        if g.k != T:
            dec = np.bincount(g.comp, weights=dec, minlength=g.k).astype(np.int64)
        dec[front] = 0
        indeg -= dec
        front = np.flatnonzero((dec > 0) & (indeg == 0))
        depth += 1
    return None if (layer < 0).any() else layer


def garp_order(rel: PackedRelation) -> tuple[np.ndarray, list[tuple[int, int]]] | None:
    """The observations in a topological order of the components of ``R0`` with each
    component's ``[start, stop)`` block (as :func:`~coherence.budgets._construct.
    _component_order` gives them), or ``None`` when GARP fails. O(T²) bit operations."""
    T = rel.T
    k, comp = _tie_components(rel)
    g = _Groups.of(comp, k)
    internal = np.zeros(k, dtype=np.int64)
    if k != T:
        internal = _internal_edges(rel, g)
        same = comp[rel.ties[:, 0]] == comp[rel.ties[:, 1]]
        if int(internal.sum()) != int(same.sum()):  # a strict edge inside a component
            return None
    out, inn = rel.out_degree(), rel.in_degree()
    if k != T:
        out = np.bincount(comp, weights=out, minlength=k).astype(np.int64) - internal
        inn = np.bincount(comp, weights=inn, minlength=k).astype(np.int64) - internal
    depth = _layers(rel.rows, inn, g, T)
    if depth is None:
        return None
    height = _layers(rel.cols, out, g, T)
    assert height is not None  # the contraction is acyclic
    first, second = depth - height, -(out - inn)
    if k == T:
        return np.lexsort((second, first)), [(s, s + 1) for s in range(T)]
    order = np.lexsort((comp, second[comp], first[comp]))
    lab = comp[order]
    cuts = [0, *(np.flatnonzero(np.diff(lab) != 0) + 1).tolist(), T]
    return order, list(pairwise(cuts))


def violating_core(rel: PackedRelation) -> np.ndarray:
    """The observations left by Kahn's algorithm run forwards and backwards on ``R0``: every
    cycle of ``R0`` lies among them. O(T²) bit operations."""
    T = rel.T
    g = _Groups.of(np.arange(T, dtype=np.int64), T)
    left = []
    for M, indeg in ((rel.rows, rel.in_degree()), (rel.cols, rel.out_degree())):
        indeg = indeg.copy()
        done = np.zeros(T, dtype=bool)
        front = np.flatnonzero(indeg == 0)
        while front.size:
            done[front] = True
            dec = _column_sums(M, g.nodes(front), T)
            dec[done] = 0
            indeg -= dec
            front = np.flatnonzero((dec > 0) & (indeg == 0) & ~done)
        left.append(~done)
    return np.flatnonzero(left[0] & left[1])
