"""Decisions: policies in decision problems and trees (dominance, Wald's complete class
theorem) and normal-form games (iterated elimination of dominated strategies).
"""

from __future__ import annotations

import sys

from coherence.decisions._game import Game
from coherence.decisions._problems import (
    BayesPrior,
    DecisionProblem,
    DominatingPolicy,
    check_policy,
)
from coherence.decisions._steps import EliminationStep
from coherence.decisions._strict import (
    DominanceElimination,
    Rationalisation,
    check_game,
    eliminate_dominated,
)
from coherence.decisions._trees import Chance, Decide, DecisionTree, Leaf
from coherence.decisions._weak import (
    AdmissibleBeliefs,
    OrderDependence,
    WeakDominance,
    WeakElimination,
    eliminate_weakly_dominated,
)

__all__ = [
    "AdmissibleBeliefs",
    "BayesPrior",
    "Chance",
    "Decide",
    "DecisionProblem",
    "DecisionTree",
    "DominanceElimination",
    "DominatingPolicy",
    "EliminationStep",
    "Game",
    "Leaf",
    "OrderDependence",
    "Rationalisation",
    "WeakDominance",
    "WeakElimination",
    "check_game",
    "check_policy",
    "eliminate_dominated",
    "eliminate_weakly_dominated",
]

if "hypothesis" in sys.modules:  # else Hypothesis's setup hook registers on its import
    from coherence._hypothesis_hook import register_loaded_types

    register_loaded_types()
