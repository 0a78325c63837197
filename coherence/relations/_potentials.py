"""Exact potentials by label correcting: a potential for ``W − λ`` or a cycle above ``λ``.

A *potential* for ``W − λ`` is a vector ``u`` with ``W[i, j] − λ ≤ u[j] − u[i]`` on every
finite off-diagonal entry; one exists iff no cycle has mean above ``λ`` (Ahuja, Magnanti &
Orlin, *Network Flows*, 1993, §5.4). Both engines here raise ``u[j]`` to ``u[i] + W[i, j] −
λ`` on violated edges, first in first out, from a float potential (longest paths, Bellman
1958), and find a positive cycle as a cycle of the predecessor graph ("walk to the root",
Cherkassky & Goldberg 1999): between resets, values are a start plus the weight of a simple
path of the predecessor forest, so a raise that closes a predecessor cycle closes a cycle of
positive total, and without a positive cycle the raises stop.

* :class:`Dense` — every entry an int64 integer over one denominator ``L`` (binary floats
  of a modest range, typed decimals): whole-matrix passes in int64, exact throughout.
* :class:`Grid` — any entries: values are integers over a fine denominator ``M`` (a power of
  two times the denominators that must be exact), each edge's weight is ``⌈M·(W − λ)⌉``,
  computed only for the edges that the float filter of :mod:`~coherence.relations._entries`
  cannot decide. Rounding weights up keeps every potential found exact; a predecessor cycle
  whose exact total is not positive (an artefact of rounding) has its edges made exact
  (their denominators join ``M``) and the search goes on. The state can carry over to a
  larger ``λ`` (every edge satisfied stays satisfied); Lawler's rounds in
  :mod:`~coherence.relations._max_mean` rather restart from the values reached, which keeps
  ``M`` free of the denominators of cycles left behind.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from coherence.relations._entries import (
    ExactEntries,
    Scaled,
    blocks,
    nearest,
    unclear_column,
    unclear_rows,
)

__all__ = ["Dense", "Grid", "walk"]

#: int64 arithmetic is kept below this magnitude
_INT64_ROOM = 1 << 62
#: the grid resolves this many bits below the largest magnitude in play
_GRID_BITS = 110


def walk(pred: list[int], i: int, j: int) -> list[int] | None:
    """The cycle ``j → … → i → j`` when ``j`` is ``i`` or an ancestor of ``i`` in the
    predecessor forest, else ``None``. O(depth).

    >>> walk([-1, 0, 1], 2, 0), walk([-1, 0, 1], 2, 1), walk([-1, -1, 1], 2, 0)
    ([0, 1, 2], [1, 2], None)
    """
    path = [i]
    v = i
    for _ in range(len(pred)):
        if v == j:
            return path[::-1]
        v = pred[v]
        if v == -1:
            return None
        path.append(v)
    return None  # pragma: no cover - the predecessors form a forest


def _sanitised(guess: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(guess), guess, 0.0) + 0.0  # no -0.0


class Dense:
    """Label correcting for one ``λ`` on int64 integers: ``w[i, j] ≤ U[j] − U[i]`` with
    ``w = (S·b − a·L)·2^s`` and potentials ``U / M``, ``M = L·b·2^s`` (``λ = a/b``).

    ``fits`` says whether int64 holds every value and sum formed (a start plus a simple
    path's weight); :meth:`solve` then returns a potential or a cycle of mean above ``λ``.
    ``fine=False`` keeps ``s = 0``: from a zero guess the values are then longest paths, sums
    of entries. O(n²) for the first pass, O(n) per raise.

    >>> from coherence.relations._entries import ExactEntries
    >>> W = np.array([[-np.inf, 0.1, -np.inf], [-np.inf, -np.inf, 0.2], [-0.3, -np.inf, -np.inf]])
    >>> e = ExactEntries(W, "decimal", None)
    >>> Dense(e.scaled(), np.isfinite(W), Fraction(0), np.zeros(3)).solve()
    ([Fraction(0, 1), Fraction(1, 10), Fraction(3, 10)], None)
    """

    def __init__(self, sc: Scaled, fin: np.ndarray, lam: Fraction, guess: np.ndarray, *,
                 fine: bool = True) -> None:
        n = fin.shape[0]
        g = _sanitised(guess)
        gmax = float(np.abs(g).max()) if n else 0.0
        a, b = lam.numerator, lam.denominator
        LB = sc.L * b
        wmax = sc.smax * b + abs(a) * sc.L
        s = max(0, min(60, 52 - (math.frexp(gmax)[1] if gmax > 0 else 0) - LB.bit_length()))
        s = s if fine else 0  # coarse: values are sums of entries (simple certificates)
        while s and self._room(wmax, LB, gmax, s, n) >= _INT64_ROOM:
            s -= 1
        self.fits = self._room(wmax, LB, gmax, s, n) < _INT64_ROOM
        if not self.fits:
            return
        self.M = LB << s
        self.fin = fin & ~np.eye(n, dtype=bool)
        self.w = (sc.S * np.int64(b) - np.int64(a * sc.L)) * np.int64(1 << s)
        self.U = np.rint(g * float(self.M)).astype(np.int64)
        self.pend = np.zeros(n, dtype=np.int64)
        self.has = np.zeros(n, dtype=bool)
        self.src = np.zeros(n, dtype=np.int64)
        self.pred = [-1] * n
        self.queue: deque[int] = deque()

    @staticmethod
    def _room(wmax: int, LB: int, gmax: float, s: int, n: int) -> int:
        return (wmax << s) * (2 * n + 3) + (((int(gmax) + 1) * LB) << s) * 3

    def _take(self, cols: np.ndarray, vals: np.ndarray, srcs: np.ndarray) -> None:
        better = vals > np.where(self.has[cols], self.pend[cols], self.U[cols])
        cols, vals, srcs = cols[better], vals[better], srcs[better]
        self.queue.extend(cols[~self.has[cols]].tolist())
        self.pend[cols], self.src[cols], self.has[cols] = vals, srcs, True

    def _start(self) -> None:
        fin = self.fin
        cols = np.arange(fin.shape[0])
        for rows in blocks(fin.shape[0]):
            cand = self.U[rows, None] + self.w[rows]
            ok = fin[rows] & (cand > self.U[None, :])
            cand = np.where(ok, cand, -_INT64_ROOM)
            arg = cand.argmax(axis=0)
            hit = np.flatnonzero(ok.any(axis=0))
            self._take(hit, cand[arg, cols][hit], arg[hit] + rows.start)

    def solve(self) -> tuple[list[Fraction] | None, list[int] | None]:
        """A potential (``(u, None)``) or a cycle of mean above ``λ`` (``(None, cycle)``)."""
        self._start()
        fin = self.fin
        while self.queue:
            j = self.queue.popleft()
            val, i = self.pend[j], int(self.src[j])
            self.has[j] = False
            cyc = walk(self.pred, i, j)
            if cyc is not None and len(cyc) >= 2:
                k = len(cyc)
                if sum(int(self.w[cyc[t], cyc[(t + 1) % k]]) for t in range(k)) > 0:
                    return None, cyc
            self.U[j] = val
            self.pred[j] = i
            row = val + self.w[j]
            ks = np.flatnonzero(fin[j] & (row > self.U))
            if ks.size:
                self._take(ks, row[ks], np.full(ks.size, j))
        return [Fraction(int(v), self.M) for v in self.U.tolist()], None


class Grid:
    """Label correcting on integers over a fine denominator ``M``, edge weights
    ``⌈M·(W − λ)⌉`` on the edges floats cannot decide (see the module docstring).

    Start with :meth:`raise_mean` (``λ`` and the edges that must be exact), then
    :meth:`run`; a cycle found may be passed back to :meth:`raise_mean` to go on.

    >>> from coherence.relations._entries import ExactEntries
    >>> W = np.array([[-np.inf, 0.1, -np.inf], [-np.inf, -np.inf, 0.2], [-0.3, -np.inf, -np.inf]])
    >>> g = Grid(ExactEntries(W, "decimal", None), np.zeros(3))
    >>> g.raise_mean(Fraction(0), []); g.run() is None, float(g.potential()[2])
    (True, 0.3)
    """

    def __init__(self, entries: ExactEntries, guess: np.ndarray) -> None:
        W = entries.W
        self.entries, self.n = entries, entries.n
        g = _sanitised(guess)
        fin = np.isfinite(W)
        top = max(1.0, float(np.abs(g).max()) if self.n else 1.0,
                  float(np.abs(W[fin]).max()) if fin.any() else 1.0)
        s = max(0, _GRID_BITS - math.frexp(top)[1])
        self.M = 1 << s
        self.U = np.array([math.floor(Fraction(v) * self.M) for v in g.tolist()], dtype=object)
        self.uf = np.array([nearest(Fraction(int(u), self.M)) for u in self.U.tolist()])
        self.lam = Fraction(0)
        self.lam_f = 0.0
        self.pred = [-1] * self.n
        self.pend: dict[int, tuple[int, int]] = {}  # item → (value, source)
        self.queue: deque[int] = deque()
        self.weights: dict[int, int] = {}  # i·n + j → ⌈M·(W[i, j] − λ)⌉
        self.started = False

    def _weights(self, I: Sequence[int], J: Sequence[int]) -> list[int]:
        n, cache = self.n, self.weights
        keys = [i * n + j for i, j in zip(I, J, strict=True)]
        missing = [k for k in keys if k not in cache]
        if missing:
            P, Q = self.entries.parts([k // n for k in missing], [k % n for k in missing])
            a, b, M = self.lam.numerator, self.lam.denominator, self.M
            Mb = M // b
            for k, p, q in zip(missing, P, Q, strict=True):
                cache[k] = -((-(p * b - a * q) * Mb) // q)  # ⌈M·(p/q − a/b)⌉
        return [cache[k] for k in keys]

    def _offer(self, j: int, val: int, src: int) -> None:
        if val <= self.U[j]:
            return
        old = self.pend.get(j)
        if old is None:
            self.queue.append(j)
        if old is None or val > old[0]:
            self.pend[j] = (val, src)

    def _offer_row(self, i: int) -> None:
        J = unclear_rows(self.entries.W, self.uf, self.lam_f, slice(i, i + 1))[1]
        if J.size:
            ui = self.U[i]
            for j, w in zip(J.tolist(), self._weights([i] * J.size, J.tolist()), strict=True):
                self._offer(j, ui + w, i)

    def _offer_column(self, j: int) -> None:
        I = unclear_column(self.entries.W, self.uf, self.lam_f, j).tolist()
        for i, w in zip(I, self._weights(I, [j] * len(I)), strict=True):
            self._offer(j, self.U[i] + w, i)

    def _start(self) -> None:
        W = self.entries.W
        for rows in blocks(self.n):
            I, J = unclear_rows(W, self.uf, self.lam_f, rows)
            if not I.size:
                continue
            w = np.array(self._weights(I.tolist(), J.tolist()), dtype=object)
            vals = self.U[I] + w
            hit = np.flatnonzero(np.asarray(vals > self.U[J], dtype=bool))
            for t, v in zip(hit.tolist(), vals[hit].tolist(), strict=True):
                self._offer(int(J[t]), v, int(I[t]))
        self.started = True

    def raise_mean(self, lam: Fraction, exact_edges: Sequence[int]) -> None:
        """Set ``λ`` (never lower than before) and make the edges of the cycle
        ``exact_edges`` exact on the grid. Edges satisfied stay satisfied; pending raises
        are re-decided on their columns. O(n) per pending item plus the new weights."""
        k = len(exact_edges)
        _, Q = self.entries.parts(list(exact_edges),
                                  [exact_edges[(t + 1) % k] for t in range(k)])
        M = math.lcm(self.M, lam.denominator, *Q)
        if M != self.M:
            f = M // self.M
            self.U = self.U * f
            self.M = M
        self.lam, self.lam_f = lam, nearest(lam)
        self.weights.clear()
        self.pred = [-1] * self.n
        if not self.started:
            self._start()
            return
        stale, self.pend = list(self.pend), {}
        self.queue.clear()
        for j in stale:
            self._offer_column(j)

    def run(self) -> list[int] | None:
        """Raise until no edge is violated (``None``) or a cycle of mean above ``λ`` is found
        (returned; the state is left ready for :meth:`raise_mean`)."""
        while self.queue:
            j = self.queue.popleft()
            val, i = self.pend.pop(j)
            cyc = walk(self.pred, i, j)
            if cyc is not None and len(cyc) >= 2:
                self.pend[j] = (val, i)
                self.queue.appendleft(j)
                k = len(cyc)
                total = sum(self.entries.at(cyc, [cyc[(t + 1) % k] for t in range(k)]),
                            Fraction(0))
                if total > k * self.lam:
                    return cyc
                self.raise_mean(self.lam, cyc)  # a rounding artefact: make it exact
                continue
            self.U[j] = val
            self.uf[j] = nearest(Fraction(int(val), self.M))
            self.pred[j] = i
            self._offer_row(j)
        return None

    def potential(self) -> list[Fraction]:
        """The current values ``U / M``, exact."""
        return [Fraction(int(u), self.M) for u in self.U.tolist()]
