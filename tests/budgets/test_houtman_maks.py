"""Houtman–Maks under a deadline and at scale, and Varian's branch and bound against its MILP:
exact answers equal brute force, answers past the deadline are flagged bounds whose kept
observations still satisfy GARP exactly."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import BudgetData, garp_holds, houtman_maks, varian_vector
from coherence.budgets import _varian, check_houtman_maks
from coherence.strategies import budget_data
from tests.budgets import _brute
from tests.budgets.test_revealed import float_budgets

upto12 = st.one_of(
    budget_data(max_observations=12, goods=2),
    float_budgets(max_t=12),
)


def random_budgets(T: int, seed: int = 0) -> BudgetData:
    rng = np.random.default_rng(seed)
    return BudgetData(rng.uniform(0.5, 2, (T, 5)), rng.uniform(0, 1, (T, 5)))


def kept_satisfies_garp(d: BudgetData, removed: tuple[int, ...]) -> bool:
    keep = [t for t in range(d.T) if t not in set(removed)]
    sub = BudgetData(d.prices[keep], d.quantities[keep])
    return garp_holds(sub)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(upto12)
def test_exact_answers_equal_brute_force_up_to_twelve_observations(d):
    hm = houtman_maks(d)
    assert hm.exact and hm.lower == hm.index == hm.upper == len(hm.removed)
    assert hm.index == _brute.houtman_maks(d)
    assert _brute.garp(d, keep=[t for t in range(d.T) if t not in hm.removed])


@settings(max_examples=40, deadline=None)
@given(upto12)
def test_a_zero_time_limit_gives_proved_bounds(d):
    hm = houtman_maks(d, time_limit=0)
    best = _brute.houtman_maks(d)
    assert hm.lower <= best <= hm.upper == hm.index == len(hm.removed)
    assert hm.exact == (hm.lower == hm.upper) and hm.gap == hm.upper - hm.lower
    assert _brute.garp(d, keep=[t for t in range(d.T) if t not in hm.removed])


def test_far_from_rational_data_return_a_flagged_bound_in_time():
    d = random_budgets(400)
    t = time.perf_counter()
    hm = houtman_maks(d, time_limit=1.0)
    assert time.perf_counter() - t < 30
    assert hm.lower <= hm.index and hm.exact == (hm.lower == hm.index)
    assert kept_satisfies_garp(d, hm.removed)
    v = check_houtman_maks(d, time_limit=0)
    q = v.quantities
    assert q["houtman_maks_lower"] <= q["houtman_maks"] == len(q["removed"])
    assert q["houtman_maks_exact"] is (q["houtman_maks_lower"] == q["houtman_maks"])


def test_medium_random_data_are_solved_exactly():
    d = random_budgets(100)
    hm = houtman_maks(d, time_limit=None)
    assert hm.exact and kept_satisfies_garp(d, hm.removed)


@settings(max_examples=60, deadline=None)
@given(st.one_of(budget_data(max_observations=9, goods=2), float_budgets(max_t=9)))
def test_varian_search_equals_the_milp(d):
    assert_search_equals_milp(d)


def assert_search_equals_milp(d: BudgetData) -> None:
    ours = varian_vector(d)
    saved = _varian._VARIAN_NODES
    _varian._VARIAN_NODES = 0  # no search nodes: the MILP answers
    try:
        milp = varian_vector(d)
    finally:
        _varian._VARIAN_NODES = saved
    assert sum(ours) == pytest.approx(sum(milp), abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(12, 25))
def test_varian_search_equals_the_milp_on_panel_sized_subjects(seed, T):
    rng = np.random.default_rng(seed)  # budget lines crossing as in the CKMS experiment
    assert_search_equals_milp(
        BudgetData(1 / rng.uniform(20, 100, (T, 2)), rng.uniform(0, 1, (T, 2)) * 40))
