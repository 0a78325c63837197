"""The bridge: audit trained networks' revealed preferences with PyTorch.

Install with ``pip install "coherence[torch]"``. Importing this package does not import
torch; the first call that needs it does, and raises
:class:`~coherence.bridge.TorchMissingError` (an :class:`~coherence.errors.InputError`) with
the install command when it is missing. Everything runs on CUDA when available
(``device="auto"``), else on the CPU, with the same results.

Start with :func:`audit` (a model and its items → :class:`AuditReport` with a verified
:class:`~coherence.verdict.Verdict`) or with the metrics on a choice-probability matrix, e.g.
:func:`expected_cyclic_triads`, exact in O(n²).
"""

from __future__ import annotations

from coherence.bridge._torch import (
    DeviceError,
    ModelOutputError,
    TorchMissingError,
    require_torch,
    resolve_device,
)
from coherence.bridge.audit import (
    RANDOM_UTILITY_MAX,
    AuditReport,
    audit,
    audit_matrix,
    random_utility_verdict,
)
from coherence.bridge.battles import (
    BattleCounts,
    BattleDataError,
    Battles,
    battle_counts,
    battles_from_columns,
    read_battles,
)
from coherence.bridge.battles_audit import BattleAudit, audit_battles, pump_supported
from coherence.bridge.budgets import BudgetAudit, batched_closure, garp_ccei
from coherence.bridge.elicit import (
    Comparator,
    Elicitation,
    PairwiseCallable,
    SampledComparisons,
    Scorer,
    SortElicitation,
    as_model,
    elicit,
    elicit_sampled,
    elicit_sorted,
    symmetrise,
)
from coherence.bridge.exploitability import log_odds_exploitability, max_mean_cycle_torch
from coherence.bridge.fits import (
    HodgeResidual,
    UtilityFit,
    bradley_terry,
    residual_incoherence,
    thurstonian,
)
from coherence.bridge.majority import find_majority_triad, majority_pump, majority_relation
from coherence.bridge.probabilities import log_odds, prob_matrix
from coherence.bridge.strengths import (
    StrengthFit,
    StrengthIntervals,
    battle_strengths,
    bootstrap_strengths,
)
from coherence.bridge.transitivity import TransitivityViolations, transitivity_violations
from coherence.bridge.triads import (
    HardCycles,
    cycle_probability,
    expected_cyclic_triads,
    hard_cyclic_triads,
    majority_scores,
    sampled_triad_estimate,
)

__all__ = [
    "RANDOM_UTILITY_MAX",
    "AuditReport",
    "BattleAudit",
    "BattleCounts",
    "BattleDataError",
    "Battles",
    "BudgetAudit",
    "Comparator",
    "DeviceError",
    "Elicitation",
    "HardCycles",
    "HodgeResidual",
    "ModelOutputError",
    "PairwiseCallable",
    "SampledComparisons",
    "Scorer",
    "SortElicitation",
    "StrengthFit",
    "StrengthIntervals",
    "TorchMissingError",
    "TransitivityViolations",
    "UtilityFit",
    "as_model",
    "audit",
    "audit_battles",
    "audit_matrix",
    "batched_closure",
    "battle_counts",
    "battle_strengths",
    "battles_from_columns",
    "bootstrap_strengths",
    "bradley_terry",
    "cycle_probability",
    "elicit",
    "elicit_sampled",
    "elicit_sorted",
    "expected_cyclic_triads",
    "find_majority_triad",
    "garp_ccei",
    "hard_cyclic_triads",
    "log_odds",
    "log_odds_exploitability",
    "majority_pump",
    "majority_relation",
    "majority_scores",
    "max_mean_cycle_torch",
    "prob_matrix",
    "pump_supported",
    "random_utility_verdict",
    "read_battles",
    "require_torch",
    "residual_incoherence",
    "resolve_device",
    "sampled_triad_estimate",
    "symmetrise",
    "thurstonian",
    "transitivity_violations",
]
