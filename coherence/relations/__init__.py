"""Preference relations: the relation type, its order axioms, ordinal money pumps and
willingness to pay (cardinal pumps).
"""

from __future__ import annotations

import sys

from coherence.relations._axioms import (
    AxiomHolds,
    AxiomViolation,
    check_acyclic,
    check_complete,
    check_negatively_transitive,
    check_reflexive,
    check_transitive,
)
from coherence.relations._csv import relation_from_csv, wtp_from_csv
from coherence.relations._pump import (
    MoneyPump,
    Trade,
    WeakUtility,
    check_relation,
    shortest_strict_cycle,
)
from coherence.relations._relation import (
    PreferenceRelation,
)
from coherence.relations._wtp import (
    CardinalPump,
    UtilityPotential,
    WillingnessToPay,
    check_willingness_to_pay,
    max_mean_cycle,
)

__all__ = [
    "AxiomHolds",
    "AxiomViolation",
    "CardinalPump",
    "MoneyPump",
    "PreferenceRelation",
    "Trade",
    "UtilityPotential",
    "WeakUtility",
    "WillingnessToPay",
    "check_acyclic",
    "check_complete",
    "check_negatively_transitive",
    "check_reflexive",
    "check_relation",
    "check_transitive",
    "check_willingness_to_pay",
    "max_mean_cycle",
    "relation_from_csv",
    "shortest_strict_cycle",
    "wtp_from_csv",
]

if "hypothesis" in sys.modules:  # else Hypothesis's setup hook registers on its import
    from coherence._hypothesis_hook import register_loaded_types

    register_loaded_types()
