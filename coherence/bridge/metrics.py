"""Incoherence metrics of a pairwise choice-probability matrix, on the CPU or a GPU.

One import point for the metrics, which live in modules named after their concept:

* :mod:`coherence.bridge.probabilities` — validating ``P``, streaming it in row blocks,
  log-odds;
* :mod:`coherence.bridge.triads` — expected (soft) and majority (hard) cyclic triads, exact
  in O(n²);
* :mod:`coherence.bridge.transitivity` — weak / moderate / strong stochastic transitivity;
* :mod:`coherence.bridge.majority` — the majority relation and its shortest money pump;
* :mod:`coherence.bridge.exploitability` — the max-mean cycle of the log-odds, certified.

>>> from coherence.bridge.metrics import expected_cyclic_triads, hard_cyclic_triads
>>> rps = [[0.5, 0.8, 0.2], [0.2, 0.5, 0.8], [0.8, 0.2, 0.5]]
>>> round(expected_cyclic_triads(rps), 6), hard_cyclic_triads(rps).count
(0.52, 1)
"""

from __future__ import annotations

from coherence.bridge.exploitability import log_odds_exploitability, max_mean_cycle_torch
from coherence.bridge.majority import find_majority_triad, majority_pump, majority_relation
from coherence.bridge.probabilities import (
    BLOCK_ELEMENTS,
    CLIP,
    DENSE_BYTES,
    log_odds,
    prob_matrix,
    row_blocks,
    saturated,
)
from coherence.bridge.transitivity import TransitivityViolations, transitivity_violations
from coherence.bridge.triads import (
    HardCycles,
    cycle_probability,
    expected_cyclic_triads,
    hard_cyclic_triads,
    majority_scores,
    sampled_triad_estimate,
    triad_cycle_probability_bruteforce,
)

__all__ = [
    "BLOCK_ELEMENTS",
    "CLIP",
    "DENSE_BYTES",
    "HardCycles",
    "TransitivityViolations",
    "cycle_probability",
    "expected_cyclic_triads",
    "find_majority_triad",
    "hard_cyclic_triads",
    "log_odds",
    "log_odds_exploitability",
    "majority_pump",
    "majority_relation",
    "majority_scores",
    "max_mean_cycle_torch",
    "prob_matrix",
    "row_blocks",
    "sampled_triad_estimate",
    "saturated",
    "transitivity_violations",
    "triad_cycle_probability_bruteforce",
]
