"""Hypothesis strategies for every object :mod:`coherence` checks.

Coherent or incoherent on request (``None`` means either), built to shrink to minimal
counterexamples: sizes and indices are drawn first and labels permuted last.
"""

from strategies.beliefs import credences
from strategies.budgets import budget_data
from strategies.choices import choice_data
from strategies.committees import committees, expected_utility_agents, profiles, rules
from strategies.decisions import decision_problems, policies
from strategies.games import normal_form_games
from strategies.lotteries import lotteries, lottery_preferences
from strategies.relations import (
    linear_orders,
    preference_relations,
    strict_partial_orders,
    tournaments,
    weak_orders,
    willingness_to_pay,
)

__all__ = [
    "budget_data",
    "choice_data",
    "committees",
    "credences",
    "decision_problems",
    "expected_utility_agents",
    "linear_orders",
    "lotteries",
    "lottery_preferences",
    "normal_form_games",
    "policies",
    "preference_relations",
    "profiles",
    "rules",
    "strict_partial_orders",
    "tournaments",
    "weak_orders",
    "willingness_to_pay",
]
