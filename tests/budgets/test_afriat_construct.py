"""Afriat numbers by construction: every GARP data set gets verified numbers, never an error."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coherence import (
    BudgetData,
    InputError,
    check,
    check_garp,
    check_harp,
    check_sarp,
    garp_holds,
)
from coherence.budgets import (
    AfriatUtility,
    afriat_certificate,
    direct_relations,
    efficiency_fraction,
)
from coherence.strategies import budget_data
from coherence.verdict import from_json
from tests.budgets import _brute


@st.composite
def one_decimal(draw: st.DrawFn, max_t: int = 6, k: int = 2) -> BudgetData:
    """Prices in 0.1..1.0 and quantities in 0.0..1.0 on a one-decimal grid (ties galore)."""
    T = draw(st.integers(1, max_t))
    cells = st.integers(1, 10).map(lambda v: v / 10)
    P = np.array(draw(st.lists(cells, min_size=T * k, max_size=T * k))).reshape(T, k)
    X = np.array(draw(st.lists(st.integers(0, 10).map(lambda v: v / 10), min_size=T * k,
                               max_size=T * k))).reshape(T, k)
    X[~(X > 0).any(axis=1), 0] = 0.1
    return BudgetData(P, X)


efficiencies = st.sampled_from([Fraction(1), Fraction(19, 20), Fraction(4, 5), 0.9,
                                Fraction(1, 2), Fraction(0)])


def _assert_afriat(d: BudgetData, e: object = 1) -> AfriatUtility:
    v = check_garp(d, e)
    assert v.coherent and v.verify()
    u = v.certificate
    assert isinstance(u, AfriatUtility) and u.verify()
    assert all(m > 0 for m in u.multipliers)
    for t in range(d.T):  # u(x_t) = U_t at e = 1 (the levels are the utility of the choices)
        value = u.exact(d.quantities[t].tolist())
        assert value == u.levels[t] if u.efficiency == 1 else value >= u.levels[t]
    return u


@settings(max_examples=150)
@given(st.one_of(budget_data(max_observations=12, goods=2, rationalizable=True),
                 budget_data(max_observations=12, goods=4, rationalizable=True)))
def test_rationalizable_data_get_verified_numbers(d):
    v = check(d)
    assert v.coherent and v.certificate.kind == "afriat_utility"
    _assert_afriat(d)


@settings(max_examples=300)
@given(st.one_of(one_decimal(), one_decimal(max_t=5, k=3)), efficiencies)
def test_one_decimal_data_satisfying_garp_never_raise(d, e):
    assume(garp_holds(d, e))
    assert garp_holds(d, e) == _brute.garp(d, efficiency_fraction(e))
    _assert_afriat(d, e)


@settings(max_examples=150)
@given(st.one_of(one_decimal(), budget_data(max_observations=8, goods=3)), efficiencies)
def test_verdict_matches_garp_holds(d, e):
    v = check_garp(d, e)
    assert v.coherent == garp_holds(d, e)
    assert v.verify()


@settings(max_examples=100)
@given(st.one_of(one_decimal(max_t=5), budget_data(max_observations=8, goods=3)),
       efficiencies)
def test_sarp_numbers_are_strict(d, e):
    v = check_sarp(d, e)
    assert v.verify()
    if v.coherent:
        u = v.certificate
        assert isinstance(u, AfriatUtility) and u.strict
        U, lam = u.levels, u.multipliers
        costs = [[d.exact_cost(i, j) for j in range(d.T)] for i in range(d.T)]
        for i in range(d.T):
            for j in range(d.T):
                if i != j and not d.same_bundle(i, j):
                    assert U[j] < U[i] + lam[i] * (costs[i][j] - u.efficiency * costs[i][i])


@settings(max_examples=80)
@given(st.one_of(one_decimal(), budget_data(max_observations=8, goods=3, rationalizable=True)),
       efficiencies)
def test_the_exact_construction_agrees(d, e):
    from coherence.budgets._construct import afriat_numbers

    e = efficiency_fraction(e)
    assume(garp_holds(d, e))
    R0, _ = direct_relations(d, e)
    for exact in (False, True):
        U, lam = afriat_numbers(d, e, R0, exact=exact)
        assert AfriatUtility(d, tuple(U), tuple(lam), e).verify()


REGRESSIONS = [  # valid data on which the former LP found "no positive margin"
    BudgetData([[1.0, 0.8], [0.3, 0.3]], [[0.4, 0.1], [0.2, 0.3]], numbers="binary"),
]


def test_one_decimal_regression_reads_as_typed():
    # read as typed, p_1·x_1 = p_1·x_0 = 0.15 exactly: x_0 is strictly revealed preferred to
    # x_1 and x_1 weakly to x_0, a GARP violation the binary values hide
    import coherence

    d = BudgetData([[1.0, 0.8], [0.3, 0.3]], [[0.4, 0.1], [0.2, 0.3]])
    assert d.exact_cost(1, 1) == d.exact_cost(1, 0) == Fraction(3, 20)
    assert not garp_holds(d)
    v = coherence.check(d)
    assert v.status == "exploitable" and v.certificate.verify()


@pytest.mark.parametrize("d", REGRESSIONS)
def test_regressions(d):
    assert garp_holds(d)
    u = _assert_afriat(d)
    back = from_json(u.to_json())
    assert back.verify() and back.to_json() == u.to_json()


def test_harp_regression():
    d = BudgetData([[0.3, 0.7], [0.4, 0.4]], [[0.3, 0.3], [0.1, 0.5]])
    v = check_harp(d)
    assert v.coherent == _brute.harp(d) and v.verify()


def test_efficiency_rescues_a_violation():
    d = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])  # each could buy the other for less
    assert not check_garp(d).coherent
    for e in (0.8, Fraction(4, 5), 0.5, 0):
        u = _assert_afriat(d, e)
        assert u.efficiency == efficiency_fraction(e)
    with pytest.raises(InputError):
        afriat_certificate(d)


def test_ties_and_repeated_bundles():
    # a weak cycle (all ties) is one component; repeated bundles at e < 1 are not
    d = BudgetData([[1, 1], [1, 1], [1, 2]], [[2, 0], [0, 2], [2, 0]])
    for e in (1, Fraction(9, 10)):
        _assert_afriat(d, e)
    assert not check_sarp(d).coherent


def test_tampered_numbers_fail():
    d = BudgetData([[1, 2], [2, 1], [1, 1]], [[2, 1], [1, 2], [1, 1]])
    u = _assert_afriat(d)
    i = max(range(d.T), key=lambda t: u.levels[t])
    worse = list(u.levels)
    worse[min(range(d.T), key=lambda t: u.levels[t])] = u.levels[i] + 1
    assert not AfriatUtility(d, tuple(worse), u.multipliers).verify()


def test_cobb_douglas_at_scale():
    rng = np.random.default_rng(11)
    T, K = 400, 4
    a = rng.dirichlet(np.ones(K))
    P = rng.uniform(0.5, 2, (T, K))
    X = a[None, :] * rng.uniform(1, 3, (T, 1)) / P
    d = BudgetData(P, X)
    v = check(d)
    assert v.coherent == garp_holds(d) and v.verify()


def test_the_exact_construction_refuses_sizes_it_cannot_finish(monkeypatch):
    from coherence import CertificationError
    from coherence.budgets import _construct
    from coherence.budgets._construct import afriat_numbers

    d = BudgetData([[1, 2], [2, 1], [1, 1]], [[2, 1], [1, 2], [1, 1]])
    R0, _ = direct_relations(d)
    assert afriat_numbers(d, Fraction(1), R0, exact=True)  # within the limit
    monkeypatch.setattr(_construct, "EXACT_CONSTRUCTION_MAX", 2)
    with pytest.raises(CertificationError, match="garp_holds"):
        afriat_numbers(d, Fraction(1), R0, exact=True)
