"""Trading simulations, path dependence, and completion by a weighted sum."""

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import coherence
from coherence import PreferenceRelation
from coherence.errors import InputError
from coherence.strategies.committee import committees
from coherence.subagents import (
    Committee,
    Unanimity,
    UtilityMember,
    WeightedSum,
    completion_effect,
    path_dependence,
    simulate,
)


def pizza_committee():
    """Two subagents: one cares about the topping (mushroom > pepperoni), the other about the
    crust (thin > thick). Mushroom-thick and pepperoni-thin are incomparable."""
    items = ["mushroom-thin", "mushroom-thick", "pepperoni-thin", "pepperoni-thick"]
    topping = UtilityMember({x: (1 if x.startswith("mushroom") else 0) for x in items}, "topping")
    crust = UtilityMember({x: (1 if x.endswith("thin") else 0) for x in items}, "crust")
    return Committee.of([topping, crust], Unanimity(), items=items)


def test_pizza_agent_keeps_whichever_it_holds():
    c = pizza_committee()
    assert coherence.check(c).coherent
    assert not c.accepts("pepperoni-thin", "mushroom-thick")
    assert not c.accepts("mushroom-thick", "pepperoni-thin")
    t = simulate(c, "mushroom-thick", ["pepperoni-thin", "pepperoni-thick"])
    assert t.final == "mushroom-thick" and t.accepted == (False, False)


def test_pizza_path_dependence_with_witness():
    c = pizza_committee()
    pd = path_dependence(c, "pepperoni-thick", ["mushroom-thick", "pepperoni-thin"])
    assert pd.exhaustive and pd.path_dependent
    assert set(pd.finals) == {"mushroom-thick", "pepperoni-thin"}
    first, second = pd.witness
    assert simulate(c, "pepperoni-thick", first).final != simulate(
        c, "pepperoni-thick", second).final
    assert pd.verify(c)
    assert "Path dependent" in pd.explain()


def test_completion_removes_path_dependence_and_measures_the_change():
    c = pizza_committee()
    start, offers = "pepperoni-thick", ["mushroom-thick", "pepperoni-thin"]
    eff = completion_effect(c, start, offers, weights=[2, 1])
    assert set(eff.before) == {"mushroom-thick", "pepperoni-thin"}
    assert eff.after == ("mushroom-thick",) and eff.removes_path_dependence
    assert eff.changed == Fraction(1, 2) and eff.exhaustive  # the order ending at pepperoni-thin
    assert eff.gain == 1  # aggregate 2 vs 1


def _brute_finals(agent, start, offers):
    return {simulate(agent, start, [offers[i] for i in p]).final
            for p in itertools.permutations(range(len(offers)))}


@given(committees(max_members=4, max_items=5, kind="utility"), st.data())
def test_path_dependence_dp_equals_enumeration(c, data):
    start = data.draw(st.sampled_from(c.items))
    offers = data.draw(st.lists(st.sampled_from(c.items), max_size=5))
    pd = path_dependence(c, start, offers)
    assert set(pd.finals) == _brute_finals(c, start, offers)
    assert pd.verify(c)


@given(committees(max_members=4, max_items=6, kind="utility", counts=True), st.data())
def test_weighted_sum_completion_is_path_independent(c, data):
    """A completed (weighted-sum) committee ends every order of offers at an item of maximal
    aggregate utility among the start and the offers (Harsanyi 1955)."""
    start = data.draw(st.sampled_from(c.items))
    offers = data.draw(st.lists(st.sampled_from(c.items), max_size=6))
    eff = completion_effect(c, start, offers)
    assert eff.removes_path_dependence
    best = max(eff.aggregate[x] for x in [start, *offers])
    assert all(eff.aggregate[x] == best for x in eff.after)
    assert 0 <= eff.changed <= 1 and eff.gain >= 0
    done = c.with_rule(WeightedSum())
    assert coherence.check(done).coherent


def test_agents_of_other_kinds_and_sampling():
    rel = PreferenceRelation.from_pairs([("b", "a"), ("c", "a")], reflexive=True)
    assert simulate(rel, "a", ["b", "c"]).final == "b"
    assert path_dependence(rel, "a", ["b", "c"]).path_dependent
    assert simulate(lambda x, y: x > y, 1, [3, 2, 5]).final == 5
    many = list(range(20))
    pd = path_dependence(lambda x, y: x > y, 0, many, samples=50)
    assert not pd.exhaustive and set(pd.finals) == {19}
    with pytest.raises(InputError):
        simulate(lambda x, y: "yes", 1, [2])
    with pytest.raises(InputError):
        simulate(42, 1, [2])
