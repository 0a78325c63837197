"""Curvature of a tiny net trained here: Lanczos against the dense Hessian and Gauss–Newton,
trace and density estimates against exact traces, and typed errors on bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coherence.bridge import (  # noqa: E402
    CurvatureOperator,
    effective_dimension,
    ggn_operator,
    hessian_operator,
    hutchinson_trace,
    hutchpp_trace,
    lanczos,
    model_parameters,
    spectral_density,
    top_eigenpairs,
)
from coherence.errors import CurvatureError, InputError  # noqa: E402

torch.set_num_threads(1)


class Scorer(torch.nn.Module):
    def __init__(self, d: int = 3, h: int = 10) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.Tanh(),
                                       torch.nn.Linear(h, 1))

    def forward(self, a):
        return self.net(a).squeeze(-1)


def _data(n: int = 9, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(n, 3, generator=g, dtype=torch.float64)
    u = X[:, 0] - 0.5 * X[:, 1] + 0.3 * torch.sin(3 * X[:, 2])
    i, j = torch.triu_indices(n, n, 1)
    return X, i, j, torch.sigmoid(2.0 * (u[i] - u[j]))


def _bt_loss(z, i, j, y):
    return torch.nn.functional.binary_cross_entropy_with_logits(z[i] - z[j], y)


def trained(seed: int = 0, steps: int = 150):
    torch.manual_seed(seed)
    X, i, j, y = _data()
    model = Scorer().double()
    opt = torch.optim.Adam(model.parameters(), lr=0.03)
    for _ in range(steps):
        opt.zero_grad()
        _bt_loss(model(X), i, j, y).backward()
        opt.step()
    return model, (lambda: _bt_loss(model(X), i, j, y)), (X, i, j, y)


@pytest.fixture(scope="module")
def net():
    return trained()


def _dense_hessian(model, data):
    X, i, j, y = data
    named = model_parameters(model)
    theta = torch.cat([p.detach().reshape(-1) for _, p in named])

    def f(flat):
        params, s = {}, 0
        for n, p in named:
            params[n] = flat[s: s + p.numel()].view_as(p)
            s += p.numel()
        return _bt_loss(torch.func.functional_call(model, params, (X,)), i, j, y)

    H = torch.autograd.functional.hessian(f, theta)
    return 0.5 * (H + H.T), f, theta


def test_hessian_eigenvalues_match_dense(net):
    model, loss, data = net
    H, _, theta = _dense_hessian(model, data)
    assert theta.numel() <= 200
    dense = torch.linalg.eigvalsh(H).flip(0).numpy()
    eig = top_eigenpairs(model, loss, 8)
    assert eig.values.tolist() == sorted(eig.values.tolist(), reverse=True)
    np.testing.assert_allclose(eig.values, dense[:8], rtol=1e-6)
    # the vectors are eigenvectors of the dense matrix, orthonormal
    V = eig.vectors
    np.testing.assert_allclose((H @ V).numpy(), (V * torch.as_tensor(eig.values)).numpy(),
                               atol=1e-6 * abs(dense[0]))
    np.testing.assert_allclose((V.T @ V).numpy(), np.eye(8), atol=1e-8)
    # every eigenvalue, with the whole Krylov space
    full = lanczos(hessian_operator(model, loss), theta.numel())
    np.testing.assert_allclose(full.values, dense, rtol=1e-6, atol=1e-9 * abs(dense[0]))


def test_operator_matches_dense_products(net):
    model, loss, data = net
    H, _, theta = _dense_hessian(model, data)
    v = torch.randn(theta.numel(), dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    for mode in ("reverse", "forward"):
        op = hessian_operator(model, loss, mode=mode)
        np.testing.assert_allclose(op(v).numpy(), (H @ v).numpy(), rtol=1e-9, atol=1e-12)
        assert op.size == theta.numel() and op.kind == "hessian"
        assert math.isclose(op.loss, float(loss().detach()), rel_tol=1e-12)


def test_ggn_matches_dense_jacobian_product(net):
    model, loss, data = net
    X, i, j, y = data
    _, _, theta = _dense_hessian(model, data)
    named = model_parameters(model)

    def outputs(flat):
        params, s = {}, 0
        for n, p in named:
            params[n] = flat[s: s + p.numel()].view_as(p)
            s += p.numel()
        return torch.func.functional_call(model, params, (X,))

    J = torch.autograd.functional.jacobian(outputs, theta)  # n × N
    z0 = outputs(theta).detach()
    Hz = torch.autograd.functional.hessian(lambda z: _bt_loss(z, i, j, y), z0)
    G = J.T @ Hz @ J
    op = ggn_operator(model, loss)
    np.testing.assert_allclose(op.dense().numpy(), G.numpy(), rtol=1e-8, atol=1e-12)
    dense = torch.linalg.eigvalsh(0.5 * (G + G.T)).flip(0).numpy()
    eig = lanczos(op, 5)
    np.testing.assert_allclose(eig.values, dense[:5], rtol=1e-6)
    assert dense[-1] > -1e-10  # positive semi-definite: the loss is convex in the outputs


def test_trace_estimates_within_their_stated_error(net):
    model, loss, data = net
    H, _, _ = _dense_hessian(model, data)
    exact = float(torch.trace(H))
    op = hessian_operator(model, loss)
    dense = _matrix_op(H)
    for est in (hutchinson_trace(op, 40, seed=3), hutchpp_trace(op, 30, seed=3),
                hutchinson_trace(dense, 200, seed=4), hutchpp_trace(dense, 90, seed=4)):
        assert est.stderr > 0
        assert abs(est.value - exact) <= 3 * est.stderr, (est, exact)
        lo, hi = est.interval
        assert lo < est.value < hi
    # Hutch++ with a sketch covering the space is exact
    assert math.isclose(hutchpp_trace(dense, 3 * op.size, seed=0).value, exact, rel_tol=1e-9)


def test_density_and_effective_dimension(net):
    model, loss, data = net
    H, _, theta = _dense_hessian(model, data)
    lam = torch.linalg.eigvalsh(H).numpy()
    dens = spectral_density(_matrix_op(H), probes=3, steps=theta.numel(), seed=0)
    assert spectral_density(hessian_operator(model, loss), probes=1, steps=5).matvecs == 5
    # full-length SLQ: each probe's quadrature is exact for polynomials, so the trace estimate
    # is the Hutchinson-type average of vᵀHv·N over unit probes: close to the trace
    assert abs(dens.trace - lam.sum()) <= 0.5 * abs(lam).sum()
    grid = np.linspace(lam.min() - 1, lam.max() + 1, 2001)
    mass = np.trapezoid(dens.density(grid), grid)
    assert abs(mass - 1) < 1e-3
    exact_deff = effective_dimension(lam, 0.1)
    assert 0 < exact_deff <= theta.numel()
    assert abs(dens.effective_dimension(0.1) - exact_deff) <= 0.5 * theta.numel()
    assert effective_dimension(lam[-5:], 0.1) <= exact_deff


def _matrix_op(A):
    return CurvatureOperator(lambda v: A @ v, A.shape[0], "matrix", A.dtype, A.device, 0.0, 0.0)


def test_lanczos_on_low_rank_operator_restarts():
    # rank 2 in 30 dimensions: the Krylov space breaks down after two steps
    g = torch.Generator().manual_seed(0)
    U = torch.linalg.qr(torch.randn(30, 2, generator=g, dtype=torch.float64))[0]
    A = U @ torch.diag(torch.tensor([5.0, 2.0], dtype=torch.float64)) @ U.T
    op = CurvatureOperator(lambda v: A @ v, 30, "matrix", A.dtype, A.device, 0.0, 0.0)
    eig = lanczos(op, 4)
    np.testing.assert_allclose(eig.values, [5.0, 2.0, 0.0, 0.0], atol=1e-10)


def test_bad_input_gives_typed_errors(net):
    model, loss, _ = net
    with pytest.raises(CurvatureError, match="no trainable parameters"):
        hessian_operator(torch.nn.Identity(), lambda: torch.tensor(1.0, requires_grad=True))
    with pytest.raises(CurvatureError, match=r"torch\.nn\.Module"):
        hessian_operator(lambda a: a.sum(1), loss)
    lin = torch.nn.Linear(2, 2).double()
    x = torch.ones(3, 2, dtype=torch.float64)
    with pytest.raises(CurvatureError, match="scalar"):
        hessian_operator(lin, lambda: lin(x))
    with pytest.raises(CurvatureError, match="scalar"):
        hessian_operator(lin, lambda: 1.0)
    with pytest.raises(CurvatureError, match="not finite"):
        hessian_operator(lin, lambda: lin(x).sum() * float("nan"))
    w0 = lin.weight.detach().clone()
    with pytest.raises(CurvatureError, match="NaN or inf"):  # d√(‖w − w0‖²) at w = w0 is 0/0
        hessian_operator(lin, lambda: torch.sqrt(((lin.weight - w0) ** 2).sum()))
    with pytest.raises(CurvatureError, match="parameters"):
        top_eigenpairs(model, loss, 10_000)
    with pytest.raises(CurvatureError, match="no arguments"):
        hessian_operator(lin, lambda y: y)
    with pytest.raises(CurvatureError, match="curvature"):
        top_eigenpairs(model, loss, 2, curvature="sharpness")
    with pytest.raises(InputError):
        effective_dimension([1.0], -1.0)
    assert issubclass(CurvatureError, InputError)
