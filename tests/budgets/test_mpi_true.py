"""The money pump index as its docstring defines it: over violating cycles only, for prices
of any size. Oracle: every simple cycle, in exact arithmetic (the number policy's rationals).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import BudgetData, InputError, check, money_pump_index, mpi_bounds
from coherence.budgets import check_money_pump_index


def exact_costs(d: BudgetData) -> list[list[Fraction]]:
    return [[d.exact_cost(i, j) for j in range(d.T)] for i in range(d.T)]


def simple_cycles(T: int):
    for k in range(2, T + 1):
        for cyc in itertools.permutations(range(T), k):
            if cyc[0] == min(cyc):
                yield list(cyc)


def brute(d: BudgetData) -> tuple[Fraction, Fraction, Fraction]:
    """``(min, max, mean)`` MPI over violating simple cycles (min and mean: without a step
    between identical bundles), 0 where there is none."""
    E = exact_costs(d)
    T = d.T
    same = [[d.same_bundle(i, j) for j in range(T)] for i in range(T)]
    hi, lo, vals = Fraction(0), None, []
    for cyc in simple_cycles(T):
        steps = [(cyc[s], cyc[(s + 1) % len(cyc)]) for s in range(len(cyc))]
        if not all(E[i][i] >= E[i][j] for i, j in steps):
            continue
        if not any(E[i][i] > E[i][j] for i, j in steps):
            continue  # a cycle of ties: no violation
        mpi = sum((E[i][i] - E[i][j] for i, j in steps), Fraction(0)) / sum(
            (E[i][i] for i, _ in steps), Fraction(0))
        hi = max(hi, mpi)
        if not any(same[i][j] for i, j in steps):
            lo = mpi if lo is None else min(lo, mpi)
            vals.append(mpi)
    mean = sum(vals, Fraction(0)) / len(vals) if vals else Fraction(0)
    return (lo if lo is not None else Fraction(0)), hi, mean


def close(x: float, exact: Fraction) -> bool:
    return x == pytest.approx(float(exact), rel=1e-12, abs=1e-15)


@st.composite
def tenth_budgets(draw, max_t: int = 5):
    """One-decimal prices and bundles (ties on budget lines are common), prices scaled by
    1, 10⁵ or 10⁹, sometimes a repeated bundle."""
    T = draw(st.integers(2, max_t))
    K = draw(st.integers(2, 3))
    scale = draw(st.sampled_from([1, 10**5, 10**9]))
    p = draw(st.lists(st.integers(1, 30), min_size=T * K, max_size=T * K))
    x = draw(st.lists(st.integers(0, 20), min_size=T * K, max_size=T * K))
    P = np.array(p, dtype=np.float64).reshape(T, K) * scale / 10
    X = np.array(x, dtype=np.float64).reshape(T, K)
    X[:, 0] += 1  # no empty bundle
    X /= 10
    if draw(st.booleans()):
        X[1] = X[0]  # a repeated bundle
    return BudgetData(P, X)


@st.composite
def planted_ties(draw, max_t: int = 7):
    """Integer prices and bundles, then bundles moved exactly onto other observations'
    budget lines (Fractions): groups of ties, often cyclic, inside GARP violations."""
    T = draw(st.integers(3, max_t))
    P = [[Fraction(draw(st.integers(1, 5))) for _ in range(2)] for _ in range(T)]
    X = [[Fraction(draw(st.integers(1, 6))), Fraction(draw(st.integers(0, 5)))]
         for _ in range(T)]
    for _ in range(draw(st.integers(1, T))):
        t, s = draw(st.integers(0, T - 1)), draw(st.integers(0, T - 1))
        spend = P[t][0] * X[t][0] + P[t][1] * X[t][1]
        c = Fraction(draw(st.integers(1, 5)))
        if t != s and P[t][0] * c <= spend:
            X[s] = [c, (spend - P[t][0] * c) / P[t][1]]
    return BudgetData(P, X)


def assert_true_mpi(d: BudgetData, *, full: bool = True) -> None:
    lo, hi, mean = brute(d)
    mlo, mhi = mpi_bounds(d)
    assert close(mhi, hi) and close(mlo, lo)
    assert (mlo > 0) == (lo > 0)  # never 0 by a cycle of ties
    if full:
        assert close(money_pump_index(d, "mean"), mean)
        assert close(money_pump_index(d), hi) and close(money_pump_index(d, "min"), lo)
        q = check_money_pump_index(d).quantities
        assert close(float(q["mpi_max"]), hi) and close(float(q["mpi_min"]), lo)


@settings(max_examples=200, deadline=None)
@given(tenth_budgets())
def test_mpi_is_over_violating_cycles(d):
    assert_true_mpi(d)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None)
@given(tenth_budgets(max_t=4))
def test_mpi_is_over_violating_cycles_slow(d):
    assert_true_mpi(d, full=False)


@settings(max_examples=200, deadline=None)
@given(planted_ties())
def test_mpi_with_groups_of_ties(d):
    assert_true_mpi(d)


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None)
@given(planted_ties(max_t=6))
def test_mpi_with_groups_of_ties_slow(d):
    assert_true_mpi(d, full=False)


def test_a_cycle_of_ties_does_not_make_the_minimum_zero():
    """0 → 1 → 0 are ties (both bundles on each other's budget line: no violation); 0 ⇄ 2 is
    a violation. The minimum is that violation's MPI, not the ties' 0."""
    d = BudgetData([[1, 1], [1, 1], [1, 2]], [[1, 1], [2, 0], [0, 1]])
    lo, _, _ = brute(d)
    assert lo > 0
    assert money_pump_index(d, "min") == pytest.approx(float(lo))
    assert mpi_bounds(d)[0] > 0
    assert check_money_pump_index(d).quantities["mpi_min"] == lo


@pytest.mark.parametrize("scale", [1e5, 1e6, 1e9, 1e12, 1e100, 1e-100])
def test_large_and_small_prices(scale):
    rng = np.random.default_rng(1)
    done = 0
    for _ in range(60):
        T = int(rng.integers(2, 8))
        K = int(rng.integers(2, 4))
        P = rng.random((T, K)) * scale
        X = rng.random((T, K)) * 10
        d = BudgetData(P, X)
        hi = money_pump_index(d)  # no CertificationError
        lo = money_pump_index(d, "min")
        assert 0 <= lo <= hi <= 1
        if T <= 5:
            blo, bhi, _ = brute(d)
            assert close(hi, bhi) and close(lo, blo)
            done += 1
    assert done > 20


def test_the_issue_case_with_prices_of_ten_to_the_five():
    """Howard's iteration used to cycle on the ulps of values near 10⁶."""
    rng = np.random.default_rng(1)
    for _ in range(100):
        T, K = int(rng.integers(2, 8)), int(rng.integers(2, 4))
        scale = 1e5
        P = rng.integers(1, 10, (T, K)) * scale / 10 if rng.random() < 0.5 else \
            rng.random((T, K)) * scale
        d = BudgetData(P, rng.random((T, K)) * 10)
        assert money_pump_index(d) >= money_pump_index(d, "min") >= 0
        assert check(d).verify()


def test_min_enumeration_is_bounded():
    """The cycles inside a group of ties are enumerated, up to ``max_cycles``."""
    d = BudgetData([[1, 1], [1, 1], [1, 2]], [[1, 1], [2, 0], [0, 1]])
    with pytest.raises(InputError, match="cycles"):
        money_pump_index(d, "min", max_cycles=0)
    assert money_pump_index(d, "min", max_cycles=1) == pytest.approx(1 / 6)


def test_ties_on_fifty_one_decimal_budgets():
    """Typical one-decimal data: groups of ties are small, so the minimum over violating
    cycles needs no enumeration of the (many) cycles around them."""
    rng = np.random.default_rng(0)
    for _ in range(10):
        P = rng.integers(1, 11, (50, 3)) / 10
        X = rng.integers(0, 11, (50, 3)) / 10
        X[:, 0] += 0.1
        d = BudgetData(P, X)
        lo, hi = mpi_bounds(d)
        assert 0 < lo <= hi
