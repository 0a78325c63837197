"""Exploitability is the exact maximum cycle mean, proved (or flagged as a lower bound).

Oracles: every simple cycle (up to five items) and Karp's algorithm in Fractions (Karp 1978),
both on the entries as the number policy reads them.
"""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence.relations import (
    CardinalPump,
    UtilityPotential,
    WillingnessToPay,
    check_willingness_to_pay,
)

NEVER = -np.inf


def brute_max_mean(wtp: WillingnessToPay) -> Fraction | None:
    """The largest exact mean over all simple cycles of finite entries (``None``: no cycle)."""
    W, n = wtp.matrix, wtp.n
    best = None
    for k in range(2, n + 1):
        for cyc in itertools.permutations(range(n), k):
            if cyc[0] != min(cyc):
                continue
            pairs = [(cyc[t], cyc[(t + 1) % k]) for t in range(k)]
            if all(np.isfinite(W[i, j]) for i, j in pairs):
                m = sum((wtp.exact(i, j) for i, j in pairs), Fraction(0)) / k
                best = m if best is None else max(best, m)
    return best


def karp_max_mean(wtp: WillingnessToPay) -> Fraction | None:
    """Karp's theorem in exact arithmetic: with ``D_k(v)`` the heaviest walk of ``k`` edges
    ending at ``v`` (from anywhere), ``λ* = max_v min_k (D_n(v) − D_k(v)) / (n − k)``."""
    n = wtp.n
    W = wtp.matrix
    edges = [(i, j, wtp.exact(i, j)) for i in range(n) for j in range(n)
             if i != j and np.isfinite(W[i, j])]
    D: list[list[Fraction | None]] = [[Fraction(0)] * n]
    for _ in range(n):
        nxt: list[Fraction | None] = [None] * n
        for i, j, w in edges:
            d = D[-1][i]
            if d is not None and (nxt[j] is None or d + w > nxt[j]):
                nxt[j] = d + w
        D.append(nxt)
    best = None
    for v in range(n):
        dn = D[n][v]
        if dn is None:
            continue
        worst = min((dn - D[k][v]) / (n - k) for k in range(n) if D[k][v] is not None)
        best = worst if best is None else max(best, worst)
    return best


def assert_exploitability_is_true(wtp: WillingnessToPay, best: Fraction | None) -> None:
    v = check_willingness_to_pay(wtp)
    assert v.verify()
    if best is None or best <= 0:
        assert v.coherent and isinstance(v.certificate, UtilityPotential)
        assert v.quantities["exploitability"] == 0
    else:
        assert not v.coherent and isinstance(v.certificate, CardinalPump)
        assert v.quantities["exploitability_is_max"] is True
        assert v.quantities["exploitability"] == best == v.certificate.mean


readings = st.sampled_from(["decimal", "binary"])
tenths = st.one_of(st.integers(-30, 30).map(lambda k: k / 10), st.just(NEVER))


@st.composite
def tenth_matrices(draw, max_items=5):
    n = draw(st.integers(2, max_items))
    rows = draw(st.lists(st.lists(tenths, min_size=n, max_size=n), min_size=n, max_size=n))
    return np.array(rows, dtype=np.float64)


@st.composite
def near_ties(draw, max_items=5):
    """``(k[j] − k[i] − s) / 10``, mostly with ``s = 0``: many cycles of exact decimal mean 0
    and means within rounding of each other, the case where floats cannot rank cycles."""
    n = draw(st.integers(2, max_items))
    k = draw(st.lists(st.integers(-30, 30), min_size=n, max_size=n))
    slack = st.one_of(st.just(0), st.just(0), st.integers(-3, 5), st.none())
    W = np.full((n, n), NEVER)
    for i, j in itertools.product(range(n), repeat=2):
        s = draw(slack)
        if i != j and s is not None:
            W[i, j] = (k[j] - k[i] - s) / 10
    return W


@st.composite
def computed_ties(draw, max_items=5):
    """``u[j] − u[i]`` of float utilities, computed: every cycle is within rounding of 0 and
    the decimal readings are the simplest rationals of 17-digit floats."""
    n = draw(st.integers(2, max_items))
    u = np.array(draw(st.lists(st.floats(-10, 10, allow_subnormal=False), min_size=n,
                               max_size=n)))
    W = u[None, :] - u[:, None]
    drop = np.array(draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n)))
    W[drop.reshape(n, n)] = NEVER
    return W


matrices = st.one_of(tenth_matrices(), near_ties(), computed_ties())


@settings(max_examples=200, deadline=None)
@given(matrices, readings)
def test_exploitability_is_the_max_over_simple_cycles(W, numbers):
    wtp = WillingnessToPay.from_matrix(W, numbers=numbers)
    assert_exploitability_is_true(wtp, brute_max_mean(wtp))


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None)
@given(matrices, readings)
def test_exploitability_is_the_max_over_simple_cycles_slow(W, numbers):
    wtp = WillingnessToPay.from_matrix(W, numbers=numbers)
    assert_exploitability_is_true(wtp, brute_max_mean(wtp))


larger = st.one_of(near_ties(max_items=9), computed_ties(max_items=9), tenth_matrices(9))


@settings(max_examples=60, deadline=None)
@given(larger, readings)
def test_exploitability_matches_karp_on_up_to_nine_items(W, numbers):
    wtp = WillingnessToPay.from_matrix(W, numbers=numbers)
    assert_exploitability_is_true(wtp, karp_max_mean(wtp))


@pytest.mark.slow
@settings(max_examples=2_000, deadline=None)
@given(larger, readings)
def test_exploitability_matches_karp_on_up_to_nine_items_slow(W, numbers):
    wtp = WillingnessToPay.from_matrix(W, numbers=numbers)
    assert_exploitability_is_true(wtp, karp_max_mean(wtp))


@st.composite
def coherent_tenths(draw, items=3):
    """``(k[j] − k[i] − s) / 10`` with ``s ≥ 0``: coherent as decimals by construction."""
    k = draw(st.lists(st.integers(-30, 30), min_size=items, max_size=items))
    s = draw(st.lists(st.sampled_from([None, 0, 0, 1, 3]), min_size=items * items,
                      max_size=items * items))
    W = np.full((items, items), NEVER)
    for (i, j), sij in zip(itertools.product(range(items), repeat=2), s, strict=True):
        if i != j and sij is not None:
            W[i, j] = (k[j] - k[i] - sij) / 10
    return W


@settings(max_examples=200, deadline=None)
@given(coherent_tenths())
def test_coherent_one_decimal_three_item_matrices_get_potentials(W):
    v = check_willingness_to_pay(WillingnessToPay.from_matrix(W))
    assert v.coherent and v.verify() and isinstance(v.certificate, UtilityPotential)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None)
@given(coherent_tenths())
def test_coherent_one_decimal_three_item_matrices_get_potentials_slow(W):
    v = check_willingness_to_pay(WillingnessToPay.from_matrix(W))
    assert v.coherent and v.verify() and isinstance(v.certificate, UtilityPotential)


def test_random_three_item_matrices_with_zero_slack_are_settled_exactly():
    """The issue's draw (52 of 6,000 coherent ones once raised): float utilities, zero slack
    on half the swaps. Every one is settled in either reading, as brute force says."""
    rng = np.random.default_rng(7)
    for _ in range(1500):
        u = rng.normal(size=3)
        slack = np.where(rng.random((3, 3)) < 0.5, 0.0, rng.uniform(0, 1, (3, 3)))
        W = (u[None, :] - u[:, None]) - slack
        W[rng.random((3, 3)) < 0.2] = NEVER
        for numbers in ("decimal", "binary"):
            wtp = WillingnessToPay.from_matrix(W, numbers=numbers)
            assert_exploitability_is_true(wtp, brute_max_mean(wtp))


@pytest.mark.parametrize(
    "W, numbers, best",
    [
        # two 2-cycles of decimal mean 3/5; in binary one of them is above by rounding
        ([[2.1, -0.6, -2.6], [1.8, NEVER, -0.2], [1.3, 1.4, -2.8]], "decimal", Fraction(3, 5)),
        ([[NEVER, 0.6, 1.4], [2.9, 0.6, 2.0], [NEVER, 2.6, 2.3]], "decimal", Fraction(23, 10)),
        ([[NEVER, 1.2, NEVER], [NEVER, -2.8, 2.5], [2.0, 1.3, 1.0]], "decimal", Fraction(19, 10)),
    ],
)
def test_ties_between_cycles_give_the_exact_maximum(W, numbers, best):
    """Matrices whose exploitability came out a few rounding steps below the maximum."""
    wtp = WillingnessToPay.from_matrix(W, numbers=numbers)
    assert brute_max_mean(wtp) == best
    assert_exploitability_is_true(wtp, best)
    binary = WillingnessToPay.from_matrix(W, numbers="binary")
    assert_exploitability_is_true(binary, brute_max_mean(binary))


@pytest.mark.parametrize("numbers", ["decimal", "binary"])
def test_computed_ties_on_forty_items_match_karp(numbers):
    """Forty items, every swap within rounding of tight: exponentially many cycles whose
    means agree to 16 digits; the one reported is Karp's maximum, exactly."""
    rng = np.random.default_rng(11)
    u = rng.normal(size=40)
    W = u[None, :] - u[:, None]
    W[rng.random(W.shape) < 0.3] = NEVER
    wtp = WillingnessToPay.from_matrix(W, numbers=numbers)
    assert_exploitability_is_true(wtp, karp_max_mean(wtp))


def test_an_unproved_maximum_is_flagged_as_a_lower_bound():
    """With no round of Lawler's iteration allowed, the pump found stands, flagged."""
    rng = np.random.default_rng(5)
    u = rng.normal(size=30)
    W = u[None, :] - u[:, None]
    wtp = WillingnessToPay.from_matrix(W)
    v = check_willingness_to_pay(wtp, max_rounds=0)
    assert v.verify() and not v.coherent
    assert v.quantities["exploitability_is_max"] is False
    assert 0 < v.quantities["exploitability"] <= karp_max_mean(wtp)
