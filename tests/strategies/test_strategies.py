"""Relation strategies: requested properties hold, impossible ones are refused, shrinking is
minimal."""

import itertools

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import coherence
from coherence import PreferenceRelation, check
from coherence.strategies import (
    linear_orders,
    preference_relations,
    strict_partial_orders,
    tournaments,
    weak_orders,
    willingness_to_pay,
)


def props(rel):
    return (
        coherence.check_complete(rel).coherent,
        coherence.check_transitive(rel).coherent,
        coherence.check_acyclic(rel).coherent,
    )


COMBOS = [
    c
    for c in itertools.product([None, True, False], repeat=3)
    if not (c[1] is True and c[2] is False)
]


@pytest.mark.parametrize("complete,transitive,acyclic", COMBOS)
def test_requested_properties_hold(complete, transitive, acyclic):
    @settings(max_examples=25)
    @given(preference_relations(max_items=6, complete=complete, transitive=transitive,
                                acyclic=acyclic))
    def inner(rel):
        got = props(rel)
        for want, have in zip((complete, transitive, acyclic), got):
            if want is not None:
                assert want == have
        assert rel.weak.diagonal().all()

    inner()


@pytest.mark.parametrize(
    "strategy",
    [
        preference_relations(transitive=True, acyclic=False),
        preference_relations(max_items=2, acyclic=False),
        preference_relations(max_items=2, transitive=False),
        preference_relations(max_items=1, complete=False),
        preference_relations(min_items=0),
        preference_relations(min_items=3, max_items=2),
        linear_orders(min_items=0),
        willingness_to_pay(min_items=1),
        willingness_to_pay(max_value=0),
    ],
)
def test_impossible_settings_are_refused(strategy):
    with pytest.raises(InvalidArgument):
        find(strategy, lambda _: True)


def test_pump_shrinks_to_three_items():
    rel = find(preference_relations(), lambda r: not check(r).coherent)
    assert rel.n == 3
    assert len(check(rel).certificate.cycle) == 3


def test_intransitivity_shrinks_to_three_items():
    rel = find(preference_relations(), lambda r: not coherence.check_transitive(r).coherent)
    assert rel.n == 3


@pytest.mark.slow
def test_cardinal_pump_shrinks_to_at_most_three_items():
    # the certificate is the cycle of greatest mean gain (the exact exploitability), which on
    # the shrunk example may be a triangle rather than the shortest pump
    w = find(willingness_to_pay(), lambda w: not check(w).coherent)
    assert w.n <= 3
    v = check(w)
    assert 2 <= len(v.certificate.cycle) <= w.n and v.certificate.verify()
    assert v.quantities["exploitability_is_max"] is True


@given(linear_orders(max_items=8))
def test_linear_orders(rel):
    assert props(rel) == (True, True, True)
    assert not rel.indifferent.any()


@given(weak_orders(max_items=8))
def test_weak_orders(rel):
    assert props(rel)[:2] == (True, True)


@given(strict_partial_orders(max_items=8))
def test_strict_partial_orders(rel):
    assert coherence.check_transitive(rel).coherent
    assert not rel.indifferent.any()


@given(tournaments(max_items=8))
def test_tournaments(rel):
    assert coherence.check_complete(rel).coherent
    assert not rel.indifferent.any()


@given(st.from_type(PreferenceRelation), st.from_type(coherence.WillingnessToPay))
def test_from_type_resolvers_are_registered(rel, wtp):
    assert isinstance(rel, PreferenceRelation)
    assert isinstance(wtp, coherence.WillingnessToPay)
