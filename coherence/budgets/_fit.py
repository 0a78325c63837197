"""Goodness-of-fit indices as verdicts: the GARP certificate, the index and its witness.

Each check answers GARP with its certificate (a violation cycle, or Afriat's numbers) and
carries the index as an exact number together with what attains it:

* CCEI (Afriat 1972): the critical cycle, whose largest cost ratio ``p_t·x_{t+1}/p_t·x_t``
  is the CCEI, so it violates GARP at every efficiency above the CCEI;
* Houtman–Maks (1985): the kept observations, a largest subset that satisfies GARP;
* Varian (1990): the efficiency vector;
* money pump index (Echenique, Lee & Shum 2011): the cycles of largest and smallest MPI.
"""

from __future__ import annotations

from typing import Any

from coherence.budgets._axioms import RevealedCycle, _garp_certificate
from coherence.budgets._data import BudgetData
from coherence.budgets._houtman_maks import DEFAULT_TIME_LIMIT, houtman_maks
from coherence.budgets._indices import _ccei_with_cycle
from coherence.budgets._kernel import efficiency_fraction
from coherence.budgets._money_pump import _mpi_witnesses
from coherence.budgets._varian import varian_bounds
from coherence.verdict import Verdict

__all__ = ["check_ccei", "check_houtman_maks", "check_money_pump_index", "check_varian"]


def check_ccei(data: BudgetData) -> Verdict:
    """GARP with Afriat's critical cost efficiency index and its critical cycle.

    Quantities: ``ccei`` (a Fraction, exact) and ``critical_cycle``: observations
    ``(t0, ..., t_{k-1})`` whose every step costs at most ``ccei`` times what was spent and
    whose largest step ratio is the CCEI, so the cycle violates GARP at any efficiency above
    the CCEI and is no revealed preference cycle below it. With ``ccei == 1`` it is the GARP
    violation cycle when there is one (a tie binds), else ``None``. O(T²K + m log m) plus the
    GARP certificate (see :func:`check_garp`).

    >>> v = check_ccei(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    >>> v.coherent, v.quantities["ccei"], v.quantities["critical_cycle"]
    (False, Fraction(4, 5), (0, 1))
    """
    cert = _garp_certificate(data, efficiency_fraction(1))
    value, cycle = _ccei_with_cycle(data)
    if value == 1:  # no cycle binds below 1; a violation at 1 rests on a tie
        cycle = cert.cycle if isinstance(cert, RevealedCycle) else None
    return Verdict.certify(cert, "budget data (CCEI)", observations=data.T, ccei=value,
                           critical_cycle=cycle)


def check_houtman_maks(data: BudgetData, efficiency: Any = 1, *,
                       time_limit: float | None = DEFAULT_TIME_LIMIT) -> Verdict:
    """GARP at efficiency ``e`` with the Houtman–Maks index and the observations it keeps.

    Quantities: ``houtman_maks`` (the fewest observations to drop, or the best removal found
    when ``houtman_maks_exact`` is ``False``), ``houtman_maks_lower`` (a proved lower bound),
    ``houtman_maks_exact``, ``removed`` (those observations) and ``kept`` (the rest, a subset
    of observations that satisfies GARP(e), re-checked exactly; a largest one when exact).
    Costs as :func:`houtman_maks` (NP-hard; ``time_limit`` seconds at most on the optimum).

    >>> v = check_houtman_maks(BudgetData([[1, 2], [2, 1], [1, 1]], [[1, 2], [2, 1], [3, 3]]))
    >>> v.quantities["houtman_maks"], v.quantities["kept"], v.quantities["houtman_maks_exact"]
    (1, (1, 2), True)
    """
    e = efficiency_fraction(efficiency)
    cert = _garp_certificate(data, e)
    hm = houtman_maks(data, e, time_limit=time_limit)
    gone = set(hm.removed)
    kept = tuple(t for t in range(data.T) if t not in gone)
    return Verdict.certify(cert, "budget data (Houtman–Maks)", observations=data.T,
                           efficiency=e, houtman_maks=hm.index, houtman_maks_lower=hm.lower,
                           houtman_maks_exact=hm.exact, removed=hm.removed, kept=kept)


def check_varian(data: BudgetData, *, time_limit: float | None = None) -> Verdict:
    """GARP with Varian's index (the mean efficiency, a Fraction) and his efficiency vector.

    Quantities: ``varian`` (exact mean of the vector), ``vector`` (one efficiency per
    observation; with them no cycle of steps ``p_t·x_{t+1} < v_t·p_t·x_t`` remains),
    ``varian_upper`` (a proved upper bound on the optimal mean) and ``varian_exact``
    (whether the vector is optimal). Costs as :func:`varian_bounds` under ``time_limit``
    (``None``: exact, NP-hard in general).

    >>> v = check_varian(BudgetData([[1, 2], [2, 1]], [[2, 4], [4, 1]]))
    >>> v.quantities["varian"], v.quantities["vector"]
    (Fraction(17, 18), (Fraction(1, 1), Fraction(8, 9)))
    """
    cert = _garp_certificate(data, efficiency_fraction(1))
    vb = varian_bounds(data, time_limit=time_limit)
    return Verdict.certify(cert, "budget data (Varian)", observations=data.T,
                           varian=vb.index_fraction, vector=vb.vector,
                           varian_upper=vb.upper_fraction, varian_exact=vb.exact)


def check_money_pump_index(data: BudgetData) -> Verdict:
    """GARP with the largest and smallest money pump index and the cycles that attain them.

    Quantities: ``mpi_max``/``mpi_min`` (Fractions: the exact MPI of the cycles found) and
    ``mpi_max_cycle``/``mpi_min_cycle`` (those cycles, ``None`` when GARP holds). Polynomial:
    Howard's policy iteration per bound (see :func:`mpi_bounds`).

    >>> v = check_money_pump_index(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    >>> v.quantities["mpi_max"], v.quantities["mpi_max_cycle"]
    (Fraction(1, 5), (0, 1))
    """
    cert = _garp_certificate(data, efficiency_fraction(1))
    lo, lo_cycle, hi, hi_cycle = _mpi_witnesses(data)
    return Verdict.certify(cert, "budget data (money pump index)", observations=data.T,
                           mpi_max=hi, mpi_max_cycle=hi_cycle, mpi_min=lo,
                           mpi_min_cycle=lo_cycle)
