"""Committees: members, decision rules, the vectorised relation against the exact reference."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import coherence
from coherence.errors import InputError
from coherence.strategies.committee import committees
from coherence.subagents import (
    Committee,
    CommitteePump,
    Dictator,
    ExpectedUtilityMember,
    Lexicographic,
    Majority,
    Market,
    MultiUtility,
    OrderMember,
    Unanimity,
    UtilityMember,
    WeightedSum,
)

CONDORCET = [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]


def test_condorcet_committee_is_pumped_and_votes_are_annotated():
    c = Committee.from_rankings(CONDORCET, Majority())
    v = coherence.check(c)
    assert not v.coherent and v.exit_code == 1
    pump = v.certificate
    assert isinstance(pump, CommitteePump) and pump.verify()
    trades = pump.trades()
    assert len(trades) == 3
    for t in trades:
        assert t["tally"] == {"for": 2, "against": 1, "indifferent": 0, "abstain": 0}
        assert sorted(t["votes"]) == ["against", "for", "for"]
    doc = v.to_json()["certificate"]
    assert doc["kind"] == "committee_pump" and len(doc["trades"]) == 3
    assert "2 for, 1 against" in v.explain()


def test_tied_vote_rejects_the_trade():
    # two voters who disagree: 1 for, 1 against → the status quo wins both ways
    c = Committee.from_rankings([["a", "b"], ["b", "a"]], Majority())
    assert not c.accepts("a", "b") and not c.accepts("b", "a")
    R = c.relation()
    assert R.incomparable[0, 1]
    # a 0–0 vote (everyone indifferent) is a tie too under voting rules
    c = Committee.of([OrderMember.weak([["a", "b"]])], Majority())
    assert not c.accepts("a", "b")


def test_supermajority_quota():
    ranks = [["a", "b"]] * 3 + [["b", "a"]] * 2
    c = Committee.from_rankings(ranks, Majority())
    assert c.accepts("a", "b")
    c = c.with_rule(Majority(quota=Fraction(2, 3)))
    assert not c.accepts("a", "b")  # 3/5 is not above 2/3
    with pytest.raises(InputError):
        Majority(quota=Fraction(1, 3))
    with pytest.raises(InputError):
        Majority(quota=1)


def test_unanimity_abstention_and_veto():
    c = Committee.of(
        [OrderMember.linear(["a", "b"]), OrderMember.linear(["b", "c"])],
        Unanimity(), items=["a", "b", "c"],
    )
    assert c.accepts("a", "b")  # member 1 abstains
    assert not c.accepts("a", "c")  # nobody ranks both: no trade
    vetoed = Committee.from_rankings([["a", "b"], ["b", "a"]], Unanimity())
    assert not vetoed.accepts("a", "b")


def test_partial_ballots_can_cycle_under_unanimity_when_ignored():
    """With ignore semantics each member may speak on one pair only, so even unanimity
    (nobody against) can cycle; ranking unranked items below removes the cycle."""
    members = [OrderMember.linear(p) for p in (["x", "y"], ["y", "z"], ["z", "x"])]
    c = Committee.of(members, Unanimity(), items=["x", "y", "z"])
    v = coherence.check(c)
    assert not v.coherent and v.certificate.verify()
    below = Committee.of(members, Unanimity(), items=["x", "y", "z"], unranked="below")
    v = coherence.check(below)
    assert v.coherent and isinstance(v.certificate, MultiUtility) and v.certificate.verify()


def test_rules_utility_family():
    c = Committee.from_utilities([[3, 1, 2], [1, 3, 2]], items=["a", "b", "c"])
    ws = c.with_rule(WeightedSum())
    assert ws.accepts("a", "b") and ws.accepts("b", "a")  # equal sums: indifferent
    assert ws.accepts("c", "a") and ws.accepts("a", "c")
    assert not c.with_rule(WeightedSum((2, 1))).accepts("b", "a")
    d = c.with_rule(Dictator(1))
    assert d.accepts("b", "c") and not d.accepts("a", "c")
    lex = c.with_rule(Lexicographic((1, 0)))
    assert lex.accepts("b", "a")
    mkt = c.with_rule(Market(transfers=True))
    assert not mkt.accepts("a", "b")  # zero surplus: nobody can be made strictly better off
    assert coherence.check(mkt).coherent


def test_expected_utility_members():
    acts = [("rain", "rain"), ("sun", "rain"), ("sun", "sun")]
    pessimist = ExpectedUtilityMember((3, 1), {"rain": 0, "sun": 1})
    optimist = ExpectedUtilityMember((1, 3), {"rain": 0, "sun": 1})
    assert pessimist.value(("sun", "rain")) == Fraction(3, 4)
    c = Committee.of([pessimist, optimist], Unanimity(), items=acts)
    assert c.accepts(("sun", "sun"), ("sun", "rain"))
    v = coherence.check(c)
    assert v.coherent and v.certificate.verify()
    with pytest.raises(InputError):
        Committee.of([pessimist], items=[("rain",)])
    with pytest.raises(InputError):
        Committee.of([pessimist])  # acts cannot be inferred


@pytest.mark.parametrize(
    "build",
    [
        lambda: Committee.of([]),
        lambda: Committee.of([OrderMember.linear(["a", "b"]),
                              OrderMember.linear(["a", "c"])]),
        lambda: Committee.of([OrderMember.linear(["a", "b"])], items=["a"]),
        lambda: Committee.from_rankings([["a", "b"]], counts=[-1]),
        lambda: Committee.from_rankings([["a", "b"]], counts=[0]),
        lambda: Committee.from_rankings([["a", "b"]], counts=[1.5]),
        lambda: Committee.from_rankings([["a", "b"]], Dictator(3)),
        lambda: Committee.from_rankings([["a", "b"]], Lexicographic((1,))),
        lambda: Committee.of([OrderMember.linear(["a", "b"]), OrderMember.linear(["a"])],
                             WeightedSum(), items=["a", "b"]),
        lambda: UtilityMember({"a": float("nan")}),
        lambda: UtilityMember({"a": True}),
        lambda: OrderMember.linear(["a", "a"]),
        lambda: ExpectedUtilityMember((0, 0), {"x": 1}),
        lambda: ExpectedUtilityMember((-1, 2), {"x": 1}),
        lambda: Committee.from_ranks(np.array([[0.5, 1.0]])),
        lambda: Committee.from_ranks(np.array([[-1, -1]])),
        lambda: Committee.of([OrderMember.linear(["a"])], rule="majority"),
        lambda: Committee.of([OrderMember.linear(["a"])], unranked="above"),
    ],
)
def test_bad_input_is_a_typed_error(build):
    with pytest.raises(InputError):
        build()


@pytest.mark.parametrize("kind", ["linear", "weak", "utility"])
@given(data=st.data())
def test_vectorised_relation_equals_exact_reference(kind, data):
    """The fast layer (tallies, vectorised rule) agrees with the exact per-pair decision."""
    c = data.draw(committees(max_members=6, max_items=5, kind=kind, counts=True))
    W = c.relation().weak
    for i in range(c.n):
        for j in range(c.n):
            assert W[i, j] == c.rule.accepts(c, i, j)


@given(committees(max_members=6, max_items=5, kind="weak", counts=True),
       st.sampled_from([Unanimity(), Majority(), Majority(quota=Fraction(3, 5)), Market()]))
def test_tally_and_rules_with_counts_and_partial_ballots(c, rule):
    # cut every member's ranking to its top half to get partial ballots
    rows = [m.tiers[: max(1, len(m.tiers) // 2)] for m in c.members]
    for unranked in ("ignore", "below"):
        p = Committee([OrderMember(t) for t in rows], rule, c.items, c.counts, unranked)
        W = p.relation().weak
        F = p.tally()
        for i in range(p.n):
            for j in range(p.n):
                assert W[i, j] == rule.accepts(p, i, j)
                f = sum(
                    int(w) for v, w in zip(p.votes(i, j), p.counts, strict=True) if v == "for"
                )
                assert F[i, j] == f


def test_from_ranks_fast_path_matches_members():
    rng = np.random.default_rng(0)
    R = np.argsort(rng.random((50, 6)), axis=1)
    fast = Committee.from_ranks(R, Majority())
    slow = Committee.of([fast.members[k] for k in range(fast.m)], Majority(), items=fast.items)
    assert np.array_equal(fast.margins(), slow.margins())
    assert np.array_equal(fast.relation().weak, slow.relation().weak)
