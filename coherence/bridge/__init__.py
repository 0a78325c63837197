"""The bridge: audit trained networks' revealed preferences with PyTorch.

Install with ``pip install "coherence[torch]"``. Importing this package does not import
torch; the first call that needs it does, and raises
:class:`~coherence.bridge.TorchMissingError` (an :class:`~coherence.errors.InputError`) with
the install command when it is missing. Everything runs on CUDA when available
(``device="auto"``), else on the CPU, with the same results.

Start with :func:`audit` (a model and its items → :class:`AuditReport` with a verified
:class:`~coherence.verdict.Verdict`) or with the metrics on a choice-probability matrix, e.g.
:func:`expected_cyclic_triads`, exact in O(n²). Language models (prompts in both orders,
sampled answers or answer-token log-probabilities, a response cache) are audited by
:mod:`coherence.bridge.llm` (``pip install "coherence[llm]"``).
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
from coherence.bridge.compression import CompressionReport, compression_audit
from coherence.bridge.curvature import (
    CurvatureOperator,
    ggn_operator,
    hessian_operator,
    model_parameters,
)
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
from coherence.bridge.lanczos import Eigenpairs, lanczos, top_eigenpairs
from coherence.bridge.majority import find_majority_triad, majority_pump, majority_relation
from coherence.bridge.perturbation import (
    DescriptionLength,
    FlipCurves,
    description_length,
    flat_directions,
    flip_curves,
    perturbed,
)
from coherence.bridge.preference_bits import (
    EXACT_BITS_MAX,
    PreferenceBits,
    PreferenceChange,
    compare_preferences,
    preference_bits,
)
from coherence.bridge.probabilities import log_odds, prob_matrix
from coherence.bridge.spectrum import (
    SpectralDensity,
    TraceEstimate,
    effective_dimension,
    hutchinson_trace,
    hutchpp_trace,
    spectral_density,
)
from coherence.bridge.stiffness import (
    StiffSubspace,
    load_subspace,
    stiff_subspace,
    stiff_threshold,
    subspace_overlap,
)
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
from coherence.errors import CurvatureError

__all__ = [
    "EXACT_BITS_MAX",
    "RANDOM_UTILITY_MAX",
    "AuditReport",
    "BattleAudit",
    "BattleCounts",
    "BattleDataError",
    "Battles",
    "BudgetAudit",
    "Comparator",
    "CompressionReport",
    "CurvatureError",
    "CurvatureOperator",
    "DescriptionLength",
    "DeviceError",
    "Eigenpairs",
    "Elicitation",
    "FlipCurves",
    "HardCycles",
    "HodgeResidual",
    "ModelOutputError",
    "PairwiseCallable",
    "PreferenceBits",
    "PreferenceChange",
    "SampledComparisons",
    "Scorer",
    "SortElicitation",
    "SpectralDensity",
    "StiffSubspace",
    "StrengthFit",
    "StrengthIntervals",
    "TorchMissingError",
    "TraceEstimate",
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
    "compare_preferences",
    "compression_audit",
    "cycle_probability",
    "description_length",
    "effective_dimension",
    "elicit",
    "elicit_sampled",
    "elicit_sorted",
    "expected_cyclic_triads",
    "find_majority_triad",
    "flat_directions",
    "flip_curves",
    "garp_ccei",
    "ggn_operator",
    "hard_cyclic_triads",
    "hessian_operator",
    "hutchinson_trace",
    "hutchpp_trace",
    "lanczos",
    "load_subspace",
    "log_odds",
    "log_odds_exploitability",
    "majority_pump",
    "majority_relation",
    "majority_scores",
    "max_mean_cycle_torch",
    "model_parameters",
    "perturbed",
    "preference_bits",
    "prob_matrix",
    "pump_supported",
    "random_utility_verdict",
    "read_battles",
    "require_torch",
    "residual_incoherence",
    "resolve_device",
    "sampled_triad_estimate",
    "spectral_density",
    "stiff_subspace",
    "stiff_threshold",
    "subspace_overlap",
    "symmetrise",
    "thurstonian",
    "top_eigenpairs",
    "transitivity_violations",
]
