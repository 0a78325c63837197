"""coherence: property testing for the coherence of decision-makers.

Every check returns a :class:`Verdict` holding an exploit certificate (money pump, Dutch book,
dominating policy, ...) or a coherence certificate (utility, prior, order, ...); both verify
in exact arithmetic. Start with :func:`check` and :func:`assert_coherent`.

The names below are loaded on first use (PEP 562), so ``import coherence`` — which the pytest
plugin does in every project that has coherence installed — costs almost nothing until a
check runs; ``from coherence import check`` loads what ``check`` needs.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

from coherence import _legacy
from coherence._version import __version__
from coherence.errors import CertificationError, CoherenceError, InputError

if TYPE_CHECKING:
    from coherence.agents import (
        AgentProtocolError,
        NoPumpFound,
        NotAnAgentError,
        TradingPump,
        adapt,
        probe,
    )
    from coherence.assertions import (
        CoherenceAssertionError,
        assert_agent_coherent,
        assert_agent_exploitable,
        assert_coherent,
        assert_exploitable,
    )
    from coherence.beliefs import (
        Credences,
        DutchBook,
        ExpectedUtility,
        IndependenceViolation,
        Lottery,
        LotteryPreferences,
        ProbabilityMeasure,
        VNMReport,
        check_credences,
        check_lottery_preferences,
        vnm_axioms,
    )
    from coherence.budgets import (
        AfriatUtility,
        BudgetData,
        BudgetPanel,
        ChoiceData,
        ChoiceViolation,
        HomotheticUtility,
        HoutmanMaks,
        RationalisingOrder,
        RevealedCycle,
        afriat_utility,
        budgets_from_csv,
        ccei,
        check_ccei,
        check_choice_warp,
        check_congruence,
        check_garp,
        check_harp,
        check_houtman_maks,
        check_money_pump_index,
        check_sarp,
        check_sen_alpha,
        check_sen_beta,
        check_varian,
        check_warp,
        check_wgarp,
        garp_holds,
        houtman_maks,
        money_pump_index,
        mpi_bounds,
        varian_index,
        varian_vector,
        violation_counts,
    )
    from coherence.decisions import (
        AdmissibleBeliefs,
        BayesPrior,
        Chance,
        Decide,
        DecisionProblem,
        DecisionTree,
        DominanceElimination,
        DominatingPolicy,
        Game,
        Leaf,
        Rationalisation,
        WeakDominance,
        check_game,
        check_policy,
        eliminate_dominated,
        eliminate_weakly_dominated,
    )
    from coherence.dispatch import check
    from coherence.numbers import number_reading
    from coherence.relations import (
        AxiomHolds,
        AxiomViolation,
        CardinalPump,
        MoneyPump,
        PreferenceRelation,
        Trade,
        UtilityPotential,
        WeakUtility,
        WillingnessToPay,
        check_acyclic,
        check_complete,
        check_negatively_transitive,
        check_reflexive,
        check_relation,
        check_transitive,
        check_willingness_to_pay,
    )
    from coherence.reporting import render_html, write_report
    from coherence.stochastic import (
        MenuChoice,
        StochasticChoice,
        check_menu_random_utility,
        check_random_utility,
    )
    from coherence.verdict import AgentFault, Certificate, Verdict

#: public name → the module that defines it (imported on first access)
_EXPORTS: dict[str, str] = {
    "AgentProtocolError": "coherence.agents",
    "NoPumpFound": "coherence.agents",
    "NotAnAgentError": "coherence.agents",
    "TradingPump": "coherence.agents",
    "adapt": "coherence.agents",
    "probe": "coherence.agents",
    "Credences": "coherence.beliefs",
    "DutchBook": "coherence.beliefs",
    "ExpectedUtility": "coherence.beliefs",
    "IndependenceViolation": "coherence.beliefs",
    "Lottery": "coherence.beliefs",
    "LotteryPreferences": "coherence.beliefs",
    "ProbabilityMeasure": "coherence.beliefs",
    "VNMReport": "coherence.beliefs",
    "check_credences": "coherence.beliefs",
    "check_lottery_preferences": "coherence.beliefs",
    "vnm_axioms": "coherence.beliefs",
    "StochasticChoice": "coherence.stochastic",
    "MenuChoice": "coherence.stochastic",
    "check_random_utility": "coherence.stochastic",
    "check_menu_random_utility": "coherence.stochastic",
    "AfriatUtility": "coherence.budgets",
    "BudgetData": "coherence.budgets",
    "BudgetPanel": "coherence.budgets",
    "ChoiceData": "coherence.budgets",
    "ChoiceViolation": "coherence.budgets",
    "HomotheticUtility": "coherence.budgets",
    "HoutmanMaks": "coherence.budgets",
    "RationalisingOrder": "coherence.budgets",
    "RevealedCycle": "coherence.budgets",
    "afriat_utility": "coherence.budgets",
    "budgets_from_csv": "coherence.budgets",
    "ccei": "coherence.budgets",
    "check_ccei": "coherence.budgets",
    "check_choice_warp": "coherence.budgets",
    "check_congruence": "coherence.budgets",
    "check_garp": "coherence.budgets",
    "check_harp": "coherence.budgets",
    "check_houtman_maks": "coherence.budgets",
    "check_money_pump_index": "coherence.budgets",
    "check_sarp": "coherence.budgets",
    "check_sen_alpha": "coherence.budgets",
    "check_sen_beta": "coherence.budgets",
    "check_varian": "coherence.budgets",
    "check_warp": "coherence.budgets",
    "check_wgarp": "coherence.budgets",
    "garp_holds": "coherence.budgets",
    "houtman_maks": "coherence.budgets",
    "money_pump_index": "coherence.budgets",
    "mpi_bounds": "coherence.budgets",
    "varian_index": "coherence.budgets",
    "varian_vector": "coherence.budgets",
    "violation_counts": "coherence.budgets",
    "AdmissibleBeliefs": "coherence.decisions",
    "BayesPrior": "coherence.decisions",
    "Chance": "coherence.decisions",
    "Decide": "coherence.decisions",
    "DecisionProblem": "coherence.decisions",
    "DecisionTree": "coherence.decisions",
    "DominanceElimination": "coherence.decisions",
    "DominatingPolicy": "coherence.decisions",
    "Game": "coherence.decisions",
    "Leaf": "coherence.decisions",
    "Rationalisation": "coherence.decisions",
    "WeakDominance": "coherence.decisions",
    "check_game": "coherence.decisions",
    "check_policy": "coherence.decisions",
    "eliminate_dominated": "coherence.decisions",
    "eliminate_weakly_dominated": "coherence.decisions",
    "check": "coherence.dispatch",
    "number_reading": "coherence.numbers",
    "AxiomHolds": "coherence.relations",
    "AxiomViolation": "coherence.relations",
    "CardinalPump": "coherence.relations",
    "MoneyPump": "coherence.relations",
    "PreferenceRelation": "coherence.relations",
    "Trade": "coherence.relations",
    "UtilityPotential": "coherence.relations",
    "WeakUtility": "coherence.relations",
    "WillingnessToPay": "coherence.relations",
    "check_acyclic": "coherence.relations",
    "check_complete": "coherence.relations",
    "check_negatively_transitive": "coherence.relations",
    "check_reflexive": "coherence.relations",
    "check_relation": "coherence.relations",
    "check_transitive": "coherence.relations",
    "check_willingness_to_pay": "coherence.relations",
    "AgentFault": "coherence.verdict",
    "Certificate": "coherence.verdict",
    "Verdict": "coherence.verdict",
    "CoherenceAssertionError": "coherence.assertions",
    "assert_agent_coherent": "coherence.assertions",
    "assert_agent_exploitable": "coherence.assertions",
    "assert_coherent": "coherence.assertions",
    "assert_exploitable": "coherence.assertions",
    "render_html": "coherence.reporting",
    "write_report": "coherence.reporting",
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'coherence' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "AdmissibleBeliefs",
    "AfriatUtility",
    "AgentFault",
    "AgentProtocolError",
    "AxiomHolds",
    "AxiomViolation",
    "BayesPrior",
    "BudgetData",
    "BudgetPanel",
    "CardinalPump",
    "Certificate",
    "CertificationError",
    "Chance",
    "ChoiceData",
    "ChoiceViolation",
    "CoherenceAssertionError",
    "CoherenceError",
    "Credences",
    "Decide",
    "DecisionProblem",
    "DecisionTree",
    "DominanceElimination",
    "DominatingPolicy",
    "DutchBook",
    "ExpectedUtility",
    "Game",
    "HomotheticUtility",
    "HoutmanMaks",
    "IndependenceViolation",
    "InputError",
    "Leaf",
    "Lottery",
    "LotteryPreferences",
    "MenuChoice",
    "MoneyPump",
    "NoPumpFound",
    "NotAnAgentError",
    "PreferenceRelation",
    "ProbabilityMeasure",
    "Rationalisation",
    "RationalisingOrder",
    "RevealedCycle",
    "StochasticChoice",
    "Trade",
    "TradingPump",
    "UtilityPotential",
    "VNMReport",
    "Verdict",
    "WeakDominance",
    "WeakUtility",
    "WillingnessToPay",
    "__version__",
    "adapt",
    "afriat_utility",
    "assert_agent_coherent",
    "assert_agent_exploitable",
    "assert_coherent",
    "assert_exploitable",
    "budgets_from_csv",
    "ccei",
    "check",
    "check_acyclic",
    "check_ccei",
    "check_choice_warp",
    "check_complete",
    "check_congruence",
    "check_credences",
    "check_game",
    "check_garp",
    "check_harp",
    "check_houtman_maks",
    "check_lottery_preferences",
    "check_menu_random_utility",
    "check_money_pump_index",
    "check_negatively_transitive",
    "check_policy",
    "check_random_utility",
    "check_reflexive",
    "check_relation",
    "check_sarp",
    "check_sen_alpha",
    "check_sen_beta",
    "check_transitive",
    "check_varian",
    "check_warp",
    "check_wgarp",
    "check_willingness_to_pay",
    "eliminate_dominated",
    "eliminate_weakly_dominated",
    "garp_holds",
    "houtman_maks",
    "money_pump_index",
    "mpi_bounds",
    "number_reading",
    "probe",
    "render_html",
    "varian_index",
    "varian_vector",
    "violation_counts",
    "vnm_axioms",
    "write_report",
]


class _Package(types.ModuleType):
    """The ``coherence`` module itself: ``coherence.probe`` stays the function.

    Importing a submodule binds it as an attribute of its package; the moved module path
    ``coherence.probe`` must not replace the function :func:`coherence.agents.probe`.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "probe" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
_legacy.install()

