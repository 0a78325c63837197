"""The compression view of a trained net: stiff and flat directions beside the bits of its
revealed preferences.

A flat minimum is compression (Hochreiter & Schmidhuber 1997; Hinton & van Camp 1993): if the
loss barely changes along most directions of parameter space, what the net needs is held in
the few directions it cannot vary, the *stiff* eigendirections of the Hessian. SGD behaves
much like sampling from the region of good parameters (Mingard et al., "Is SGD a Bayesian
sampler?", JMLR 2021), so those few directions are what training pinned down. This module
makes the claim a measurement on the net's *preferences*:

* :func:`flip_curves` perturbs the parameters along the top stiff eigenvectors and, with the
  same norms, along random directions orthogonal to them (flat ones: their curvature is
  reported), re-elicits the preferences on the same items (:func:`coherence.bridge.elicit`)
  and reports, per norm, the fraction of pairwise majority preferences that flip, the change
  in the exact cycle metrics (expected and hard cyclic triads) and the preference bits lost;
* :func:`preference_bits` is ``log₂ n! − log₂ e(C)`` of the order ``C`` of *confident*
  preferences (``P[i, j] ≥ ½ + margin``), closed transitively, counted by
  :func:`coherence.subagents.count_linear_extensions` (whose ``.bits`` is
  :func:`coherence.subagents.information_bits`): exact up to :data:`EXACT_BITS_MAX` items, a
  sequential-importance-sampling estimate above. The bridge sits below
  :mod:`coherence.subagents` in the package layering, so the counter is passed in
  (``counter=count_linear_extensions``); without one, bits are ``None``;
* :func:`stiff_threshold` / :class:`StiffSubspace`: the directions whose eigenvalue exceeds
  ``2 ε L / r²`` (moving one typical parameter size ``r`` along them raises the loss by more
  than a fraction ``ε`` of the loss ``L``), the parameters' coordinates along them, and
  :func:`subspace_overlap` to compare checkpoints or training runs;
* :func:`description_length`: the bits needed to fix the coordinates along the stiff
  directions to the precision that keeps the confident preferences (measured by bisection).

:func:`compression_audit` does all of it for one model, loss and item set.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coherence.bridge.curvature import ggn_operator, hessian_operator
from coherence.bridge.lanczos import Eigenpairs, lanczos
from coherence.bridge.perturbation import (
    DescriptionLength,
    FlipCurves,
    _elicit_P,
    _flat_params,
    description_length,
    flip_curves,
)
from coherence.bridge.preference_bits import (
    Counter,
    PreferenceBits,
    PreferenceChange,
    preference_bits,
)
from coherence.bridge.spectrum import (
    SpectralDensity,
    TraceEstimate,
    effective_dimension,
    hutchpp_trace,
    spectral_density,
)
from coherence.bridge.stiffness import StiffSubspace, stiff_subspace, stiff_threshold
from coherence.errors import CurvatureError
from coherence.validation import check_integer

__all__ = [
    "CompressionReport",
    "compression_audit",
]


# ----------------------------------------------------------------------------- the whole view
@dataclass(frozen=True, eq=False)
class CompressionReport:
    """The compression view of one model on one item set (see :func:`compression_audit`).

    Attributes:
        hessian, ggn: top eigenpairs of the Hessian and of the Gauss–Newton (``ggn`` is
            ``None`` when not computed).
        trace: Hutch++ estimate of the Hessian's trace; ``density``: its SLQ spectral density.
        alpha: the prior precision of the effective dimension; ``effective_dimension``: over
            the top eigenvalues (a lower bound), ``effective_dimension_slq``: over the whole
            spectrum, estimated.
        threshold, subspace: the stiff cut and the stiff subspace.
        bits: the base preference bits; ``flips``: the flip curves; ``description``: the bits
            to fix the stiff coordinates (``None`` when there are no stiff directions).
        verdict: the verified verdict on the base net's majority preferences
            (:func:`~coherence.bridge.audit_matrix`).
        loss, gradient_norm, parameters, timings: context.
    """

    hessian: Eigenpairs
    ggn: Eigenpairs | None
    trace: TraceEstimate
    density: SpectralDensity
    alpha: float
    effective_dimension: float
    effective_dimension_slq: float
    threshold: float
    subspace: StiffSubspace
    bits: PreferenceBits
    flips: FlipCurves
    description: DescriptionLength | None
    verdict: Any
    loss: float
    gradient_norm: float
    parameters: int
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """One JSON document (the CLI's ``--json``)."""
        from coherence.verdict import jsonable

        def change(c: PreferenceChange) -> dict[str, Any]:
            return {"flipped": c.flipped, "confident_flipped": c.confident_flipped,
                    "delta_expected_cyclic_triads": c.delta_expected_cyclic_triads,
                    "delta_hard_cyclic_triads": c.delta_hard_cyclic_triads,
                    "bits_lost": c.bits_lost}

        grid = np.linspace(float(self.density.nodes.min()), float(self.density.nodes.max()), 64)
        return {
            "parameters": self.parameters,
            "loss": self.loss,
            "gradient_norm": self.gradient_norm,
            "hessian_top": [float(v) for v in self.hessian.values],
            "hessian_residuals": [float(v) for v in self.hessian.residuals],
            "ggn_top": None if self.ggn is None else [float(v) for v in self.ggn.values],
            "trace": {"value": self.trace.value, "stderr": self.trace.stderr,
                      "method": self.trace.method, "matvecs": self.trace.matvecs},
            "density": {"grid": grid.tolist(), "density": self.density.density(grid).tolist(),
                        "nodes": self.density.nodes.tolist(),
                        "weights": self.density.weights.tolist()},
            "alpha": self.alpha,
            "effective_dimension": self.effective_dimension,
            "effective_dimension_slq": self.effective_dimension_slq,
            "stiff_threshold": self.threshold,
            "stiff_directions": self.subspace.dimension,
            "stiff_captured": self.subspace.captured,
            "preference_bits": self.bits.bits,
            "preference_bits_exact": self.bits.exact,
            "preference_bits_max": self.bits.max_bits,
            "confident_pairs": self.bits.confident_pairs,
            "margin": self.bits.margin,
            "description_bits": None if self.description is None else self.description.total,
            "description": None if self.description is None else {
                "precision": list(self.description.precision),
                "bits": list(self.description.bits)},
            "flips": {"stiff": self.flips.curve("stiff"), "flat": self.flips.curve("flat")},
            "changes": {"norms": list(self.flips.norms),
                        "stiff": [change(c) for c in self.flips.stiff],
                        "flat": [change(c) for c in self.flips.flat],
                        "stiff_curvature": list(self.flips.stiff_curvature),
                        "flat_curvature": list(self.flips.flat_curvature)},
            "verdict": self.verdict.to_json(),
            "status": self.verdict.status,
            "timings": jsonable(self.timings),
        }

    def explain(self) -> str:
        """Plain text: spectrum, stiff directions and bits, then the flip curves."""
        v = ", ".join(f"{x:.4g}" for x in self.hessian.values)
        lines = [
            f"Compression view of a net with {self.parameters} parameters "
            f"(loss {self.loss:.6g}, gradient norm {self.gradient_norm:.3g}):",
            f"  Hessian top {self.hessian.k}: {v}",
        ]
        if self.ggn is not None:
            lines.append("  Gauss-Newton top {}: {}".format(
                self.ggn.k, ", ".join(f"{x:.4g}" for x in self.ggn.values)))
        lo, hi = self.trace.interval
        lines += [
            f"  trace (Hutch++): {self.trace.value:.6g} (95%: {lo:.6g} .. {hi:.6g})",
            f"  effective dimension at alpha={self.alpha:g}: {self.effective_dimension:.4g} "
            f"(top {self.hessian.k}), {self.effective_dimension_slq:.4g} (whole spectrum, SLQ)",
            f"  stiff directions (eigenvalue > {self.threshold:.4g}): "
            f"{self.subspace.dimension}, holding {100 * self.subspace.captured:.2f}% of |theta|^2",
        ]
        if self.description is not None:
            lines.append(f"  bits to fix them to the precision that keeps the preferences: "
                         f"{self.description.total:.4g}")
        pb = "undefined (confident preferences cycle)" if self.bits.bits is None else (
            f"{self.bits.bits:.4g} of {self.bits.max_bits:.4g}"
            + ("" if self.bits.exact else " (estimated)"))
        lines.append(f"  preference bits ({self.bits.confident_pairs} confident pairs): {pb}")
        lines.append("  fraction of preferences flipped, by perturbation norm:")
        lines.append("    norm        stiff     flat")
        for t, s, f in zip(self.flips.norms, self.flips.stiff, self.flips.flat, strict=True):
            lines.append(f"    {t:<10.4g}  {s.flipped:<8.4f}  {f.flipped:<8.4f}")
        lines += ["", self.verdict.explain()]
        return "\n".join(lines)


def _default_norms(theta_norm: float) -> tuple[float, ...]:
    """Perturbation sizes from 0.1% to 30% of ``‖θ‖``, geometrically."""
    return tuple(float(theta_norm * f) for f in (0.001, 0.003, 0.01, 0.03, 0.1, 0.3))


def _spectra(model: Any, loss: Callable[[], Any], k: int, ggn: bool, trace_matvecs: int,
             probes: int, steps: int, seed: int, timed: Callable[..., Any]) -> tuple[Any, ...]:
    """The Hessian operator, its and the Gauss–Newton's top-``k`` eigenpairs, the trace and
    the density, each timed."""
    H = timed("hessian_operator", hessian_operator, model, loss)
    check_integer(k, "k", min_value=1)
    if k > H.size:
        raise CurvatureError(f"k = {k} eigenpairs asked of a model with {H.size} parameters")
    eig = timed("hessian_lanczos", lanczos, H, k, seed=seed)
    geig = timed("ggn_lanczos", lanczos, ggn_operator(model, loss), k, seed=seed) if ggn else None
    tr = timed("trace", hutchpp_trace, H, max(6, trace_matvecs), seed=seed)
    dens = timed("density", spectral_density, H, probes=probes, steps=steps, seed=seed)
    return H, eig, geig, tr, dens


def compression_audit(
    model: Any,
    loss: Callable[[], Any],
    items: Any,
    *,
    k: int = 20,
    ggn: bool = True,
    alpha: float = 1.0,
    epsilon: float = 0.01,
    margin: float = 0.25,
    norms: Sequence[float] | None = None,
    stiff_used: int = 3,
    flat: int = 4,
    precision_directions: int = 8,
    trace_matvecs: int = 60,
    density_probes: int = 2,
    density_steps: int = 30,
    counter: Counter | None = None,
    labels: Sequence[Any] | None = None,
    device: Any = "cpu",
    seed: int = 0,
) -> CompressionReport:
    """The compression view of a trained net: the top-``k`` eigenpairs of the Hessian (and of
    the Gauss–Newton), the Hutch++ trace and the SLQ spectral density, the effective
    dimension at ``alpha``, the stiff directions (:func:`stiff_threshold` with ``epsilon``),
    the bits to fix them (:func:`description_length`, over the first ``precision_directions``
    stiff ones), the confident preference bits (:func:`preference_bits` with ``margin``) and
    the flip curves (:func:`flip_curves` over the top ``stiff_used`` eigenvectors and ``flat``
    random flat directions, at ``norms``, default 0.1%–30% of ``‖θ‖``), with the verified
    verdict on the base preferences. ``model`` is what :func:`~coherence.bridge.audit` takes
    (with parameters); ``loss()`` the scalar training loss at its current parameters. Pass
    ``counter=coherence.subagents.count_linear_extensions`` for the bits (the bridge does not
    import :mod:`coherence.subagents`).

    >>> import torch
    >>> from coherence.subagents import count_linear_extensions
    >>> lin = torch.nn.Linear(2, 1).double()
    >>> X = torch.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]], dtype=torch.float64)
    >>> (i, j), y = torch.triu_indices(4, 4, 1), torch.tensor([0.3, 0.2, 0.1, 0.3, 0.2, 0.3])
    >>> def loss():
    ...     z = lin(X).squeeze(-1)
    ...     return torch.nn.functional.binary_cross_entropy_with_logits(z[i] - z[j], y)
    >>> rep = compression_audit(lin, loss, X, k=2, flat=1, norms=[0.1, 10.0],
    ...                         counter=count_linear_extensions)
    >>> len(rep.hessian.values), rep.to_json()["status"], rep.bits.bits is not None
    (2, 'coherent', True)
    """
    from coherence.bridge.audit import audit_matrix

    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[..., Any], *a: Any, **kw: Any) -> Any:
        t0, out = time.perf_counter(), fn(*a, **kw)
        timings[name] = time.perf_counter() - t0
        return out

    H, eig, geig, tr, dens = _spectra(model, loss, k, ggn, trace_matvecs, density_probes,
                                      density_steps, seed, timed)
    theta = _flat_params(model)
    rms = float(theta.double().norm()) / math.sqrt(theta.numel())
    thr = stiff_threshold(H.loss, rms, epsilon)
    sub = stiff_subspace(model, eig, thr)
    P0 = timed("elicit", _elicit_P, model, items, device)
    bits = preference_bits(P0, counter, margin=margin, seed=seed)
    n_used = max(1, min(stiff_used, sub.dimension if sub.dimension else 1))
    ts = _default_norms(sub.norm) if norms is None else tuple(norms)
    fc = timed("flip_curves", flip_curves, model, items, eig.vectors[:, :n_used], ts,
               hessian=H, flat=flat, margin=margin, counter=counter, device=device, seed=seed)
    desc = None
    if sub.dimension:
        m = min(sub.dimension, precision_directions)
        desc = timed("description_length", description_length, model, items,
                     eig.vectors[:, :m], margin=margin, device=device)
    names = tuple(range(P0.shape[0])) if labels is None else tuple(labels)
    report = timed("audit", audit_matrix, P0, names, device="cpu", fits=False,
                   exploitability=False, random_utility=0)
    return CompressionReport(eig, geig, tr, dens, float(alpha),
                             effective_dimension(eig.values, alpha),
                             dens.effective_dimension(alpha), thr, sub, bits, fc, desc,
                             report.verdict, H.loss, H.gradient_norm, H.size, timings)
