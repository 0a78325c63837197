"""The incoherent strategies shrink to the minimal examples their docstrings promise, over
several seeds (``hypothesis.find``, each seed derandomized on its own)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, find, settings

import coherence
from coherence import garp_holds
from coherence.strategies import (
    budget_data,
    choice_data,
    normal_form_games,
    policies,
    preference_relations,
)

SEEDS = range(5)
SETTINGS = settings(database=None, max_examples=300, suppress_health_check=list(HealthCheck))


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
