"""Hypothesis strategies for stochastic choice: forced binary choice frequencies, and menu
choice shares on the complete domain (:func:`menu_choices`).

Integers first (the number of items, each order's integer keys for every item, the weights),
items are the integers ``0..n-1``. ``random_utility=True`` draws a mixture of linear orders (a
population of utility maximisers); ``False`` overrides the pairs among items 0, 1, 2 with a
cycle that breaks the triangle inequality, so failures shrink to three items and the
deterministic cycle ``0 ≻ 1 ≻ 2 ≻ 0``.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence.stochastic import MenuChoice, StochasticChoice
from coherence.strategies._args import integer_arg

__all__ = ["menu_choices", "stochastic_choices"]


@st.composite
def stochastic_choices(
    draw: st.DrawFn,
    *,
    random_utility: bool | None = None,
    n_items: int | None = None,
    max_items: int = 5,
    max_orders: int = 4,
) -> StochasticChoice:
    """Forced binary choice probabilities over ``n_items`` items (drawn from 2 to
    ``max_items`` when ``None``; at least 3 for ``random_utility=False``).

    ``random_utility``: ``True`` a mixture of up to ``max_orders`` linear orders with integer
    weights, ``False`` one that breaks a triangle inequality on items 0, 1, 2, ``None``
    either (a mixture, one pair of which may be redrawn freely). Shrinks towards few items,
    one order and the identity order; violations towards the cycle 0 ≻ 1 ≻ 2 ≻ 0 with
    probability 1. Impossible settings raise ``InvalidArgument``.

    >>> from hypothesis import given, settings
    >>> from coherence.stochastic import check_random_utility
    >>> @settings(max_examples=10, derandomize=True, database=None, deadline=None)
    ... @given(stochastic_choices(random_utility=True), stochastic_choices(random_utility=False))
    ... def test_ru(good, bad):
    ...     assert check_random_utility(good).coherent and not check_random_utility(bad).coherent
    >>> test_ru()
    """
    integer_arg(max_items, "max_items", min_value=2)
    integer_arg(max_orders, "max_orders", min_value=1)
    lo = 3 if random_utility is False else 2
    if n_items is not None:
        integer_arg(n_items, "n_items", min_value=lo)
        n = n_items
    else:
        if max_items < lo:
            raise InvalidArgument(f"random_utility=False needs max_items ≥ 3, got {max_items}")
        n = draw(st.integers(lo, max_items))
    k = draw(st.integers(1, max_orders))
    keys = [draw(st.lists(st.integers(0, n), min_size=n, max_size=n)) for _ in range(k)]
    weights = [draw(st.integers(1, 5)) for _ in range(k)]
    total = sum(weights)
    P = [[Fraction(0)] * n for _ in range(n)]
    for key, w in zip(keys, weights, strict=True):
        for a in range(n):
            for b in range(n):
                if a != b and (key[a], a) < (key[b], b):
                    P[a][b] += Fraction(w, total)
    if random_utility is False:
        v = 1 - Fraction(draw(st.integers(0, 3)), 12)  # each ≥ 3/4: the sum exceeds 2
        for a, b in ((0, 1), (1, 2), (2, 0)):
            P[a][b], P[b][a] = v, 1 - v
    elif random_utility is None and draw(st.booleans()):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 2))
        b += b >= a
        v = Fraction(draw(st.integers(0, 12)), 12)
        P[a][b], P[b][a] = v, 1 - v
    return StochasticChoice.from_matrix(P)


@st.composite
def menu_choices(
    draw: st.DrawFn,
    *,
    random_utility: bool | None = None,
    n_items: int | None = None,
    max_items: int = 4,
    max_orders: int = 4,
) -> MenuChoice:
    """Choice shares on every menu of two or more of ``n_items`` items (drawn from 2 to
    ``max_items`` when ``None``; at least 3 for ``random_utility=False``): the complete
    domain, where the Block–Marschak polynomials decide.

    ``random_utility``: ``True`` a mixture of up to ``max_orders`` linear orders with integer
    weights; ``False`` the same with item 0 always chosen from ``{0, 1, 2}`` and never from
    ``{0, 1}``, which breaks regularity; ``None`` either (a mixture, one menu of which may be
    redrawn freely). Shrinks towards few items, one order and the identity order.
    Impossible settings raise ``InvalidArgument``.

    >>> from hypothesis import given, settings
    >>> from coherence import check
    >>> @settings(max_examples=10, derandomize=True, database=None, deadline=None)
    ... @given(menu_choices(random_utility=True), menu_choices(random_utility=False))
    ... def test_menus(good, bad):
    ...     assert check(good).coherent and not check(bad).coherent
    >>> test_menus()
    """
    integer_arg(max_items, "max_items", min_value=2)
    integer_arg(max_orders, "max_orders", min_value=1)
    lo = 3 if random_utility is False else 2
    if n_items is not None:
        integer_arg(n_items, "n_items", min_value=lo)
        n = n_items
    else:
        if max_items < lo:
            raise InvalidArgument(f"random_utility=False needs max_items ≥ 3, got {max_items}")
        n = draw(st.integers(lo, max_items))
    k = draw(st.integers(1, max_orders))
    keys = [draw(st.lists(st.integers(0, n), min_size=n, max_size=n)) for _ in range(k)]
    weights = [draw(st.integers(1, 5)) for _ in range(k)]
    total = sum(weights)
    table: dict[tuple[int, ...], dict[int, Fraction]] = {}
    for r in range(2, n + 1):
        for menu in combinations(range(n), r):
            row = dict.fromkeys(menu, Fraction(0))
            for key, w in zip(keys, weights, strict=True):
                row[min(menu, key=lambda v: (key[v], v))] += Fraction(w, total)
            table[menu] = row
    if random_utility is False:
        table[(0, 1)] = {0: Fraction(0), 1: Fraction(1)}
        table[(0, 1, 2)] = {0: Fraction(1), 1: Fraction(0), 2: Fraction(0)}
    elif random_utility is None and draw(st.booleans()):
        menu = draw(st.sampled_from(list(table)))
        raw = [draw(st.integers(0, 4)) for _ in menu]
        raw[0] += sum(raw) == 0
        table[menu] = {v: Fraction(c, sum(raw)) for v, c in zip(menu, raw, strict=True)}
    return MenuChoice.from_probabilities(table, items=range(n))
