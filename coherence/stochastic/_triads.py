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
WST is counted with one boolean matrix product (O(n³) flops in BLAS); MST, SST and the
triangle inequality by one blocked numpy pass over all ordered triples, O(n³) element
operations and O(n²) memory.
Counts are of ordered triples ``(a, b, c)`` of distinct, observed pairs; comparisons are in
float64 and each reported witness is re-checked in exact rationals.
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


@dataclass(frozen=True)
class TriadCheck:
    """One necessary condition over all triads: whether it holds, how many ordered triples
    break it, and a witness ``(a, b, c)`` (labels) when one does. A necessary condition, not
    a certificate: it holding proves nothing, its failure refutes only the hypothesis named
    (the triangle inequality refutes random utility)."""

    condition: str
    holds: bool
    violations: int
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


def check_triads(data: StochasticChoice) -> tuple[TriadCheck, ...]:
    """WST, MST, SST and the triangle inequality over every triad, each with its count of
    violating ordered triples and a witness (exactly re-checked). O(n³) time (one BLAS
    product for WST, one blocked pass for the rest), O(n²) memory.

    >>> from coherence.stochastic import StochasticChoice
    >>> d = StochasticChoice.from_probabilities({("a", "b"): 0.9, ("b", "c"): 0.9,
    ...                                          ("c", "a"): 0.9})
    >>> [(t.condition[:6], t.holds, t.witness) for t in check_triads(d)][::3]
    [('weak_s', False, ('a', 'b', 'c')), ('triang', False, ('a', 'b', 'c'))]
    """
    P = data.matrix()
    n = data.n
    found: dict[str, tuple[int, tuple[int, int, int] | None]] = {}
    R = (P >= 0.5).astype(np.float64)
    S = (P < 0.5).astype(np.float64)  # P[a, c] < ½ on an observed pair
    RR = R @ R
    bad = (RR > 0) & (S > 0)
    wit = None
    if bad.any():
        a, c = (int(v) for v in np.argwhere(bad)[0])
        b = int(np.flatnonzero((R[a] > 0) & (R[:, c] > 0))[0])
        wit = (a, b, c)
    found[CONDITIONS[0]] = (round(float((RR * S).sum())), wit)
    counts = dict.fromkeys(CONDITIONS[1:], 0)
    witnesses: dict[str, tuple[int, int, int] | None] = dict.fromkeys(CONDITIONS[1:])
    rows = max(1, _BLOCK_ELEMENTS // max(1, n * n))
    for a0 in range(0, n, rows):
        a1 = min(n, a0 + rows)
        for cond, mask in _masks(P, a0, a1).items():
            k = int(np.count_nonzero(mask))
            counts[cond] += k
            if k and witnesses[cond] is None:
                i, b, c = (int(v) for v in np.argwhere(mask)[0])
                witnesses[cond] = (a0 + i, b, c)
    for cond in CONDITIONS[1:]:
        found[cond] = (counts[cond], witnesses[cond])
    out = []
    for cond in CONDITIONS:
        k, w = found[cond]
        if w is not None and not _exact_violation(cond, data, *w):
            w = None  # a float artefact at a tie: not reported as a witness
        labels = None if w is None else tuple(data.items[v] for v in w)
        out.append(TriadCheck(cond, k == 0, k, labels))  # type: ignore[arg-type]
    return tuple(out)
