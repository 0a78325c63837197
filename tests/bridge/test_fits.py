"""Bradley–Terry, Thurstone and the Hodge residual."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

torch = pytest.importorskip("torch")

from coherence.bridge import bradley_terry, residual_incoherence, thurstonian  # noqa: E402
from tests.bridge.conftest import random_P  # noqa: E402


def _bt(u):
    P = 1 / (1 + np.exp(-(u[:, None] - u[None, :])))
    np.fill_diagonal(P, 0.5)
    return P


@pytest.mark.parametrize("method", ["newton", "mm"])
def test_bradley_terry_recovers_utilities(method):
    u = np.random.default_rng(0).normal(size=30) * 1.5
    fit = bradley_terry(_bt(u), method=method)
    assert fit.converged
    assert np.allclose(fit.utility, u - u.mean(), atol=1e-5)
    assert fit.excess_cross_entropy == pytest.approx(0, abs=1e-9)
    assert fit.agreement == 1.0


def test_newton_and_mm_agree_on_intransitive_data():
    P = random_P(np.random.default_rng(1), 25)
    a = bradley_terry(P, method="newton")
    b = bradley_terry(P, method="mm", tol=1e-11, max_iter=20000)
    assert np.allclose(a.utility, b.utility, atol=1e-4)
    assert a.excess_cross_entropy > 0


def test_newton_is_the_maximum_likelihood():
    """The gradient of the soft-target log-likelihood vanishes at the fit."""
    P = random_P(np.random.default_rng(2), 20)
    u = bradley_terry(P).utility
    S = 1 / (1 + np.exp(-(u[:, None] - u[None, :])))
    D = P - S
    np.fill_diagonal(D, 0)
    assert np.abs(D.sum(axis=1)).max() < 1e-6


def test_thurstone_case_v_recovers_means():
    mu = np.random.default_rng(3).normal(size=25)
    P = norm.cdf((mu[:, None] - mu[None, :]) / np.sqrt(2))
    np.fill_diagonal(P, 0.5)
    fit = thurstonian(P)
    assert fit.converged
    assert np.allclose(fit.utility, mu - mu.mean(), atol=1e-5)


def test_residual_share_against_least_squares():
    rng = np.random.default_rng(4)
    n = 12
    P = np.clip(random_P(rng, n), 0.02, 0.98)
    np.fill_diagonal(P, 0.5)
    L = np.log(P / P.T)
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    G = np.zeros((len(rows), n))
    G[np.arange(len(rows)), rows] = 1
    G[np.arange(len(rows)), cols] = -1
    u, *_ = np.linalg.lstsq(G, L[rows, cols], rcond=None)
    resid = L[rows, cols] - G @ u
    want = (resid @ resid) / (L[rows, cols] @ L[rows, cols])
    h = residual_incoherence(P)
    assert h.share == pytest.approx(want, rel=1e-9)
    assert np.allclose(h.utility, u - u.mean(), atol=1e-9)
    assert residual_incoherence(_bt(rng.normal(size=10))).share == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("fit", ["bt", "thurstone"])
def test_streamed_hessian_path_reaches_the_same_optimum(monkeypatch, dtype, fit):
    """Large n streams the Fisher–vector products (float32 on CUDA); they only steer the
    conjugate gradients, so the optimum matches the dense float64 path."""
    import coherence.bridge.fits as fits

    P = random_P(np.random.default_rng(3), 40)
    run = (lambda: bradley_terry(P, method="newton")) if fit == "bt" else (lambda: thurstonian(P))
    dense = run()
    monkeypatch.setattr(fits, "DENSE_BYTES", 0)
    monkeypatch.setattr(fits, "STREAMED_HESSIAN_DTYPE", dtype)
    streamed = run()
    assert streamed.converged
    assert np.allclose(streamed.utility, dense.utility, atol=1e-6)
