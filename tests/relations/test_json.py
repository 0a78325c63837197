"""Relation certificates travel through JSON and still verify when read back."""

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings

from coherence import InputError, PreferenceRelation, Verdict, WillingnessToPay, check
from coherence.relations import (
    AxiomHolds,
    AxiomViolation,
    CardinalPump,
    MoneyPump,
    UtilityPotential,
    WeakUtility,
    check_acyclic,
    check_complete,
    check_negatively_transitive,
    check_reflexive,
    check_transitive,
)
from coherence.strategies import preference_relations, willingness_to_pay
from coherence.verdict import Certificate, from_json

AXIOM_CHECKS = (
    check_reflexive,
    check_complete,
    check_transitive,
    check_negatively_transitive,
    check_acyclic,
)


def round_trip(cert: Certificate) -> Certificate:
    """Read ``cert`` back from its JSON text; it must verify and print the same JSON."""
    doc = cert.to_json()
    back = from_json(json.loads(json.dumps(doc)))
    assert type(back) is type(cert)
    assert back.verify()
    assert back.to_json() == doc
    assert from_json(doc).to_json() == doc  # straight from the dict as well
    return back


@settings(max_examples=200)
@given(preference_relations(max_items=6))
def test_pumps_and_utilities_round_trip(rel):
    v = check(rel)
    back = round_trip(v.certificate)
    assert isinstance(back, MoneyPump if not v.coherent else WeakUtility)
    assert Verdict.from_json(json.loads(v.dumps())).to_json() == v.to_json()


@given(preference_relations(max_items=5))
def test_axiom_certificates_round_trip(rel):
    for fn in AXIOM_CHECKS:
        v = fn(rel)
        back = round_trip(v.certificate)
        assert isinstance(back, AxiomHolds if v.coherent else AxiomViolation)
        assert back.axiom == v.certificate.axiom


@settings(max_examples=200)
@given(willingness_to_pay(max_items=5))
def test_cardinal_certificates_round_trip(wtp):
    v = check(wtp)
    back = round_trip(v.certificate)
    assert isinstance(back, UtilityPotential if v.coherent else CardinalPump)
    if not v.coherent:
        assert back.total == v.certificate.total and back.mean == v.certificate.mean


def test_binary_fractions_survive_exactly():
    W = np.full((3, 3), -np.inf)
    W[0, 1], W[1, 2], W[2, 0] = 0.1, 0.2, -0.3  # a pump by 2**-55 in binary
    pump = round_trip(check(WillingnessToPay.from_matrix(W, numbers="binary")).certificate)
    assert pump.total == Fraction(0.1) + Fraction(0.2) + Fraction(-0.3) > 0
    W[2, 0] = -0.5
    pot = round_trip(check(WillingnessToPay.from_matrix(W, numbers="binary")).certificate)
    assert isinstance(pot, UtilityPotential)


def test_tuple_labels_come_back_as_tuples():
    rel = PreferenceRelation.from_pairs([(("a", 1), ("b", 2)), (("b", 2), ("a", 1))])
    back = round_trip(check(rel).certificate)
    assert back.relation == rel
    pump = round_trip(check(PreferenceRelation.from_pairs(
        [((0, 0), (0, 1)), ((0, 1), (1, 1)), ((1, 1), (0, 0))])).certificate)
    assert set(pump.labels) == {(0, 0), (0, 1), (1, 1)}


def test_the_relation_and_matrix_round_trip():
    rel = PreferenceRelation.from_pairs([("a", "b"), ("b", "c")], items=list("abcd"))
    assert PreferenceRelation.from_json(json.loads(json.dumps(rel.to_json()))) == rel
    wtp = WillingnessToPay.from_matrix([[0, 0.75, -np.inf], [-1, 0, 2], [3, -4.5, 0]])
    back = WillingnessToPay.from_json(json.loads(json.dumps(wtp.to_json())))
    assert back.items == wtp.items and np.array_equal(back.matrix, wtp.matrix)


def tampered(cert: Certificate, edit) -> dict:
    doc = json.loads(json.dumps(cert.to_json()))
    edit(doc)
    return doc


def test_tampered_coherence_certificates_read_back_but_fail_verification():
    util = check(PreferenceRelation.from_utility({"a": 2, "b": 1, "c": 0})).certificate

    def flatten(doc):
        doc["utility"]["a"] = doc["utility"]["b"]

    assert not from_json(tampered(util, flatten)).verify()
    pot = check(WillingnessToPay.from_matrix([[0, 1], [-2, 0]])).certificate

    def lower(doc):
        doc["utility"]["1"] = doc["utility"]["0"]
        doc["utility_exact"]["1"] = doc["utility_exact"]["0"]

    assert not from_json(tampered(pot, lower)).verify()
    holds = check_transitive(PreferenceRelation.from_utility({"a": 1, "b": 0})).certificate

    def intransitive(doc):
        doc["relation"] = {"items": [0, 1, 2], "weak": ["110", "011", "001"]}

    assert not from_json(tampered(holds, intransitive)).verify()


def test_a_pump_without_a_strict_trade_does_not_verify():
    pump = check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])).certificate

    def all_free(doc):
        for t in doc["trades"]:
            t["strict"], t["fee"] = False, "0"

    try:
        back = from_json(tampered(pump, all_free))
    except InputError:  # refused: its extraction no longer follows from its trades
        return
    assert isinstance(back, MoneyPump) and not back.verify()


def _flip_first_strict(doc):
    doc["trades"][0]["strict"] = not doc["trades"][0]["strict"]


def _reverse_cycle(doc):
    doc["cycle"] = doc["cycle"][::-1]


def _drop_trade(doc):
    doc["trades"].pop()


def _non_binary_fee(doc):
    doc["trades"][0]["fee"] = "1/3"


def _unknown_axiom(doc):
    doc["axiom"] = "symmetry"


def _bad_row(doc):
    doc["relation"]["weak"][0] = "1x1"


def _drop_relation(doc):
    del doc["relation"]


def _utility_as_float(doc):
    doc["utility"]["a"] = 1.0


@pytest.mark.parametrize(
    "build, edit",
    [
        (lambda: check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])),
         _flip_first_strict),
        (lambda: check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])),
         _reverse_cycle),
        (lambda: check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])),
         _drop_trade),
        (lambda: check(WillingnessToPay.from_matrix([[0, 2], [-1, 0]])), _non_binary_fee),
        (lambda: check(WillingnessToPay.from_matrix([[0, 2], [-1, 0]])), _reverse_cycle),
        (lambda: check_transitive(PreferenceRelation.from_utility({"a": 1})), _unknown_axiom),
        (lambda: check_transitive(PreferenceRelation.from_pairs([("a", "b"), ("b", "c")])),
         _bad_row),
        (lambda: check(PreferenceRelation.from_utility({"a": 1, "b": 0})), _drop_relation),
        (lambda: check(PreferenceRelation.from_utility({"a": 1, "b": 0})), _utility_as_float),
    ],
)
def test_inconsistent_documents_are_input_errors(build, edit):
    with pytest.raises(InputError):
        from_json(tampered(build().certificate, edit))


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {"items": ["a"]},
        {"items": ["a", "b"], "weak": ["11"]},
        {"items": ["a", "a"], "weak": ["11", "11"]},
        {"items": "ab", "weak": ["11", "11"]},
    ],
)
def test_malformed_relation_documents(doc):
    with pytest.raises(InputError):
        PreferenceRelation.from_json(doc)


@pytest.mark.parametrize(
    "doc",
    [
        {"items": [0, 1], "matrix": [[None, "1/0"], [None, None]]},
        {"items": [0, 1], "matrix": [[None, "inf"], [None, None]]},
        {"items": [0, 1], "matrix": [[None, True], [None, None]]},
        {"items": [0, 1], "matrix": [[None, None]]},
    ],
)
def test_malformed_matrix_documents(doc):
    with pytest.raises(InputError):
        WillingnessToPay.from_json(doc)
