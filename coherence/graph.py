"""Directed-graph primitives on dense boolean adjacency matrices.

These are the fast layer under every cycle-based check (money pumps, GARP, majority cycles).
Conventions: ``A[i, j]`` is an edge ``i → j``; self-loops are ignored.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, shortest_path

__all__ = [
    "condensation",
    "shortest_cycle_through",
    "strongly_connected_components",
    "topological_layers",
]


def _offdiag(A: np.ndarray) -> np.ndarray:
    A = np.array(A, dtype=bool, copy=True)
    np.fill_diagonal(A, False)
    return A


def strongly_connected_components(A: np.ndarray) -> tuple[int, np.ndarray]:
    """Strongly connected components of the graph ``A`` (Tarjan/Pearce in scipy).

    Returns ``(k, labels)`` with ``labels[i]`` in ``range(k)``. O(n + m) after the O(n²)
    conversion of the dense matrix to sparse form.
    """
    A = _offdiag(A)
    if A.shape[0] == 0:
        return 0, np.zeros(0, dtype=np.int64)
    k, labels = connected_components(csr_matrix(A), directed=True, connection="strong")
    return int(k), labels.astype(np.int64)


def condensation(A: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """The ``k × k`` boolean adjacency of the component graph (no self-loops). O(n²)."""
    A = _offdiag(A)
    if k == A.shape[0]:
        C = np.zeros((k, k), dtype=bool)
        C[np.ix_(labels, labels)] = A
    else:
        order = np.argsort(labels, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(labels[order]) != 0])
        B = np.logical_or.reduceat(A[order], starts, axis=0)
        C = np.logical_or.reduceat(B[:, order], starts, axis=1)
    np.fill_diagonal(C, False)
    return C


def topological_layers(C: np.ndarray) -> np.ndarray:
    """Longest-path layering of a DAG: ``layer[v] = 1 + max(layer[u] for u → v)``, sources 0.

    Every edge ``u → v`` has ``layer[u] < layer[v]``. Raises ``ValueError`` on a cycle.
    O(n²) work in O(depth) vectorised rounds (Kahn's algorithm).
    """
    C = _offdiag(C)
    n = C.shape[0]
    indeg = C.sum(axis=0).astype(np.int64)
    layer = np.full(n, -1, dtype=np.int64)
    remaining = np.ones(n, dtype=bool)
    depth = 0
    while remaining.any():
        front = np.flatnonzero(remaining & (indeg == 0))
        if front.size == 0:
            raise ValueError("graph has a cycle")
        layer[front] = depth
        remaining[front] = False
        indeg -= C[front].sum(axis=0)
        depth += 1
    return layer


def _reconstruct(pred: np.ndarray, src: int, dst: int) -> list[int]:
    path = [dst]
    while path[-1] != src:
        p = int(pred[path[-1]])
        if p < 0:
            raise ValueError("no path")
        path.append(p)
    return path[::-1]


def shortest_cycle_through(
    A: np.ndarray, S: np.ndarray | None = None, *, chunk: int = 2048
) -> list[int] | None:
    """A shortest directed cycle of ``A`` that uses at least one edge of ``S ⊆ A``.

    Returns the cycle as a node list ``[v0, v1, ..., v_{k-1}]`` (edges ``v_t → v_{t+1}`` and
    ``v_{k-1} → v0``), or ``None`` when every cycle avoids ``S`` (``S=None`` means any cycle).

    Method: strongly connected components (O(n²)) keep only ``S``-edges inside a component;
    a cycle through edge ``u → v`` has length ``1 + d(v, u)``. Length 2 and 3 are found by
    vectorised row intersections; longer cycles by breadth-first search from the heads of
    candidate edges, pruned by the best length found. O(n²) when a short cycle exists,
    O(h·(n + m)) worst case with h distinct heads.
    """
    A = _offdiag(A)
    S = A.copy() if S is None else (_offdiag(S) & A)
    _, lab = strongly_connected_components(A)
    same = lab[:, None] == lab[None, :]
    cand = np.argwhere(S & same)  # rows (u, v): edge u → v inside a component
    if cand.size == 0:
        return None
    # length 2: v → u also an edge
    two = A[cand[:, 1], cand[:, 0]]
    if two.any():
        u, v = cand[int(np.argmax(two))]
        return [int(u), int(v)]
    # length 3: some w with v → w → u
    AT = A.T
    for s in range(0, len(cand), chunk):
        c = cand[s : s + chunk]
        hit = A[c[:, 1]] & AT[c[:, 0]]
        rows = np.flatnonzero(hit.any(axis=1))
        if rows.size:
            u, v = c[rows[0]]
            w = int(np.flatnonzero(hit[rows[0]])[0])
            return [int(u), int(v), w]
    # longer: BFS from candidate heads
    G = csr_matrix(A)
    heads = np.unique(cand[:, 1])
    best_len, best = np.inf, None
    for s in range(0, len(heads), 256):
        hs = heads[s : s + 256]
        dist, pred = shortest_path(
            G, method="D", unweighted=True, indices=hs, return_predecessors=True
        )
        pos = {int(h): r for r, h in enumerate(hs)}
        mask = np.isin(cand[:, 1], hs)
        sub = cand[mask]
        rows = np.array([pos[int(v)] for v in sub[:, 1]], dtype=np.int64)
        lens = dist[rows, sub[:, 0]] + 1
        j = int(np.argmin(lens))
        if lens[j] < best_len:
            best_len = lens[j]
            u, v = int(sub[j, 0]), int(sub[j, 1])
            best = _reconstruct(pred[rows[j]], v, u)  # v → ... → u, then u → v closes
            best = [u, *best[:-1]] if best[-1] == u else best
        if best_len == 4:
            break
    if best is None:
        return None
    # rotate so the closing edge u → v appears first
    return [int(x) for x in best]
