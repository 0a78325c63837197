"""Cardinal pumps: max-mean cycles and money-utility potentials."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings

from coherence import CardinalPump, InputError, UtilityPotential, WillingnessToPay, check
from coherence.strategies import willingness_to_pay


def brute_max_mean(wtp: WillingnessToPay) -> Fraction | None:
    W = wtp.matrix
    n = W.shape[0]
    best = None
    for k in range(2, n + 1):
        for cyc in itertools.permutations(range(n), k):
            if cyc[0] != min(cyc):
                continue
            edges = [W[cyc[t], cyc[(t + 1) % k]] for t in range(k)]
            if all(np.isfinite(edges)):
                m = sum(wtp.exact(cyc[t], cyc[(t + 1) % k]) for t in range(k)) / k
                best = m if best is None else max(best, m)
    return best


@settings(max_examples=300)
@given(willingness_to_pay(max_items=5))
def test_matches_brute_force_max_mean(wtp):
    v = check(wtp)
    assert v.verify()
    best = brute_max_mean(wtp)
    if best is None or best <= 0:
        assert v.coherent
        assert isinstance(v.certificate, UtilityPotential)
    else:
        assert not v.coherent
        assert isinstance(v.certificate, CardinalPump)
        assert v.quantities["exploitability"] == best


@given(willingness_to_pay(max_items=7, coherent=True))
def test_coherent_draws_get_potentials(wtp):
    v = check(wtp)
    assert v.coherent and v.verify()


@given(willingness_to_pay(max_items=7, coherent=False))
def test_incoherent_draws_get_pumps(wtp):
    v = check(wtp)
    assert not v.coherent and v.verify() and v.certificate.total > 0


def test_zero_mean_cycle_is_not_a_pump():
    W = np.array([[0, 1, -np.inf], [-np.inf, 0, 2], [-3, -np.inf, 0]], dtype=float)
    v = check(WillingnessToPay.from_matrix(W))
    assert v.coherent and v.verify()


def test_fractional_payments_are_exact():
    W = np.full((3, 3), -np.inf)
    W[0, 1], W[1, 2], W[2, 0] = 0.1, 0.2, -0.3  # 0 as decimals, 5.55e-17 > 0 in binary
    for numbers in ("decimal", "binary"):
        wtp = WillingnessToPay.from_matrix(W, numbers=numbers)
        v = check(wtp)
        exact = wtp.exact(0, 1) + wtp.exact(1, 2) + wtp.exact(2, 0)
        assert (exact > 0) == (not v.coherent) == (numbers == "binary")
        assert v.verify()


def test_tampered_potential_fails():
    W = np.array([[0, 1.0], [-2.0, 0]])
    wtp = WillingnessToPay.from_matrix(W)
    v = check(wtp)
    assert v.coherent and v.verify()
    assert not UtilityPotential(wtp, (0.0, 0.0)).verify()
    assert not CardinalPump(wtp, (0, 1)).verify()


@pytest.mark.parametrize(
    "matrix",
    [np.array([[0, np.nan], [1, 0]]), np.array([[0, np.inf], [1, 0]]), np.ones((2, 3)),
     [["a", "b"], ["c", "d"]]],
)
def test_bad_matrices(matrix):
    with pytest.raises(InputError):
        WillingnessToPay.from_matrix(matrix)


def test_exploitability_on_larger_random_instance():
    rng = np.random.default_rng(1)
    n = 60
    u = rng.normal(size=n)
    W = (u[None, :] - u[:, None]) - rng.uniform(0, 1, size=(n, n))
    W[0, 1] = u[1] - u[0] + 5.0  # plant a profitable swap
    W[1, 0] = u[0] - u[1] + 1.0
    v = check(WillingnessToPay.from_matrix(W))
    assert not v.coherent and v.verify()
    assert v.quantities["exploitability"] >= 3 - Fraction(1, 10**12)  # 3 up to rounding


def test_random_coherent_three_item_matrices_all_get_potentials():
    """Float utilities with zero slack on half the swaps: cycles of total 0 up to rounding,
    where a float potential may not exist (the exact one then holds Fractions)."""
    rng = np.random.default_rng(7)
    exact_values = coherent = 0
    while coherent < 1500:
        u = rng.normal(size=3)
        slack = np.where(rng.random((3, 3)) < 0.5, 0.0, rng.uniform(0, 1, (3, 3)))
        W = (u[None, :] - u[:, None]) - slack
        W[rng.random((3, 3)) < 0.2] = -np.inf
        wtp = WillingnessToPay.from_matrix(W)
        best = brute_max_mean(wtp)
        if best is not None and best > 0:
            continue  # rounding made a (tiny) pump
        coherent += 1
        v = check(wtp)
        assert v.coherent and v.verify()
        exact_values += any(isinstance(x, Fraction) for x in v.certificate.values)
    assert exact_values > 0  # the draws do reach the exact construction
