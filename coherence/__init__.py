"""coherence: property testing for the coherence of decision-makers.

Every check returns a :class:`Verdict` holding an exploit certificate (money pump, Dutch book,
dominating policy, ...) or a coherence certificate (utility, prior, order, ...); both verify
in exact arithmetic. Start with :func:`check` and :func:`assert_coherent`.
"""

from __future__ import annotations

import sys
import types

from coherence import _legacy
from coherence._version import __version__
from coherence.agents import (
    AgentProtocolError,
    NoPumpFound,
    NotAnAgentError,
    TradingPump,
    adapt,
    probe,
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
from coherence.errors import CertificationError, CoherenceError, InputError
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
from coherence.verdict import AgentFault, Certificate, Verdict

# Imported on first use: the assertion helpers must be imported after pytest has registered
# them for assertion rewriting, and Hypothesis-dependent modules must not load while
# Hypothesis itself is importing (its setup hook imports coherence types).
_LAZY = {
    "CoherenceAssertionError": "coherence.assertions",
    "assert_coherent": "coherence.assertions",
    "assert_exploitable": "coherence.assertions",
    "assert_agent_coherent": "coherence.assertions",
    "assert_agent_exploitable": "coherence.assertions",
    "render_html": "coherence.reporting",
    "write_report": "coherence.reporting",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'coherence' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

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
    "MoneyPump",
    "NoPumpFound",
    "NotAnAgentError",
    "PreferenceRelation",
    "ProbabilityMeasure",
    "Rationalisation",
    "RationalisingOrder",
    "RevealedCycle",
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
    "check_money_pump_index",
    "check_negatively_transitive",
    "check_policy",
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


if "hypothesis" in sys.modules:  # else Hypothesis's setup hook registers on its import
    from strategies import register_loaded_types

    register_loaded_types()
