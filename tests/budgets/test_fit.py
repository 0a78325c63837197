"""The indices as verdicts: the GARP certificate, the exact index and a witness that is right."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from coherence.budgets import (
    BudgetData,
    RevealedCycle,
    ccei_fraction,
    check_ccei,
    check_garp,
    check_houtman_maks,
    check_money_pump_index,
    check_varian,
    garp_holds,
    houtman_maks,
    mpi_bounds,
    varian_vector,
)
from coherence.strategies import budget_data
from coherence.verdict import Verdict
from tests.budgets import _brute
from tests.budgets.test_revealed import float_budgets

small = st.one_of(budget_data(max_observations=6, goods=2),
                  budget_data(max_observations=6, goods=3), float_budgets(max_t=6))


def same_garp_answer(v: Verdict, d: BudgetData, e: object = 1) -> None:
    assert v.verify() and v.coherent == garp_holds(d, e)
    assert v.certificate.kind == check_garp(d, e).certificate.kind


@settings(max_examples=100)
@given(small)
def test_ccei_critical_cycle_binds(d):
    v = check_ccei(d)
    same_garp_answer(v, d)
    c, cyc = v.quantities["ccei"], v.quantities["critical_cycle"]
    assert isinstance(c, Fraction) and c == ccei_fraction(d) == _brute.ccei(d)
    if cyc is None:
        assert c == 1 and garp_holds(d)
        return
    ex = [Fraction(r) for r in _ratios(d, cyc)]
    assert max(ex) == c  # the cycle's tightest step is the CCEI
    above = min(Fraction(1), c * Fraction(1_000_001, 1_000_000))
    below = c * Fraction(999_999, 1_000_000)
    if c < 1:  # every step is strict above the CCEI: a GARP violation there
        assert RevealedCycle(d, cyc, "GARP", above).verify()
    else:
        assert RevealedCycle(d, cyc, "GARP", 1).verify()
    assert not RevealedCycle(d, cyc, "GARP", below).verify()  # below, no longer a cycle
    assert garp_holds(d, below)


def _ratios(d: BudgetData, cyc: tuple[int, ...]) -> list[Fraction]:
    E = _brute.exact_E(d)
    n = len(cyc)
    return [E[cyc[s]][cyc[(s + 1) % n]] / E[cyc[s]][cyc[s]] for s in range(n)]


@settings(max_examples=60)
@given(small, st.sampled_from([Fraction(1), Fraction(9, 10)]))
def test_houtman_maks_keeps_a_largest_consistent_subset(d, e):
    v = check_houtman_maks(d, e)
    same_garp_answer(v, d, e)
    q = v.quantities
    kept, removed = q["kept"], q["removed"]
    assert sorted(kept + removed) == list(range(d.T))
    assert q["houtman_maks"] == len(removed) == houtman_maks(d, e).index
    assert garp_holds(d.subset(list(kept)), e)
    if e == 1:
        assert len(removed) == _brute.houtman_maks(d)
    for t in removed:  # adding back any dropped observation breaks GARP (maximal, too)
        assert not garp_holds(d.subset(sorted((*kept, t))), e)


@settings(max_examples=30)
@given(st.one_of(budget_data(max_observations=4, goods=2), float_budgets(max_t=4)))
def test_varian_vector_is_the_witness(d):
    v = check_varian(d)
    same_garp_answer(v, d)
    vec = v.quantities["vector"]
    assert vec == varian_vector(d)
    assert v.quantities["varian"] == sum(vec, Fraction(0)) / d.T
    assert sum(vec, Fraction(0)) == _brute.varian_vector_sum(d)
    assert all(0 <= x <= 1 for x in vec)


@settings(max_examples=60)
@given(small)
def test_money_pump_cycles_are_the_witnesses(d):
    v = check_money_pump_index(d)
    same_garp_answer(v, d)
    q = v.quantities
    lo, hi = mpi_bounds(d)
    assert float(q["mpi_max"]) == hi and float(q["mpi_min"]) == lo
    if q["mpi_max_cycle"] is None:
        assert garp_holds(d) and q["mpi_max"] == 0
        return
    top = RevealedCycle(d, q["mpi_max_cycle"])
    assert top.verify() and top.mpi == q["mpi_max"]
    if q["mpi_min_cycle"] is not None:
        assert RevealedCycle(d, q["mpi_min_cycle"]).mpi == q["mpi_min"]


def test_a_tie_binds_at_ccei_one():
    d = BudgetData([[1, 1], [1, 2]], [[1, 0], [0, 1]])
    v = check_ccei(d)
    assert not v.coherent and v.quantities["ccei"] == 1
    assert v.quantities["critical_cycle"] == v.certificate.cycle


def test_rational_data_have_no_witnesses():
    d = BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]])
    assert check_ccei(d).quantities["critical_cycle"] is None
    assert check_houtman_maks(d).quantities["kept"] == (0, 1)
    assert check_varian(d).quantities["vector"] == (1, 1)
    q = check_money_pump_index(d).quantities
    assert q["mpi_max"] == q["mpi_min"] == 0 and q["mpi_max_cycle"] is None
    for check in (check_ccei, check_houtman_maks, check_varian, check_money_pump_index):
        assert check(d).coherent and check(d).certificate.kind == "afriat_utility"
