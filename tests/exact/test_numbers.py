"""The number policy: floats read as meant, exact types exact, bad values a typed error."""

from __future__ import annotations

import time
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import coherence
from coherence import BudgetData, Credences, number_reading
from coherence.errors import InputError
from coherence.numbers import as_fraction, rational_parts, read_float, simplest_rational
from coherence.verdict import from_json

finite = st.floats(allow_nan=False, allow_infinity=False)


def _brute_simplest(x: float, limit: int = 2000) -> Fraction | None:
    """The least-denominator (then least-numerator) rational rounding to ``x``, q ≤ limit."""
    for q in range(1, limit + 1):
        p = round(Fraction(x) * q)
        for cand in sorted({p - 1, p, p + 1}, key=abs):
            if cand / q == x:
                return Fraction(cand, q)
    return None


@given(st.integers(-10**6, 10**6), st.integers(1, 2000))
def test_small_fractions_come_back(p, q):
    x = p / q
    got = simplest_rational(x)
    assert float(got) == x
    if len(Decimal(repr(x)).normalize().as_tuple().digits) > 15:
        assert got == Fraction(p, q)  # computed: the simplest rational rounding to x
    else:
        assert got == Fraction(repr(x))  # a short decimal: read as typed


@given(st.integers(1, 999), st.integers(1, 999))
def test_simplest_is_least_denominator(p, q):
    x = p / q / 7.0  # a computed float, not a short decimal
    got = simplest_rational(x)
    if len(Decimal(repr(x)).normalize().as_tuple().digits) > 15:
        brute = _brute_simplest(x)
        assert brute is None or got == brute


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: d != 0 and len(d.normalize().as_tuple().digits) <= 15 and -300 < d.adjusted() < 300))
def test_short_decimals_read_as_typed(d):
    assert simplest_rational(float(d)) == Fraction(d)


@given(finite)
@example(0.3333333333333333)
@example(1e-300)
@example(5e-324)
@example(1.7976931348623157e308)
@example(2.0**60)
@example(-0.1 - 0.2)
def test_every_reading_rounds_back(x):
    q = simplest_rational(x)
    assert float(q) == x
    assert as_fraction(x, numbers="binary") == Fraction(x)


@settings(max_examples=200)
@given(st.lists(finite, min_size=1, max_size=40))
def test_vectorised_reading_is_the_scalar_rule(xs):
    a = np.array(xs)
    for numbers in ("decimal", "binary"):
        n, d = rational_parts(a, numbers)
        got = [Fraction(int(p), int(q)) for p, q in zip(n.tolist(), d.tolist())]
        assert got == [read_float(x, numbers) for x in xs]


def test_vectorised_reading_matches_on_a_million_values():
    rng = np.random.default_rng(3)
    a = np.concatenate([np.round(rng.random(500_000) * 100, 2), rng.random(500_000) / 3])
    start = time.perf_counter()
    n, d = rational_parts(a)
    assert time.perf_counter() - start < 30  # a guard against a hang, not a benchmark
    for i in rng.integers(0, a.size, 300).tolist():
        assert Fraction(int(n[i]), int(d[i])) == simplest_rational(float(a[i]))


def test_the_examples_of_the_docs():
    assert as_fraction(0.8) == Fraction(4, 5)
    assert as_fraction(0.3333333333333333) == Fraction(1, 3)
    assert as_fraction(0.8) + as_fraction(0.2) == 1
    with number_reading("binary"):
        assert as_fraction(0.8) + as_fraction(0.2) != 1
    assert coherence.numbers.current_reading() == "decimal"


def test_credences_read_as_typed_are_coherent():
    typed = Credences(["a", "b"], [({"a"}, 0.8), ({"b"}, 0.2)])
    assert coherence.check(typed).status == "coherent"
    with number_reading("binary"):
        binary = Credences(["a", "b"], [({"a"}, 0.8), ({"b"}, 0.2)])
    v = coherence.check(binary)
    assert v.status == "exploitable" and v.certificate.verify()


@pytest.mark.parametrize("raw", ["1/0", "1e999999999", "-1e-999999999", "1e400", "nan", "inf",
                                 float("nan"), float("-inf"), Decimal("1e500"), True, "x"])
def test_bad_values_are_a_typed_error_at_once(raw):
    start = time.perf_counter()
    with pytest.raises(InputError):
        as_fraction(raw, what="price")
    assert time.perf_counter() - start < 1


def test_unknown_reading_is_an_input_error():
    with pytest.raises(InputError), number_reading("hex"):  # type: ignore[arg-type]
        pass
    with pytest.raises(InputError):
        BudgetData([[1.0]], [[1.0]], numbers="hex")


def test_check_with_a_zero_denominator_efficiency_is_an_input_error():
    d = BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]])
    with pytest.raises(InputError):
        coherence.check(d, "1/0")


def test_budget_data_keep_exact_entries_and_their_json():
    d = BudgetData([[Fraction(1, 3), "2/7"], [1, 1]], [[1, 0], [0, "1/10"]])
    assert d.exact_given and d.exact_prices(0) == (Fraction(1, 3), Fraction(2, 7))
    v = coherence.check(d)
    back = from_json(v.certificate.to_json())
    assert back.verify() and back.to_json() == v.certificate.to_json()
    assert back.data.exact_prices(0) == (Fraction(1, 3), Fraction(2, 7))


def test_binary_budget_data_say_so_in_json():
    d = BudgetData([[1.0, 0.8], [0.3, 0.3]], [[0.4, 0.1], [0.2, 0.3]], numbers="binary")
    v = coherence.check(d)
    doc = v.certificate.to_json()
    assert doc["numbers"] == "binary"
    back = from_json(doc)
    assert back.data.numbers == "binary" and back.verify()


def test_reading_in_force_is_fixed_at_construction():
    with number_reading("binary"):
        d = BudgetData([[0.1]], [[1.0]])
    assert d.numbers == "binary" and d.exact_cost(0, 0) == Fraction(0.1)
