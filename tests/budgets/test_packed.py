"""The bit-packed GARP kernel against the dense one and brute force, on tie-heavy data."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import BudgetData, CertificationError, check, garp_holds
from coherence.budgets import _packed, afriat_certificate, direct_relations
from coherence.budgets._axioms import _garp_certificate
from coherence.graphs import strongly_connected_components
from coherence.strategies import budget_data
from tests.budgets import _brute


@st.composite
def tied_budgets(draw, max_t: int = 30) -> BudgetData:
    """Small integer prices and bundles from few price vectors: many exact ties, cycles of
    ties, violations through ties, and rational data with components of several bundles."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    T = draw(st.integers(1, max_t))
    K = draw(st.integers(1, 3))
    base = rng.integers(1, 4, (draw(st.integers(1, 3)), K))
    P = base[rng.integers(0, base.shape[0], T)]
    X = rng.integers(0, 4, (T, K))
    X[:, 0] += 1
    return BudgetData(P, X)


@st.composite
def demands(draw, max_t: int = 40) -> BudgetData:
    """Cobb–Douglas demands (GARP holds, no ties), the data the packed kernel is for."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    T, K = draw(st.integers(1, max_t)), draw(st.integers(1, 4))
    P = rng.uniform(0.5, 2, (T, K))
    return BudgetData(P, rng.dirichlet(np.ones(K))[None, :] * rng.uniform(1, 3, (T, 1)) / P)


any_budgets = st.one_of(tied_budgets(), demands(), budget_data(max_observations=8, goods=2))
efficiencies = st.sampled_from([Fraction(1), Fraction(9, 10), Fraction(3, 4)])


@pytest.fixture
def packed_always(monkeypatch):
    monkeypatch.setattr(_packed, "PACKED_FROM", 0)


@settings(max_examples=120, deadline=None)
@given(any_budgets, efficiencies, st.sampled_from([8, 16, 1024]))
def test_packed_relations_are_the_dense_ones(d, e, tile):
    rel = _packed.packed_relations(d, e, tile=tile)
    if rel is None:  # a certain strict two-cycle
        assert not _brute.garp(d, e)
        return
    R0, P0 = direct_relations(d, e)
    R, P = rel.dense(np.arange(d.T))
    assert (R == R0).all() and (P == P0).all()
    assert (rel.out_degree() == R0.sum(axis=1)).all()
    assert (rel.in_degree() == R0.sum(axis=0)).all()
    assert (_packed.garp_order(rel) is not None) == _brute.garp(d, e)


@settings(max_examples=120, deadline=None)
@given(any_budgets, efficiencies)
def test_packed_check_agrees_with_dense(d, e):
    dense = _garp_certificate(d, e)
    old = _packed.PACKED_FROM
    _packed.PACKED_FROM = 0
    try:
        packed = _garp_certificate(d, e)
        holds = garp_holds(d, e)
    finally:
        _packed.PACKED_FROM = old
    assert packed.kind == dense.kind and holds == (dense.kind == "afriat_utility")
    assert packed.verify()
    if packed.kind == "afriat_utility":
        k, _ = strongly_connected_components(direct_relations(d, e)[0])
        if k == d.T:  # without cycles of ties the order, hence the numbers, are the dense ones
            assert packed.levels == dense.levels and packed.multipliers == dense.multipliers
    else:  # both shortest
        assert len(packed.cycle) == len(dense.cycle)


@settings(max_examples=60, deadline=None)
@given(tied_budgets())
def test_violating_core_holds_every_cycle(d):
    rel = _packed.packed_relations(d, Fraction(1))
    if rel is None:
        return
    R0, _ = direct_relations(d)
    k, lab = strongly_connected_components(R0)
    on_cycles = np.flatnonzero(np.bincount(lab, minlength=k)[lab] > 1)
    assert set(on_cycles.tolist()) <= set(_packed.violating_core(rel).tolist())


# a violation with no certain two-cycle: 0 → 2 is a tie, 2 → 0 strict
_TIED = BudgetData([[2, 2], [1, 2], [2, 1], [1, 2], [3, 3], [1, 1]],
                   [[1, 1], [1, 0], [2, 0], [1, 0], [2, 1], [1, 1]])


def test_violation_through_a_tie_is_found_on_the_core(packed_always):
    assert _packed.packed_relations(_TIED, Fraction(1)) is not None  # no early exit
    v = check(_TIED)
    assert not v.coherent and v.certificate.verify()
    assert sorted(v.certificate.cycle) == [0, 2]


def test_a_core_beyond_the_limit_is_a_certification_error(packed_always, monkeypatch):
    monkeypatch.setattr(_packed, "CORE_MAX", 2)
    with pytest.raises(CertificationError, match="garp_holds"):
        check(_TIED)
    assert garp_holds(_TIED) is False


def test_afriat_certificate_takes_the_packed_path(packed_always):
    d = BudgetData([[1, 2], [2, 1], [1, 1]], [[2, 1], [1, 2], [1, 1]])
    u = afriat_certificate(d)
    assert u.verify()
    with pytest.raises(Exception, match="violate GARP"):
        afriat_certificate(_TIED)


def test_tiles_start_on_bytes():
    with pytest.raises(ValueError, match="multiple of 8"):
        _packed.packed_relations(_TIED, Fraction(1), tile=12)


def test_the_default_check_is_packed_at_scale():
    """Above the threshold ``check`` uses the packed kernel (a few thousand observations run
    in well under a second and verify)."""
    rng = np.random.default_rng(3)
    T = _packed.PACKED_FROM
    P = rng.uniform(0.5, 2, (T, 3))
    d = BudgetData(P, np.array([0.2, 0.3, 0.5]) * rng.uniform(1, 3, (T, 1)) / P)
    v = check(d)
    assert v.coherent and v.certificate.verify()


def test_a_strict_edge_inside_a_cycle_of_ties(packed_always):
    # 0 → 1 → 2 → 0 are ties (each spends exactly its budget on the next bundle); 0 → 2 strict
    d = BudgetData([[1, 1], [1, 2], [3, 2]], [[2, 2], [4, 0], [3, 0.5]])
    rel = _packed.packed_relations(d, Fraction(1))
    assert rel is not None and len(rel.ties) == 3
    assert _packed.garp_order(rel) is None
    v = check(d)
    assert not v.coherent and v.certificate.verify() and len(v.certificate.cycle) == 2


@settings(max_examples=80, deadline=None)
@given(tied_budgets(), efficiencies)
def test_gap_signs_are_the_exact_ones(d, e):
    from coherence.budgets._kernel import _ExactCosts, gap_signs

    T = d.T
    pairs = np.array([(i, j) for i in range(T) for j in range(T) if i != j],
                     dtype=np.int64).reshape(-1, 2)
    ex = _ExactCosts(d)
    want = [(g > 0) - (g < 0) for g in (e * ex.own(i) - ex.cost(i, j) for i, j in pairs.tolist())]
    assert gap_signs(d, e, pairs).tolist() == want


@pytest.mark.parametrize("e", [1, Fraction(9, 10)])
def test_repeated_bundles_need_no_fraction_per_pair(e):
    """1,500 observations of one bundle at different prices: every pair is a tie (e = 1) or
    a strict loss; both the relation and the Afriat check decide repeats without Fractions
    (this took minutes when each pair was settled in Fractions)."""
    rng = np.random.default_rng(0)
    d = BudgetData(rng.uniform(0.5, 2, (1500, 3)), np.ones((1500, 3)))
    v = check(d, efficiency=e)
    assert v.coherent and v.certificate.verify()
