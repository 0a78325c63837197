"""Top eigenpairs of a symmetric curvature operator by Lanczos with full re-orthogonalisation.

Lanczos (1950) builds an orthonormal basis of the Krylov space ``span{q, Aq, A²q, …}`` in which
``A`` is tridiagonal; the eigenvalues of the tridiagonal matrix (Ritz values) converge to the
extreme eigenvalues of ``A`` first. In floating point the basis loses orthogonality and Ritz
values repeat (Paige 1971); two classical Gram–Schmidt passes against the whole basis at every
step (Daniel, Gragg, Kaufman & Stewart 1976) keep it orthonormal to rounding, at O(m² · N)
for ``m`` steps on ``N`` parameters. Products come from
:func:`~coherence.bridge.hessian_operator` or :func:`~coherence.bridge.ggn_operator`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coherence.bridge._torch import require_torch
from coherence.bridge.curvature import CurvatureOperator, ggn_operator, hessian_operator
from coherence.errors import CurvatureError
from coherence.validation import check_integer

__all__ = [
    "Eigenpairs",
    "lanczos",
    "top_eigenpairs",
]


# ----------------------------------------------------------------------------- Lanczos
@dataclass(frozen=True, eq=False)
class Eigenpairs:
    """Top eigenpairs of a curvature operator (immutable).

    Attributes:
        values: the ``k`` largest eigenvalues, descending (numpy float64).
        vectors: ``N × k`` tensor of orthonormal eigenvectors (columns, matching ``values``).
        residuals: ``‖Av − λv‖`` bound for each pair (from the Lanczos recurrence).
        iterations: Lanczos steps taken; ``matvecs``: products used.
        kind: the operator's kind; ``size``: ``N``.
    """

    values: np.ndarray
    vectors: Any = field(repr=False)
    residuals: np.ndarray
    iterations: int
    matvecs: int
    kind: str
    size: int

    @property
    def k(self) -> int:
        return int(self.values.size)


def _random_unit(size: int, dtype: Any, device: Any, g: Any) -> Any:
    torch = require_torch()
    q = torch.randn(size, generator=g, dtype=torch.float64).to(dtype=dtype, device=device)
    return q / q.norm()


def _orthogonalise(w: Any, Q: Any) -> Any:
    """``w`` minus its projection on the rows of ``Q``, twice (DGKS; Daniel et al. 1976)."""
    for _ in range(2):
        w = w - Q.T @ (Q @ w)
    return w


def _lanczos_steps(op: Any, q0: Any, steps: int, *, k: int = 0, tol: float = 0.0,
                   g: Any = None, restart: bool = True
                   ) -> tuple[np.ndarray, np.ndarray, Any, int]:
    """Up to ``steps`` Lanczos steps from ``q0`` with full re-orthogonalisation; stops early
    when the top ``k`` Ritz pairs have residual ≤ ``tol·max|θ|`` (``k = 0``: never). On
    breakdown (an invariant subspace) continues from a fresh random vector orthogonal to the
    basis when ``restart``. Returns ``α``, ``β`` (``β[j]`` couples steps ``j`` and ``j+1``),
    the basis rows ``Q`` and the steps taken. O(steps · (matvec + steps · N))."""
    torch = require_torch()
    N = q0.numel()
    steps = min(steps, N)
    Q = torch.empty((steps, N), dtype=q0.dtype, device=q0.device)
    Q[0] = q0
    alpha = np.zeros(steps)
    beta = np.zeros(steps)
    j = 0
    for j in range(steps):
        w = op(Q[j])
        a = float(torch.dot(Q[j].double(), w.double()))
        alpha[j] = a
        w = _orthogonalise(w, Q[: j + 1])
        b = float(w.norm())
        beta[j] = b
        if k and j + 1 >= k and j + 1 < steps:
            T = np.diag(alpha[: j + 1]) + np.diag(beta[:j], 1) + np.diag(beta[:j], -1)
            theta, S = np.linalg.eigh(T)
            scale = max(float(np.abs(theta).max()), 1e-300)
            res = b * np.abs(S[-1, -k:])
            if bool((res <= tol * scale).all()):
                return alpha[: j + 1], beta[: j + 1], Q[: j + 1], j + 1
        if j + 1 == steps:
            break
        scale = max(abs(a), float(np.abs(alpha[: j + 1]).max()), 1e-300)
        if b <= 1e-10 * scale:
            beta[j] = 0.0
            if not restart:
                return alpha[: j + 1], beta[: j + 1], Q[: j + 1], j + 1
            fresh = _orthogonalise(_random_unit(N, q0.dtype, q0.device, g), Q[: j + 1])
            Q[j + 1] = fresh / fresh.norm()
        else:
            Q[j + 1] = w / b
    return alpha[: j + 1], beta[: j + 1], Q[: j + 1], j + 1


def lanczos(op: CurvatureOperator, k: int, *, tol: float = 1e-8, max_iter: int | None = None,
            seed: int = 0) -> Eigenpairs:
    """The ``k`` largest (algebraic) eigenpairs of a symmetric operator by Lanczos with full
    re-orthogonalisation (Lanczos 1950; Parlett 1998, ch. 13).

    Steps until the top ``k`` Ritz pairs have residual ``‖Av − θv‖ ≤ tol · max|θ|`` or
    ``max_iter`` steps (default ``min(N, max(4k, k + 60))``); at ``N`` steps the Krylov space is
    everything and the values are exact up to rounding. O(m · matvec + m² · N) time and
    O(m · N) memory for ``m`` steps.

    Raises :class:`~coherence.errors.CurvatureError` when ``k`` exceeds ``N``.

    >>> import torch
    >>> A = torch.diag(torch.arange(1.0, 7.0, dtype=torch.float64))
    >>> op = CurvatureOperator(lambda v: A @ v, 6, "matrix", A.dtype, A.device, 0.0, 0.0)
    >>> lanczos(op, 2).values.round(8).tolist()
    [6.0, 5.0]
    """
    torch = require_torch()
    check_integer(k, "k", min_value=1)
    N = op.size
    if k > N:
        raise CurvatureError(f"k = {k} eigenpairs asked of a model with {N} parameters")
    m = min(N, max(4 * k, k + 60)) if max_iter is None else min(N, max_iter)
    if m < k:
        raise CurvatureError(f"max_iter = {max_iter} is below k = {k}")
    g = torch.Generator(device="cpu").manual_seed(seed)
    before = op.calls[0]
    alpha, beta, Q, steps = _lanczos_steps(op, _random_unit(N, op.dtype, op.device, g), m,
                                           k=k, tol=tol, g=g)
    T = np.diag(alpha) + np.diag(beta[: steps - 1], 1) + np.diag(beta[: steps - 1], -1)
    theta, S = np.linalg.eigh(T)
    top = np.argsort(theta)[::-1][:k]
    Sk = torch.as_tensor(S[:, top].copy(), dtype=Q.dtype, device=Q.device)
    V = Q.T @ Sk
    V = V / V.norm(dim=0, keepdim=True)
    res = np.abs(beta[steps - 1] * S[-1, top]) if steps < N else np.zeros(top.size)
    return Eigenpairs(theta[top].astype(np.float64), V, res, steps, op.calls[0] - before,
                      op.kind, N)


def top_eigenpairs(model: Any, loss: Callable[[], Any], k: int, *, curvature: str = "hessian",
                   tol: float = 1e-8, max_iter: int | None = None, seed: int = 0) -> Eigenpairs:
    """The ``k`` largest eigenpairs of the Hessian (``curvature="hessian"``) or the
    Gauss–Newton (``"ggn"``) of ``loss()`` at the model's parameters: :func:`lanczos` on
    :func:`hessian_operator` or :func:`ggn_operator`.

    >>> import torch
    >>> lin = torch.nn.Linear(2, 1, bias=False).double()
    >>> x = torch.tensor([[1.0, 0.0], [0.0, 3.0]], dtype=torch.float64)
    >>> top_eigenpairs(lin, lambda: (lin(x) ** 2).sum(), 2).values.round(8).tolist()
    [18.0, 2.0]
    """
    if curvature == "hessian":
        op = hessian_operator(model, loss)
    elif curvature in ("ggn", "fisher"):
        op = ggn_operator(model, loss)
    else:
        raise CurvatureError(f"curvature must be 'hessian' or 'ggn', got {curvature!r}")
    return lanczos(op, k, tol=tol, max_iter=max_iter, seed=seed)
