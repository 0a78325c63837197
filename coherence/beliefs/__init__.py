"""Beliefs: credences and bet prices (Dutch books, de Finetti) and preferences over lotteries
(von Neumann–Morgenstern).
"""

from __future__ import annotations

from coherence.beliefs._credences import (
    Credences,
    DutchBook,
    ProbabilityMeasure,
    check_credences,
)
from coherence.beliefs._lotteries import (
    ContinuityViolation,
    ExpectedUtility,
    IndependenceViolation,
    Lottery,
    LotteryPreferences,
    check_lottery_preferences,
    vnm_axioms,
)

__all__ = [
    "ContinuityViolation",
    "Credences",
    "DutchBook",
    "ExpectedUtility",
    "IndependenceViolation",
    "Lottery",
    "LotteryPreferences",
    "ProbabilityMeasure",
    "check_credences",
    "check_lottery_preferences",
    "vnm_axioms",
]
