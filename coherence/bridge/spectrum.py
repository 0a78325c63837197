"""The trace, spectral density and effective dimension of a curvature operator, stochastically.

Hutchinson's estimator (1989) and Hutch++ (Meyer, Musco, Musco & Woodruff 2021) give the trace
with a standard error; stochastic Lanczos quadrature (Golub & Meurant 1994; Ubaru, Chen & Saad
2017; Ghorbani, Krishnan & Xiao 2019) gives the spectral density and ``tr f(A)`` for any ``f``,
among them the effective number of parameters ``Σ λ/(λ + α)`` (MacKay 1992).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from coherence.bridge._torch import require_torch
from coherence.bridge.curvature import CurvatureOperator
from coherence.bridge.lanczos import _lanczos_steps
from coherence.errors import CurvatureError
from coherence.validation import check_integer

__all__ = [
    "SpectralDensity",
    "TraceEstimate",
    "effective_dimension",
    "hutchinson_trace",
    "hutchpp_trace",
    "spectral_density",
]


# ----------------------------------------------------------------------------- trace
@dataclass(frozen=True)
class TraceEstimate:
    """A stochastic trace estimate (immutable).

    Attributes:
        value: the estimate of ``tr A``.
        stderr: its standard error (from the spread of the probe values; the exact part of
            Hutch++ adds none).
        matvecs: products used; ``method``: ``"hutchinson"`` or ``"hutch++"``.
    """

    value: float
    stderr: float
    matvecs: int
    method: str

    @property
    def interval(self) -> tuple[float, float]:
        """``value ± 1.96 · stderr`` (a normal-approximation 95% interval)."""
        return self.value - 1.96 * self.stderr, self.value + 1.96 * self.stderr


def _rademacher(size: int, count: int, dtype: Any, device: Any, g: Any) -> Any:
    torch = require_torch()
    R = torch.randint(0, 2, (count, size), generator=g).to(dtype=dtype, device=device)
    return 2 * R - 1


def _mean_se(vals: np.ndarray) -> tuple[float, float]:
    se = float(vals.std(ddof=1) / math.sqrt(vals.size)) if vals.size > 1 else math.inf
    return float(vals.mean()), se


def hutchinson_trace(op: CurvatureOperator, samples: int = 64, *, seed: int = 0
                     ) -> TraceEstimate:
    """Hutchinson's estimator ``tr A ≈ mean zᵀAz`` over Rademacher probes ``z`` (Hutchinson
    1989): unbiased, variance ``2(‖A‖²_F − Σ A²ᵢᵢ)/samples``. ``samples`` products.

    >>> import torch
    >>> A = torch.diag(torch.tensor([3.0, 1.0], dtype=torch.float64))
    >>> op = CurvatureOperator(lambda v: A @ v, 2, "matrix", A.dtype, A.device, 0.0, 0.0)
    >>> hutchinson_trace(op, 8).value  # diagonal: every probe gives the trace exactly
    4.0
    """
    torch = require_torch()
    check_integer(samples, "samples", min_value=2)
    g = torch.Generator(device="cpu").manual_seed(seed)
    Z = _rademacher(op.size, samples, op.dtype, op.device, g)
    vals = np.array([float(torch.dot(z.double(), op(z).double())) for z in Z])
    mean, se = _mean_se(vals)
    return TraceEstimate(mean, se, samples, "hutchinson")


def hutchpp_trace(op: CurvatureOperator, matvecs: int = 96, *, seed: int = 0) -> TraceEstimate:
    """Hutch++ (Meyer, Musco, Musco & Woodruff 2021): the trace of ``A`` on the range of a
    sketch ``Q = orth(AS)`` exactly, plus Hutchinson on the rest,
    ``tr A = tr(QᵀAQ) + tr((I − QQᵀ)A(I − QQᵀ))``. ``matvecs`` products split in thirds;
    error O(1/matvecs) for a positive semi-definite ``A`` instead of O(1/√matvecs). The
    standard error is that of the Hutchinson part.

    >>> import torch
    >>> A = torch.diag(torch.tensor([100.0, 1.0, 1.0, 1.0], dtype=torch.float64))
    >>> op = CurvatureOperator(lambda v: A @ v, 4, "matrix", A.dtype, A.device, 0.0, 0.0)
    >>> round(hutchpp_trace(op, 12).value, 6)
    103.0
    """
    torch = require_torch()
    check_integer(matvecs, "matvecs", min_value=6)
    g = torch.Generator(device="cpu").manual_seed(seed)
    s = min(matvecs // 3, op.size)
    h = matvecs - 2 * s
    S = _rademacher(op.size, s, op.dtype, op.device, g)
    AS = torch.stack([op(x) for x in S], dim=1)
    Qm, _ = torch.linalg.qr(AS)
    exact = float(sum(torch.dot(q.double(), op(q).double()) for q in Qm.T))
    G = _rademacher(op.size, max(h, 2), op.dtype, op.device, g)
    G = G - (G @ Qm) @ Qm.T
    vals = np.array([float(torch.dot(z.double(), op(z).double())) for z in G])
    mean, se = _mean_se(vals)
    return TraceEstimate(exact + mean, se, 2 * s + vals.size, "hutch++")


# ----------------------------------------------------------------------------- density
@dataclass(frozen=True)
class SpectralDensity:
    """A stochastic Lanczos quadrature of the spectrum (immutable): for each probe, Ritz
    values ``nodes[p]`` with weights ``weights[p]`` (each probe's sum to 1), so that
    ``tr f(A) ≈ size · mean_p Σ_l weights[p, l] f(nodes[p, l])`` (Ubaru, Chen & Saad 2017).

    Attributes:
        nodes, weights: ``probes × steps`` arrays; ``size``: ``N``; ``matvecs``: products.
    """

    nodes: np.ndarray
    weights: np.ndarray
    size: int
    matvecs: int

    def trace_of(self, f: Callable[[np.ndarray], np.ndarray]) -> float:
        """``tr f(A)`` estimated by the quadrature. O(probes · steps)."""
        return float(self.size * np.mean(np.sum(self.weights * f(self.nodes), axis=1)))

    @property
    def trace(self) -> float:
        return self.trace_of(lambda x: x)

    def density(self, grid: Any, sigma: float | None = None) -> np.ndarray:
        """The spectral density on ``grid`` (integrates to 1), each node smoothed by a
        Gaussian of width ``sigma`` (default: 1% of the nodes' range). O(grid · nodes)."""
        t = np.asarray(grid, dtype=np.float64)
        lo, hi = float(self.nodes.min()), float(self.nodes.max())
        s = sigma if sigma is not None else max(0.01 * (hi - lo), 1e-12)
        d = (t[:, None, None] - self.nodes[None, :, :]) / s
        k = np.exp(-0.5 * d * d) / (s * math.sqrt(2 * math.pi))
        return np.asarray(np.mean(np.sum(k * self.weights[None], axis=2), axis=1))

    def effective_dimension(self, alpha: float) -> float:
        """``Σ λ⁺/(λ⁺ + α)`` over the whole spectrum, estimated (see
        :func:`effective_dimension`)."""
        _check_alpha(alpha)
        return self.trace_of(lambda x: np.clip(x, 0, None) / (np.clip(x, 0, None) + alpha))


def spectral_density(op: CurvatureOperator, *, probes: int = 4, steps: int = 40,
                     seed: int = 0) -> SpectralDensity:
    """Stochastic Lanczos quadrature: ``steps`` Lanczos steps from each of ``probes`` random
    Rademacher vectors (normalised); the eigenvalues of each tridiagonal matrix are
    quadrature nodes and the squared first components of its eigenvectors their weights
    (Golub & Meurant 1994; Ghorbani, Krishnan & Xiao 2019). ``probes · steps`` products.

    >>> import torch
    >>> A = torch.diag(torch.tensor([2.0, 2.0, 5.0], dtype=torch.float64))
    >>> op = CurvatureOperator(lambda v: A @ v, 3, "matrix", A.dtype, A.device, 0.0, 0.0)
    >>> round(spectral_density(op, probes=3, steps=3).trace, 6)
    9.0
    """
    torch = require_torch()
    check_integer(probes, "probes", min_value=1)
    check_integer(steps, "steps", min_value=1)
    g = torch.Generator(device="cpu").manual_seed(seed)
    m = min(steps, op.size)
    nodes = np.zeros((probes, m))
    weights = np.zeros((probes, m))
    before = op.calls[0]
    for p in range(probes):
        z = _rademacher(op.size, 1, op.dtype, op.device, g)[0]
        alpha, beta, _, taken = _lanczos_steps(op, z / z.norm(), m, restart=False)
        T = np.diag(alpha) + np.diag(beta[: taken - 1], 1) + np.diag(beta[: taken - 1], -1)
        theta, S = np.linalg.eigh(T)
        nodes[p, :taken] = theta
        weights[p, :taken] = S[0] ** 2
        if taken < m:  # invariant subspace reached: the rest carry no weight
            nodes[p, taken:] = theta[-1]
    return SpectralDensity(nodes, weights, op.size, op.calls[0] - before)


def _check_alpha(alpha: float) -> None:
    if not (isinstance(alpha, int | float) and math.isfinite(alpha) and alpha > 0):
        raise CurvatureError(f"alpha must be a positive number, got {alpha!r}")


def effective_dimension(eigenvalues: Any, alpha: float) -> float:
    """The effective number of parameters ``Σ λ⁺/(λ⁺ + α)`` (MacKay 1992; Maddox, Benton &
    Wilson 2020) for a prior precision (or regulariser) ``α > 0``, over the eigenvalues given
    (negative ones count as 0). Over the top-``k`` eigenvalues it is a lower bound of the
    full sum; :meth:`SpectralDensity.effective_dimension` estimates the whole. O(k).

    >>> effective_dimension([9.0, 1.0, 0.0, -2.0], 1.0)
    1.4
    """
    _check_alpha(alpha)
    lam = np.clip(np.asarray(eigenvalues, dtype=np.float64), 0, None)
    return float(np.round(np.sum(lam / (lam + alpha)), 12))
