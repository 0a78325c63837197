"""Stochastic transitivity (weak, moderate, strong) of a choice-probability matrix.

Exact over all ordered triples in O(n³) (chunked, vectorised) for moderate ``n``; beyond that
the weak rate is exact from the majority scores and the other two are sampled with standard
errors.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from coherence.bridge._torch import require_torch
from coherence.bridge.probabilities import prob_matrix
from coherence.bridge.triads import _sampled_triples, hard_cyclic_triads, majority_scores
from coherence.errors import InputError
from coherence.validation import check_integer

__all__ = ["TransitivityViolations", "transitivity_violations"]


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


def _sampled_rates(
    t: Any, samples: int, seed: int | None
) -> tuple[list[float], list[float], int]:
    """WST/MST/SST violation rates over ``samples`` random ordered triples, their standard
    errors (ratio estimator) and the number of sampled premises. O(samples)."""
    torch = require_torch()
    i, j, k = _sampled_triples(t, samples, seed)
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
    return rates, ses, npre


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

    >>> tv = transitivity_violations([[0.5, 0.8, 0.2], [0.2, 0.5, 0.8], [0.8, 0.2, 0.5]])
    >>> tv.method, tv.premises, round(tv.weak, 6), round(tv.strong, 6)
    ('exact', 3, 1.0, 1.0)
    """
    torch = require_torch()
    t = prob_matrix(P, device=device, validate=validate)
    n = t.shape[0]
    if method not in ("auto", "exact", "sampled"):
        raise InputError(f"method must be auto, exact or sampled, got {method!r}")
    check_integer(samples, "samples", min_value=1)
    limit = exact_limit if exact_limit is not None else (2000 if t.device.type == "cuda" else 400)
    if method == "exact" or (method == "auto" and n <= limit):
        budget = 1 << (26 if t.device.type == "cuda" else 23)
        prem, w, m, s = _exact_st_counts(t, budget)
        if prem == 0:
            return TransitivityViolations(0.0, 0.0, 0.0, 0, "exact")
        return TransitivityViolations(w / prem, m / prem, s / prem, prem, "exact")
    rates, ses, npre = _sampled_rates(t, samples, seed)
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
