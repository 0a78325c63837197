"""Perturb a net's parameters along given directions and watch its preferences move.

:func:`flip_curves` measures, per perturbation norm, how many pairwise preferences flip along
stiff directions and along random flat ones; :func:`description_length` finds, per direction,
the precision that keeps every confident preference and the bits to code a coordinate to it
(Hinton & van Camp 1993; Hochreiter & Schmidhuber 1997).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from coherence.bridge._torch import require_torch
from coherence.bridge.curvature import CurvatureOperator, model_parameters
from coherence.bridge.preference_bits import (
    Counter,
    PreferenceChange,
    _confident,
    compare_preferences,
)
from coherence.errors import CurvatureError, InputError
from coherence.validation import check_integer

__all__ = [
    "DescriptionLength",
    "FlipCurves",
    "description_length",
    "flat_directions",
    "flip_curves",
    "perturbed",
]


# ----------------------------------------------------------------------------- perturbation
def _flat_params(model: Any) -> Any:
    torch = require_torch()
    return torch.cat([p.detach().reshape(-1) for _, p in model_parameters(model)])


@contextmanager
def perturbed(model: Any, direction: Any, norm: float) -> Iterator[Any]:
    """Inside the block the model's parameters are ``θ + norm · d/‖d‖``; on leaving they are
    ``θ`` again, bit for bit. O(N).

    >>> import torch
    >>> lin = torch.nn.Linear(1, 1, bias=False)
    >>> w = float(lin.weight.detach())
    >>> with perturbed(lin, torch.ones(1), 0.5):
    ...     round(float(lin.weight.detach()) - w, 6)
    0.5
    >>> float(lin.weight.detach()) == w
    True
    """
    torch = require_torch()
    named = model_parameters(model)
    size = sum(p.numel() for _, p in named)
    d = torch.as_tensor(direction).reshape(-1)
    if d.numel() != size:
        raise CurvatureError(f"direction has {d.numel()} entries for {size} parameters")
    dn = float(d.double().norm())
    if not math.isfinite(dn) or dn == 0:
        raise CurvatureError("direction must be finite and non-zero")
    saved = [p.detach().clone() for _, p in named]
    d = d.to(dtype=named[0][1].dtype, device=named[0][1].device) * (float(norm) / dn)
    try:
        with torch.no_grad():
            s = 0
            for _, p in named:
                k = p.numel()
                p.add_(d[s : s + k].view_as(p))
                s += k
        yield model
    finally:
        with torch.no_grad():
            for (_, p), old in zip(named, saved, strict=True):
                p.copy_(old)


def _elicit_P(model: Any, items: Any, device: Any) -> np.ndarray:
    from coherence.bridge.elicit import elicit

    el = elicit(model, items, device=device, progress=False)
    return np.asarray(el.P.detach().cpu().double().numpy())


# ----------------------------------------------------------------------------- flip curves
@dataclass(frozen=True)
class FlipCurves:
    """Preference changes against perturbation size, along stiff and flat directions.

    Attributes:
        norms: the perturbation sizes ``‖δθ‖``.
        stiff, flat: per norm, the :class:`PreferenceChange` averaged over the directions
            (each taken with both signs); ``bits_lost`` averages the defined values.
        stiff_curvature, flat_curvature: ``vᵀHv`` of each direction used (the eigenvalues,
            and the Rayleigh quotients of the random flat directions).
    """

    norms: tuple[float, ...]
    stiff: tuple[PreferenceChange, ...]
    flat: tuple[PreferenceChange, ...]
    stiff_curvature: tuple[float, ...]
    flat_curvature: tuple[float, ...]

    def curve(self, which: str, metric: str = "flipped") -> list[list[float]]:
        """``[[norm, value], …]`` for ``which`` in ``("stiff", "flat")``."""
        rows = self.stiff if which == "stiff" else self.flat
        return [[t, float("nan") if getattr(c, metric) is None else float(getattr(c, metric))]
                for t, c in zip(self.norms, rows, strict=True)]


def _mean_change(changes: Sequence[PreferenceChange]) -> PreferenceChange:
    lost = [c.bits_lost for c in changes if c.bits_lost is not None]
    return PreferenceChange(
        float(np.mean([c.flipped for c in changes])),
        float(np.mean([c.confident_flipped for c in changes])),
        float(np.mean([c.delta_expected_cyclic_triads for c in changes])),
        float(np.mean([c.delta_hard_cyclic_triads for c in changes])),
        float(np.mean(lost)) if lost else None,
    )


def flat_directions(basis: Any, count: int, *, seed: int = 0) -> Any:
    """``count`` random unit vectors orthogonal to the columns of ``basis`` (``N × k``,
    orthonormal), as the columns of an ``N × count`` tensor. O(count · N · k).

    >>> import torch
    >>> F = flat_directions(torch.eye(3, dtype=torch.float64)[:, :1], 2)
    >>> bool(F[0].abs().max() < 1e-12), [round(float(c), 6) for c in F.norm(dim=0)]
    (True, [1.0, 1.0])
    """
    torch = require_torch()
    g = torch.Generator(device="cpu").manual_seed(seed)
    N = basis.shape[0]
    R = torch.randn((N, count), generator=g, dtype=torch.float64).to(basis.device, basis.dtype)
    for _ in range(2):
        R = R - basis @ (basis.T @ R)
    return R / R.norm(dim=0, keepdim=True)


def flip_curves(model: Any, items: Any, stiff: Any, norms: Sequence[float], *,
                hessian: CurvatureOperator | None = None, flat: int = 4, margin: float = 0.25,
                counter: Counter | None = None, device: Any = "cpu", seed: int = 0,
                samples: int = 2000) -> FlipCurves:
    """Perturb along each stiff direction (columns of ``stiff``, ``N × s``, orthonormal) and
    along ``flat`` random unit directions orthogonal to them, with both signs, at each norm;
    re-elicit on ``items`` and average the :class:`PreferenceChange` per norm. With
    ``hessian`` the curvature ``vᵀHv`` of every direction is reported; with ``counter`` the
    bits lost (see :func:`compare_preferences`). O(len(norms) · 2(s + flat)) elicitations.

    >>> import torch
    >>> lin = torch.nn.Linear(2, 1, bias=False)
    >>> X = torch.tensor([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])  # items differ in x₀ only
    >>> with torch.no_grad():
    ...     _ = lin.weight.copy_(torch.tensor([[1.0, 0.0]]))
    >>> fc = flip_curves(lin, X, torch.tensor([[-1.0], [0.0]]), [0.5, 2.0])  # lin: a scorer
    >>> fc.curve("stiff"), fc.curve("flat")  # +2: w₀ = −1 reverses all; −2: none; w₁ nothing
    ([[0.5, 0.0], [2.0, 0.5]], [[0.5, 0.0], [2.0, 0.0]])
    """
    torch = require_torch()
    check_integer(flat, "flat", min_value=1)
    if not norms or any(not (math.isfinite(t) and t > 0) for t in norms):
        raise InputError("norms must be positive finite numbers")
    V = torch.as_tensor(stiff)
    if V.ndim != 2 or V.shape[1] < 1:
        raise InputError("stiff must be an N × s matrix of directions (s ≥ 1)")
    F = flat_directions(V, flat, seed=seed)
    P0 = _elicit_P(model, items, device)

    def curvature(D: Any) -> tuple[float, ...]:
        if hessian is None:
            return ()
        return tuple(float(torch.dot(D[:, i].double(), hessian(D[:, i]).double()))
                     for i in range(D.shape[1]))

    def row(D: Any, t: float) -> PreferenceChange:
        changes = []
        for i in range(D.shape[1]):
            for sign in (1.0, -1.0):
                with perturbed(model, D[:, i], sign * t):
                    P1 = _elicit_P(model, items, device)
                changes.append(compare_preferences(P0, P1, counter=counter, margin=margin,
                                                   samples=samples, seed=seed))
        return _mean_change(changes)

    ts = tuple(float(t) for t in norms)
    return FlipCurves(ts, tuple(row(V, t) for t in ts), tuple(row(F, t) for t in ts),
                      curvature(V), curvature(F))


# ----------------------------------------------------------------------------- description length
@dataclass(frozen=True)
class DescriptionLength:
    """Bits to fix the parameters along the stiff directions (immutable).

    Attributes:
        precision: per direction, the largest step ``δ`` (both signs) found to flip none of the
            confident preferences (bisection to relative width ``2⁻steps``).
        bits: per direction, ``log₂ max(1, ‖θ‖/δ)``: a uniform code for the coordinate over
            ``[−‖θ‖, ‖θ‖]`` in cells of width ``2δ``.
        total: their sum; ``directions``: how many were measured.
    """

    precision: tuple[float, ...]
    bits: tuple[float, ...]
    total: float

    @property
    def directions(self) -> int:
        return len(self.bits)


def _keeps(model: Any, items: Any, v: Any, t: float, C0: np.ndarray, device: Any) -> bool:
    for sign in (1.0, -1.0):
        with perturbed(model, v, sign * t):
            P1 = _elicit_P(model, items, device)
        if (C0 & (P1 <= 0.5)).any():
            return False
    return True


def description_length(model: Any, items: Any, directions: Any, *, margin: float = 0.25,
                       steps: int = 12, device: Any = "cpu") -> DescriptionLength:
    """For each direction (columns of ``directions``), the precision ``δ`` that keeps every
    confident preference (no pair with ``P ≥ ½ + margin`` crosses ½ at ``±δ``), by bisection
    in log-space between ``‖θ‖·2⁻²⁰`` and ``‖θ‖``, and the bits ``log₂(‖θ‖/δ)`` to code the
    coordinate to it (Hinton & van Camp 1993: a flat direction needs few bits). O(directions ·
    steps) pairs of elicitations.

    >>> import torch
    >>> lin = torch.nn.Linear(2, 1, bias=False)
    >>> with torch.no_grad():
    ...     _ = lin.weight.copy_(torch.tensor([[1.0, 1.0]]))  # ‖θ‖ = √2
    >>> X = torch.tensor([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    >>> dl = description_length(lin, X, torch.tensor([[1.0], [0.0]]))
    >>> round(dl.precision[0], 2), round(dl.bits[0], 1)  # w₀ may move by 1: log₂(√2 / 1)
    (1.0, 0.5)
    """
    torch = require_torch()
    check_integer(steps, "steps", min_value=1)
    P0 = _elicit_P(model, items, device)
    C0 = _confident(P0, margin)
    R = float(_flat_params(model).double().norm())
    D = torch.as_tensor(directions)
    prec, bits = [], []
    for i in range(D.shape[1]):
        lo, hi = R * 2.0**-20, R
        if _keeps(model, items, D[:, i], hi, C0, device):
            delta = hi
        elif not _keeps(model, items, D[:, i], lo, C0, device):
            delta = lo
        else:
            for _ in range(steps):
                mid = math.sqrt(lo * hi)
                if _keeps(model, items, D[:, i], mid, C0, device):
                    lo = mid
                else:
                    hi = mid
            delta = lo
        prec.append(delta)
        bits.append(max(0.0, math.log2(R / delta)))
    return DescriptionLength(tuple(prec), tuple(bits), float(sum(bits)))
