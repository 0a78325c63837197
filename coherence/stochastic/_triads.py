"""Necessary conditions of random utility on every triad: stochastic transitivity and the
triangle inequality, vectorised, each violation with a witness triad.

With ``P[a, b]`` = P(a chosen over b):

* weak stochastic transitivity (WST): ``P[a,b] ≥ ½`` and ``P[b,c] ≥ ½`` ⇒ ``P[a,c] ≥ ½``;
* moderate (MST): then ``P[a,c] ≥ min(P[a,b], P[b,c])``; strong (SST): ``≥ max(…)``
  (Block & Marschak 1960; Tversky 1969);
* the triangle inequality ``P[a,b] + P[b,c] + P[c,a] ≤ 2``, a facet of the linear ordering
  polytope, necessary for random utility and sufficient with the trivial bounds up to five
  items (Marschak 1960; Fishburn 1992; Regenwetter, Dana & Davis-Stober 2011).

Random utility implies the triangle inequality; WST, MST and SST are the classical
stochastic-transitivity hypotheses tested beside it (random utility implies none of them).
WST is counted with one boolean matrix product (O(n³) flops in BLAS). With ``count=True``
(the default up to :data:`COUNT_ITEMS` items) MST, SST and the triangle inequality are counted
by one blocked numpy pass over all ordered triples, O(n³) element operations and O(n²)
memory. Beyond, only existence and one witness are sought (``violations`` is ``None``):

* the triangle inequality, when every probability is a multiple of ``1/K`` for a small ``K``
  (counts with equal numbers of trials, grids), by one max-plus product
  ``max_b P[a,b] + P[b,c]`` computed exactly in one float64 BLAS product of ``z^(K·P)``
  (``z`` a power of two above n: the sum's leading power is the maximum); otherwise by the
  blocked pass over ``a < b, c`` (a third of the triples, the condition being invariant under
  rotation), stopping at the first block holding a witness;
* MST and SST by the blocked pass in float64 over the triples with ``P[a,b] ≥ ½``,
  stopping at the first witness.

Counts are of ordered triples ``(a, b, c)`` of distinct, observed pairs; comparisons are in
floating point and each reported witness is re-checked in exact rationals (a candidate that
fails the exact check at a tie is passed over).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from coherence.stochastic._data import StochasticChoice

__all__ = ["TriadCheck", "check_triads"]

#: the conditions, in the order :func:`check_triads` reports them
CONDITIONS = ("weak_stochastic_transitivity", "moderate_stochastic_transitivity",
              "strong_stochastic_transitivity", "triangle_inequality")
#: elements per block of the triple pass (rows of a × n × n)
_BLOCK_ELEMENTS = 1 << 22
#: up to this many items every violating triple is counted by default
COUNT_ITEMS = 500


@dataclass(frozen=True)
class TriadCheck:
    """One necessary condition over all triads: whether it holds, how many ordered triples
    break it (``None`` when not counted), and a witness ``(a, b, c)`` (labels) when one
    does. A necessary condition, not a certificate: it holding proves nothing, its failure
    refutes only the hypothesis named (the triangle inequality refutes random utility)."""

    condition: str
    holds: bool
    violations: int | None
    witness: tuple[Hashable, Hashable, Hashable] | None = None

    def to_json(self) -> dict[str, object]:
        return {"condition": self.condition, "holds": self.holds,
                "violations": self.violations,
                "witness": None if self.witness is None else [str(x) for x in self.witness]}


def _exact_violation(cond: str, data: StochasticChoice, a: int, b: int, c: int) -> bool:
    """Does ``(a, b, c)`` break ``cond`` in exact arithmetic?"""
    it = data.items
    p = data.probability
    pab, pbc, pac = p(it[a], it[b]), p(it[b], it[c]), p(it[a], it[c])
    half = Fraction(1, 2)
    if cond == "triangle_inequality":
        return pab + pbc + p(it[c], it[a]) > 2
    if pab < half or pbc < half:
        return False
    bound = {"weak_stochastic_transitivity": half,
             "moderate_stochastic_transitivity": min(pab, pbc),
             "strong_stochastic_transitivity": max(pab, pbc)}[cond]
    return pac < bound


def _masks(P: np.ndarray, a0: int, a1: int) -> dict[str, np.ndarray]:
    Pab, Pbc, Pac = P[a0:a1, :, None], P[None, :, :], P[a0:a1, None, :]
    R = (Pab >= 0.5) & (Pbc >= 0.5)
    return {
        "moderate_stochastic_transitivity": R & (Pac < np.minimum(Pab, Pbc)),
        "strong_stochastic_transitivity": R & (Pac < np.maximum(Pab, Pbc)),
        "triangle_inequality": (Pab + Pbc + P.T[a0:a1, None, :]) > 2,
    }


Witness = tuple[int, int, int]


def _first_exact(cond: str, data: StochasticChoice, cands: np.ndarray,
                 shift: tuple[int, int, int] = (0, 0, 0), limit: int = 64) -> Witness | None:
    """The first of the candidate triples (rows of ``cands`` plus ``shift``) that breaks
    ``cond`` exactly."""
    for row in cands[:limit]:
        w = (int(row[0]) + shift[0], int(row[1]) + shift[1], int(row[2]) + shift[2])
        if _exact_violation(cond, data, *w):
            return w
    return None


def _counted(P: np.ndarray, data: StochasticChoice) -> dict[str, tuple[int, Witness | None]]:
    """Every violating ordered triple counted, by the blocked pass (MST, SST, triangle)."""
    n = data.n
    counts = dict.fromkeys(CONDITIONS[1:], 0)
    witnesses: dict[str, Witness | None] = dict.fromkeys(CONDITIONS[1:])
    rows = max(1, _BLOCK_ELEMENTS // max(1, n * n))
    for a0 in range(0, n, rows):
        a1 = min(n, a0 + rows)
        for cond, mask in _masks(P, a0, a1).items():
            k = int(np.count_nonzero(mask))
            counts[cond] += k
            if k and witnesses[cond] is None:
                witnesses[cond] = _first_exact(cond, data, np.argwhere(mask), (a0, 0, 0))
    return {c: (counts[c], witnesses[c]) for c in CONDITIONS[1:]}


def _grid(data: StochasticChoice) -> int | None:
    """The least ``K`` with every probability a multiple of ``1/K``, if it is small enough
    for the exact max-plus product (forced choice: P(b over a) = 1 − P(a over b))."""
    sh = data.shares() if data.forced else None
    if sh is None:
        return None
    dens = np.unique(sh[3])
    if len(dens) > 64 or (len(dens) and dens.max() > 64):
        return None
    return int(np.lcm.reduce(dens)) if len(dens) else 1


def _triangle_maxplus(P: np.ndarray, K: int, data: StochasticChoice) -> Witness | bool | None:
    """A triangle witness via ``max_b P[a,b] + P[b,c]`` in one BLAS product, ``None`` when
    none exists, ``False`` when the grid is too fine for float64."""
    n = data.n
    bits = max(1, n.bit_length()) + 1  # z = 2^bits > n
    if 2 * K * bits > 1000:
        return False
    obs = ~np.isnan(P)
    A = np.where(obs, np.rint(np.nan_to_num(P) * K), 0).astype(np.int64)
    np.fill_diagonal(obs, False)
    E = np.where(obs, np.ldexp(1.0, bits * A), 0.0)
    S = E @ E
    with np.errstate(divide="ignore"):
        M = np.floor((np.log2(S) + 0.5) / bits)  # −inf where no b joins the pair
    cand = obs.T & (M + A.T > 2 * K)  # (a, c) with P[c, a] observed, a ≠ c
    np.fill_diagonal(cand, False)
    for a, c in zip(*np.unravel_index(np.flatnonzero(cand)[:64], cand.shape), strict=True):
        tot = A[a] + A[:, c] + A[c, a]
        ok = obs[a] & obs[:, c]
        ok[[a, c]] = False
        bs = np.flatnonzero(ok & (tot > 2 * K))
        if len(bs):
            return int(a), int(bs[0]), int(c)
    return None


def _triangle_scan(P: np.ndarray, data: StochasticChoice) -> Witness | None:
    """A triangle witness by the pass over ``a < b, c`` (rotations give the rest)."""
    n = data.n
    F = np.nan_to_num(P, nan=-4.0)
    FT = np.ascontiguousarray(F.T)
    for a in range(n - 2):
        m = F[a + 1:, a + 1:]
        mask = m > (2 - F[a, a + 1:])[:, None] - FT[a, a + 1:][None, :]
        if mask.any():
            bc = np.argwhere(mask)
            cands = np.column_stack([np.zeros(len(bc), dtype=np.int64), bc + a + 1])
            w = _first_exact("triangle_inequality", data, cands, (a, 0, 0))
            if w is not None:
                return w
    return None


def _transitivity_scan(P: np.ndarray, data: StochasticChoice, cond: str) -> Witness | None:
    """An MST or SST witness: blocks over ``a``, rows ``b`` with ``P[a,b] ≥ ½`` only."""
    n = data.n
    F = np.nan_to_num(P, nan=-4.0)
    R = F >= 0.5
    pick = np.minimum if cond == CONDITIONS[1] else np.maximum
    for a in range(n):
        bs = np.flatnonzero(R[a])
        if not len(bs):
            continue
        Fb = F[bs]  # P[b, c]
        x = F[a, bs][:, None]
        mask = (Fb >= 0.5) & (F[a][None, :] < pick(x, Fb))
        mask[:, a] = False
        if mask.any():
            hits = np.argwhere(mask)
            cands = np.column_stack([np.full(len(hits), a), bs[hits[:, 0]], hits[:, 1]])
            w = _first_exact(cond, data, cands)
            if w is not None:
                return w
    return None


def _existence(P: np.ndarray, data: StochasticChoice) -> dict[str, tuple[None, Witness | None]]:
    """One witness per condition (or none), without counting."""
    out: dict[str, tuple[None, Witness | None]] = {}
    for cond in CONDITIONS[1:3]:
        out[cond] = (None, _transitivity_scan(P, data, cond))
    K = _grid(data)
    tri = False if K is None else _triangle_maxplus(P, K, data)
    out[CONDITIONS[3]] = (None, _triangle_scan(P, data) if tri is False else tri)  # type: ignore[assignment]
    return out


def check_triads(data: StochasticChoice, *, count: bool | None = None) -> tuple[TriadCheck, ...]:
    """WST, MST, SST and the triangle inequality over every triad, each with its count of
    violating ordered triples and a witness (exactly re-checked).

    ``count`` (default: up to :data:`COUNT_ITEMS` items) counts every violating triple: one
    BLAS product for WST and one blocked pass for the rest, O(n³) time and O(n²) memory.
    Without counting, WST keeps its count and the other three report existence and a witness
    only (``violations`` ``None``): an exact max-plus BLAS product for the triangle inequality
    on probabilities with a small common denominator, early-exit passes for the rest, O(n³)
    at worst (n = 2,000 in about a second or two on two cores when MST and SST fail).

    >>> from coherence.stochastic import StochasticChoice
    >>> d = StochasticChoice.from_probabilities({("a", "b"): 0.9, ("b", "c"): 0.9,
    ...                                          ("c", "a"): 0.9})
    >>> [(t.condition[:6], t.holds, t.witness) for t in check_triads(d)][::3]
    [('weak_s', False, ('a', 'b', 'c')), ('triang', False, ('a', 'b', 'c'))]
    >>> [t.violations for t in check_triads(d, count=False)]
    [3, None, None, None]
    """
    P = data.matrix()
    n = data.n
    found: dict[str, tuple[int | None, Witness | None]] = {}
    R = (P >= 0.5).astype(np.float32)
    S = (P < 0.5).astype(np.float32)  # P[a, c] < ½ on an observed pair
    RR = R @ R  # exact: integers below 2^24
    bad = (RR > 0) & (S > 0)
    wit = None
    if bad.any():
        a, c = (int(v) for v in np.unravel_index(int(bad.argmax()), bad.shape))
        b = int(np.flatnonzero((R[a] > 0) & (R[:, c] > 0))[0])
        wit = (a, b, c)
    found[CONDITIONS[0]] = (int(np.sum(RR * S, dtype=np.float64)), wit)
    found.update(_counted(P, data) if (n <= COUNT_ITEMS if count is None else count)
                 else _existence(P, data))
    out = []
    for cond in CONDITIONS:
        k, w = found[cond]
        if w is not None and not _exact_violation(cond, data, *w):
            w = None  # a float artefact at a tie: not reported as a witness
        labels = None if w is None else tuple(data.items[v] for v in w)
        holds = k == 0 if k is not None else w is None
        out.append(TriadCheck(cond, holds, k, labels))  # type: ignore[arg-type]
    return tuple(out)
