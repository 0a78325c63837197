"""Cyclic triads of a choice-probability matrix: soft (expected) and hard (majority), exactly.

Exact identities used (all proved in ``docs/theory/bridge-metrics.md``):

* expected number of cyclic triads when every pair is an independent coin with bias ``P``
  (Kendall & Babington Smith 1940 for tournaments; the probabilistic form follows because a
  transitive triad has exactly one item that beats both others)::

      E[cyclic] = tr(P³) / 3 = C(n, 3) − ½ Σᵢ (rᵢ² − qᵢ),  rᵢ = Σⱼ Pᵢⱼ,  qᵢ = Σⱼ Pᵢⱼ²;

* hard cyclic triads of the majority tournament ``c = C(n, 3) − Σᵢ C(sᵢ, 2)`` from the score
  sequence and Kendall's coefficient of consistence ``ζ = 1 − c / c_max``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence.bridge._torch import require_torch
from coherence.bridge.probabilities import _offdiag_block, prob_matrix, row_blocks

__all__ = [
    "HardCycles",
    "cycle_probability",
    "expected_cyclic_triads",
    "hard_cyclic_triads",
    "majority_scores",
    "sampled_triad_estimate",
    "triad_cycle_probability_bruteforce",
]

#: rock–paper–scissors with bias 0.8, used in the examples
_RPS = [[0.5, 0.8, 0.2], [0.2, 0.5, 0.8], [0.8, 0.2, 0.5]]


def expected_cyclic_triads(P: Any, *, validate: bool = True, device: Any = None) -> float:
    """Expected number of cyclic triads, exactly, in O(n²) time and O(n) extra memory.

    With every pair an independent coin (``i`` beats ``j`` with probability ``P[i, j]``) the
    expected number of 3-cycles is ``tr(P³)/3 = C(n,3) − ½ Σᵢ (rᵢ² − qᵢ)``, ``rᵢ`` and ``qᵢ``
    the row sums of ``P`` and ``P∘P`` (diagonal excluded). Evaluated in the centred form
    ``n(n−1)(n−2)/24 − ½ (Σᵢ dᵢ² − Σᵢⱼ eᵢⱼ²)`` with ``e = P − ½`` and ``d`` its row sums,
    which is algebraically equal and loses fewer digits. One streamed pass; float64.

    Args:
        P: ``n × n`` numpy array or torch tensor, ``n ≥ 3``, ``P + Pᵀ = 1`` off the diagonal.
        validate: check the input (one extra pass).
        device: move ``P`` there first (default: where it lives).

    Returns:
        The expected number of cyclic triads (a float in ``[0, n(n²−1)/24]``).

    >>> round(expected_cyclic_triads(_RPS), 6)  # 0.8³ + 0.2³
    0.52
    """
    torch = require_torch()
    t = prob_matrix(P, device=device, validate=validate)
    n = t.shape[0]
    sum_d2 = torch.zeros((), dtype=torch.float64, device=t.device)
    sum_e2 = torch.zeros((), dtype=torch.float64, device=t.device)
    for sl in row_blocks(n):
        e = _offdiag_block(t, sl) - 0.5
        r = torch.arange(sl.stop - sl.start, device=t.device)
        e[r, r + sl.start] = 0.0
        sum_d2 += (e.sum(dim=1) ** 2).sum()
        sum_e2 += (e * e).sum()
    val = n * (n - 1) * (n - 2) / 24.0 - 0.5 * float(sum_d2 - sum_e2)
    return max(0.0, val)


def cycle_probability(P: Any, *, validate: bool = True, device: Any = None) -> float:
    """Probability that a uniformly random triad is cyclic: ``E[cyclic] / C(n, 3)``. O(n²).

    >>> P = [[0.5, 1, 1, 1], [0, 0.5, 0.8, 0.2], [0, 0.2, 0.5, 0.8], [0, 0.8, 0.2, 0.5]]
    >>> round(cycle_probability(P), 6)  # one triad of four can cycle, with probability 0.52
    0.13
    """
    t = prob_matrix(P, device=device, validate=validate)
    n = t.shape[0]
    return expected_cyclic_triads(t, validate=False) / math.comb(n, 3)


def triad_cycle_probability_bruteforce(P: np.ndarray) -> float:
    """Reference: ``Σ_{i<j<k} (PᵢⱼPⱼₖPₖᵢ + PᵢₖPₖⱼPⱼᵢ)`` by enumeration. O(n³) numpy; tests only.

    >>> round(triad_cycle_probability_bruteforce(np.array(_RPS)), 6)
    0.52
    """
    P = np.asarray(P, dtype=np.float64)
    n = P.shape[0]
    total = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            k = np.arange(j + 1, n)
            total += float(np.sum(P[i, j] * P[j, k] * P[k, i] + P[i, k] * P[k, j] * P[j, i]))
    return total


def sampled_triad_estimate(
    P: Any, *, samples: int = 1000, seed: int | None = 0, hard: bool = False, device: Any = None
) -> tuple[float, float]:
    """The published-style estimate: average cycle probability over random triads.

    Draws ``samples`` triads of distinct items uniformly (with replacement between draws) and
    averages ``PᵢⱼPⱼₖPₖᵢ + PᵢₖPₖⱼPⱼᵢ`` (or, with ``hard=True``, whether the majority relation
    cycles on the triad). Returns ``(estimate, standard_error)``. O(samples), vectorised.
    Compare :func:`cycle_probability`, which is exact in O(n²).

    >>> est, se = sampled_triad_estimate(_RPS, samples=100)
    >>> round(est, 6), se  # one triad: every draw is the same
    (0.52, 0.0)
    """
    require_torch()
    t = prob_matrix(P, device=device, validate=False)
    i, j, k = _sampled_triples(t, samples, seed)
    pij, pjk, pki = (t[i, j].double(), t[j, k].double(), t[k, i].double())
    if hard:
        val = (
            ((pij > 0.5) & (pjk > 0.5) & (pki > 0.5)) | ((pij < 0.5) & (pjk < 0.5) & (pki < 0.5))
        ).double()
    else:
        val = pij * pjk * pki + (1 - pij) * (1 - pjk) * (1 - pki)
    est = float(val.mean())
    se = float(val.std(unbiased=True) / math.sqrt(samples)) if samples > 1 else float("nan")
    return est, se


def _sampled_triples(t: Any, samples: int, seed: int | None) -> tuple[Any, Any, Any]:
    """Index vectors ``i, j, k`` of ``samples`` uniform triples of distinct items of ``t``,
    on ``t``'s device, drawn from a CPU generator seeded with ``seed`` (fresh when None). O(m)."""
    torch = require_torch()
    g = torch.Generator(device="cpu")
    if seed is not None:
        g.manual_seed(seed)
    else:
        g.seed()
    idx = _distinct_triples(t.shape[0], samples, g).to(t.device)
    return idx[:, 0], idx[:, 1], idx[:, 2]


def _distinct_triples(n: int, m: int, g: Any) -> Any:
    """``m × 3`` int64 rows of three distinct indices in ``range(n)``, uniform. O(m)."""
    torch = require_torch()
    i = torch.randint(0, n, (m,), generator=g)
    j = torch.randint(0, n - 1, (m,), generator=g)
    j = j + (j >= i)
    k = torch.randint(0, n - 2, (m,), generator=g)
    lo, hi = torch.minimum(i, j), torch.maximum(i, j)
    k = k + (k >= lo)
    k = k + (k >= hi)
    return torch.stack([i, j, k], dim=1)


def majority_scores(P: Any, *, validate: bool = True, device: Any = None) -> tuple[Any, Any]:
    """Strict wins ``wᵢ = #{j: Pᵢⱼ > ½}`` and ties ``tᵢ = #{j ≠ i: Pᵢⱼ = ½}`` (int64). O(n²).

    >>> wins, ties = majority_scores([[0.5, 0.9, 0.5], [0.1, 0.5, 0.7], [0.5, 0.3, 0.5]])
    >>> wins.tolist(), ties.tolist()
    ([1, 1, 0], [1, 0, 1])
    """
    torch = require_torch()
    t = prob_matrix(P, device=device, validate=validate)
    n = t.shape[0]
    wins = torch.zeros(n, dtype=torch.int64, device=t.device)
    ties = torch.zeros(n, dtype=torch.int64, device=t.device)
    for sl in row_blocks(n):
        blk = t[sl]
        r = torch.arange(sl.stop - sl.start, device=t.device)
        wins[sl] = (blk > 0.5).sum(dim=1)
        eq = blk == 0.5
        eq[r, r + sl.start] = False
        ties[sl] = eq.sum(dim=1)
    wins -= (t.diagonal() > 0.5).to(torch.int64)
    return wins, ties


@dataclass(frozen=True)
class HardCycles:
    """Cyclic triads of the majority tournament (``i → j`` iff ``Pᵢⱼ > ½``).

    Attributes:
        count: the number of cyclic triads (exact integer when there are no ties; with ties,
            the expected number when each tie is broken by a fair coin).
        max_count: the most a tournament on ``n`` items can have, ``(n³ − n)/24`` for odd
            ``n`` and ``(n³ − 4n)/24`` for even ``n`` (Kendall & Babington Smith 1940).
        zeta: Kendall's coefficient of consistence ``1 − count / max_count`` (1 = transitive).
        ties: number of unordered pairs with ``Pᵢⱼ = ½`` exactly.
        n: number of items.
    """

    count: float | int
    max_count: int
    zeta: float
    ties: int
    n: int

    @property
    def rate(self) -> float:
        """Share of all ``C(n, 3)`` triads that are cyclic."""
        return float(self.count) / math.comb(self.n, 3)


def hard_cyclic_triads(P: Any, *, validate: bool = True, device: Any = None) -> HardCycles:
    """Cyclic triads of the majority tournament from its score sequence. O(n²), exact.

    ``c = C(n,3) − Σᵢ C(sᵢ, 2)`` (Kendall & Babington Smith 1940) in integer arithmetic. With
    ties (``Pᵢⱼ = ½``) each tie counts ½ to both scores and the expected count under fair
    tie-breaking ``C(n,3) − ½ Σᵢ (sᵢ² − qᵢ)``, ``qᵢ = winsᵢ + tiesᵢ/4``, is returned.

    >>> h = hard_cyclic_triads(_RPS)
    >>> h.count, h.max_count, h.zeta
    (1, 1, 0.0)
    """
    wins, ties = majority_scores(P, validate=validate, device=device)
    n = int(wins.shape[0])
    w = [int(x) for x in wins.cpu().tolist()]
    tt = [int(x) for x in ties.cpu().tolist()]
    n_ties = sum(tt) // 2
    c3 = math.comb(n, 3)
    if n_ties == 0:
        count: float | int = c3 - sum(s * (s - 1) // 2 for s in w)
    else:
        # exact in Fractions, then to float
        tot = Fraction(0)
        for s, z in zip(w, tt, strict=True):
            sc = Fraction(s) + Fraction(z, 2)
            tot += sc * sc - (s + Fraction(z, 4))
        count = float(c3 - tot / 2)
    cmax = (n**3 - n) // 24 if n % 2 else (n**3 - 4 * n) // 24
    return HardCycles(count=count, max_count=cmax, zeta=1.0 - float(count) / cmax, ties=n_ties, n=n)
