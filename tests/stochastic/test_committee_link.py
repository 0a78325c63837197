"""Committees and random utility: a weighted committee's choice probabilities are certified
by a mixture that turns back into a committee with the same probabilities."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import check
from coherence.errors import InputError
from coherence.stochastic import RandomUtility, StochasticChoice
from coherence.strategies import stochastic_choices
from coherence.subagents import Committee, OrderMember, from_random_utility


@settings(max_examples=30, deadline=None, database=None)
@given(st.integers(2, 5), st.data())
def test_committee_probabilities_round_trip(n: int, data: st.DataObject) -> None:
    perms = st.permutations(list(range(n)))
    rankings = data.draw(st.lists(perms, min_size=1, max_size=4))
    counts = data.draw(st.lists(st.integers(1, 5), min_size=len(rankings),
                                max_size=len(rankings)))
    committee = Committee.from_rankings(rankings, counts=counts, items=range(n))
    d = committee.choice_probabilities()
    assert d.forced and len(d.records) == n * (n - 1) // 2
    for a in range(n):
        for b in range(n):
            if a != b:
                want = sum(c for r, c in zip(rankings, counts, strict=True)
                           if r.index(a) < r.index(b))
                assert d.probability(a, b) == Fraction(want, sum(counts))
    v = check(d)
    assert v.coherent and isinstance(v.certificate, RandomUtility)
    back = from_random_utility(v.certificate).choice_probabilities()
    assert set(back.triples()) == set(d.triples())


@settings(max_examples=20, deadline=None, database=None)
@given(stochastic_choices(random_utility=True, max_items=5))
def test_certificates_become_committees(d: StochasticChoice) -> None:
    cert = check(d).certificate
    assert isinstance(cert, RandomUtility)
    committee = from_random_utility(cert)
    assert committee.m == len(cert.orders)
    assert set(committee.choice_probabilities().triples()) == set(d.triples())


def test_ties_and_partial_ballots() -> None:
    partial = Committee([OrderMember.weak([["a", "b"], ["c"]]), OrderMember.linear(["c", "a"])],
                        items="abc", counts=[2, 1]).choice_probabilities()
    assert not partial.forced
    assert partial.records[0].p_indifferent == 1  # only the first member ranks b
    assert partial.probability("c", "a") == Fraction(1, 3)
    c = Committee([OrderMember.weak([["a", "b"], ["c"]]), OrderMember.linear(["c", "a", "b"])],
                  items="abc", counts=[2, 1])
    d = c.choice_probabilities()
    assert d.probability("a", "b") == Fraction(1, 3) and d.records[0].p_indifferent == Fraction(
        2, 3)
    cert = check(d).certificate
    assert isinstance(cert, RandomUtility) and cert.weak
    back = from_random_utility(cert).choice_probabilities()
    assert set(back.triples()) == set(d.triples())


def test_only_verified_random_utility_certificates() -> None:
    cyc = StochasticChoice.from_probabilities({("a", "b"): 0.9, ("b", "c"): 0.9,
                                               ("c", "a"): 0.9})
    with pytest.raises(InputError, match="random-utility"):
        from_random_utility(check(cyc).certificate)  # type: ignore[arg-type]
    good = check(StochasticChoice.from_probabilities({("a", "b"): 0.5})).certificate
    assert isinstance(good, RandomUtility)
    bad = RandomUtility(good.items, good.data, good.orders, (Fraction(1, 3),) * 2)
    with pytest.raises(InputError, match="does not verify"):
        from_random_utility(bad)
