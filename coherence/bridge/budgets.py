"""GARP and CCEI for many subjects at once, on the device (subjects × T × T).

For nets that choose bundles on budget lines: subject ``s`` faced prices ``p[s, t]`` and chose
``x[s, t]`` (``t < T`` observations, ``K`` goods). With expenditure ``E[t, u] = p_t · x_u``:
``x_t`` is directly revealed preferred to ``x_u`` at efficiency ``e`` when
``e · E[t, t] ≥ E[t, u]``, strictly when ``>``. GARP_e fails iff some ``x_t`` is revealed
preferred (transitive closure) to some ``x_u`` while ``x_u`` is strictly directly revealed
preferred to ``x_t`` (Varian 1982). CCEI is the largest ``e ≤ 1`` at which GARP_e holds
(Afriat 1972); it is one of the ratios ``E[t, u] / E[t, t]`` (GARP_e is constant between
consecutive ratios), found by a batched binary search over those intervals.
The closure uses repeated boolean squaring with batched matrix products: O(S · T³ log T).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from coherence.bridge._torch import as_tensor, require_torch, resolve_device
from coherence.errors import InputError

__all__ = ["BudgetAudit", "batched_closure", "garp_ccei", "garp_violations"]


def batched_closure(R: Any) -> Any:
    """Reflexive–transitive closure of a batch of boolean ``T × T`` relations.

    ``⌈log₂ T⌉`` squarings ``R ← R ∨ (R·R > 0)``, each a batched matrix product in float32
    (exact: entries are counts ≤ T < 2²⁴). O(S · T³ log T) work.

    >>> import torch
    >>> chain = torch.tensor([[[False, True, False], [False, False, True], [False, False, False]]])
    >>> batched_closure(chain).int().tolist()
    [[[1, 1, 1], [0, 1, 1], [0, 0, 1]]]
    """
    torch = require_torch()
    T = R.shape[-1]
    eye = torch.eye(T, dtype=torch.bool, device=R.device)
    C = R | eye
    dt = torch.float32 if T < (1 << 24) else torch.float64
    for _ in range(max(1, math.ceil(math.log2(max(T, 2))))):
        Cf = C.to(dt)
        nxt = C | (torch.bmm(Cf, Cf) > 0)
        if torch.equal(nxt, C):
            break
        C = nxt
    return C


def _expenditure(p: Any, x: Any) -> Any:
    torch = require_torch()
    return torch.bmm(p, x.transpose(1, 2))  # E[s, t, u] = p_t · x_u


def garp_violations(E: Any, e: Any) -> Any:
    """Per subject, whether GARP at efficiency ``e`` (shape ``(S,)``) fails. O(S · T³ log T)."""
    own = E.diagonal(dim1=1, dim2=2)  # (S, T)
    lhs = e[:, None, None] * own[:, :, None]
    R0 = lhs >= E
    P0 = lhs > E
    C = batched_closure(R0)
    # violation: t R u (closure) and u P0 t
    return (C & P0.transpose(1, 2)).flatten(1).any(dim=1)


@dataclass(frozen=True)
class BudgetAudit:
    """GARP/CCEI per subject.

    Attributes:
        garp: ``(S,)`` bool numpy array, ``True`` iff the subject satisfies GARP.
        ccei: ``(S,)`` float numpy array, Afriat's critical cost efficiency index in (0, 1].
    """

    garp: np.ndarray
    ccei: np.ndarray

    @property
    def pass_rate(self) -> float:
        return float(self.garp.mean()) if self.garp.size else float("nan")


def garp_ccei(
    prices: Any, quantities: Any, *, device: Any = "auto", tol: float = 0.0
) -> BudgetAudit:
    """GARP and CCEI for ``S`` subjects with ``T`` observations of ``K`` goods each.

    Args:
        prices: array/tensor of shape ``(S, T, K)`` (or ``(T, K)`` for one subject), positive.
        quantities: the chosen bundles, same shape, non-negative; every bundle costs > 0.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
        tol: relative slack; GARP uses ``e = 1 − tol``.

    Complexity: the expenditure batch O(S·T²·K), the test O(S·T³ log T); CCEI adds a
    factor ``log₂(T²)`` (binary search over the sorted candidate ratios, all subjects at once).

    >>> prices = [[1.0, 2.0], [2.0, 1.0]]
    >>> swapped = garp_ccei(prices, [[0.0, 1.0], [1.0, 0.0]], device="cpu")  # each buys dear
    >>> swapped.garp.tolist(), swapped.ccei.tolist()
    ([False], [0.5])
    >>> garp_ccei(prices, [[1.0, 0.0], [0.0, 1.0]], device="cpu").ccei.tolist()
    [1.0]
    """
    torch = require_torch()
    dev = resolve_device(device)
    p = as_tensor(prices, device=dev, dtype=torch.float64, name="prices")
    x = as_tensor(quantities, device=dev, dtype=torch.float64, name="quantities")
    if p.ndim == 2:
        p, x = p.unsqueeze(0), x.unsqueeze(0)
    if p.ndim != 3 or p.shape != x.shape:
        raise InputError(
            f"prices and quantities must both be (S, T, K); "
            f"got {tuple(p.shape)} and {tuple(x.shape)}"
        )
    S, T, K = p.shape
    if T < 1 or K < 1:
        raise InputError("need at least one observation and one good")
    if not (torch.isfinite(p).all() and torch.isfinite(x).all()):
        raise InputError("prices and quantities must be finite")
    if (p <= 0).any():
        raise InputError("prices must be positive")
    if (x < 0).any():
        raise InputError("quantities must be non-negative")
    E = _expenditure(p, x)
    own = E.diagonal(dim1=1, dim2=2)
    if (own <= 0).any():
        raise InputError("every chosen bundle must have positive cost")
    e1 = torch.full((S,), 1.0 - tol, dtype=torch.float64, device=dev)
    fails = garp_violations(E, e1)
    ccei = torch.ones(S, dtype=torch.float64, device=dev)
    if bool(fails.any()):
        # candidates: ratios E[t,u]/E[t,t] in (0, 1), sorted per subject
        ratio = (E / own[:, :, None]).flatten(1)
        ratio = torch.where((ratio < 1) & (ratio > 0), ratio, torch.zeros_like(ratio))
        cand, _ = torch.sort(ratio, dim=1)  # zeros (never binding) first
        one = torch.ones((S, 1), dtype=torch.float64, device=dev)
        C = torch.cat(
            [cand, one], dim=1
        )  # intervals (C[k], C[k+1]), k < M; GARP is constant on each
        M = cand.shape[1]
        lo = torch.full((S,), -1, dtype=torch.int64, device=dev)  # last interval known to pass
        hi = torch.full((S,), M, dtype=torch.int64, device=dev)  # first interval known to fail
        for _ in range(math.ceil(math.log2(M + 2)) + 1):
            active = fails & (hi - lo > 1)
            if not bool(active.any()):
                break
            mid = torch.where(active, (lo + hi) // 2, torch.zeros_like(lo))
            left = C.gather(1, mid.unsqueeze(1)).squeeze(1)
            right = C.gather(1, (mid + 1).unsqueeze(1)).squeeze(1)
            bad = garp_violations(E, 0.5 * (left + right))
            hi = torch.where(active & bad, mid, hi)
            lo = torch.where(active & ~bad, mid, lo)
        # GARP_e holds for every e below C[hi] and fails just above it: CCEI = sup = C[hi]
        ccei = torch.where(fails, C.gather(1, hi.unsqueeze(1)).squeeze(1), ccei)
    return BudgetAudit((~fails).cpu().numpy(), ccei.cpu().numpy())
