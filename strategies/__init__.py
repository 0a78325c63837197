"""Hypothesis strategies for every object :mod:`coherence` checks."""
