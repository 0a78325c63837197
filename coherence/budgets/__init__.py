"""Revealed preference on budget and menu data: the data types, GARP/SARP/WARP/WGARP/HARP,
Afriat utilities, the goodness-of-fit indices (as numbers, and as verdicts with their
witnesses) and menu-choice axioms.

>>> from coherence.budgets import BudgetData, check_garp, ccei
>>> d = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])
>>> check_garp(d).coherent, ccei(d)
(False, 0.8)
"""

from __future__ import annotations

import sys

from coherence.budgets._afriat import (
    AfriatUtility,
    HomotheticUtility,
    afriat_certificate,
    afriat_utility,
    homothetic_certificate,
)
from coherence.budgets._axioms import (
    AXIOMS,
    PairwiseConsistency,
    RevealedCycle,
    check_garp,
    check_harp,
    check_sarp,
    check_warp,
    check_wgarp,
    garp_holds,
    garp_violations,
    sarp_violations,
    violation_counts,
    warp_violations,
    wgarp_violations,
)
from coherence.budgets._choice import (
    ChoiceAxiomHolds,
    ChoiceData,
    ChoiceViolation,
    RationalisingOrder,
    check_choice_warp,
    check_congruence,
    check_sen_alpha,
    check_sen_beta,
)
from coherence.budgets._data import (
    BudgetData,
    BudgetDataError,
    BudgetPanel,
    BudgetShapeError,
    NegativeQuantityError,
    NonFiniteError,
    NonPositivePriceError,
    ZeroExpenditureError,
    budgets_from_csv,
)
from coherence.budgets._fit import (
    check_ccei,
    check_houtman_maks,
    check_money_pump_index,
    check_varian,
)
from coherence.budgets._houtman_maks import HoutmanMaks, houtman_maks, houtman_maks_bounds
from coherence.budgets._indices import ccei, ccei_fraction
from coherence.budgets._kernel import direct_relations, efficiency_fraction
from coherence.budgets._money_pump import money_pump_index, mpi_bounds
from coherence.budgets._report import (
    INDICES,
    REPORT_SCHEMA,
    TIME_LIMIT,
    panel_report,
    report_row,
    subject_report,
)
from coherence.budgets._screen import Screen, screen_panel
from coherence.budgets._varian import VarianBounds, varian_bounds, varian_index, varian_vector
from coherence.graphs import transitive_closure

__all__ = [
    "AXIOMS",
    "INDICES",
    "REPORT_SCHEMA",
    "TIME_LIMIT",
    "AfriatUtility",
    "BudgetData",
    "BudgetDataError",
    "BudgetPanel",
    "BudgetShapeError",
    "ChoiceAxiomHolds",
    "ChoiceData",
    "ChoiceViolation",
    "HomotheticUtility",
    "HoutmanMaks",
    "NegativeQuantityError",
    "NonFiniteError",
    "NonPositivePriceError",
    "PairwiseConsistency",
    "RationalisingOrder",
    "RevealedCycle",
    "Screen",
    "VarianBounds",
    "ZeroExpenditureError",
    "afriat_certificate",
    "afriat_utility",
    "budgets_from_csv",
    "ccei",
    "ccei_fraction",
    "check_ccei",
    "check_choice_warp",
    "check_congruence",
    "check_garp",
    "check_harp",
    "check_houtman_maks",
    "check_money_pump_index",
    "check_sarp",
    "check_sen_alpha",
    "check_sen_beta",
    "check_varian",
    "check_warp",
    "check_wgarp",
    "direct_relations",
    "efficiency_fraction",
    "garp_holds",
    "garp_violations",
    "homothetic_certificate",
    "houtman_maks",
    "houtman_maks_bounds",
    "money_pump_index",
    "mpi_bounds",
    "panel_report",
    "report_row",
    "sarp_violations",
    "screen_panel",
    "subject_report",
    "transitive_closure",
    "varian_bounds",
    "varian_index",
    "varian_vector",
    "violation_counts",
    "warp_violations",
    "wgarp_violations",
]

if "hypothesis" in sys.modules:  # else Hypothesis's setup hook registers on its import
    from coherence._hypothesis_hook import register_loaded_types

    register_loaded_types()
