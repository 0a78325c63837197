"""Willingness to pay near ties: exact potentials (Fractions where no float is exact)."""

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import InputError, Verdict
from coherence.relations import (
    CardinalPump,
    UtilityPotential,
    WillingnessToPay,
    check_willingness_to_pay,
)
from coherence.verdict import from_json

NEVER = -np.inf


def positive_cycle(W: np.ndarray) -> bool:
    """Brute force: some simple cycle of finite entries has positive exact total."""
    n = W.shape[0]
    for k in range(2, n + 1):
        for cyc in itertools.permutations(range(n), k):
            if cyc[0] != min(cyc):
                continue
            edges = [W[cyc[t], cyc[(t + 1) % k]] for t in range(k)]
            if all(np.isfinite(edges)) and sum(Fraction(float(e)) for e in edges) > 0:
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


@settings(max_examples=400, deadline=None)
@given(st.one_of(grid_matrices(integers), grid_matrices(decimals), decimal_ties()))
def test_exploitable_iff_a_simple_cycle_pays(W):
    wtp = WillingnessToPay.from_matrix(W)
    v = check_willingness_to_pay(wtp)  # never a CertificationError
    assert v.verify() and v.certificate.verify()
    assert v.coherent == (not positive_cycle(wtp.matrix))
    assert isinstance(v.certificate, UtilityPotential if v.coherent else CardinalPump)
    back = round_trip(v.certificate)
    assert Verdict.from_json(json.loads(json.dumps(v.to_json()))).coherent == v.coherent
    if v.coherent:
        assert back.values == tuple(v.certificate.values)
        assert v.quantities["exploitability"] == 0
    else:
        assert v.certificate.total > 0


def zero_total_decimal_cycle() -> WillingnessToPay:
    """0 → 1 → 2 → 3 → 0 pays 0.1, 0.2, −0.1, −0.2: exactly 0 in all, but ``u[2] − u[0]`` must
    be the exact sum 0.1 + 0.2, which no float holds."""
    W = np.full((4, 4), NEVER)
    W[0, 1], W[1, 2], W[2, 3], W[3, 0] = 0.1, 0.2, -0.1, -0.2
    return WillingnessToPay.from_matrix(W)


def test_a_zero_total_cycle_gets_an_exact_potential():
    wtp = zero_total_decimal_cycle()
    v = check_willingness_to_pay(wtp)
    assert v.coherent and v.verify()
    u = v.certificate.values
    assert any(isinstance(x, Fraction) and Fraction(float(x)) != x for x in u)
    assert u[2] - u[0] == Fraction(0.1) + Fraction(0.2)  # the cycle is tight
    assert "u(" in v.certificate.explain()


def test_exact_potential_round_trips_with_nearest_floats():
    pot = check_willingness_to_pay(zero_total_decimal_cycle()).certificate
    doc = json.loads(json.dumps(pot.to_json()))
    for key, exact in doc["utility_exact"].items():
        assert doc["utility"][key] == float(Fraction(exact))
    back = round_trip(pot)
    assert isinstance(back, UtilityPotential) and back.values == pot.values
    doc["utility"]["2"] = 0.3  # not the nearest float to the exact value
    with pytest.raises(InputError, match="disagree"):
        from_json(doc)


def test_tampered_exact_potential_fails():
    pot = check_willingness_to_pay(zero_total_decimal_cycle()).certificate
    u = list(pot.values)
    u[2] -= Fraction(1, 10**30)  # 1 → 2 now pays more than the gain
    assert not UtilityPotential(pot.wtp, tuple(u)).verify()
    u = list(pot.values)
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
    assert v.certificate.total == 2 * Fraction(1.5e308) - Fraction(1e308)


def test_a_binary_pump_of_a_few_ulps_on_many_items():
    """Entries (k_j − k_i)/10 rounded to binary: zero cycles in decimal, tiny pumps in binary,
    found exactly on 60 items."""
    rng = np.random.default_rng(3)
    k = rng.integers(-30, 31, 60)
    W = (k[None, :] - k[:, None]) / 10
    W[rng.random(W.shape) < 0.5] = NEVER
    wtp = WillingnessToPay.from_matrix(W)
    v = check_willingness_to_pay(wtp)
    assert v.verify()
    assert not v.coherent and 0 < v.certificate.total < Fraction(1, 10**12)


def test_rounded_down_decimals_on_many_items_are_coherent():
    """The same entries rounded down where binary rounding went up: no pump, exact ties."""
    rng = np.random.default_rng(4)
    n = 60
    k = rng.integers(-30, 31, n)
    W = np.full((n, n), NEVER)
    for i, j in itertools.product(range(n), repeat=2):
        if i != j and rng.random() < 0.5:
            f, exact = (k[j] - k[i]) / 10, Fraction(int(k[j] - k[i]), 10)
            W[i, j] = f if Fraction(f) <= exact else np.nextafter(f, NEVER)
    v = check_willingness_to_pay(WillingnessToPay.from_matrix(W))
    assert v.coherent and v.verify()
    round_trip(v.certificate)
