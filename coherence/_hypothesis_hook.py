"""Registration of ``st.from_type`` resolvers for the data types of coherence and subagents.

Hypothesis calls :func:`_hypothesis_setup_hook` (the ``hypothesis`` entry point) at the end of
its own import, in every project where coherence is installed. So this module lives under the
``coherence`` name (a project with a ``strategies.py`` of its own must still be able to import
Hypothesis) and loads nothing: importing the checkers from here would make every ``import
hypothesis`` pay for numpy and scipy. The hook registers only the types whose modules are
already imported; the packages call :func:`register_loaded_types` again at the end of their
own import when Hypothesis is already loaded. Either order of imports ends with every loaded
type registered. Resolvers are functions of the type, so strategy modules load on first use.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

#: ``(type, strategy factory)`` pairs registered for ``st.from_type``, as ``module:attribute``
#: strings so that nothing is imported until a type is loaded (the type modules must not
#: import Hypothesis)
TYPE_STRATEGIES: tuple[tuple[str, str], ...] = (
    ("coherence.budgets:BudgetData", "coherence.strategies.budgets:budget_data"),
    ("coherence.budgets:ChoiceData", "coherence.strategies.choices:choice_data"),
    (
        "coherence.relations:PreferenceRelation",
        "coherence.strategies.relations:preference_relations",
    ),
    ("coherence.relations:WillingnessToPay", "coherence.strategies.relations:willingness_to_pay"),
    ("coherence.beliefs:Credences", "coherence.strategies.beliefs:credences"),
    ("coherence.beliefs:Lottery", "coherence.strategies.lottery:lotteries"),
    ("coherence.beliefs:LotteryPreferences", "coherence.strategies.lottery:lottery_preferences"),
    ("coherence.decisions:DecisionProblem", "coherence.strategies.decisions:decision_problems"),
    ("coherence.decisions:Game", "coherence.strategies.games:normal_form_games"),
    ("coherence.subagents.committee:Committee", "coherence.strategies.committee:committees"),
    ("coherence.subagents.preflib:Election", "coherence.strategies.committee:profiles"),
    ("coherence.stochastic:StochasticChoice", "coherence.strategies.stochastic:stochastic_choices"),
    ("coherence.stochastic:MenuChoice", "coherence.strategies.stochastic:menu_choices"),
)

_registered: set[str] = set()


def _load(path: str) -> Callable[[], SearchStrategy[Any]]:
    mod, _, attr = path.partition(":")
    factory: Callable[[], SearchStrategy[Any]] = getattr(importlib.import_module(mod), attr)
    return factory


def _resolver(factory_path: str) -> Callable[[type], SearchStrategy[Any]]:
    """A resolver that imports the strategy module only when the type is first resolved."""

    def resolve(_type: type) -> SearchStrategy[Any]:
        return _load(factory_path)()

    return resolve


def register_loaded_types() -> None:
    """Register ``st.from_type`` resolvers for every registered type already imported. O(types).

    Idempotent; packages that define registered types call it at the end of their import.

    >>> import hypothesis.strategies as st
    >>> from hypothesis import given, settings
    >>> from coherence import PreferenceRelation
    >>> register_loaded_types()
    >>> @settings(max_examples=3, database=None)
    ... @given(st.from_type(PreferenceRelation))
    ... def test_resolves(r):
    ...     assert isinstance(r, PreferenceRelation)
    >>> test_resolves()
    """
    if "hypothesis" not in sys.modules:
        return
    from hypothesis import strategies as st

    for type_path, factory_path in TYPE_STRATEGIES:
        module = type_path.partition(":")[0]
        if type_path in _registered or module not in sys.modules:
            continue
        cls = getattr(sys.modules[module], type_path.partition(":")[2], None)
        if cls is None:  # module still initialising; a later call registers it
            continue
        st.register_type_strategy(cls, _resolver(factory_path))
        _registered.add(type_path)


def _hypothesis_setup_hook() -> None:
    register_loaded_types()
