"""Tamper rules for the random-utility certificates (for the contract suite's table)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from coherence.verdict import Certificate


def first_weight_doubled(cert: Any) -> Certificate:
    """Double the first order's weight: the weights no longer add up to 1."""
    w = list(cert.weights)
    w[0] *= 2
    return replace(cert, weights=tuple(w))


def first_probability_moved(cert: Any) -> Certificate:
    """Move the first observed probability: the mixture no longer reproduces it."""
    data = list(cert.data)
    a, b, p = data[0]
    data[0] = (a, b, p / 2 if p == 1 else p + (1 - p) / 2)
    return replace(cert, data=tuple(data))


def bound_raised_to_data(cert: Any) -> Certificate:
    """Raise the bound to the data's value: the data no longer break it."""
    return replace(cert, bound=cert.data_value())


def data_of_best_order(cert: Any) -> Certificate:
    """Replace the data by the choice vector of an order: every order obeys the inequality."""
    _, order = cert.best_order_value()
    rank = {v: k for k, block in enumerate(order) for v in block}
    data = tuple((a, b, 1 if rank[a] < rank[b] else 0) for a, b, _ in cert.data)
    return replace(cert, data=data)


def menu_data_of_an_order(cert: Any) -> Certificate:
    """Replace the menu shares by the choices of one linear order (item 0 best, then 1, …):
    every order obeys a valid inequality, so the data no longer break it."""
    return replace(cert, data=tuple((m, x, 1 if x == min(m) else 0) for m, x, _ in cert.data))


TAMPER_RULES = {
    "random_utility": (first_weight_doubled, first_probability_moved),
    "separating_inequality": (bound_raised_to_data, data_of_best_order),
    "menu_random_utility": (first_weight_doubled, first_probability_moved),
    "menu_separating_inequality": (bound_raised_to_data, menu_data_of_an_order),
}
