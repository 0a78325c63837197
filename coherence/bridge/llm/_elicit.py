"""Forced-choice elicitation from a language model: prompts in both orders, K samples or
answer-token log-probabilities, a cache, faults per pair, positional bias.

Each unordered pair ``{i, j}`` is asked as ``(i, j)`` (``i`` shown first) and as ``(j, i)``,
``K`` samples each (Utility Engineering, Mazeika et al. 2025: both orders, K = 10 at
temperature 1, unparseable answers counted ½/½). With ``p₁`` the share choosing ``i`` when
shown first and ``p₂`` the share choosing ``i`` when shown second,
``P[i, j] = ½(p₁ + p₂)``: pairing the orders cancels a constant preference for the first
position, which is measured on its own as ``P(first) − ½`` (LLM-judge studies report it:
Zheng et al. 2023; Liu et al. 2024).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from coherence.bridge.llm._select import bt_complete

__all__ = ["LLMElicitation", "PairFault", "PositionalBias"]

@dataclass(frozen=True)
class PositionalBias:
    """``P(first) − ½`` over the counted answers, with a 95 % interval (Wilson's score
    interval for sampled answers, a normal interval over presentations for log-probabilities).
    """

    estimate: float
    low: float
    high: float
    answers: float
    method: str

    def to_json(self) -> dict[str, Any]:
        return {"estimate": self.estimate, "low": self.low, "high": self.high,
                "answers": self.answers, "method": self.method}


@dataclass(frozen=True)
class PairFault:
    """Failed questions on one ordered prompt: ``first`` shown first, ``count`` failures, the
    first failure's ``reason`` and ``message``."""

    first: str
    second: str
    count: int
    reason: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"pair": [self.first, self.second], "count": self.count,
                "reason": self.reason, "message": self.message}


@dataclass(frozen=True, eq=False)
class LLMElicitation:
    """What a language model answered, per ordered prompt ``(i shown first, j second)``.

    Attributes:
        items: the item texts; ``model_id``, ``output`` (``"answers"`` or ``"logprobs"``),
            ``policy`` (``"half"`` or ``"exclude"``), ``samples`` (K per ordered prompt).
        chose_first, chose_second: ``n × n`` weights of answers choosing the first / second
            option (sample counts, plus ½ each per unparseable answer under ``"half"``;
            probabilities under ``"logprobs"``).
        unparseable, faulted, asked: ``n × n`` integer counts per ordered prompt.
        faults: one :class:`PairFault` per ordered prompt with failures.
        calls: prompts sent to the backend in this run; ``cache_hits``: prompts answered by
            the cache.
    """

    items: tuple[str, ...]
    model_id: str
    output: str
    policy: str
    samples: int
    chose_first: np.ndarray
    chose_second: np.ndarray
    unparseable: np.ndarray
    faulted: np.ndarray
    asked: np.ndarray
    faults: tuple[PairFault, ...]
    calls: int
    cache_hits: int

    @property
    def n(self) -> int:
        return len(self.items)

    def order_shares(self) -> tuple[np.ndarray, np.ndarray]:
        """``(p₁, p₂)``: ``p₁[i, j]`` the share choosing ``i`` in prompt ``(i, j)``,
        ``p₂[i, j]`` the share choosing ``i`` in prompt ``(j, i)`` (NaN where nothing was
        counted). O(n²)."""
        tot = self.chose_first + self.chose_second
        with np.errstate(invalid="ignore", divide="ignore"):
            p1 = np.where(tot > 0, self.chose_first / np.where(tot > 0, tot, 1), np.nan)
        return p1, (1 - p1).T

    @property
    def observed(self) -> np.ndarray:
        """``n × n`` booleans: some answer was counted for the pair, in either order."""
        tot = self.chose_first + self.chose_second
        return (tot + tot.T) > 0

    def matrix(self) -> np.ndarray:
        """``P[i, j] = ½(p₁ + p₂)`` (the mean of the orders asked), ``P + Pᵀ = 1``, diagonal
        ½; a pair never counted is completed by the Bradley–Terry fit on the counted ones
        (see :attr:`observed`). O(n²) plus the fit's O(n²) passes."""
        p1, p2 = self.order_shares()
        both = np.stack([p1, p2])
        k = (~np.isnan(both)).sum(axis=0)
        obs = self.observed
        P = np.where(obs, np.nansum(both, axis=0) / np.maximum(k, 1), 0.5)
        P = np.triu(P, 1) + np.tril(1 - np.triu(P, 1).T, -1)
        np.fill_diagonal(P, 0.5)
        if not obs[~np.eye(self.n, dtype=bool)].all():
            tot = self.chose_first + self.chose_second
            P = bt_complete(P, np.where(obs, tot + tot.T, 0))
        return P

    def positional_bias(self) -> PositionalBias:
        """``P(first) − ½`` with its 95 % interval. O(n²)."""
        first, second = float(self.chose_first.sum()), float(self.chose_second.sum())
        m = first + second
        if m == 0:
            return PositionalBias(0.0, -0.5, 0.5, 0.0, "none")
        if self.output == "logprobs":
            tot = self.chose_first + self.chose_second
            shares = (self.chose_first[tot > 0] / tot[tot > 0])
            k = shares.size
            mean = float(shares.mean())
            half = 1.96 * float(shares.std(ddof=1)) / math.sqrt(k) if k > 1 else 0.5
            return PositionalBias(mean - 0.5, mean - 0.5 - half, mean - 0.5 + half, k, "normal")
        z = 1.96
        p = first / m
        centre = (p + z * z / (2 * m)) / (1 + z * z / m)
        half = z * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
        return PositionalBias(p - 0.5, centre - half - 0.5, centre + half - 0.5, m, "wilson")

    def unparseable_summary(self) -> dict[str, Any]:
        """Counts of answers: asked, counted, unparseable, faulted, and the policy."""
        return {"policy": self.policy, "asked": int(self.asked.sum()),
                "unparseable": int(self.unparseable.sum()), "faulted": int(self.faulted.sum()),
                "pairs_observed": int(np.triu(self.observed, 1).sum()),
                "pairs_total": self.n * (self.n - 1) // 2}
