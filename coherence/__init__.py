"""coherence: property testing for the coherence of decision-makers.

Every check returns a :class:`Verdict` holding an exploit certificate (money pump, Dutch book,
dominating policy, ...) or a coherence certificate (utility, prior, order, ...); both verify
in exact arithmetic. Start with :func:`check` and :func:`assert_coherent`.
"""

from __future__ import annotations

from coherence.assertions import CoherenceAssertionError, assert_coherent, assert_exploitable
from coherence.axioms import (
    AxiomHolds,
    AxiomViolation,
    check_acyclic,
    check_complete,
    check_negatively_transitive,
    check_reflexive,
    check_transitive,
)
from coherence.cardinal import (
    CardinalPump,
    UtilityPotential,
    WillingnessToPay,
    check_willingness_to_pay,
)
from coherence.dispatch import check
from coherence.errors import CertificationError, CoherenceError, InputError
from coherence.pump import MoneyPump, Trade, WeakUtility, check_relation
from coherence.relation import PreferenceRelation
from coherence.verdict import AgentFault, Certificate, Verdict

__version__ = "0.1.0"

__all__ = [
    "AgentFault",
    "AxiomHolds",
    "AxiomViolation",
    "CardinalPump",
    "CertificationError",
    "Certificate",
    "CoherenceAssertionError",
    "CoherenceError",
    "InputError",
    "MoneyPump",
    "PreferenceRelation",
    "Trade",
    "UtilityPotential",
    "Verdict",
    "WeakUtility",
    "WillingnessToPay",
    "__version__",
    "assert_coherent",
    "assert_exploitable",
    "check",
    "check_acyclic",
    "check_complete",
    "check_negatively_transitive",
    "check_reflexive",
    "check_relation",
    "check_transitive",
    "check_willingness_to_pay",
]
