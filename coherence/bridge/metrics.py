"""Incoherence metrics of a pairwise choice-probability matrix, on the CPU or a GPU.

``P[i, j]`` is the probability that item ``i`` is chosen over item ``j``; off the diagonal
``P[i, j] + P[j, i] = 1`` (the diagonal is ignored). Every function accepts a numpy array or a
torch tensor and works in row blocks, so an ``n × n`` matrix is streamed through memory a few
times and nothing ``n × n`` is allocated besides the input; reductions run in float64.

Exact identities used (all proved in ``docs/theory/bridge-metrics.md``):

* expected number of cyclic triads when every pair is an independent coin with bias ``P``
  (Kendall & Babington Smith 1940 for tournaments; the probabilistic form follows because a
  transitive triad has exactly one item that beats both others)::

      E[cyclic] = tr(P³) / 3 = C(n, 3) − ½ Σᵢ (rᵢ² − qᵢ),  rᵢ = Σⱼ Pᵢⱼ,  qᵢ = Σⱼ Pᵢⱼ²;

* hard cyclic triads of the majority tournament ``c = C(n, 3) − Σᵢ C(sᵢ, 2)`` from the score
  sequence and Kendall's coefficient of consistence ``ζ = 1 − c / c_max``;
* the majority relation has a strict 3-cycle through ``i ≻ j`` whenever ``s_j ≥ s_i``
  (``s`` the strict out-degree), which finds a shortest pump in O(n²) without search.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence.bridge._torch import as_tensor, require_torch
from coherence.errors import CertificationError, InputError

__all__ = [
    "HardCycles",
    "TransitivityViolations",
    "cycle_probability",
    "expected_cyclic_triads",
    "find_majority_triad",
    "hard_cyclic_triads",
    "log_odds",
    "log_odds_exploitability",
    "majority_pump",
    "majority_relation",
    "majority_scores",
    "max_mean_cycle_torch",
    "prob_matrix",
    "row_blocks",
    "sampled_triad_estimate",
    "transitivity_violations",
    "triad_cycle_probability_bruteforce",
]

#: elements per streamed block (float64: 256 MiB)
BLOCK_ELEMENTS = 1 << 25
#: matrices up to this many bytes (float64) may be materialised whole
DENSE_BYTES = 1 << 30
#: probabilities are clipped to [CLIP, 1 - CLIP] before taking log-odds
CLIP = 1e-12


# ----------------------------------------------------------------------------- plumbing
def row_blocks(
    n: int, cols: int | None = None, *, elements: int = BLOCK_ELEMENTS
) -> Iterator[slice]:
    """Slices ``[a, b)`` of rows such that ``(b − a) · cols ≤ elements`` (at least one row)."""
    step = max(1, elements // max(1, cols if cols is not None else n))
    for a in range(0, n, step):
        yield slice(a, min(n, a + step))


def prob_matrix(
    P: Any,
    *,
    device: Any = None,
    validate: bool = True,
    min_items: int = 3,
    atol: float | None = None,
) -> Any:
    """Validate a choice-probability matrix and return it as a floating tensor.

    Checks: square, ``n ≥ min_items``, every entry finite and in ``[0, 1]`` off the diagonal,
    and ``|P + Pᵀ − 1| ≤ atol`` off the diagonal (default ``1e-9`` in float64, ``1e-5`` in
    float32). O(n²) in row blocks. Raises :class:`~coherence.errors.InputError`.
    """
    torch = require_torch()
    t = as_tensor(P, device=device, name="choice-probability matrix")
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise InputError(f"choice-probability matrix must be square, got shape {tuple(t.shape)}")
    n = t.shape[0]
    if n < min_items:
        raise InputError(f"need at least {min_items} items, got {n}")
    if t.is_complex():
        raise InputError("choice-probability matrix must be real")
    if not t.is_floating_point():
        t = t.to(torch.float64)
    if not validate:
        return t
    tol = atol if atol is not None else (1e-9 if t.dtype == torch.float64 else 1e-5)
    for sl in row_blocks(n):
        blk = t[sl].clone()
        r = torch.arange(sl.stop - sl.start, device=t.device)
        blk[r, r + sl.start] = 0.5
        lo, hi = torch.aminmax(blk)
        if not (bool(lo >= 0) and bool(hi <= 1)):  # also false on NaN
            bad = (~((blk >= 0) & (blk <= 1))).nonzero()[0].tolist()
            v = float(blk[bad[0], bad[1]])
            what = "not finite" if not math.isfinite(v) else "outside [0, 1]"
            raise InputError(f"choice probability is {what} at ({bad[0] + sl.start}, {bad[1]})")
        blk += t[:, sl].T
        blk[r, r + sl.start] = 1.0
        lo, hi = torch.aminmax(blk)
        if float(lo) < 1 - tol or float(hi) > 1 + tol:
            bad = ((blk - 1).abs() > tol).nonzero()[0].tolist()
            i, j = bad[0] + sl.start, bad[1]
            raise InputError(
                f"P[{i},{j}] + P[{j},{i}] = {float(t[i, j] + t[j, i]):.6g} ≠ 1: "
                "ask both orders and symmetrise (coherence.bridge.symmetrise)"
            )
    return t


def _offdiag_block(t: Any, sl: slice) -> Any:
    """``t[sl]`` in float64 with its diagonal entries zeroed."""
    torch = require_torch()
    blk = t[sl].to(torch.float64).clone()
    r = torch.arange(sl.stop - sl.start, device=t.device)
    blk[r, r + sl.start] = 0.0
    return blk


# ----------------------------------------------------------------------------- soft triads
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
    """Probability that a uniformly random triad is cyclic: ``E[cyclic] / C(n, 3)``. O(n²)."""
    t = prob_matrix(P, device=device, validate=validate)
    n = t.shape[0]
    return expected_cyclic_triads(t, validate=False) / math.comb(n, 3)


def triad_cycle_probability_bruteforce(P: np.ndarray) -> float:
    """Reference: ``Σ_{i<j<k} (PᵢⱼPⱼₖPₖᵢ + PᵢₖPₖⱼPⱼᵢ)`` by enumeration. O(n³) numpy; tests only."""
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
    """
    torch = require_torch()
    t = prob_matrix(P, device=device, validate=False)
    n = t.shape[0]
    g = torch.Generator(device="cpu")
    if seed is not None:
        g.manual_seed(seed)
    else:
        g.seed()
    idx = _distinct_triples(n, samples, g).to(t.device)
    i, j, k = idx[:, 0], idx[:, 1], idx[:, 2]
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


# ----------------------------------------------------------------------------- hard triads
def majority_scores(P: Any, *, validate: bool = True, device: Any = None) -> tuple[Any, Any]:
    """Strict wins ``wᵢ = #{j: Pᵢⱼ > ½}`` and ties ``tᵢ = #{j ≠ i: Pᵢⱼ = ½}`` (int64). O(n²)."""
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


# ------------------------------------------------------------------- stochastic transitivity
@dataclass(frozen=True)
class TransitivityViolations:
    """Violation rates of weak, moderate and strong stochastic transitivity.

    Over ordered triples ``(i, j, k)`` of distinct items with ``Pᵢⱼ ≥ ½`` and ``Pⱼₖ ≥ ½``
    (the premise), the triple violates WST if ``Pᵢₖ < ½``, MST if ``Pᵢₖ < min(Pᵢⱼ, Pⱼₖ)`` and
    SST if ``Pᵢₖ < max(Pᵢⱼ, Pⱼₖ)`` (Block & Marschak 1960; Tversky 1969). Rates are
    violations / premises; WST ⊆ MST ⊆ SST violations, so the rates are ordered.

    Attributes:
        weak, moderate, strong: violation rates.
        premises: number of premise triples (exact) or the estimate's sample premise count.
        method: ``"exact"`` (all n³ triples), ``"scores"`` (WST exact from scores, MST/SST
            sampled) or ``"sampled"``.
        stderr: standard errors of the three rates (0 where exact).
    """

    weak: float
    moderate: float
    strong: float
    premises: int
    method: str
    stderr: tuple[float, float, float] = (0.0, 0.0, 0.0)


def _exact_st_counts(t: Any, budget: int) -> tuple[int, int, int, int]:
    """(premises, wst, mst, sst) over all ordered distinct triples, chunked over ``j``. O(n³)."""
    torch = require_torch()
    n = t.shape[0]
    T = t.to(torch.float64).clone()
    T.fill_diagonal_(-1.0)  # i = j or j = k never meets the premise
    eye = torch.eye(n, dtype=torch.bool, device=t.device)
    step = max(1, budget // (n * n))
    prem = wst = mst = sst = 0
    for a in range(0, n, step):
        b = min(n, a + step)
        A = T[:, a:b].T.unsqueeze(2)  # (b, n, 1): P[i, j]
        B = T[a:b, :].unsqueeze(1)  # (b, 1, n): P[j, k]
        C = T.unsqueeze(0)  # (1, n, n): P[i, k]
        premise = (A >= 0.5) & (B >= 0.5) & ~eye.unsqueeze(0)
        prem += int(premise.sum())
        wst += int((premise & (C < 0.5)).sum())
        mst += int((premise & (torch.minimum(A, B) > C)).sum())
        sst += int((premise & (torch.maximum(A, B) > C)).sum())
    return prem, wst, mst, sst


def transitivity_violations(
    P: Any,
    *,
    method: str = "auto",
    samples: int = 200_000,
    seed: int | None = 0,
    exact_limit: int | None = None,
    validate: bool = True,
    device: Any = None,
) -> TransitivityViolations:
    """Weak / moderate / strong stochastic transitivity violation rates.

    ``method="exact"`` enumerates all ordered triples in chunks over the middle item,
    vectorised (O(n³) time, O(n²·chunk) memory); ``"sampled"`` draws ``samples`` random
    ordered triples (O(samples)) and uses the ratio estimator with a delta-method standard
    error. ``"auto"`` is exact when ``n ≤ exact_limit`` (default 400 on the CPU, 2,000 on
    CUDA), otherwise WST is computed exactly from the majority scores when there are no ties
    (violations = 3 × cyclic triads, premises = Σⱼ sⱼ(n − 1 − sⱼ); O(n²)) and MST/SST are
    sampled.
    """
    torch = require_torch()
    t = prob_matrix(P, device=device, validate=validate)
    n = t.shape[0]
    if method not in ("auto", "exact", "sampled"):
        raise InputError(f"method must be auto, exact or sampled, got {method!r}")
    if samples < 1:
        raise InputError(f"samples must be positive, got {samples}")
    limit = exact_limit if exact_limit is not None else (2000 if t.device.type == "cuda" else 400)
    if method == "exact" or (method == "auto" and n <= limit):
        budget = 1 << (26 if t.device.type == "cuda" else 23)
        prem, w, m, s = _exact_st_counts(t, budget)
        if prem == 0:
            return TransitivityViolations(0.0, 0.0, 0.0, 0, "exact")
        return TransitivityViolations(w / prem, m / prem, s / prem, prem, "exact")
    g = torch.Generator(device="cpu")
    if seed is not None:
        g.manual_seed(seed)
    else:
        g.seed()
    idx = _distinct_triples(n, samples, g).to(t.device)
    i, j, k = idx[:, 0], idx[:, 1], idx[:, 2]
    a, b, c = t[i, j].double(), t[j, k].double(), t[i, k].double()
    premise = (a >= 0.5) & (b >= 0.5)
    viol = [
        premise & (c < 0.5),
        premise & (c < torch.minimum(a, b)),
        premise & (c < torch.maximum(a, b)),
    ]
    npre = int(premise.sum())
    rates, ses = [], []
    for v in viol:
        if npre == 0:
            rates.append(0.0)
            ses.append(float("nan"))
            continue
        r = float(v.sum()) / npre
        # ratio estimator: var(r) ≈ r(1 − r) / npre
        rates.append(r)
        ses.append(math.sqrt(max(r * (1 - r), 0.0) / npre))
    method_used = "sampled"
    if method == "auto":
        wins, ties = majority_scores(t, validate=False)
        if int(ties.sum()) == 0:
            hc = hard_cyclic_triads(t, validate=False)
            s_ = wins.to(torch.float64)
            prem_exact = int((s_ * (n - 1 - s_)).sum())
            rates[0] = 3 * int(hc.count) / prem_exact if prem_exact else 0.0
            ses[0] = 0.0
            method_used = "scores"
    return TransitivityViolations(
        rates[0], rates[1], rates[2], npre, method_used, (ses[0], ses[1], ses[2])
    )


# ----------------------------------------------------------------------------- pumps
def majority_relation(P: Any, items: Sequence[Hashable] | None = None, *, validate: bool = True):
    """The weak majority relation ``i ≽ j`` iff ``Pᵢⱼ ≥ ½`` as a
    :class:`~coherence.relations.PreferenceRelation` on the CPU (reflexive). O(n²) memory."""
    from coherence.relations import PreferenceRelation

    t = prob_matrix(P, validate=validate)
    W = (t >= 0.5).cpu().numpy()
    np.fill_diagonal(W, True)
    labels = tuple(range(t.shape[0])) if items is None else tuple(items)
    return PreferenceRelation(labels, W)


def find_majority_triad(
    P: Any, *, validate: bool = True, device: Any = None
) -> tuple[int, int, int] | None:
    """A majority pump ``i ≻ j ≻ k ≽ i`` (two strict trades), or ``None``. O(n²), streamed.

    Lemma: let ``sᵢ = #{j: Pᵢⱼ > ½}``. If ``i ≻ j`` and ``sⱼ ≥ sᵢ`` then some ``k`` with
    ``j ≻ k`` is not strictly below ``i`` (``out(j)`` has ``sⱼ`` members, ``out(i) ∖ {j}``
    only ``sᵢ − 1``), so ``k ≽ i``. Without ties, ``None`` means the majority relation is a
    transitive tournament (strict scores are a utility).
    """
    torch = require_torch()
    t = prob_matrix(P, device=device, validate=validate)
    n = t.shape[0]
    wins, _ = majority_scores(t, validate=False)
    s = wins
    for sl in row_blocks(n):
        S = t[sl] > 0.5
        r = torch.arange(sl.stop - sl.start, device=t.device)
        S[r, r + sl.start] = False
        hit = S & (s.unsqueeze(0) >= s[sl].unsqueeze(1))
        if hit.any():
            a, j = (int(x) for x in hit.nonzero()[0].tolist())
            i = a + sl.start
            cand = (t[j] > 0.5) & (t[:, i] >= 0.5)
            cand[i] = False
            cand[j] = False
            ks = cand.nonzero()
            if ks.numel() == 0:  # impossible by the lemma
                raise CertificationError("majority triad lemma failed; please report")
            return i, j, int(ks[0, 0])
    return None


def majority_pump(
    P: Any,
    items: Sequence[Hashable] | None = None,
    *,
    max_items: int = 8192,
    validate: bool = True,
):
    """Shortest money pump of the weak majority relation, or its weak utility: a
    :class:`~coherence.verdict.Verdict` checked exactly by :func:`coherence.relations.check_relation`.

    Up to ``max_items`` items the full relation goes to the CPU (O(n²) booleans) and
    :func:`~coherence.relations.check_relation` returns a shortest pump or an integer utility.
    First, :func:`find_majority_triad` runs on the device; a triad found is a shortest pump
    (no pump has 2 trades) and the verdict is :func:`~coherence.relations.check_relation` on the
    3-item restriction (a pump there is a pump of the full relation). Beyond ``max_items``
    with no triad and no ties the majority relation is a
    transitive tournament, but an exact utility certificate needs the full relation, so an
    :class:`~coherence.errors.InputError` asks for a larger ``max_items``.
    """
    from coherence.relations import PreferenceRelation, check_relation

    t = prob_matrix(P, validate=validate)
    n = t.shape[0]
    labels = tuple(range(n)) if items is None else tuple(items)
    if len(labels) != n:
        raise InputError(f"{len(labels)} item labels for a {n}×{n} matrix")
    tri = find_majority_triad(t, validate=False)
    if tri is None and n <= max_items:
        return check_relation(majority_relation(t, labels, validate=False))
    if tri is None:
        raise InputError(
            f"{n} items and no majority 3-cycle: an exact utility certificate needs the full "
            f"relation; pass max_items ≥ {n}"
        )
    idx = list(tri)
    sub = t[idx][:, idx].cpu().numpy()
    W = sub >= 0.5
    np.fill_diagonal(W, True)
    return check_relation(PreferenceRelation(tuple(labels[i] for i in idx), W))


def log_odds(P: Any, PT: Any = None, *, clip: float = CLIP) -> Any:
    """``L[i, j] = log(Pᵢⱼ / Pⱼᵢ)``, both probabilities clipped below at ``clip``.

    ``PT`` is the transposed block ``P[j, i]`` (read, so that small complements keep their
    precision); by default ``1 − P``. Entries with ``min(Pᵢⱼ, Pⱼᵢ) < clip`` are saturated
    (``|L| ≤ log(1/clip)``); :func:`saturated` marks them.
    """
    torch = require_torch()
    t = as_tensor(P).to(torch.float64)
    q = (1.0 - t) if PT is None else as_tensor(PT).to(torch.float64)
    return torch.log(t.clamp(min=clip)) - torch.log(q.clamp(min=clip))


def saturated(P: Any, PT: Any = None, *, clip: float = CLIP) -> Any:
    """Boolean mask of pairs whose log-odds are beyond what ``clip`` resolves."""
    torch = require_torch()
    t = as_tensor(P).to(torch.float64)
    q = (1.0 - t) if PT is None else as_tensor(PT).to(torch.float64)
    return torch.minimum(t, q) < clip


def _wtp(P: Any, PT: Any, clip: float) -> Any:
    """Willingness to pay ``W[i, j] = log(Pⱼᵢ/Pᵢⱼ)``; saturated pairs are never traded."""
    torch = require_torch()
    W = -log_odds(P, PT, clip=clip)
    return W.masked_fill_(saturated(P, PT, clip=clip), -torch.inf)


def max_mean_cycle_torch(
    P: Any, *, clip: float = CLIP, shift: float = 0.0, tol: float | None = None,
    max_iter: int = 1000,
):
    """Howard policy iteration for the max-mean cycle of ``W = −log-odds`` on the device.

    ``W[i, j] = log(Pⱼᵢ / Pᵢⱼ)``: holding ``i``, the agent's log-odds for ``j``. The graph is
    complete (plus zero self-loops), so each iteration is one streamed O(n²) pass for the
    policy improvement; the value determination walks the policy's functional graph on the
    CPU in O(n) (Cochet-Terrasson et al. 1998). ``shift`` is subtracted from every
    off-diagonal weight; saturated pairs (see :func:`saturated`) are not edges. Returns
    ``(λ, cycle, x)``: the max cycle mean, a cycle attaining it, and values ``x`` (numpy)
    with ``x[i] ≥ W[i, j] − λ + x[j] − tol`` on every edge when all nodes share the mean.
    """
    torch = require_torch()
    from coherence.graphs import functional_graph_cycles

    t = prob_matrix(P, validate=False)
    n = t.shape[0]
    dev = t.device

    def w_stream(sl: slice) -> Any:
        blk = _wtp(t[sl], t[:, sl].T, clip) - shift
        r = torch.arange(sl.stop - sl.start, device=dev)
        blk[r, r + sl.start] = 0.0
        return blk

    if n * n * 8 <= DENSE_BYTES:
        Wd = w_stream(slice(0, n))

        def w_block(sl: slice) -> Any:
            return Wd[sl]
    else:
        w_block = w_stream

    pi = torch.empty(n, dtype=torch.int64, device=dev)
    for sl in row_blocks(n):
        pi[sl] = w_block(sl).argmax(dim=1)
    rows = torch.arange(n, device=dev)

    def w_policy(pi: Any) -> Any:
        """``W[i, pi[i]]`` by gathering 2n entries of ``P`` (self-loops weigh 0). O(n)."""
        a, b = t[rows, pi], t[pi, rows]
        w = _wtp(a, b, clip) - shift
        return torch.where(pi == rows, torch.zeros_like(w), w)

    for _ in range(max_iter):
        pin = pi.cpu().numpy()
        wpi = w_policy(pi).cpu().numpy()
        cyc_id, cycles, order = functional_graph_cycles(pin)
        means = np.array([wpi[c].mean() for c in cycles])
        eta = means[cyc_id]
        x = np.zeros(n)
        for c, mu in zip(cycles, means, strict=True):
            for s in range(len(c) - 1, 0, -1):
                v = c[s]
                x[v] = wpi[v] - mu + x[pin[v]]
        for v in order.tolist():
            x[v] = wpi[v] - eta[v] + x[pin[v]]
        scale = max(1.0, float(np.abs(wpi).max()))
        eps = 1e-12 * scale * n if tol is None else tol
        top = float(means.max())
        if bool((eta < top - eps).any()):  # 1. move to a successor with a better mean
            et = torch.as_tensor(eta, device=dev)
            newpi = pi.clone()
            moved = False
            for sl in row_blocks(n):
                cand = torch.where(torch.isfinite(w_block(sl)), et.unsqueeze(0), -torch.inf)
                best, arg = cand.max(dim=1)
                up = best > et[sl] + eps
                if bool(up.any()):
                    moved = True
                    newpi[sl] = torch.where(up, arg, pi[sl])
            if moved:
                pi = newpi
                continue
        xt = torch.as_tensor(x, device=dev)
        changed = False
        newpi = pi.clone()
        et = torch.as_tensor(eta, device=dev)
        for sl in row_blocks(n):
            same = (et.unsqueeze(0) - et[sl].unsqueeze(1)).abs() <= eps
            val = torch.where(same, w_block(sl) + xt.unsqueeze(0) - et[sl].unsqueeze(1),
                              -torch.inf)
            best, arg = val.max(dim=1)
            better = best > xt[sl] + eps
            if better.any():
                changed = True
                newpi[sl] = torch.where(better, arg, pi[sl])
        if not changed:
            k = int(np.argmax(means))
            return top, [int(v) for v in cycles[k]], x
        pi = newpi
    raise CertificationError("policy iteration did not converge")


def log_odds_exploitability(
    P: Any,
    items: Sequence[Hashable] | None = None,
    *,
    clip: float = CLIP,
    resolution: float = 1e-6,
    max_items: int = 0,
    full_limit: int = 8192,
    validate: bool = True,
):
    """Max-mean-cycle exploitability on log-odds, as an exactly verified verdict.

    The agent is offered swaps; its willingness to pay to swap ``i`` for ``j`` is its
    log-odds ``log(Pⱼᵢ/Pᵢⱼ)`` (nats) less ``resolution`` (gaps below it are rounding noise:
    a scorer's log-odds are utility differences only up to float rounding). A cycle with
    positive total is a cardinal pump; its mean is the exploitability (0 iff the log-odds are
    utility differences up to ``resolution``, i.e. Bradley–Terry holds). Pairs whose smaller
    probability is below ``clip`` have no finite log-odds (the choice is deterministic at
    this resolution) and are left out: the agent never trades on them.

    Up to ``max_items`` (default 0) the full matrix goes straight to
    :func:`coherence.relations.check_willingness_to_pay`. Otherwise :func:`max_mean_cycle_torch`
    runs on the device with half the resolution subtracted: a positive cycle is certified by
    the core checker on the cycle's items; otherwise its values give a utility potential
    with ``resolution/2`` of slack on every edge, verified exactly against the full matrix
    (up to ``full_limit`` items). O(n²) per policy iteration.
    """
    from coherence.relations import UtilityPotential, WillingnessToPay, check_willingness_to_pay
    from coherence.verdict import Verdict

    t = prob_matrix(P, validate=validate)
    n = t.shape[0]
    labels = tuple(range(n)) if items is None else tuple(items)
    if len(labels) != n:
        raise InputError(f"{len(labels)} item labels for a {n}×{n} matrix")
    if n <= max_items:
        W = _wtp(t, t.T, clip).cpu().numpy() - resolution
        return check_willingness_to_pay(WillingnessToPay(labels, W))
    lam, cyc, x = max_mean_cycle_torch(t, clip=clip, shift=resolution / 2, tol=resolution / 20)
    if lam > 0 and len(cyc) >= 2:
        sub_p = t[cyc][:, cyc]
        sub = _wtp(sub_p, sub_p.T, clip).cpu().numpy() - resolution
        v = check_willingness_to_pay(WillingnessToPay(tuple(labels[i] for i in cyc), sub))
        if not v.coherent:
            return v
    if n > full_limit:
        raise InputError(
            f"{n} items and no log-odds pump above the resolution: an exact potential "
            f"certificate needs the full matrix; pass full_limit ≥ {n}"
        )
    wtp = WillingnessToPay(labels, _wtp(t, t.T, clip).cpu().numpy() - resolution)
    pot = UtilityPotential(wtp, tuple(float(v) + 0.0 for v in -x))
    if not pot.verify():
        return check_willingness_to_pay(wtp)
    return Verdict(True, pot, subject="willingness to pay",
                   quantities={"exploitability": Fraction(0)})
