"""The committee strategies: argument validation and what examples look like."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import coherence
from coherence.strategies import committees, expected_utility_agents, profiles, rules
from coherence.subagents import (
    Committee,
    Election,
    ExpectedUtilityMember,
    Majority,
    Rule,
    Unanimity,
)


@pytest.mark.parametrize(
    "make",
    [
        lambda: committees(min_members=0),
        lambda: committees(min_members=3, max_members=2),
        lambda: committees(min_items=0),
        lambda: committees(kind="tree"),
        lambda: committees(rule="majority"),
        lambda: profiles(min_voters=2, max_voters=1),
        lambda: expected_utility_agents(min_states=0),
        lambda: expected_utility_agents(outcomes=()),
        lambda: rules(members=0),
    ],
)
def test_impossible_settings(make):
    with pytest.raises(InvalidArgument):
        make().example()


@given(committees(min_members=2, max_members=4, min_items=3, max_items=4, counts=True))
def test_sizes_are_respected(c):
    assert isinstance(c, Committee) and isinstance(c.rule, Rule)
    assert 2 <= c.m <= 4 and 3 <= c.n <= 4
    assert c.items == tuple(range(c.n)) and c.complete


@given(st.from_type(Committee), st.from_type(Election))
def test_from_type_is_registered(c, e):
    assert isinstance(c, Committee) and isinstance(e, Election)


@given(committees(rule=Majority(), kind="weak"))
def test_fixed_rule(c):
    assert c.rule == Majority()


@given(expected_utility_agents(max_states=3), st.data())
def test_expected_utility_agents_value_acts(agent, data):
    assert isinstance(agent, ExpectedUtilityMember)
    assert sum(agent.prior) == 1
    act = tuple(data.draw(st.sampled_from(["bad", "fair", "good"])) for _ in agent.prior)
    v = agent.value(act)
    assert min(agent.utility.values()) <= v <= max(agent.utility.values())


@pytest.mark.parametrize(
    "make",
    [
        lambda: committees(coherent=False, rule=Unanimity()),
        lambda: committees(coherent=False, rule=st.just(Majority())),
        lambda: committees(coherent=False, max_items=2),
        lambda: committees(coherent=False, max_members=2),
        lambda: committees(coherent="yes"),
    ],
)
def test_impossible_coherence_settings(make):
    with pytest.raises(InvalidArgument):
        make().example()


@settings(max_examples=60)
@given(committees(coherent=False, max_members=6, max_items=5, kind="weak", counts=True))
def test_incoherent_committees_are_pumped(c):
    assert c.rule == Majority() and 3 <= c.m <= 6 and 3 <= c.n <= 5
    v = coherence.check(c)
    assert v.status == "exploitable" and v.certificate.verify()


@pytest.mark.parametrize("kind", ["linear", "weak", "utility"])
@settings(max_examples=40)
@given(data=st.data())
def test_coherent_committees_are_certified(kind, data):
    c = data.draw(committees(coherent=True, kind=kind, counts=True))
    v = coherence.check(c)
    assert v.coherent and v.certificate.verify()


@given(committees(coherent=True, rule=Majority(Fraction(2, 3)), max_members=4))
def test_coherent_majority_committees_have_identical_members(c):
    assert len({m.tiers for m in c.members}) == 1


@given(committees(coherent=False, min_members=4, max_members=6, min_items=4))
def test_incoherent_committees_respect_sizes(c):
    assert 4 <= c.m <= 6 and 4 <= c.n <= 5 and c.majority_cycle() is not None


def test_either_kind_is_drawn_often_by_default():
    statuses = []

    @settings(max_examples=100, database=None)
    @given(committees())
    def draw(c):
        statuses.append(coherence.check(c).status)

    draw()
    assert statuses.count("exploitable") >= 20 and statuses.count("coherent") >= 20
