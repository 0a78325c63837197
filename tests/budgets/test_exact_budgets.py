"""Budget checks never fail on valid input: one-decimal ties, near ties, magnitudes 1e-300..1e300.

Every verdict agrees with brute force in Fractions, and every certificate verifies exactly.
The slow lane runs 10⁴ examples per property (CI runs it); the fast twins a few hundred.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coherence
from coherence import BudgetData, number_reading
from coherence.budgets import check_harp, garp_holds
from coherence.errors import CertificationError

from . import _brute


@st.composite
def grid_data(draw: st.DrawFn, max_t: int = 5, k: int = 2) -> BudgetData:
    """One-decimal prices and quantities, scaled by 10^s per observation and per good."""
    T = draw(st.integers(1, max_t))
    P = np.array(draw(st.lists(st.integers(1, 10), min_size=T * k, max_size=T * k)),
                 dtype=float).reshape(T, k) / 10
    X = np.array(draw(st.lists(st.integers(0, 10), min_size=T * k, max_size=T * k)),
                 dtype=float).reshape(T, k) / 10
    X[~(X > 0).any(axis=1), 0] = 0.1
    row = draw(st.lists(st.integers(-9, 9), min_size=T, max_size=T))
    good = draw(st.integers(-9, 9))
    P *= 10.0 ** np.array(row, dtype=float)[:, None]
    X *= 10.0**good
    return BudgetData(P, X)


@st.composite
def extreme_data(draw: st.DrawFn, max_t: int = 4, k: int = 3) -> BudgetData:
    """Entries anywhere from 1e-300 to 1e300 (and zero quantities)."""
    T = draw(st.integers(1, max_t))
    exps = st.integers(-300, 300)
    mant = st.integers(1, 99)
    P = [[draw(mant) * 10.0 ** draw(exps) / 10 for _ in range(k)] for _ in range(T)]
    X = [[draw(st.one_of(st.just(0), mant)) * 10.0 ** draw(exps) / 10 for _ in range(k)]
         for _ in range(T)]
    for row in X:
        if not any(row):
            row[0] = 1.0
    return BudgetData(P, X)


def _agrees(d: BudgetData) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow leaks out
        try:
            v = coherence.check(d)
        except CertificationError as exc:  # pragma: no cover - the property under test
            pytest.fail(f"CertificationError on valid data: {exc}")
    assert v.coherent == _brute.garp(d) == garp_holds(d)
    assert v.certificate.verify()
    harp = check_harp(d)
    assert harp.certificate.verify()


_fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_slow = settings(max_examples=10_000, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])


@_fast
@given(grid_data())
def test_scaled_one_decimal_data(d):
    _agrees(d)


@_fast
@given(extreme_data())
def test_extreme_magnitudes(d):
    _agrees(d)


@pytest.mark.slow
@_slow
@given(grid_data())
def test_scaled_one_decimal_data_many(d):
    _agrees(d)


@pytest.mark.slow
@_slow
@given(extreme_data())
def test_extreme_magnitudes_many(d):
    _agrees(d)


@_fast
@given(grid_data())
def test_binary_reading_agrees_with_its_brute_force(d):
    with number_reading("binary"):
        b = BudgetData(d.prices, d.quantities)
    assert b.numbers == "binary"
    assert coherence.check(b).coherent == _brute.garp(b)


@pytest.mark.parametrize("rows", [
    ([[1e308, 0.01, 0.01]], [[1.9, 1.9, 1.9]]),
    ([[1e300, 1e-300], [1e-300, 1e300]], [[1e300, 1e-300], [1e-300, 1e300]]),
    ([[1e5, 2e5], [2e5, 1e5]], [[1, 2], [2, 1]]),
])
def test_listed_extremes(rows):
    _agrees(BudgetData(*rows))


def test_exact_entries_are_kept():
    d = BudgetData([[Fraction(1, 3), Fraction(2, 3)], [1, 1]], [[3, 0], [0, 3]])
    assert d.exact_cost(0, 0) == 1
    _agrees(d)
