"""Decisions: policies in decision problems and trees (dominance, Wald's complete class
theorem) and normal-form games (iterated elimination of dominated strategies).
"""

from __future__ import annotations

from coherence.decisions._games import (
    DominanceElimination,
    EliminationStep,
    Game,
    OrderDependence,
    Rationalisation,
    WeakElimination,
    check_game,
    eliminate_dominated,
    eliminate_weakly_dominated,
)
from coherence.decisions._problems import (
    BayesPrior,
    Chance,
    Decide,
    DecisionProblem,
    DecisionTree,
    DominatingPolicy,
    Leaf,
    check_policy,
)

__all__ = [
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
    "WeakElimination",
    "check_game",
    "check_policy",
    "eliminate_dominated",
    "eliminate_weakly_dominated",
]
