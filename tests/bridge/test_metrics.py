"""Exact metrics against numpy brute force on small n."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch")

from coherence.bridge import (  # noqa: E402
    cycle_probability,
    expected_cyclic_triads,
    find_majority_triad,
    hard_cyclic_triads,
    log_odds_exploitability,
    majority_pump,
    max_mean_cycle_torch,
    sampled_triad_estimate,
    transitivity_violations,
)
from coherence.bridge.metrics import triad_cycle_probability_bruteforce  # noqa: E402
from coherence.relations import max_mean_cycle  # noqa: E402
from tests.bridge.conftest import random_P  # noqa: E402


@st.composite
def prob_matrices(draw, *, min_n: int = 3, max_n: int = 8):
    """Choice-probability matrices; shrink towards 3 items and probabilities 0."""
    n = draw(st.integers(min_n, max_n))
    vals = draw(st.lists(
        st.one_of(st.sampled_from([0.0, 0.5, 1.0]), st.floats(0, 1)),
        min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2,
    ))
    P = np.full((n, n), 0.5)
    iu = np.triu_indices(n, 1)
    P[iu] = vals
    P[(iu[1], iu[0])] = 1 - np.asarray(vals)
    return P


def brute_soft(P):
    n = len(P)
    return sum(P[i, j] * P[j, k] * P[k, i] + P[i, k] * P[k, j] * P[j, i]
               for i, j, k in itertools.combinations(range(n), 3))


def brute_hard_expected(P):
    """Expected cyclic triads of the majority tournament, ties broken by fair coins."""
    M = np.where(P > 0.5, 1.0, np.where(P < 0.5, 0.0, 0.5))
    np.fill_diagonal(M, 0)
    return brute_soft(M)


def brute_st(P):
    n = len(P)
    pre = w = m = s = 0
    for i, j, k in itertools.permutations(range(n), 3):
        if P[i, j] >= 0.5 and P[j, k] >= 0.5:
            pre += 1
            w += P[i, k] < 0.5
            m += P[i, k] < min(P[i, j], P[j, k])
            s += P[i, k] < max(P[i, j], P[j, k])
    return pre, w, m, s


@settings(max_examples=60, deadline=None)
@given(prob_matrices())
def test_expected_cyclic_triads_matches_brute_force(P):
    want = brute_soft(P)
    assert expected_cyclic_triads(P) == pytest.approx(want, abs=1e-9)
    D = P.copy()
    np.fill_diagonal(D, 0)
    assert np.trace(np.linalg.matrix_power(D, 3)) / 3 == pytest.approx(want, abs=1e-9)
    assert cycle_probability(torch.as_tensor(P)) == pytest.approx(want / math.comb(len(P), 3),
                                                                  abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(prob_matrices())
def test_hard_cycles_and_transitivity_match_brute_force(P):
    hc = hard_cyclic_triads(P)
    assert float(hc.count) == pytest.approx(brute_hard_expected(P), abs=1e-9)
    if hc.ties == 0:
        assert isinstance(hc.count, int)
    pre, w, m, s = brute_st(P)
    tv = transitivity_violations(P, method="exact")
    assert tv.premises == pre
    if pre:
        assert (tv.weak, tv.moderate, tv.strong) == pytest.approx((w / pre, m / pre, s / pre))
        assert tv.weak <= tv.moderate <= tv.strong


@settings(max_examples=60, deadline=None)
@given(prob_matrices())
def test_majority_pump_is_verified_and_agrees_with_triads(P):
    v = majority_pump(P)
    assert v.certificate.verify()
    hc = hard_cyclic_triads(P)
    tri = find_majority_triad(P)
    if hc.ties == 0:
        assert v.coherent == (hc.count == 0) == (tri is None)
    if tri is not None:
        i, j, k = tri
        assert P[i, j] > 0.5 and P[j, k] > 0.5 and P[k, i] >= 0.5
        assert not v.coherent and len(v.certificate.cycle) == 3


def test_known_values():
    # a 3-cycle with certainty, and a transitive tournament
    C = np.array([[0.5, 1, 0], [0, 0.5, 1], [1, 0, 0.5]])
    assert expected_cyclic_triads(C) == 1.0
    T = np.triu(np.ones((5, 5)), 1)
    T = T + np.tril(1 - T.T, -1)
    np.fill_diagonal(T, 0.5)
    assert expected_cyclic_triads(T) == 0.0
    assert hard_cyclic_triads(T).zeta == 1.0
    # all ½: every triad cyclic with probability 1/4
    H = np.full((6, 6), 0.5)
    assert expected_cyclic_triads(H) == pytest.approx(math.comb(6, 3) / 4)
    # regular tournament on 5 items attains the maximum (n³ − n)/24 = 5
    R = np.zeros((5, 5))
    for i in range(5):
        R[i, (i + 1) % 5] = R[i, (i + 2) % 5] = 1
    np.fill_diagonal(R, 0.5)
    hc = hard_cyclic_triads(R)
    assert hc.count == hc.max_count == 5 and hc.zeta == 0.0


def test_numpy_and_tensor_agree_float32():
    rng = np.random.default_rng(0)
    P = random_P(rng, 40)
    a = expected_cyclic_triads(P)
    b = expected_cyclic_triads(torch.as_tensor(P, dtype=torch.float32), validate=True)
    assert b == pytest.approx(a, rel=1e-5)
    assert a == pytest.approx(triad_cycle_probability_bruteforce(P), rel=1e-12)


def test_sampled_estimates_agree_with_exact_on_average():
    rng = np.random.default_rng(1)
    P = random_P(rng, 60)
    exact = cycle_probability(P)
    est, se = sampled_triad_estimate(P, samples=200_000, seed=3)
    assert abs(est - exact) < 5 * se
    auto = transitivity_violations(P, method="auto", exact_limit=10, samples=300_000)
    ex = transitivity_violations(P, method="exact")
    assert auto.method == "scores"
    assert auto.weak == pytest.approx(ex.weak, abs=1e-12)  # exact from scores
    assert abs(auto.strong - ex.strong) < 5 * auto.stderr[2] + 1e-9


def test_streamed_blocks_give_the_same_answer(monkeypatch):
    import coherence.bridge.probabilities as m

    rng = np.random.default_rng(2)
    P = random_P(rng, 50)
    a = (expected_cyclic_triads(P), hard_cyclic_triads(P).count, find_majority_triad(P))
    monkeypatch.setattr(m, "BLOCK_ELEMENTS", 64)  # one row per block
    b = (expected_cyclic_triads(P), hard_cyclic_triads(P).count, find_majority_triad(P))
    assert a[0] == pytest.approx(b[0], rel=1e-12) and a[1:] == b[1:]


def test_large_n_pump_path_restricts_to_a_triad():
    rng = np.random.default_rng(4)
    P = random_P(rng, 30)
    v = majority_pump(P, max_items=10, items=[f"x{i}" for i in range(30)])
    assert not v.coherent and v.certificate.verify() and len(v.certificate.cycle) == 3
    T = np.triu(np.ones((30, 30)) * 0.9, 1)
    T = T + np.tril(1 - T.T, -1)
    np.fill_diagonal(T, 0.5)
    with pytest.raises(ValueError, match="max_items"):
        majority_pump(T, max_items=10)


@settings(max_examples=25, deadline=None)
@given(st.integers(3, 9), st.integers(0, 2**32 - 1))
def test_log_odds_max_mean_cycle_matches_core(n, seed):
    P = random_P(np.random.default_rng(seed), n)
    P = np.clip(P, 1e-3, 1 - 1e-3)
    np.fill_diagonal(P, 0.5)
    W = -np.log(P / P.T)
    np.fill_diagonal(W, 0.0)
    lam_core, _, _ = max_mean_cycle(W)
    lam, _, _ = max_mean_cycle_torch(P)
    assert lam == pytest.approx(lam_core, abs=1e-9)
    v_small = log_odds_exploitability(P, max_items=100)
    v_big = log_odds_exploitability(P, max_items=2)  # device path, certified on the cycle
    assert v_small.certificate.verify() and v_big.certificate.verify()
    assert v_small.coherent == v_big.coherent
    if not v_small.coherent:
        assert float(v_big.quantities["exploitability"]) == pytest.approx(
            float(v_small.quantities["exploitability"]), rel=1e-9)


def test_max_mean_cycle_streamed_equals_dense(monkeypatch):
    import coherence.bridge.exploitability as ex
    import coherence.bridge.probabilities as pr

    P = np.clip(random_P(np.random.default_rng(8), 40), 1e-3, 1 - 1e-3)
    np.fill_diagonal(P, 0.5)
    lam, cyc, x = max_mean_cycle_torch(P)
    monkeypatch.setattr(ex, "DENSE_BYTES", 0)  # recompute the weights in every block
    monkeypatch.setattr(pr, "BLOCK_ELEMENTS", 40 * 3)  # three rows per block
    lam2, cyc2, x2 = max_mean_cycle_torch(P)
    assert lam2 == pytest.approx(lam, abs=1e-12) and sorted(cyc2) == sorted(cyc)
    np.testing.assert_allclose(x2, x, atol=1e-9)
    W = -np.log(P / P.T)
    np.fill_diagonal(W, 0.0)
    assert lam == pytest.approx(max_mean_cycle(W)[0], abs=1e-9)


def test_bradley_terry_matrix_is_not_log_odds_exploitable():
    u = np.random.default_rng(5).normal(size=300) * 3
    P = 1 / (1 + np.exp(-(u[:, None] - u[None, :])))
    v = log_odds_exploitability(P)
    assert v.coherent and v.certificate.verify()


def test_saturated_choices_do_not_make_pumps():
    """Deterministic or widely spread but transitive choices are certified, not pumped."""
    u = np.random.default_rng(6).normal(size=150) * 30  # many |uᵢ − uⱼ| beyond 27.6 nats
    P = 1 / (1 + np.exp(-(u[:, None] - u[None, :])))
    np.fill_diagonal(P, 0.5)
    v = log_odds_exploitability(P)
    assert v.coherent and v.certificate.verify()
    T = (u[:, None] > u[None, :]).astype(float)
    np.fill_diagonal(T, 0.5)
    assert log_odds_exploitability(T).coherent
    assert majority_pump(T).coherent
