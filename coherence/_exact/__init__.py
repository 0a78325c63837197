"""The exact layer: exact number reading, error-free float predicates, exact linear algebra
and the exact LP (HiGHS, rounding, an exact solve from the optimal basis).

Private to :mod:`coherence`; nothing here depends on the fast layer's floats.
"""

from __future__ import annotations

from coherence._exact.lp import (
    GordanResult,
    LinearSystem,
    as_fraction,
    find_point,
    fraction_array,
    gordan,
    rational_candidates,
    solve_linear_exact,
)
from coherence._exact.solvers import (
    linprog,
)
from coherence._exact.twosum import (
    sum_le,
)

__all__ = [
    "GordanResult",
    "LinearSystem",
    "as_fraction",
    "find_point",
    "fraction_array",
    "gordan",
    "linprog",
    "rational_candidates",
    "solve_linear_exact",
    "sum_le",
]
