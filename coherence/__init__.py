"""coherence: property testing for the coherence of decision-makers.

Every check returns a :class:`Verdict` holding an exploit certificate (money pump, Dutch book,
dominating policy, ...) or a coherence certificate (utility, prior, order, ...); both verify
in exact arithmetic. Start with :func:`check` and :func:`assert_coherent`.
"""

from __future__ import annotations

from coherence.afriat import AfriatUtility, HomotheticUtility, afriat_utility
from coherence.axioms import (
    AxiomHolds,
    AxiomViolation,
    check_acyclic,
    check_complete,
    check_negatively_transitive,
    check_reflexive,
    check_transitive,
)
from coherence.beliefs import Credences, DutchBook, ProbabilityMeasure, check_credences
from coherence.budget import BudgetData, BudgetPanel, budgets_from_csv
from coherence.cardinal import (
    CardinalPump,
    UtilityPotential,
    WillingnessToPay,
    check_willingness_to_pay,
)
from coherence.choice import (
    ChoiceData,
    ChoiceViolation,
    RationalisingOrder,
    check_choice_warp,
    check_congruence,
    check_sen_alpha,
    check_sen_beta,
)
from coherence.dispatch import check
from coherence.dominance import (
    BayesPrior,
    Chance,
    Decide,
    DecisionProblem,
    DecisionTree,
    DominatingPolicy,
    Leaf,
    check_policy,
)
from coherence.errors import CertificationError, CoherenceError, InputError
from coherence.games import (
    DominanceElimination,
    Game,
    Rationalisation,
    check_game,
    eliminate_dominated,
    eliminate_weakly_dominated,
)
from coherence.indices import (
    HoutmanMaks,
    ccei,
    houtman_maks,
    money_pump_index,
    mpi_bounds,
    varian_index,
    varian_vector,
)
from coherence.lotteries import (
    ExpectedUtility,
    IndependenceViolation,
    Lottery,
    LotteryPreferences,
    check_lottery_preferences,
    vnm_axioms,
)
from coherence.pump import MoneyPump, Trade, WeakUtility, check_relation
from coherence.relation import PreferenceRelation
from coherence.revealed import (
    RevealedCycle,
    check_garp,
    check_harp,
    check_sarp,
    check_warp,
    check_wgarp,
    garp_holds,
    violation_counts,
)
from coherence.verdict import AgentFault, Certificate, Verdict

__version__ = "0.1.0"

# Imported on first use: the assertion helpers must be imported after pytest has registered
# them for assertion rewriting, and Hypothesis-dependent modules must not load while
# Hypothesis itself is importing (its setup hook imports coherence types).
_LAZY = {
    "CoherenceAssertionError": "coherence.assertions",
    "assert_coherent": "coherence.assertions",
    "assert_exploitable": "coherence.assertions",
    "assert_agent_coherent": "coherence.assertions",
    "assert_agent_exploitable": "coherence.assertions",
    "probe": "coherence.probe",
    "NoPumpFound": "coherence.probe",
    "TradingPump": "coherence.probe",
    "adapt": "coherence.agents",
    "AgentProtocolError": "coherence.agents",
    "NotAnAgentError": "coherence.agents",
    "render_html": "coherence.report",
    "write_report": "coherence.report",
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
    "Verdict",
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
    "check_choice_warp",
    "check_complete",
    "check_congruence",
    "check_credences",
    "check_game",
    "check_garp",
    "check_harp",
    "check_lottery_preferences",
    "check_negatively_transitive",
    "check_policy",
    "check_reflexive",
    "check_relation",
    "check_sarp",
    "check_sen_alpha",
    "check_sen_beta",
    "check_transitive",
    "check_warp",
    "check_wgarp",
    "check_willingness_to_pay",
    "eliminate_dominated",
    "eliminate_weakly_dominated",
    "garp_holds",
    "houtman_maks",
    "money_pump_index",
    "mpi_bounds",
    "probe",
    "render_html",
    "varian_index",
    "varian_vector",
    "violation_counts",
    "vnm_axioms",
    "write_report",
]


def _register_with_hypothesis() -> None:
    import sys

    if "hypothesis" in sys.modules:  # else Hypothesis's setup hook registers on its import
        from strategies._hypothesis_hook import register_loaded_types

        register_loaded_types()


_register_with_hypothesis()
