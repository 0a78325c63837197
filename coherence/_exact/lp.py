"""Exact linear programming: solve in floats with HiGHS, certify in rationals.

Every LP-based certificate in :mod:`coherence` goes through this layer. The recipe is the
same everywhere:

1. Solve a *bounded, margin-maximising* LP with HiGHS (:func:`scipy.optimize.linprog`).
   A positive optimal margin means an exploit exists and the primal solution is a candidate
   for it; a zero margin means none exists and the dual solution is a candidate for the
   rationalisation (Farkas / Gordan alternative).
2. Turn the float candidate into rationals: first by rounding at increasing precision
   (:func:`~coherence._exact.numbers.rational_candidates`), then by an exact vertex solve from
   the active set (:func:`~coherence._exact.simplex.active_set_solve`), and for small systems
   by an exact two-phase simplex in Fractions (:func:`~coherence._exact.simplex.exact_solve`,
   Bland's rule, so it terminates).
3. Verify the rational point against the exact (Fraction) constraints. Only a verified point
   is ever returned; a candidate that fails everywhere yields ``None`` and the caller raises
   :class:`~coherence.errors.CertificationError`.

The pieces live in modules named after one concept each — :mod:`~coherence._exact.numbers`
(reading numbers exactly), :mod:`~coherence._exact.linear` (exact Gauss–Jordan),
:mod:`~coherence._exact.system` (:class:`LinearSystem`), :mod:`~coherence._exact.simplex`
(exact vertices), :mod:`~coherence._exact.feasible` (:func:`find_point`) and
:mod:`~coherence._exact.gordan` (:func:`gordan`). This module gathers them under the import
path ``coherence._exact.lp``; new code imports from :mod:`coherence._exact`.
"""

from __future__ import annotations

from coherence._exact.feasible import find_point
from coherence._exact.gordan import GordanResult, gordan
from coherence._exact.linear import solve_linear_exact
from coherence._exact.numbers import as_fraction, fraction_array, rational_candidates
from coherence._exact.system import LinearSystem

__all__ = [
    "GordanResult",
    "LinearSystem",
    "as_fraction",
    "find_point",
    "fraction_array",
    "gordan",
    "rational_candidates",
    "solve_linear_exact",
]
