"""Hypothesis strategies for choice-from-menus data.

Integers first (observations, menu membership, ranks), alternatives are the integers
``0..n-1``. ``rationalizable=True`` chooses the best alternatives of each menu under a drawn
ranking (ties only for correspondences); ``False`` embeds the smallest congruence violation
(the same two-element menu, two different choices) when free data happen to be congruent.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence.budgets import ChoiceData, check_congruence
from coherence.strategies._args import integer_arg

__all__ = ["choice_data"]


@st.composite
def choice_data(
    draw: st.DrawFn,
    *,
    min_observations: int = 1,
    max_observations: int | None = None,
    alternatives: int = 4,
    single_valued: bool = True,
    rationalizable: bool | None = None,
) -> ChoiceData:
    """Choice data over ``alternatives`` items (integers) with a menu per observation.

    ``single_valued``: one chosen alternative per menu, else a non-empty chosen set.
    ``rationalizable``: ``True`` congruent (a rationalising order exists), ``False`` not,
    ``None`` either. Shrinks towards few observations, small menus and choosing the first
    alternative; violations shrink to two observations of the menu ``{0, 1}``. Raises
    ``InvalidArgument`` for impossible settings.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, derandomize=True, database=None)
    ... @given(choice_data(rationalizable=True), choice_data(rationalizable=False))
    ... def test_congruence(good, bad):
    ...     assert check_congruence(good).coherent and not check_congruence(bad).coherent
    >>> test_congruence()
    """
    integer_arg(min_observations, "min_observations", min_value=1)
    hi = max(min_observations, 8) if max_observations is None else max_observations
    integer_arg(hi, "max_observations", min_value=min_observations)
    integer_arg(alternatives, "alternatives", min_value=1)
    if rationalizable is False and (alternatives < 2 or hi < 2):
        raise InvalidArgument("a violation needs two alternatives and two observations")
    lo = max(min_observations, 2) if rationalizable is False else min_observations
    T = draw(st.integers(lo, hi))
    n = alternatives
    rank = draw(st.lists(st.integers(0, n), min_size=n, max_size=n))
    # single-valued: strict ranking by (key, index); correspondences: ties where keys agree
    key = [(r, i) if single_valued else (r,) for i, r in enumerate(rank)]
    menus: list[list[int]] = []
    choices: list[object] = []
    for _ in range(T):
        mask = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        menu = [i for i in range(n) if mask[i]] or [0]
        if rationalizable:
            best = max(key[i] for i in menu)
            top = [i for i in menu if key[i] == best]
            choices.append(top[0] if single_valued else set(top))
        elif single_valued:
            choices.append(menu[draw(st.integers(0, len(menu) - 1))])
        else:
            pick = draw(st.lists(st.booleans(), min_size=len(menu), max_size=len(menu)))
            chosen = {m for m, p in zip(menu, pick, strict=True) if p} or {menu[0]}
            choices.append(chosen)
        menus.append(menu)
    data = ChoiceData(menus, choices)
    if rationalizable is False and check_congruence(data).coherent:
        menus[0], menus[1] = [0, 1], [0, 1]
        choices[0], choices[1] = 0, 1
        if not single_valued:
            choices[0], choices[1] = {0}, {0, 1}
        data = ChoiceData(menus, choices)
    return data
