"""The incoherent strategies shrink to the minimal examples their docstrings promise, over
several seeds (``hypothesis.find``, each seed derandomized on its own)."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, find, settings

import coherence
from coherence import garp_holds
from coherence.strategies import (
    budget_data,
    choice_data,
    committees,
    credences,
    lottery_preferences,
    normal_form_games,
    policies,
    preference_relations,
    willingness_to_pay,
)
from coherence.subagents import Majority

SEEDS = range(5)
# no deadline: a first check may load its solver, and a timing failure is not a shrink result
SETTINGS = settings(
    database=None, deadline=None, max_examples=300, suppress_health_check=list(HealthCheck)
)


def _find(strategy, condition, seed):
    return find(strategy, condition, settings=SETTINGS, random=random.Random(seed))


def _exploitable(obj) -> bool:
    args = obj if isinstance(obj, tuple) else (obj,)
    return coherence.check(*args).status == "exploitable"


@pytest.mark.parametrize("seed", SEEDS)
def test_violating_budgets_shrink_to_the_two_observation_cycle(seed):
    d = _find(budget_data(rationalizable=False), lambda d: True, seed)
    assert d.T == 2 and not garp_holds(d)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_free_budgets_that_violate_garp_shrink_to_two_observations(seed):
    d = _find(budget_data(), lambda d: not garp_holds(d), seed)
    assert d.T == 2


@pytest.mark.parametrize("seed", SEEDS)
def test_choice_violations_shrink_to_two_observations_of_one_pair(seed):
    d = _find(choice_data(rationalizable=False), lambda d: True, seed)
    assert len(d.menus) == 2 and set(d.menus) == {frozenset({0, 1})}


@pytest.mark.parametrize("seed", SEEDS[:3])
def test_cyclic_relations_shrink_to_three_items(seed):
    r = _find(preference_relations(acyclic=False), lambda r: True, seed)
    assert r.n == 3 and _exploitable(r)


@pytest.mark.parametrize("seed", SEEDS)
def test_dominated_policies_shrink_to_one_state_two_acts_and_a_loss_of_one(seed):
    problem, policy = _find(policies(dominated=True), lambda p: True, seed)
    assert _exploitable((problem, policy))
    assert problem.states == ("w0",) and len(problem.acts) == 2
    assert sorted(problem.outcomes.ravel().tolist()) == [-1, 0]


@pytest.mark.parametrize("seed", SEEDS)
def test_games_with_a_dominated_strategy_shrink_to_two_by_one(seed):
    g = _find(normal_form_games(dominated=True), lambda g: True, seed)
    assert sorted(len(s) for s in g.strategies) == [1, 2]


@pytest.mark.parametrize("seed", SEEDS)
def test_incoherent_committees_shrink_to_the_condorcet_profile(seed):
    c = _find(committees(coherent=False), lambda c: True, seed)
    assert (c.m, c.n, c.rule) == (3, 3, Majority()) and _exploitable(c)
    assert [m.tiers for m in c.members] == [
        ((2,), (1,), (0,)), ((0,), (2,), (1,)), ((1,), (0,), (2,))
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_incoherent_credences_shrink_to_one_bet_on_the_impossible_event(seed):
    c = _find(credences(coherent=False), lambda c: True, seed)
    assert c.states == ("w0",) and c.bets == ((frozenset(), Fraction(1, 2)),)
    assert _exploitable(c)


@pytest.mark.parametrize("seed", SEEDS)
def test_free_credences_with_a_dutch_book_shrink_to_one_bet(seed):
    c = _find(credences(), _exploitable, seed)
    assert c.states == ("w0",) and len(c.bets) == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_independence_reversals_shrink_to_three_lotteries(seed):
    prefs = _find(lottery_preferences(expected_utility=False), lambda p: True, seed)
    assert len(prefs.relation.items) == 3 and _exploitable(prefs)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS[:3])
def test_planted_payment_pumps_shrink_to_two_items_paying_one(seed):
    w = _find(willingness_to_pay(coherent=False), lambda w: True, seed)
    assert w.n == 2 and sorted(w.matrix[~np.eye(2, dtype=bool)].tolist()) == [0.0, 1.0]


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS[:3])
def test_free_payment_pumps_shrink_to_two_items(seed):
    w = _find(willingness_to_pay(), _exploitable, seed)
    assert w.n == 2 and _exploitable(w)
