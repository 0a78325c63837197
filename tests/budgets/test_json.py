"""Every budget and choice certificate travels through JSON and still verifies on its own."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence.budgets import (
    AfriatUtility,
    BudgetData,
    ChoiceAxiomHolds,
    ChoiceData,
    ChoiceViolation,
    HomotheticUtility,
    PairwiseConsistency,
    RationalisingOrder,
    RevealedCycle,
    check_choice_warp,
    check_congruence,
    check_garp,
    check_harp,
    check_sarp,
    check_sen_alpha,
    check_sen_beta,
    check_warp,
    check_wgarp,
)
from coherence.errors import InputError
from coherence.strategies import budget_data, choice_data
from coherence.verdict import Certificate, Verdict, from_json
from tests._tampering import refused_or_unverified
from tests.budgets.test_revealed import float_budgets


def round_trip(cert: Certificate) -> Certificate:
    """Through JSON text and back; the copy verifies and writes the same document."""
    doc = cert.to_json()
    back = from_json(json.loads(json.dumps(doc)))
    assert type(back) is type(cert)
    assert isinstance(back, Certificate) and back.verify()
    assert back.to_json() == doc
    return back


budgets = st.one_of(budget_data(max_observations=6, goods=2),
                    budget_data(max_observations=6, goods=3), float_budgets(max_t=6))


@settings(max_examples=60)
@given(budgets, st.sampled_from([Fraction(1), Fraction(9, 10)]))
def test_budget_certificates_round_trip(d, e):
    for check in (check_garp, check_sarp, check_warp, check_wgarp, check_harp):
        v = check(d, e)
        round_trip(v.certificate)
        again = Verdict.from_json(json.loads(v.dumps()))
        assert again.coherent == v.coherent and again.verify()


def test_every_budget_kind_is_read_back():
    bad = BudgetData([[1, 2], [2, 1], [3, 3]], [[1, 2], [2, 1], [1, 1]])
    good = BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]])
    kinds = {
        RevealedCycle: check_garp(bad).certificate,
        AfriatUtility: check_garp(good).certificate,
        HomotheticUtility: check_harp(good).certificate,
        PairwiseConsistency: check_wgarp(good).certificate,
    }
    for cls, cert in kinds.items():
        assert isinstance(round_trip(cert), cls)


def test_a_cycle_carries_only_its_observations():
    # observation 1 is off the cycle 0 → 2 → 0, so its bundle does not travel
    d = BudgetData([[1, 2], [5, 5], [2, 1]], [[1, 2], [9, 9], [2, 1]])
    cert = check_garp(d).certificate
    assert isinstance(cert, RevealedCycle) and sorted(cert.cycle) == [0, 2]
    doc = cert.to_json()
    assert doc["quantities"] == [d.quantities[t].tolist() for t in cert.cycle]
    back = round_trip(cert)
    assert isinstance(back, RevealedCycle)
    assert back.cycle == cert.cycle and back.leak == cert.leak and back.mpi == cert.mpi


def test_a_tampered_document_does_not_verify():
    d = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])
    doc = check_garp(d).certificate.to_json()
    doc["quantities"] = [[2, 1], [1, 2]]  # now neither bundle was affordable at the other
    assert refused_or_unverified(doc)
    good = BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]])
    doc = check_garp(good).certificate.to_json()
    doc["levels"] = ["0", "100"]  # u(x_1) above what x_0 allows
    doc["multipliers"] = ["1", "1"]
    assert refused_or_unverified(doc)


def test_malformed_documents_are_input_errors():
    doc = check_garp(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])).certificate.to_json()
    del doc["prices"]
    with pytest.raises(InputError):
        from_json(doc)
    with pytest.raises(InputError):
        from_json({"kind": "revealed_preference_cycle", "cycle": [0, 1], "axiom": "XARP",
                   "efficiency": "1", "prices": [[1, 1]] * 2, "quantities": [[1, 1]] * 2})


@settings(max_examples=60)
@given(choice_data(max_observations=5, alternatives=4, single_valued=False))
def test_choice_certificates_round_trip(d):
    for check in (check_congruence, check_choice_warp, check_sen_alpha, check_sen_beta):
        v = check(d)
        round_trip(v.certificate)
        assert Verdict.from_json(json.loads(v.dumps())).verify()


def test_every_choice_kind_is_read_back_with_tuple_labels():
    a, b, c = ("a", 1), ("b", 2), ("c", 3)
    cyclic = ChoiceData([[a, b], [b, c], [a, c]], [a, b, c])
    order = ChoiceData([[a, b], [b, c], [a, b, c]], [a, b, a])
    nested = ChoiceData([[a, b], [a, b, c]], [b, a])
    kinds = {
        ChoiceViolation: [check_congruence(cyclic).certificate,
                          check_sen_alpha(nested).certificate],
        RationalisingOrder: [check_congruence(order).certificate],
        ChoiceAxiomHolds: [check_sen_beta(order).certificate],
    }
    for cls, certs in kinds.items():
        for cert in certs:
            back = round_trip(cert)
            assert isinstance(back, cls)
            assert back.data.items == cert.data.items  # tuples come back as tuples
    back = round_trip(check_congruence(order).certificate)
    assert isinstance(back, RationalisingOrder) and back.value(a) > back.value(b) > back.value(c)


def test_labels_that_print_alike_keep_their_levels():
    d = ChoiceData([[1, "1"], [1, "1", 2]], [1, 1])
    cert = check_congruence(d).certificate
    assert isinstance(cert, RationalisingOrder)
    back = round_trip(cert)
    assert isinstance(back, RationalisingOrder) and back.value(1) > back.value("1")
