"""Beliefs: credences and bet prices (Dutch books, de Finetti) and preferences over lotteries
(von Neumann–Morgenstern).
"""

from __future__ import annotations

import sys

from coherence.beliefs._credences import (
    Credences,
    DutchBook,
    ProbabilityMeasure,
    check_credences,
)
from coherence.beliefs._expected_utility import (
    ExpectedUtility,
    IndependenceViolation,
    check_lottery_preferences,
)
from coherence.beliefs._lotteries import Lottery, LotteryPreferences
from coherence.beliefs._vnm import ContinuityViolation, VNMReport, vnm_axioms

__all__ = [
    "ContinuityViolation",
    "Credences",
    "DutchBook",
    "ExpectedUtility",
    "IndependenceViolation",
    "Lottery",
    "LotteryPreferences",
    "ProbabilityMeasure",
    "VNMReport",
    "check_credences",
    "check_lottery_preferences",
    "vnm_axioms",
]

if "hypothesis" in sys.modules:  # else Hypothesis's setup hook registers on its import
    from coherence._hypothesis_hook import register_loaded_types

    register_loaded_types()
