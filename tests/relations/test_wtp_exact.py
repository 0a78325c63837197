"""Willingness to pay read by the number policy; near ties settled exactly (Fractions where
no float is exact)."""

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import InputError, Verdict
from coherence.numbers import as_fraction, number_reading
from coherence.relations import (
    CardinalPump,
    UtilityPotential,
    WillingnessToPay,
    check_willingness_to_pay,
)
from coherence.verdict import from_json

NEVER = -np.inf


def positive_cycle(wtp: WillingnessToPay) -> bool:
    """Brute force: some simple cycle of finite entries has positive exact total."""
    W, n = wtp.matrix, wtp.n
    for k in range(2, n + 1):
        for cyc in itertools.permutations(range(n), k):
            if cyc[0] != min(cyc):
                continue
            pairs = [(cyc[t], cyc[(t + 1) % k]) for t in range(k)]
            finite = all(np.isfinite(W[i, j]) for i, j in pairs)
            if finite and sum(wtp.exact(i, j) for i, j in pairs) > 0:
                return True
    return False


def round_trip(cert):
    doc = json.loads(json.dumps(cert.to_json()))
    back = from_json(doc)
    assert back.verify()
    assert back.to_json() == cert.to_json()
    return back


# Coarse grids make exact ties (cycles of total exactly 0) common; one-decimal entries make
# totals that are 0 in decimal but a few ulps off in binary, and sums no float can hold.
integers = st.sampled_from([float(k) for k in range(-3, 4)] + [NEVER])
decimals = st.one_of(st.integers(-30, 30).map(lambda k: k / 10), st.just(NEVER))
readings = st.sampled_from(["decimal", "binary"])


@st.composite
def grid_matrices(draw, entries):
    n = draw(st.integers(2, 5))
    rows = draw(st.lists(st.lists(entries, min_size=n, max_size=n), min_size=n, max_size=n))
    return np.array(rows, dtype=np.float64)


@st.composite
def decimal_ties(draw):
    """Entries ``(k[j] − k[i] − s) / 10`` around a decimal utility ``k / 10``: slack ``s = 0``
    makes cycles of total 0 in decimal, a few ulps either side of 0 in binary."""
    n = draw(st.integers(2, 5))
    k = draw(st.lists(st.integers(-30, 30), min_size=n, max_size=n))
    slack = st.one_of(st.just(0), st.just(0), st.integers(-2, 5), st.none())
    W = np.full((n, n), NEVER)
    for i, j in itertools.product(range(n), repeat=2):
        s = draw(slack)
        if i != j and s is not None:
            W[i, j] = (k[j] - k[i] - s) / 10
    return W


@settings(max_examples=300, deadline=None)
@given(st.one_of(grid_matrices(integers), grid_matrices(decimals), decimal_ties()), readings)
def test_exploitable_iff_a_simple_cycle_pays(W, numbers):
    wtp = WillingnessToPay.from_matrix(W, numbers=numbers)
    v = check_willingness_to_pay(wtp)  # never a CertificationError
    assert v.verify() and v.certificate.verify()
    assert v.coherent == (not positive_cycle(wtp))
    assert isinstance(v.certificate, UtilityPotential if v.coherent else CardinalPump)
    back = round_trip(v.certificate)
    assert Verdict.from_json(json.loads(json.dumps(v.to_json()))).coherent == v.coherent
    if v.coherent:
        assert back.values == tuple(v.certificate.values)
        assert v.quantities["exploitability"] == 0
    else:
        assert v.certificate.total > 0


def zero_total_decimal_cycle(numbers: str = "decimal") -> WillingnessToPay:
    """0 → 1 → 2 → 3 → 0 pays 0.1, 0.2, −0.1, −0.2: exactly 0 in all in either reading, and
    ``u[2] − u[0]`` must be the exact sum 0.1 + 0.2."""
    W = np.full((4, 4), NEVER)
    W[0, 1], W[1, 2], W[2, 3], W[3, 0] = 0.1, 0.2, -0.1, -0.2
    return WillingnessToPay.from_matrix(W, numbers=numbers)


def test_a_zero_total_cycle_gets_an_exact_potential():
    v = check_willingness_to_pay(zero_total_decimal_cycle())
    assert v.coherent and v.verify()
    u = [Fraction(x) for x in v.certificate.values]
    assert u[2] - u[0] == Fraction(3, 10)  # the cycle is tight
    assert "u(" in v.certificate.explain()


def test_in_binary_the_tight_sum_needs_a_fraction():
    v = check_willingness_to_pay(zero_total_decimal_cycle("binary"))
    assert v.coherent and v.verify()
    assert any(isinstance(x, Fraction) and Fraction(float(x)) != x for x in v.certificate.values)
    u = [Fraction(x) for x in v.certificate.values]
    assert u[2] - u[0] == Fraction(0.1) + Fraction(0.2)


def test_the_reading_is_fixed_when_the_matrix_is_built():
    W = [[0, 0.1, NEVER], [NEVER, 0, 0.2], [-0.3, NEVER, 0]]
    assert check_willingness_to_pay(WillingnessToPay.from_matrix(W)).coherent
    with number_reading("binary"):
        wtp = WillingnessToPay.from_matrix(W)  # 0.1 + 0.2 − 0.3 = 2⁻⁵⁵ in binary
    assert wtp.numbers == "binary"
    v = check_willingness_to_pay(wtp)
    assert not v.coherent and v.certificate.total == Fraction(1, 2**55)


def test_exact_potential_round_trips_with_nearest_floats():
    pot = check_willingness_to_pay(zero_total_decimal_cycle("binary")).certificate
    doc = json.loads(json.dumps(pot.to_json()))
    for key, exact in doc["utility_exact"].items():
        assert doc["utility"][key] == float(Fraction(exact))
    back = round_trip(pot)
    assert isinstance(back, UtilityPotential) and back.values == pot.values
    doc["utility"]["2"] = 0.5  # not the nearest float to the exact value
    with pytest.raises(InputError, match="disagree"):
        from_json(doc)


def test_tampered_exact_potential_fails():
    pot = check_willingness_to_pay(zero_total_decimal_cycle()).certificate
    u = [Fraction(x) for x in pot.values]
    u[2] -= Fraction(1, 10**30)  # 1 → 2 now pays more than the gain
    assert not UtilityPotential(pot.wtp, tuple(u)).verify()
    u = [Fraction(x) for x in pot.values]
    u[0] += Fraction(1, 10**30)  # 3 → 0 now pays more than the gain
    assert not UtilityPotential(pot.wtp, tuple(u)).verify()


@pytest.mark.parametrize("bad", ["1", None, float("inf"), float("nan"), True])
def test_non_numbers_do_not_verify(bad):
    wtp = WillingnessToPay.from_matrix([[0, 1], [-2, 0]])
    assert UtilityPotential(wtp, (Fraction(0), 1.0)).verify()  # mixed values are fine
    assert not UtilityPotential(wtp, (Fraction(0), bad)).verify()


def test_a_third_reads_back_as_a_fraction():
    wtp = WillingnessToPay.from_matrix([[0, -1], [-1, 0]])
    pot = UtilityPotential(wtp, (Fraction(1, 3), Fraction(2, 3)))
    assert pot.verify()
    back = round_trip(pot)
    assert back.values == (Fraction(1, 3), Fraction(2, 3))


def test_float_values_of_a_potential_are_their_binary_values():
    wtp = WillingnessToPay.from_matrix([[0, 0.1], [-0.1, 0]])  # 1/10 both ways: tight
    assert UtilityPotential(wtp, (Fraction(0), Fraction(1, 10))).verify()
    assert not UtilityPotential(wtp, (0.0, 0.1)).verify()  # 0.1 (binary) > 1/10


def test_values_beyond_the_float_range():
    W = np.full((3, 3), NEVER)
    W[0, 1] = W[1, 2] = 1.5e308  # the chain collects 3e308: no float holds it
    v = check_willingness_to_pay(WillingnessToPay.from_matrix(W))
    assert v.coherent and v.verify()
    doc = json.loads(json.dumps(v.certificate.to_json()))
    assert None in doc["utility"].values()
    round_trip(v.certificate)
    W[2, 0] = -1e308  # a way back: the cycle pays 2e308 in all
    v = check_willingness_to_pay(WillingnessToPay.from_matrix(W))
    assert not v.coherent and v.verify()
    assert v.certificate.total == 2 * as_fraction(1.5e308) - as_fraction(1e308)
    assert v.quantities["exploitability_is_max"]


def tenths_on_many_items(seed: int, numbers: str) -> WillingnessToPay:
    rng = np.random.default_rng(seed)
    k = rng.integers(-30, 31, 60)
    W = (k[None, :] - k[:, None]) / 10
    W[rng.random(W.shape) < 0.5] = NEVER
    return WillingnessToPay.from_matrix(W, numbers=numbers)


def test_tenths_on_many_items_are_coherent_as_decimals():
    """Entries (k_j − k_i)/10: every cycle pays exactly 0 as decimals."""
    v = check_willingness_to_pay(tenths_on_many_items(3, "decimal"))
    assert v.coherent and v.verify()
    round_trip(v.certificate)


def test_a_binary_pump_of_a_few_ulps_on_many_items():
    """The same entries at their binary values: tiny pumps, found exactly on 60 items, with
    the exact maximum mean."""
    v = check_willingness_to_pay(tenths_on_many_items(3, "binary"))
    assert v.verify()
    assert not v.coherent and 0 < v.certificate.total < Fraction(1, 10**12)
    assert v.quantities["exploitability_is_max"]


def test_rounded_down_binary_tenths_on_many_items_are_coherent():
    """In binary, the entries rounded down where binary rounding went up: no pump, ties."""
    rng = np.random.default_rng(4)
    n = 60
    k = rng.integers(-30, 31, n)
    W = np.full((n, n), NEVER)
    for i, j in itertools.product(range(n), repeat=2):
        if i != j and rng.random() < 0.5:
            f, exact = (k[j] - k[i]) / 10, Fraction(int(k[j] - k[i]), 10)
            W[i, j] = f if Fraction(f) <= exact else np.nextafter(f, NEVER)
    v = check_willingness_to_pay(WillingnessToPay.from_matrix(W, numbers="binary"))
    assert v.coherent and v.verify()
    round_trip(v.certificate)


def test_exact_entries_are_kept_exactly():
    third = Fraction(1, 3)
    wtp = WillingnessToPay.from_matrix([[None, third, "-1/3"], [None, None, third],
                                        ["-1/3", None, None]])
    assert wtp.exact_given and wtp.exact(0, 1) == third and wtp.exact(0, 2) == -third
    v = check_willingness_to_pay(wtp)  # 1/3 + 1/3 − 1/3 > 0 around 0 → 1 → 2 → 0
    assert not v.coherent and v.certificate.total == third
    assert v.quantities["exploitability"] == Fraction(1, 9)
    back = round_trip(v.certificate)
    assert back.payments == (third, third, -third)
    doc = json.loads(json.dumps(wtp.to_json()))
    assert doc["matrix"][0][1] == "1/3"
    assert WillingnessToPay.from_json(doc).exact(0, 2) == -third


def test_a_tiny_exact_entry_is_not_its_float():
    tiny = Fraction(1, 10**30 + 1)  # no float, nor the decimal reading of one, is this
    wtp = WillingnessToPay.from_matrix([[None, tiny], [-tiny, None]])
    v = check_willingness_to_pay(wtp)
    assert v.coherent and v.verify()
    u = [Fraction(x) for x in v.certificate.values]
    assert u[1] - u[0] == tiny


@pytest.mark.parametrize(
    "matrix",
    [[[0, "x"], [1, 0]], [[0, "1/0"], [1, 0]], [[0, Fraction(10**400)], [1, 0]],
     [[0, float("nan")], [None, 0]]],
)
def test_bad_exact_entries(matrix):
    with pytest.raises(InputError):
        WillingnessToPay.from_matrix(matrix)


def test_exact_of_a_refused_swap_is_an_input_error():
    wtp = WillingnessToPay.from_matrix([[0, NEVER], [1, 0]])
    with pytest.raises(InputError, match="no finite payment"):
        wtp.exact(0, 1)
