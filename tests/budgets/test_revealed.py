"""GARP family against brute force in exact arithmetic; every certificate verifies."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import (
    BudgetData,
    CertificationError,
    InputError,
    check,
    check_garp,
    check_harp,
    check_sarp,
    check_warp,
    check_wgarp,
    garp_holds,
    violation_counts,
)
from coherence.budgets import (
    RevealedCycle,
    direct_relations,
    efficiency_fraction,
    transitive_closure,
)
from coherence.strategies import budget_data
from tests.budgets import _brute


@st.composite
def float_budgets(draw, max_t: int = 7, k: int = 3) -> BudgetData:
    seed = draw(st.integers(0, 2**32 - 1))
    T = draw(st.integers(1, max_t))
    rng = np.random.default_rng(seed)
    return BudgetData(rng.uniform(0.5, 2, (T, k)), rng.uniform(0, 1, (T, k)))


any_budgets = st.one_of(
    budget_data(max_observations=7, goods=2),
    budget_data(max_observations=7, goods=3),
    float_budgets(),
)
efficiencies = st.sampled_from([Fraction(1), Fraction(9, 10), Fraction(3, 4), 0.95])


@settings(max_examples=150)
@given(any_budgets, efficiencies)
def test_relations_counts_and_garp_match_brute_force(d, e):
    e = efficiency_fraction(e)
    R0, P0 = direct_relations(d, e)
    bR, bP = _brute.relations(d, e)
    assert R0.tolist() == bR and P0.tolist() == bP
    assert violation_counts(d, e) == _brute.counts(d, e)
    assert garp_holds(d, e) == _brute.garp(d, e)


@settings(max_examples=80)
@given(any_budgets, efficiencies)
def test_verdicts_agree_with_counts_and_verify(d, e):
    c = _brute.counts(d, efficiency_fraction(e))
    for fn, key in ((check_garp, "garp"), (check_sarp, "sarp"), (check_warp, "warp"),
                    (check_wgarp, "wgarp")):
        v = fn(d, e)
        assert v.coherent == (c[key] == 0)
        assert v.verify()
        assert v.to_json()["certificate"]["kind"]
        assert v.explain()


@settings(max_examples=60)
@given(st.one_of(budget_data(max_observations=5, goods=2), float_budgets(max_t=5)))
def test_harp_matches_brute_force(d):
    v = check_harp(d)
    assert v.coherent == _brute.harp(d)
    assert v.verify()


@settings(max_examples=50)
@given(budget_data(max_observations=8, goods=3, rationalizable=True))
def test_rationalizable_data_get_an_afriat_utility(d):
    v = check(d)
    assert v.coherent and v.certificate.kind == "afriat_utility"
    u = v.certificate
    for t in range(d.T):
        assert u.exact(d.quantities[t].tolist()) == u.levels[t]


@settings(max_examples=50)
@given(budget_data(max_observations=8, goods=2, rationalizable=False))
def test_violations_get_a_cycle_that_leaks_money(d):
    v = check(d)
    assert not v.coherent and v.exit_code == 1
    cert = v.certificate
    assert isinstance(cert, RevealedCycle) and cert.verify()
    assert cert.leak > 0 and 0 < cert.mpi <= 1


def test_transitive_closure_matches_warshall():
    rng = np.random.default_rng(3)
    for _ in range(20):
        A = rng.random((9, 9)) < 0.2
        np.fill_diagonal(A, False)
        C = transitive_closure(A)
        ref = _brute.closure(A.tolist())
        assert C.tolist() == ref


def test_tampered_cycle_does_not_verify():
    d = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])
    v = check_garp(d)
    assert v.certificate.cycle == (0, 1) or v.certificate.cycle == (1, 0)
    assert not RevealedCycle(d, (0,)).verify()
    assert not RevealedCycle(d, (0, 0)).verify()
    ok = BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]])
    assert not RevealedCycle(ok, (0, 1)).verify()
    assert check_garp(ok).coherent


def test_ties_are_exact():
    # x1 on the budget line of observation 0: a tie, not a strict preference
    d = BudgetData([[1, 1], [1, 1]], [[2, 0], [0, 2]])
    assert check_garp(d).coherent
    assert not check_sarp(d).coherent and not check_warp(d).coherent
    assert check_wgarp(d).coherent
    # 0.1 + 0.2 style rounding: exact decision, not float
    p = [[0.1, 0.2], [1.0, 1.0]]
    x = [[1.0, 1.0], [3.0, 0.0]]
    R0, _ = direct_relations(BudgetData(p, x))
    E = _brute.exact_E(BudgetData(p, x))
    assert bool(R0[0, 1]) == (E[0][0] >= E[0][1])


def test_efficiency_validation():
    d = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])
    for bad in (-0.1, 1.5, "x", True):
        with pytest.raises(InputError):
            check_garp(d, bad)
    assert check_garp(d, Fraction(4, 5)).coherent
    assert check(d, 0.8).coherent


def test_large_rationalizable_afriat_lp():
    rng = np.random.default_rng(5)
    T, K = 300, 4
    a = rng.dirichlet(np.ones(K))
    P = rng.uniform(0.5, 2, (T, K))
    X = a[None, :] * rng.uniform(1, 3, (T, 1)) / P
    v = check_garp(BudgetData(P, X))
    if v.coherent:
        assert v.certificate.verify()
    else:  # float demand can produce genuine tiny violations; then the cycle must verify
        assert v.certificate.verify()


def test_certification_error_is_a_runtime_error():
    assert issubclass(CertificationError, RuntimeError)


@settings(max_examples=40)
@given(st.one_of(float_budgets(max_t=9), budget_data(max_observations=9, goods=2)),
       st.integers(1, 4))
def test_blockwise_relations_match(d, tile):
    from coherence.budgets._kernel import _relations_early_exit

    rel = _relations_early_exit(d, Fraction(1), tile=tile)
    R0, P0 = direct_relations(d)
    if rel is None:
        assert not garp_holds(d)
    else:
        assert (rel[0] == R0).all() and (rel[1] == P0).all()
