"""The exact layer: exact number reading, error-free float predicates, exact linear algebra
and the exact LP (HiGHS, rounding, an exact solve from the optimal basis).

Private to :mod:`coherence`; nothing here depends on the fast layer's floats. Modules:
``numbers`` (the number policy), ``rationals`` (floats as the rationals meant), ``linear``
(exact linear equations), ``system``
(:class:`LinearSystem`), ``simplex`` (exact vertices), ``feasible`` (:func:`find_point`),
``gordan`` (Gordan's alternative), ``twosum`` (exact float comparisons), ``solvers`` (lazy
scipy).
"""

from __future__ import annotations

from coherence._exact.feasible import find_point
from coherence._exact.gordan import GordanResult, gordan
from coherence._exact.linear import solve_linear_exact
from coherence._exact.numbers import (
    NumberReading,
    as_fraction,
    current_reading,
    fraction_array,
    number_reading,
    rational_candidates,
    read_float,
    reading_of,
)
from coherence._exact.rationals import rational_parts, simplest_rational
from coherence._exact.solvers import linprog
from coherence._exact.system import LinearSystem
from coherence._exact.twosum import sum_le

__all__ = [
    "GordanResult",
    "LinearSystem",
    "NumberReading",
    "as_fraction",
    "current_reading",
    "find_point",
    "fraction_array",
    "gordan",
    "linprog",
    "number_reading",
    "rational_candidates",
    "rational_parts",
    "read_float",
    "reading_of",
    "simplest_rational",
    "solve_linear_exact",
    "sum_le",
]
