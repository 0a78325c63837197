"""The budget and choice strategies: validity, settings, shrinking."""

from __future__ import annotations

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence import BudgetData, ChoiceData, garp_holds
from coherence.strategies import budget_data, choice_data


@settings(max_examples=60)
@given(budget_data(min_observations=2, max_observations=6, goods=4, rationalizable=True))
def test_rationalizable_budgets_satisfy_garp(d):
    assert 2 <= d.T <= 6 and d.K == 4 and garp_holds(d)


@settings(max_examples=60)
@given(budget_data(max_observations=6, goods=3, rationalizable=False))
def test_irrational_budgets_violate_garp(d):
    assert not garp_holds(d)


def test_violations_shrink_to_two_observations():
    d = find(budget_data(goods=3, rationalizable=False), lambda d: True)
    assert d.T == 2


def test_from_type_resolves():
    assert isinstance(find(st.from_type(BudgetData), lambda d: True), BudgetData)
    assert isinstance(find(st.from_type(ChoiceData), lambda d: True), ChoiceData)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_observations": 0},
        {"min_observations": 3, "max_observations": 2},
        {"goods": 0},
        {"goods": 1, "rationalizable": False},
        {"max_observations": 1, "rationalizable": False},
    ],
)
def test_impossible_budget_settings(kwargs):
    with pytest.raises(InvalidArgument):
        find(budget_data(**kwargs), lambda d: True)


@pytest.mark.parametrize(
    "kwargs",
    [{"min_observations": 0}, {"alternatives": 0}, {"alternatives": 1, "rationalizable": False}],
)
def test_impossible_choice_settings(kwargs):
    with pytest.raises(InvalidArgument):
        find(choice_data(**kwargs), lambda d: True)
