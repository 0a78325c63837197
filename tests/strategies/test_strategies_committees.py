"""The committee strategies: argument validation and what examples look like."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence.strategies import committees, expected_utility_agents, profiles, rules
from coherence.subagents import Committee, Election, ExpectedUtilityMember, Majority, Rule


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
