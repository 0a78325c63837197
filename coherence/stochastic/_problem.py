"""The coordinates of random-utility coherence: which probabilities a mixture of orders must
reproduce, each order's choice vector, and exact or float pricing by the linear-ordering
dynamic programme (:mod:`coherence._exact.linear_ordering`). Shared by the exact check and
the sample tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from coherence._exact.linear_ordering import best_linear_order, best_weak_order
from coherence.stochastic._certificates import Order
from coherence.stochastic._data import StochasticChoice

__all__ = ["Problem", "initial_orders"]


class Problem:
    """The coordinates (better, worse, p) a mixture must reproduce, and how orders map to
    them. Forced choice keeps one direction per pair (the other is 1 minus it)."""

    def __init__(self, data: StochasticChoice) -> None:
        self.data = data
        self.n = data.n
        self.weak = not data.forced
        triples = data.triples()
        self.coords = triples if self.weak else triples[::2]
        self.p = [p for _, _, p in self.coords]

    def vector(self, order: Order) -> list[int]:
        rank = [0] * self.n
        for k, block in enumerate(order):
            for v in block:
                rank[v] = k
        return [1 if rank[a] < rank[b] else 0 for a, b, _ in self.coords]

    def weights(self, c: Sequence[Fraction | float]) -> list[list[Fraction | float]]:
        W: list[list[Fraction | float]] = [[0] * self.n for _ in range(self.n)]
        for (a, b, _), v in zip(self.coords, c, strict=True):
            W[a][b] += v
        return W

    def price(self, c: Sequence[Fraction | float]) -> tuple[Fraction, Order]:
        """The best order for coefficients ``c`` (exact when ``c`` is exact)."""
        W = self.weights(c)
        if self.weak:
            return best_weak_order(W)
        v, order = best_linear_order(W)
        return v, tuple((x,) for x in order)

    def price_float(self, y: np.ndarray) -> tuple[float, Order]:
        """The best order for float duals ``y``, priced on ``y`` scaled to integers."""
        top = float(np.max(np.abs(y))) if len(y) else 0.0
        if top == 0:
            return 0.0, self.price([0] * len(y))[1]
        scale = 2.0 ** (40 - math.frexp(top)[1])
        ints = [round(v * scale) for v in y]
        _, order = self.price(ints)
        return float(np.dot(y, self.vector(order))), order


def initial_orders(pb: Problem) -> list[Order]:
    """A Borda-like order (items by their mean share of wins) and its reverse."""
    score = [Fraction(0)] * pb.n
    for a, _, p in pb.data.triples():
        score[a] += p
    order = sorted(range(pb.n), key=lambda v: -score[v])
    first = tuple((v,) for v in order)
    return [first, first[::-1]] if pb.n > 1 else [first]
