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
    "budget_data": "strategies.budgets",
    "choice_data": "strategies.choices",
    "committees": "strategies.committee",
    "credences": "strategies.beliefs",
    "decision_problems": "strategies.decisions",
    "expected_utility_agents": "strategies.committee",
    "linear_orders": "strategies.relations",
    "lotteries": "strategies.lottery",
    "lottery_preferences": "strategies.lottery",
    "normal_form_games": "strategies.games",
    "policies": "strategies.decisions",
    "preference_relations": "strategies.relations",
    "profiles": "strategies.committee",
    "register_loaded_types": "coherence._hypothesis_hook",
    "rules": "strategies.committee",
    "strict_partial_orders": "strategies.relations",
    "tournaments": "strategies.relations",
    "weak_orders": "strategies.relations",
    "willingness_to_pay": "strategies.relations",
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
    "normal_form_games",
    "policies",
    "preference_relations",
    "profiles",
    "register_loaded_types",
    "rules",
    "strict_partial_orders",
    "tournaments",
    "weak_orders",
    "willingness_to_pay",
]

if TYPE_CHECKING:  # pragma: no cover
    from coherence._hypothesis_hook import register_loaded_types
    from strategies.beliefs import (
        credences,
    )
    from strategies.budgets import (
        budget_data,
    )
    from strategies.choices import (
        choice_data,
    )
    from strategies.committee import (
        committees,
        expected_utility_agents,
        profiles,
        rules,
    )
    from strategies.decisions import (
        decision_problems,
        policies,
    )
    from strategies.games import (
        normal_form_games,
    )
    from strategies.lottery import (
        lotteries,
        lottery_preferences,
    )
    from strategies.relations import (
        linear_orders,
        preference_relations,
        strict_partial_orders,
        tournaments,
        weak_orders,
        willingness_to_pay,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'strategies' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
