"""The theorems behind subagents, as property tests (each cites its source)."""

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import coherence
from coherence import PreferenceRelation
from coherence.strategies.committee import committees
from coherence.strategies.relations import strict_partial_orders
from coherence.subagents import (
    Committee,
    Dictator,
    Lexicographic,
    Majority,
    MultiUtility,
    OrderMember,
    Unanimity,
    WeightedSum,
    count_linear_extensions,
    decompose,
)


@given(committees(max_members=7, max_items=6, rule=Unanimity(), kind="utility", counts=True))
def test_unanimity_committees_are_never_pumpable(c):
    """A Pareto (unanimity) committee of complete members is represented by its members'
    utilities (multi-utility representation: Aumann 1962; Ok 2002; Evren & Ok 2011), so no
    money pump exists; the certificate is the utilities, verified exactly."""
    v = coherence.check(c)
    assert v.coherent
    assert isinstance(v.certificate, MultiUtility) and v.certificate.verify()


@given(committees(max_members=6, max_items=6, rule=Unanimity(), kind="linear"))
def test_unanimity_of_linear_orders_is_a_strict_partial_order(c):
    """The intersection of linear orders is a strict partial order (Dushnik & Miller 1941)."""
    rel = c.relation()
    decompose(rel)  # raises unless a strict partial order; returns a verified realizer


@given(strict_partial_orders(max_items=7))
def test_every_strict_partial_order_decomposes_into_a_unanimity_committee(rel):
    """Szpilrajn (1930): every strict partial order is the intersection of its linear
    extensions; Dushnik & Miller (1941): a realizer of minimum size exists. The committee of a
    verified realizer has exactly the given order as its relation."""
    d = decompose(rel)
    assert d.verify() and d.exact
    c = d.committee
    assert isinstance(c.rule, Unanimity)
    ix = [c.relation().index(x) for x in rel.items]
    assert np.array_equal(c.relation().strict[np.ix_(ix, ix)], rel.strict)
    assert coherence.check(c).coherent


def _brute_dimension(P):
    n = len(P)
    exts = [p for p in itertools.permutations(range(n))
            if all(not P[p[j], p[i]] for i in range(n) for j in range(i + 1, n))]
    for d in range(1, n + 1):
        for combo in itertools.combinations(exts, d):
            A = np.ones((n, n), dtype=bool)
            for p in combo:
                pos = np.empty(n, dtype=int)
                pos[list(p)] = np.arange(n)
                A &= pos[:, None] < pos[None, :]
            np.fill_diagonal(A, False)
            if np.array_equal(A, P):
                return d
    raise AssertionError("no realizer")


@given(strict_partial_orders(max_items=6))
def test_exact_dimension_matches_brute_force(rel):
    """Order dimension (Dushnik & Miller 1941) against enumeration of all families of linear
    extensions."""
    P = rel.strict
    np.fill_diagonal(P, False)
    assert decompose(rel).size == _brute_dimension(P)


def test_standard_example_has_dimension_n():
    """The standard example S_n has dimension n (Dushnik & Miller 1941)."""
    for n in (3, 4, 5):
        items = [f"a{i}" for i in range(n)] + [f"b{i}" for i in range(n)]
        pairs = [(f"b{j}", f"a{i}") for i in range(n) for j in range(n) if i != j]
        d = decompose(PreferenceRelation.from_pairs(pairs, items))
        assert d.exact and d.size == n and d.verify()


def test_heuristic_never_exceeds_width_and_reports_itself():
    rng = np.random.default_rng(3)
    n = 30
    M = np.triu(rng.random((n, n)) < 0.1, 1)
    for k in range(n):
        M |= M[:, [k]] & M[[k], :]
    rel = PreferenceRelation.from_matrix(M | np.eye(n, dtype=bool))
    d = decompose(rel)
    from coherence.subagents import width

    assert d.verify() and d.size >= d.lower_bound
    assert d.size <= width(rel.strict & ~np.eye(n, dtype=bool))[0]
    if not d.exact:
        assert d.dimension is None and "width" in d.bound
    h = decompose(rel, exact=False, restarts=0)
    assert h.verify() and h.size <= width(rel.strict & ~np.eye(n, dtype=bool))[0]
    # dimension-4 orders on 30 items: beyond the exact default, never more than the width
    rng = np.random.default_rng(6)
    for _ in range(5):
        A = np.ones((n, n), dtype=bool)
        for _ in range(4):
            pos = rng.permutation(n)
            A &= pos[:, None] < pos[None, :]
        r4 = PreferenceRelation.from_matrix(A | np.eye(n, dtype=bool))
        d = decompose(r4)
        assert d.verify() and 2 <= d.lower_bound <= d.size
        assert d.size <= width(r4.strict & ~np.eye(n, dtype=bool))[0]


@given(committees(max_members=6, max_items=6, rule=WeightedSum(), kind="utility", counts=True))
def test_weighted_sum_committees_are_complete_and_coherent(c):
    """Harsanyi (1955): a weighted sum of utilities is one utility, so the committee's
    relation is complete and transitive and cannot be pumped."""
    rel = c.relation()
    assert (rel.weak | rel.weak.T).all()
    assert coherence.check_transitive(rel).coherent
    v = coherence.check(c)
    assert v.coherent and v.certificate.verify()


@given(committees(max_members=5, max_items=5, kind="weak"), st.data())
def test_dictator_and_lexicographic_committees_are_coherent(c, data):
    """A dictator's or a lexicographic committee's relation is a weak order (complete
    members), hence unexploitable."""
    k = data.draw(st.integers(0, c.m - 1))
    for rule in (Dictator(k), Lexicographic(tuple(data.draw(st.permutations(range(c.m)))))):
        v = coherence.check(c.with_rule(rule))
        assert v.coherent and v.certificate.verify()


@pytest.mark.parametrize("m,n", [(3, 3), (4, 3), (5, 4), (6, 5), (7, 7), (10, 3)])
def test_majority_committees_with_3_members_and_3_items_can_be_pumped(m, n):
    """Condorcet (1785): for every m ≥ 3 voters and n ≥ 3 items some profile has a cyclic
    strict majority. Construction: the Condorcet profile on three items (others ranked last),
    padded with voters indifferent between everything (they do not count in a majority vote)."""
    items = list(range(n))
    rest = items[3:]
    ballots = [[0, 1, 2, *rest], [1, 2, 0, *rest], [2, 0, 1, *rest]]
    ballots += [[set(items)]] * (m - 3)
    c = Committee.from_rankings(ballots, Majority())
    v = coherence.check(c)
    assert c.voters == m and c.n == n
    assert not v.coherent and v.certificate.verify()
    assert len(v.certificate.cycle) == 3


def test_four_strict_rankings_of_three_items_never_cycle():
    """With strict rankings only, 4 voters over 3 items cannot cycle: each edge of a 3-cycle
    needs 3 of 4 voters and a ranking supports at most 2 of its 3 edges (9 > 8). Exhaustive
    over all 6^4 profiles; with 4 items the four rotations of a ranking do cycle."""
    perms = list(itertools.permutations(range(3)))
    for profile in itertools.product(perms, repeat=4):
        assert Committee.from_rankings(profile, Majority()).majority_cycle() is None
    rot = [[0, 1, 2, 3], [1, 2, 3, 0], [2, 3, 0, 1], [3, 0, 1, 2]]
    assert not coherence.check(Committee.from_rankings(rot, Majority())).coherent


def _pumpable(c):
    # a cheap necessary test first (a cycle in strict majority), then the full check
    M = c.margins() > 0
    R = M.copy()
    for _ in range(c.n):
        R |= (R.astype(np.int64) @ M.astype(np.int64)) > 0
    return bool(np.diag(R).any()) and not coherence.check(c).coherent


def test_find_shrinks_a_pumpable_majority_committee_to_the_condorcet_cycle():
    """Shrinking reaches the minimal Condorcet example: 3 voters, 3 items, the three cyclic
    rotations of one ranking (Condorcet 1785)."""
    c = find(
        committees(rule=Majority()),
        _pumpable,
        settings=settings(max_examples=2000, database=None, deadline=None),
        random=random.Random(0),
    )
    assert (c.m, c.n) == (3, 3)
    orders = sorted(tuple(x for t in m.tiers for x in t) for m in c.members)
    first = orders[0]
    assert orders == sorted(first[k:] + first[:k] for k in range(3))
    pump = coherence.check(c).certificate
    assert pump.verify() and len(pump.cycle) == 3


@given(strict_partial_orders(max_items=7))
def test_linear_extension_count_matches_enumeration(rel):
    """Exact DP count against enumeration; the bits of information are
    log2(n!) − log2(e(P)) (0 for no comparisons, log2 n! for a ranking)."""
    P = rel.strict
    np.fill_diagonal(P, False)
    n = rel.n
    brute = sum(
        1 for p in itertools.permutations(range(n))
        if all(not P[p[j], p[i]] for i in range(n) for j in range(i + 1, n))
    )
    cnt = count_linear_extensions(rel)
    assert cnt.exact and cnt.value == brute
    assert cnt.bits == pytest.approx(math.log2(math.factorial(n)) - math.log2(brute))


def test_estimate_covers_the_exact_count():
    rng = np.random.default_rng(7)
    for _ in range(5):
        n = 14
        M = np.triu(rng.random((n, n)) < 0.2, 1)
        for k in range(n):
            M |= M[:, [k]] & M[[k], :]
        rel = PreferenceRelation.from_matrix(M | np.eye(n, dtype=bool))
        exact = count_linear_extensions(rel).value
        est = count_linear_extensions(rel, exact=False, samples=4000, seed=1)
        assert not est.exact and est.stderr > 0
        assert abs(est.value - exact) <= 4 * est.stderr
        lo, hi = est.bits_interval
        assert lo <= count_linear_extensions(rel).bits + 0.05 and lo <= hi


def test_bits_extremes():
    n = 6
    chain = PreferenceRelation.from_matrix(np.triu(np.ones((n, n), dtype=bool)))
    empty = PreferenceRelation.from_matrix(np.eye(n, dtype=bool))
    assert count_linear_extensions(chain).value == 1
    assert count_linear_extensions(chain).bits == pytest.approx(math.log2(720))
    assert count_linear_extensions(empty).value == 720
    assert count_linear_extensions(empty).bits == pytest.approx(0)


def test_orders_of_a_unanimity_committee_recover_through_decompose():
    members = [OrderMember.linear(o) for o in (["a", "b", "c", "d"], ["b", "a", "d", "c"])]
    c = Committee.of(members, Unanimity())
    d = decompose(c.relation())
    assert d.size == 2 and d.exact


def test_close_takes_the_transitive_closure():
    rel = PreferenceRelation.from_pairs([("a", "c"), ("b", "c"), ("c", "d")], reflexive=True)
    with pytest.raises(coherence.InputError, match="transitive"):
        decompose(rel)
    d = decompose(rel, close=True)
    assert d.verify() and d.size == 2 and d.committee.accepts("a", "d")
    assert count_linear_extensions(rel, close=True).value == 2
    cyc = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")], reflexive=True)
    with pytest.raises(coherence.InputError, match="cycle"):
        decompose(cyc, close=True)
