"""Money pumps ⇄ weak utilities: the duality as properties."""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import coherence
from coherence import MoneyPump, PreferenceRelation, WeakUtility, check
from coherence.strategies import (
    linear_orders,
    preference_relations,
    strict_partial_orders,
    tournaments,
    weak_orders,
)


def brute_shortest_pump(rel: PreferenceRelation) -> int | None:
    """Length of the shortest accepted-trade cycle with a strict trade, by enumeration."""
    G = nx.DiGraph()
    G.add_nodes_from(range(rel.n))
    R, P = rel.weak, rel.strict
    for x, y in itertools.permutations(range(rel.n), 2):
        if R[x, y]:
            G.add_edge(y, x)  # holding y, accepts x
    best = None
    for cyc in nx.simple_cycles(G):
        if any(P[cyc[(t + 1) % len(cyc)], cyc[t]] for t in range(len(cyc))):
            best = len(cyc) if best is None else min(best, len(cyc))
    return best


@settings(max_examples=1000)
@given(preference_relations(max_items=6))
def test_certificate_always_verifies_and_pump_is_shortest(rel):
    v = check(rel)
    assert v.verify()
    shortest = brute_shortest_pump(rel)
    assert v.coherent == (shortest is None)
    if not v.coherent:
        assert isinstance(v.certificate, MoneyPump)
        assert len(v.certificate.cycle) == shortest
        assert v.certificate.extracted > 0
    else:
        assert isinstance(v.certificate, WeakUtility)


@given(st.one_of(weak_orders(max_items=12), linear_orders(max_items=12),
                 preference_relations(max_items=10, complete=True, transitive=True)))
def test_complete_transitive_relations_are_coherent(rel):
    v = check(rel)
    assert v.coherent and v.verify()


@given(strict_partial_orders(max_items=10))
def test_partial_orders_are_incomplete_but_unexploitable(rel):
    assert check(rel).coherent


@given(preference_relations(min_items=3, max_items=8, acyclic=False))
def test_strict_cycles_are_pumpable(rel):
    v = check(rel)
    assert not v.coherent and v.verify()


@given(tournaments(max_items=9))
def test_tournament_pumps_are_triangles(rel):
    # a tournament with a cycle has a 3-cycle (Moon 1968)
    v = check(rel)
    if not v.coherent:
        assert len(v.certificate.cycle) == 3


@settings(max_examples=300)
@given(preference_relations(max_items=7))
def test_utility_certificate_rules_out_pumps_on_random_cycles(rel):
    v = check(rel)
    if v.coherent:
        u = v.certificate.utility
        for x, y in rel.pairs():
            assert u[x] >= u[y]
        for x, y in rel.pairs(strict_only=True):
            assert u[x] > u[y]


def test_tampered_certificates_fail_verification():
    rel = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])
    pump = check(rel).certificate
    assert pump.verify()
    assert MoneyPump(rel, (0, 2, 1)).verify()
    assert not MoneyPump(rel, (0, 1, 2)).verify()  # trades the agent refuses
    assert not MoneyPump(rel, (0,)).verify()
    good = PreferenceRelation.from_utility({"a": 2, "b": 1})
    assert not WeakUtility(good, (1, 1)).verify()  # a ≻ b needs u(a) > u(b)
    assert not WeakUtility(good, (2,)).verify()


def test_indifference_cycles_are_not_pumps():
    rel = PreferenceRelation.from_pairs([("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")])
    v = check(rel)
    assert v.coherent
    assert len(set(v.certificate.values)) == 1


def test_explanation_tells_a_story():
    rel = PreferenceRelation.from_pairs([("B", "A"), ("C", "B"), ("A", "C")])
    with pytest.raises(coherence.CoherenceAssertionError) as info:
        coherence.assert_coherent(rel)
    msg = str(info.value)
    assert "holding 'A', the agent pays ε to trade for 'B'" in msg
    assert info.value.verdict.certificate.verify()
    assert isinstance(info.value, AssertionError)


def test_assert_exploitable_and_coherent_return_verdicts():
    assert coherence.assert_coherent(PreferenceRelation.from_utility({"a": 1})).coherent
    rel = PreferenceRelation.from_pairs([("B", "A"), ("C", "B"), ("A", "C")])
    assert not coherence.assert_exploitable(rel).coherent
    with pytest.raises(AssertionError):
        coherence.assert_exploitable(PreferenceRelation.from_utility({"a": 1}))


def test_json_schema():
    rel = PreferenceRelation.from_pairs([("B", "A"), ("C", "B"), ("A", "C")])
    doc = check(rel).to_json()
    assert doc["coherent"] is False
    c = doc["certificate"]
    assert c["kind"] == "money_pump"
    assert len(c["cycle"]) == 3 == len(c["trades"])
    for t, (h, o) in zip(c["trades"], zip(c["cycle"], c["cycle"][1:] + c["cycle"][:1])):
        assert (t["holding"], t["offered"]) == (h, o)
    doc = check(PreferenceRelation.from_utility({"a": 1, "b": 0})).to_json()
    assert doc["certificate"] == {
        "kind": "utility",
        "utility": {"a": 1, "b": 0},
        "relation": {"items": ["a", "b"], "weak": ["11", "01"]},
    }


def test_large_dense_relation_is_fast_enough_and_correct():
    rng = np.random.default_rng(0)
    n = 400
    u = rng.permutation(n)
    R = u[:, None] >= u[None, :]
    rel = PreferenceRelation.from_matrix(R)
    v = check(rel)
    assert v.coherent and v.verify()
    R2 = R.copy()
    i, j = int(np.argmin(u)), int(np.argmax(u))
    R2[i, j] = True
    R2[j, i] = False  # worst item now strictly beats the best
    v = check(PreferenceRelation.from_matrix(R2))
    assert not v.coherent and v.verify() and len(v.certificate.cycle) == 3


def test_check_rejects_unknown_objects():
    with pytest.raises(coherence.InputError):
        check(object())
