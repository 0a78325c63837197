"""Hypothesis strategies for every object :mod:`coherence` checks.

Coherent or incoherent on request (``None`` means either), built to shrink to minimal
counterexamples: sizes and indices are drawn first and labels permuted last.

Names are loaded on first access, so importing the package (which Hypothesis's setup
setup hook never does: it lives in :mod:`coherence._hypothesis_hook`) costs nothing until a
strategy is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "budget_data": "coherence.strategies.budgets",
    "choice_data": "coherence.strategies.choices",
    "committees": "coherence.strategies.committee",
    "credences": "coherence.strategies.beliefs",
    "decision_problems": "coherence.strategies.decisions",
    "expected_utility_agents": "coherence.strategies.committee",
    "linear_orders": "coherence.strategies.relations",
    "lotteries": "coherence.strategies.lottery",
    "lottery_preferences": "coherence.strategies.lottery",
    "normal_form_games": "coherence.strategies.games",
    "policies": "coherence.strategies.decisions",
    "preference_relations": "coherence.strategies.relations",
    "profiles": "coherence.strategies.committee",
    "register_loaded_types": "coherence._hypothesis_hook",
    "rules": "coherence.strategies.committee",
    "stochastic_choices": "coherence.strategies.stochastic",
    "menu_choices": "coherence.strategies.stochastic",
    "strict_partial_orders": "coherence.strategies.relations",
    "tournaments": "coherence.strategies.relations",
    "weak_orders": "coherence.strategies.relations",
    "willingness_to_pay": "coherence.strategies.relations",
}

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
    "menu_choices",
    "normal_form_games",
    "policies",
    "preference_relations",
    "profiles",
    "register_loaded_types",
    "rules",
    "stochastic_choices",
    "strict_partial_orders",
    "tournaments",
    "weak_orders",
    "willingness_to_pay",
]

if TYPE_CHECKING:  # pragma: no cover
    from coherence._hypothesis_hook import register_loaded_types
    from coherence.strategies.beliefs import (
        credences,
    )
    from coherence.strategies.budgets import (
        budget_data,
    )
    from coherence.strategies.choices import (
        choice_data,
    )
    from coherence.strategies.committee import (
        committees,
        expected_utility_agents,
        profiles,
        rules,
    )
    from coherence.strategies.decisions import (
        decision_problems,
        policies,
    )
    from coherence.strategies.games import (
        normal_form_games,
    )
    from coherence.strategies.lottery import (
        lotteries,
        lottery_preferences,
    )
    from coherence.strategies.relations import (
        linear_orders,
        preference_relations,
        strict_partial_orders,
        tournaments,
        weak_orders,
        willingness_to_pay,
    )
    from coherence.strategies.stochastic import (
        menu_choices,
        stochastic_choices,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'coherence.strategies' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
