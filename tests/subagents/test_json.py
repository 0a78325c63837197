"""Committees, their certificates, realizers and path-dependence results survive JSON."""

import json
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import coherence
from coherence.errors import InputError
from coherence.relations import PreferenceRelation
from coherence.strategies.committee import committees
from coherence.subagents import (
    Committee,
    CommitteePump,
    Decomposition,
    Dictator,
    ExpectedUtilityMember,
    Lexicographic,
    Majority,
    Market,
    MultiUtility,
    PathDependence,
    UtilityMember,
    WeightedSum,
    decompose,
    path_dependence,
)
from coherence.subagents.rules import Unanimity, rule_from_json
from coherence.verdict import Verdict, from_json
from tests._tampering import refused_or_unverified

CONDORCET = [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]


def _round_trip(cert):
    doc = json.loads(json.dumps(cert.to_json()))
    back = from_json(doc)
    assert type(back) is type(cert)
    assert back.verify()
    assert back.to_json() == cert.to_json()
    return back


@pytest.mark.parametrize(
    "rule",
    [
        Unanimity(),
        Majority(),
        Majority(Fraction(2, 3)),
        WeightedSum((1, Fraction(1, 2), 3)),
        WeightedSum(),
        Dictator(2),
        Lexicographic((2, 0, 1)),
        Market(),
        Market(transfers=True),
    ],
)
def test_rules_round_trip(rule):
    assert rule_from_json(json.loads(json.dumps(rule.to_json()))) == rule


def test_unknown_rule_is_an_input_error():
    with pytest.raises(InputError, match="unknown decision rule"):
        rule_from_json({"rule": "sortition"})


def test_committee_pump_round_trip_keeps_votes_counts_and_names():
    members = [UtilityMember({"a": 3, "b": 2, "c": 1}, name="ann"),
               UtilityMember({"a": 1, "b": Fraction(5, 2), "c": 2}, name="bob"),
               UtilityMember({"a": 2, "b": 1, "c": 3})]
    c = Committee.of(members, Majority(), counts=[2, 2, 2])
    pump = coherence.check(c).certificate
    assert isinstance(pump, CommitteePump)
    back = _round_trip(pump)
    assert back.trades() == pump.trades()
    assert [m.name for m in back.committee.members] == ["ann", "bob", None]
    assert back.committee.counts.tolist() == [2, 2, 2]


def test_committee_pump_round_trip_with_partial_ballots_and_tuple_labels():
    x, y, z = (0, "x"), (1, "y"), (2, "z")
    members = [UtilityMember({x: 3, y: 2, z: 1}), UtilityMember({x: 1, y: 3, z: 2}),
               UtilityMember({x: 2, y: 1, z: 3}), UtilityMember({x: 1})]
    c = Committee.of(members, Majority(), items=[x, y, z])
    pump = coherence.check(c).certificate
    assert isinstance(pump, CommitteePump)
    back = _round_trip(pump)
    assert back.committee.items == c.items
    assert back.committee.ranked.tolist() == c.ranked.tolist()


def test_multi_utility_round_trip_over_acts():
    acts = [("win", "lose"), ("lose", "win"), ("lose", "lose")]
    members = [ExpectedUtilityMember((1, 2), {"win": 1, "lose": 0}),
               ExpectedUtilityMember((2, 1), {"win": 1, "lose": 0})]
    v = coherence.check(Committee.of(members, items=acts))
    assert isinstance(v.certificate, MultiUtility)
    back = _round_trip(v.certificate)
    assert back.committee.items == tuple(acts)
    assert back.utilities == v.certificate.utilities
    assert Verdict.from_json(json.loads(v.dumps())).verify()


def test_committee_read_below_round_trips():
    c = Committee.from_rankings([*CONDORCET, ["a"]], items="abc", unranked="below")
    v = coherence.check(c)
    back = _round_trip(v.certificate)
    assert back.committee.unranked == "below"


@settings(max_examples=40, deadline=None)
@given(committees(max_members=4, max_items=4, rule=st.sampled_from([Majority(), Unanimity()]),
                  kind="weak", counts=True))
def test_every_committee_certificate_round_trips(c):
    cert = coherence.check(c).certificate
    assume(isinstance(cert, CommitteePump | MultiUtility))
    _round_trip(cert)


def test_a_tampered_pump_does_not_verify():
    doc = coherence.check(Committee.from_rankings(CONDORCET, Majority())).certificate.to_json()
    doc["committee"]["rule"] = {"rule": "unanimity"}
    assert refused_or_unverified(doc)


def test_decomposition_round_trip_and_explanation():
    rel = PreferenceRelation.from_pairs(
        [("a", "b"), ("c", "d"), ("e", "f"), ("a", "f")], reflexive=True
    )
    dec = decompose(rel)
    assert isinstance(dec, Decomposition) and dec.verify()
    back = _round_trip(dec)
    assert back.orders == dec.orders and back.relation == dec.relation
    text = dec.explain()
    assert f"intersection of {dec.size} linear orders" in text and "order 0:" in text


def test_decomposition_verify_compares_with_the_input_relation():
    rel = PreferenceRelation.from_pairs([("a", "b"), ("c", "d")])
    dec = decompose(rel)
    wrong = Decomposition(PreferenceRelation.from_pairs([("a", "b")], items=list("abcd")),
                          dec.orders, dec.exact, dec.lower_bound, dec.method, dec.bound)
    assert not wrong.verify()
    with_tie = PreferenceRelation.from_pairs(
        [("a", "b"), ("c", "d"), ("a", "c"), ("c", "a")], items=list("abcd")
    )
    assert not Decomposition(with_tie, dec.orders, False, 1, "", "").verify()


def test_path_dependence_round_trip():
    rel = PreferenceRelation.from_pairs([(("b", 1), "a"), ("c", "a")])
    pd = path_dependence(rel, "a", [("b", 1), "c"])
    back = PathDependence.from_json(json.loads(json.dumps(pd.to_json())))
    assert back == pd and back.verify(rel)
    assert back.to_json() == pd.to_json()
    assert "Path dependent" in back.explain()
