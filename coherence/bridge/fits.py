"""Utility fits to choice probabilities: Bradley–Terry, Thurstone, and what no utility explains.

All fits use soft targets ``P`` on every ordered pair (the dense elicitation) and stream
``P`` in row blocks, so they run at ``n = 10⁵`` on a GPU. Utilities are identified up to a
shift; they are returned centred.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from coherence.bridge._torch import require_torch
from coherence.bridge.probabilities import CLIP, log_odds, prob_matrix, row_blocks
from coherence.errors import CertificationError, InputError

__all__ = ["HodgeResidual", "UtilityFit", "bradley_terry", "residual_incoherence", "thurstonian"]

SQRT2 = math.sqrt(2.0)
#: smallest probability used as a divisor (float64 keeps tails down to here)
TINY = 1e-300


@dataclass(frozen=True)
class UtilityFit:
    """A fitted utility and how well it predicts the choice probabilities.

    Attributes:
        utility: centred utilities (numpy float64, length n).
        model: ``"bradley-terry"`` (``P = σ(uᵢ − uⱼ)``) or ``"thurstone"`` (Case V,
            ``P = Φ((uᵢ − uⱼ)/√2)``).
        method: ``"newton"`` or ``"mm"``.
        iterations: outer iterations used.
        cross_entropy: mean cross-entropy per ordered pair (nats) at the fit.
        entropy: mean entropy of ``P`` per ordered pair (the floor of the cross-entropy).
        agreement: share of unordered pairs where the fitted order matches the majority.
        converged: whether the gradient tolerance was met.
    """

    utility: np.ndarray
    model: str
    method: str
    iterations: int
    cross_entropy: float
    entropy: float
    agreement: float
    converged: bool

    @property
    def excess_cross_entropy(self) -> float:
        """Cross-entropy above the entropy floor: 0 iff the model fits ``P`` exactly."""
        return self.cross_entropy - self.entropy


def _link(model: str):
    torch = require_torch()
    if model == "bradley-terry":

        def F(z):
            return torch.sigmoid(z)

        def dens(z):
            s = torch.sigmoid(z)
            return s * (1 - s)

    elif model == "thurstone":

        def F(z):
            return 0.5 * torch.erfc(-z / (SQRT2 * SQRT2))

        def dens(z):
            return torch.exp(-(z * z) / 4.0) / (2.0 * math.sqrt(math.pi))

    else:
        raise InputError(f"unknown model {model!r}")
    return F, dens


#: materialise the Fisher weights when ``n² · 8`` bytes fit in this budget
DENSE_BYTES = 1 << 30


def _pass(
    t: Any, u: Any, model: str, ridge: float, *, want: str, tT: Any = None
) -> tuple[Any, Any, float]:
    """One streamed pass: loss, and with ``want="all"`` the gradient and Fisher weights.

    Returns ``(g, W, loss)``: ``g`` the gradient of the negative log-likelihood (summed over
    ordered pairs, which together give ``−Σⱼ f (P − F)/(F(1 − F))``), ``W`` the dense Fisher
    weights ``f²/(F(1 − F))`` when they fit in :data:`DENSE_BYTES` (else ``None``).
    """
    torch = require_torch()
    F, dens = _link(model)
    n = t.shape[0]
    full = want in ("all", "grad")
    with_loss = want != "grad"
    g = torch.zeros(n, dtype=torch.float64, device=t.device) if full else None
    dense = full and n * n * 8 <= DENSE_BYTES
    W = torch.empty((n, n), dtype=torch.float64, device=t.device) if dense else None
    loss = 0.0
    for sl in row_blocks(n):
        p = t[sl].to(torch.float64)
        z = u[sl].unsqueeze(1) - u.unsqueeze(0)
        Fz = F(z).clamp_(TINY, 1.0)
        r = torch.arange(sl.stop - sl.start, device=t.device)
        if with_loss:
            ll = torch.log(Fz).mul_(p)
            ll[r, r + sl.start] = 0.0
            loss -= float(ll.sum())
        if full:
            if model == "bradley-terry":  # f = F(1 − F): coef = P − F, w = F(1 − F)
                coef = p - Fz
                w = Fz * (1 - Fz) if dense else None
            else:
                # read P[j, i] and use F(−z) rather than 1 − P and 1 − F: the tails keep
                # their precision (float32 inputs, where 1 − P rounds)
                q = (t[:, sl].T if tT is None else tT[sl]).to(torch.float64)
                Fm = F(-z).clamp_(TINY, 1.0)
                f = dens(z)
                coef = f * (p / Fz - q / Fm)
                w = f * f / (Fz * Fm) if dense else None
            coef[r, r + sl.start] = 0.0
            if g is not None:
                g[sl] = -coef.sum(dim=1)
            if W is not None and w is not None:
                w[r, r + sl.start] = 0.0
                W[sl] = w
    if g is not None:
        g = g + 2 * ridge * u
    Wd = (W.sum(dim=1), W) if W is not None else None
    return g, Wd, loss + ridge * float((u * u).sum())


#: dtype of the streamed Fisher–vector products: ``None`` = float32 on CUDA, float64 elsewhere.
#: The products only steer conjugate gradients (an inexact Newton step); the gradient, the
#: loss and therefore the fitted optimum stay in float64.
STREAMED_HESSIAN_DTYPE: str | None = None


def _hessian_dtype(device: Any) -> Any:
    torch = require_torch()
    name = STREAMED_HESSIAN_DTYPE or ("float32" if device.type == "cuda" else "float64")
    return getattr(torch, name)


def _stream_weights(u: Any, sl: slice, model: str, dtype: Any) -> Any:
    """Fisher weights ``f²/(F(z)F(−z))`` for one row block, ``z = uᵢ − uⱼ``, zero diagonal."""
    torch = require_torch()
    F, dens = _link(model)
    tiny = TINY if dtype == torch.float64 else 1e-30
    z = (u[sl].unsqueeze(1) - u.unsqueeze(0)).to(dtype)
    f = dens(z)
    w = f * f / (F(z) * F(-z)).clamp_(tiny)
    r = torch.arange(sl.stop - sl.start, device=u.device)
    w[r, r + sl.start] = 0.0
    return w


def _fisher_matvec(t: Any, u: Any, v: Any, model: str, ridge: float, W: Any = None) -> Any:
    """Fisher information (a weighted graph Laplacian) times ``v``; streamed if ``W`` is None
    (in :data:`STREAMED_HESSIAN_DTYPE`, float32 on CUDA: half the memory traffic)."""
    torch = require_torch()
    if W is not None:
        deg, Wm = W
        return deg * v - Wm @ v + 2 * ridge * v
    n = t.shape[0]
    dt = _hessian_dtype(t.device)
    vd = v.to(dt)
    out = torch.empty(n, dtype=torch.float64, device=t.device)
    for sl in row_blocks(n):
        w = _stream_weights(u, sl, model, dt)
        out[sl] = (w.sum(dim=1) * vd[sl] - w @ vd).to(torch.float64)
    return out + 2 * ridge * v


def _fisher_diag(t: Any, u: Any, model: str, ridge: float, W: Any = None) -> Any:
    torch = require_torch()
    if W is not None:
        return W[0] + 2 * ridge
    n = t.shape[0]
    dt = _hessian_dtype(t.device)
    out = torch.empty(n, dtype=torch.float64, device=t.device)
    for sl in row_blocks(n):
        out[sl] = _stream_weights(u, sl, model, dt).sum(dim=1).to(torch.float64)
    return out + 2 * ridge


def _fit_stats(t: Any, u: Any, model: str) -> tuple[float, float, float]:
    """Mean cross-entropy, mean entropy and majority agreement per ordered pair. One pass."""
    torch = require_torch()
    F, _ = _link(model)
    n = t.shape[0]
    ce = ent = agree = 0.0
    for sl in row_blocks(n):
        p = t[sl].to(torch.float64)
        z = u[sl].unsqueeze(1) - u.unsqueeze(0)
        r = torch.arange(sl.stop - sl.start, device=t.device)
        diag_z = z[r, r + sl.start]
        diag_z.zero_()
        logF = torch.log(F(z).clamp_(CLIP, 1 - CLIP))
        # diagonal: p = ½ (by convention) and z = 0; subtract its contribution exactly
        x = p * logF
        x[r, r + sl.start] = 0.0
        ce -= float(x.sum())
        pc = p.clamp(CLIP, 1 - CLIP)
        y = p * torch.log(pc)
        y[r, r + sl.start] = 0.0
        ent -= float(y.sum())
        ok = torch.where(p > 0.5, z > 0, torch.where(p < 0.5, z < 0, True))
        ok[r, r + sl.start] = False
        agree += float(ok.sum())
    m = n * (n - 1)
    return ce / m, ent / m, agree / m


def _newton(
    t: Any, model: str, max_iter: int, tol: float, ridge: float, init: Any = None
) -> tuple[Any, int, bool]:
    """Fisher scoring (Newton for the logit link): Jacobi-preconditioned conjugate gradients
    on the Laplacian, then a backtracking line search."""
    torch = require_torch()
    n = t.shape[0]
    # start from the least-squares (HodgeRank) utility, rescaled to the link
    if init is not None:
        u = torch.as_tensor(np.asarray(init, dtype=np.float64), device=t.device)
        if u.shape != (n,):
            raise InputError(f"init must have one utility per item ({n}), got {tuple(u.shape)}")
    else:
        u = torch.as_tensor(residual_incoherence(t, validate=False).utility, device=t.device)
        if model == "thurstone":
            u = u * 0.5 * math.sqrt(math.pi)  # slopes at 0: σ' = ¼, (Φ(·/√2))' = 1/(2√π)
    # a contiguous transpose makes the reads of P[j, i] cheap when it fits next to P
    tT = t.T.contiguous() if model != "bradley-terry" and n * n * 8 <= DENSE_BYTES else None
    g, W, _ = _pass(t, u, model, ridge, want="grad", tT=tT)
    for it in range(1, max_iter + 1):
        if float(g.abs().max()) / (n - 1) < tol:
            return u, it - 1, True
        Minv = 1.0 / _fisher_diag(t, u, model, ridge, W)
        d = torch.zeros_like(u)
        r = -g.clone()
        z = Minv * r
        p = z.clone()
        rz = float(r @ z)
        gnorm = math.sqrt(float(g @ g))
        for _ in range(30):
            Hp = _fisher_matvec(t, u, p, model, ridge, W)
            denom = float(p @ Hp)
            if denom <= 0:
                break
            alpha = rz / denom
            d += alpha * p
            r -= alpha * Hp
            if math.sqrt(float(r @ r)) < 1e-4 * gnorm:
                break
            z = Minv * r
            rz_new = float(r @ z)
            p = z + (rz_new / rz) * p
            rz = rz_new
        # full step when it shrinks the gradient (the usual case from the least-squares
        # start); otherwise an Armijo backtracking line search on the loss
        cand = u + d
        g2, W2, _ = _pass(t, cand, model, ridge, want="grad", tT=tT)
        if float(g2 @ g2) > float(g @ g):
            _, _, loss = _pass(t, u, model, ridge, want="loss")
            slope = float(g @ d)
            step = 1.0
            _, _, lc = _pass(t, cand, model, ridge, want="loss")
            while lc > loss + 1e-4 * step * slope and step > 1e-9:
                step *= 0.5
                cand = u + step * d
                _, _, lc = _pass(t, cand, model, ridge, want="loss")
            g2, W2, _ = _pass(t, cand, model, ridge, want="grad", tT=tT)
        u, g, W = cand - cand.mean(), g2, W2
    return u, max_iter, False


def _mm(t: Any, max_iter: int, tol: float) -> tuple[Any, int, bool]:
    """Hunter's (2004) minorise–maximise update ``πᵢ ← Wᵢ / Σⱼ 1/(πᵢ + πⱼ)``."""
    torch = require_torch()
    n = t.shape[0]
    wins = torch.zeros(n, dtype=torch.float64, device=t.device)
    for sl in row_blocks(n):
        blk = t[sl].to(torch.float64)
        r = torch.arange(sl.stop - sl.start, device=t.device)
        blk[r, r + sl.start] = 0.0
        wins[sl] = blk.sum(dim=1)
    wins = wins.clamp_min(CLIP)
    logpi = torch.zeros(n, dtype=torch.float64, device=t.device)
    for it in range(1, max_iter + 1):
        pi = torch.exp(logpi - logpi.max())
        denom = torch.empty_like(pi)
        for sl in row_blocks(n):
            s = 1.0 / (pi[sl].unsqueeze(1) + pi.unsqueeze(0))
            r = torch.arange(sl.stop - sl.start, device=t.device)
            s[r, r + sl.start] = 0.0
            denom[sl] = s.sum(dim=1)
        new = torch.log(wins / denom)
        new = new - new.mean()
        delta = float((new - logpi).abs().max())
        logpi = new
        if delta < tol:
            return logpi, it, True
    return logpi, max_iter, False


def bradley_terry(
    P: Any,
    *,
    method: str = "newton",
    max_iter: int | None = None,
    tol: float = 1e-7,
    ridge: float = 1e-9,
    validate: bool = True,
    device: Any = None,
) -> UtilityFit:
    """Bradley–Terry fit ``P[i, j] ≈ σ(uᵢ − uⱼ)`` by maximum likelihood on soft targets.

    ``method="newton"``: Newton's method with conjugate gradients on the Hessian (a weighted
    graph Laplacian applied in one streamed O(n²) pass), quadratic convergence, typically
    < 10 outer iterations. ``method="mm"``: Hunter's (2004) minorise–maximise iteration,
    O(n²) per iteration, linear convergence. A tiny ``ridge`` pins the free shift.

    >>> bt = [[1/2, 2/3, 4/5], [1/3, 1/2, 2/3], [1/5, 1/3, 1/2]]  # σ(u_i − u_j), e^u = 4, 2, 1
    >>> fit = bradley_terry(bt)
    >>> [round(float(u), 4) for u in fit.utility], fit.converged  # centred: ±log 2
    ([0.6931, 0.0, -0.6931], True)
    """
    t = prob_matrix(P, device=device, validate=validate)
    if method == "newton":
        u, it, ok = _newton(t, "bradley-terry", max_iter or 50, tol, ridge)
    elif method == "mm":
        u, it, ok = _mm(t, max_iter or 5000, tol)
    else:
        raise InputError(f"method must be newton or mm, got {method!r}")
    ce, ent, agree = _fit_stats(t, u, "bradley-terry")
    return UtilityFit(u.cpu().numpy(), "bradley-terry", method, it, ce, ent, agree, ok)


def thurstonian(
    P: Any,
    *,
    init: Any = None,
    max_iter: int = 50,
    tol: float = 1e-7,
    ridge: float = 1e-9,
    validate: bool = True,
    device: Any = None,
) -> UtilityFit:
    """Thurstone Case V fit ``P[i, j] ≈ Φ((μᵢ − μⱼ)/√2)`` (unit-variance utilities).

    Maximum likelihood by Fisher scoring with conjugate gradients; each step streams ``P``
    once per Fisher–vector product (O(n²)). Thurstone 1927; Mosteller 1951. ``init``: start
    values (default: the least-squares utility of the log-odds, rescaled to the probit link;
    :func:`~coherence.bridge.audit_matrix` passes the Bradley–Terry fit rescaled).

    >>> fit = thurstonian([[1/2, 2/3, 4/5], [1/3, 1/2, 2/3], [1/5, 1/3, 1/2]])
    >>> [round(float(u), 2) for u in fit.utility], fit.model
    ([0.6, 0.0, -0.6], 'thurstone')
    """
    t = prob_matrix(P, device=device, validate=validate)
    u, it, ok = _newton(t, "thurstone", max_iter, tol, ridge, init)
    ce, ent, agree = _fit_stats(t, u, "thurstone")
    return UtilityFit(u.cpu().numpy(), "thurstone", "newton", it, ce, ent, agree, ok)


@dataclass(frozen=True)
class HodgeResidual:
    """Least-squares split of the log-odds into a utility gradient and a cyclic residual.

    Attributes:
        utility: the least-squares utility ``uᵢ = (1/n) Σⱼ Lᵢⱼ`` (centred, numpy).
        share: residual incoherence, ``‖L − grad u‖² / ‖L‖²`` in ``[0, 1]`` (0 = a utility
            explains every log-odds exactly; 1 = purely cyclic). ``nan`` when ``L = 0``.
        energy: ``‖L‖²`` summed over ordered pairs (nats²).
    """

    utility: np.ndarray
    share: float
    energy: float


def residual_incoherence(
    P: Any, *, clip: float = CLIP, validate: bool = True, device: Any = None
) -> HodgeResidual:
    """Share of log-odds energy that no utility explains (Hodge decomposition). O(n²).

    On the complete comparison graph the least-squares potential of the antisymmetric
    log-odds ``L`` is ``uᵢ = (1/n) Σⱼ Lᵢⱼ``, and ``‖grad u‖² = 2n‖u‖²`` (Jiang, Lim, Yao &
    Ye 2011, HodgeRank), so one streamed pass gives the exact split.

    >>> round(residual_incoherence([[0.5, 0.8, 0.2], [0.2, 0.5, 0.8], [0.8, 0.2, 0.5]]).share, 6)
    1.0
    >>> round(residual_incoherence([[1/2, 2/3, 4/5], [1/3, 1/2, 2/3], [1/5, 1/3, 1/2]]).share, 6)
    0.0
    """
    torch = require_torch()
    t = prob_matrix(P, device=device, validate=validate)
    n = t.shape[0]
    u = torch.empty(n, dtype=torch.float64, device=t.device)
    energy = torch.zeros((), dtype=torch.float64, device=t.device)
    for sl in row_blocks(n):
        L = log_odds(t[sl], t[:, sl].T, clip=clip)
        r = torch.arange(sl.stop - sl.start, device=t.device)
        L[r, r + sl.start] = 0.0
        u[sl] = L.sum(dim=1) / n
        energy += (L * L).sum()
    u = u - u.mean()
    e = float(energy)
    grad = 2.0 * n * float((u * u).sum())
    if e <= 0:
        return HodgeResidual(u.cpu().numpy(), float("nan"), 0.0)
    share = min(1.0, max(0.0, 1.0 - grad / e))
    if not math.isfinite(share):
        raise CertificationError("non-finite residual share")
    return HodgeResidual(u.cpu().numpy(), share, e)
