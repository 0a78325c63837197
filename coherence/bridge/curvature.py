"""Curvature of a trained model's loss: Hessian and Gauss–Newton eigenpairs, trace, density.

Everything is matrix-free. A model (a ``torch.nn.Module``, or a bridge wrapper around one) and
a zero-argument ``loss()`` giving the scalar training loss at the model's current parameters
define two symmetric operators on the flat parameter vector ``θ`` (``N`` numbers):

* the **Hessian** ``H = ∇²L(θ)``: ``Hv`` by differentiating ``∇L · v`` once more
  (reverse-over-reverse, ``torch.autograd.grad`` with ``create_graph``; or forward-over-reverse,
  ``torch.func.jvp`` of ``torch.func.grad``; Pearlmutter 1994), about three gradients each;
* the **generalised Gauss–Newton** ``G = Jᵀ H_z J`` (Schraudolph 2002; Martens 2020), where
  ``z`` are the model's outputs produced while ``loss()`` runs and ``H_z`` the Hessian of the
  loss in those outputs: ``Gv`` is a ``jvp`` of the outputs, an output-space Hessian-vector
  product, and a ``vjp``. For cross-entropy and squared error it equals the Fisher
  information. The loss must reach the parameters only through the model's outputs (an
  explicit weight-decay term in ``loss()`` is left out of ``G``, not out of ``H``).

On these, :func:`lanczos` finds the top-``k`` eigenpairs (Lanczos 1950, with full
re-orthogonalisation: two classical Gram–Schmidt passes per step, so Ritz values do not
repeat), :func:`hutchinson_trace` / :func:`hutchpp_trace` estimate the trace (Hutchinson 1989;
Meyer, Musco, Musco & Woodruff 2021) with a standard error, :func:`spectral_density` gives
the spectral density by stochastic Lanczos quadrature (Golub & Meurant 1994; Ubaru, Chen &
Saad 2017; Ghorbani, Krishnan & Xiao 2019), and :func:`effective_dimension` the effective
number of parameters ``Σ λ/(λ + α)`` (MacKay 1992).

Curvature is not invariant under reparametrisation (Dinh, Pascanu, Bengio & Bengio 2017):
a rescaling that leaves the function unchanged can make a flat minimum sharp. Read the
Hessian beside the Gauss–Newton, and both beside what the directions *do* to the model's
preferences (:mod:`coherence.bridge.compression`).

Bad input raises :class:`~coherence.errors.CurvatureError` (an
:class:`~coherence.errors.InputError`): a model without trainable parameters, a loss that is
not a finite scalar, non-finite gradients, or more eigenpairs than parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coherence.bridge._torch import require_torch
from coherence.errors import CurvatureError

__all__ = [
    "CurvatureOperator",
    "ggn_operator",
    "hessian_operator",
    "model_parameters",
]


# ----------------------------------------------------------------------------- parameters
def _module_of(model: Any) -> Any:
    """The ``torch.nn.Module`` inside ``model`` (itself, or a bridge wrapper's ``fn``)."""
    torch = require_torch()
    if isinstance(model, torch.nn.Module):
        return model
    fn = getattr(model, "fn", None)
    if isinstance(fn, torch.nn.Module):
        return fn
    raise CurvatureError(
        f"the model must be a torch.nn.Module (or a Comparator/Scorer around one) to have "
        f"parameters to differentiate; got {type(model).__name__}"
    )


def model_parameters(model: Any) -> tuple[tuple[str, Any], ...]:
    """The ``(name, tensor)`` pairs of the model's trainable parameters, in the order the flat
    parameter vector uses. O(number of tensors).

    >>> import torch
    >>> [n for n, _ in model_parameters(torch.nn.Linear(2, 1))]
    ['weight', 'bias']
    """
    module = _module_of(model)
    named = tuple((n, p) for n, p in module.named_parameters() if p.requires_grad)
    if not named or sum(p.numel() for _, p in named) == 0:
        raise CurvatureError(f"the model ({type(module).__name__}) has no trainable parameters")
    dtypes = {p.dtype for _, p in named}
    devices = {p.device for _, p in named}
    if len(dtypes) > 1 or len(devices) > 1:
        raise CurvatureError("the model's parameters must share one dtype and one device")
    if not next(iter(dtypes)).is_floating_point:
        raise CurvatureError("the model's parameters must be floating point")
    return named


def _flat(tensors: Any) -> Any:
    torch = require_torch()
    return torch.cat([t.reshape(-1) for t in tensors])


def _unflat(v: Any, named: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    out, s = {}, 0
    for n, p in named:
        k = p.numel()
        out[n] = v[s : s + k].view_as(p)
        s += k
    return out


# ----------------------------------------------------------------------------- operators
@dataclass(frozen=True, eq=False)
class CurvatureOperator:
    """A symmetric ``N × N`` curvature matrix known through its products (immutable).

    Attributes:
        matvec: ``v ↦ Av`` on flat vectors of ``size`` numbers (the parameters' dtype/device).
        size: ``N``, the number of trainable parameters.
        kind: ``"hessian"`` or ``"ggn"``.
        dtype, device: those of the parameters.
        loss: the loss at the parameters (a float).
        gradient_norm: ``‖∇L(θ)‖`` (near zero at a minimum; the Hessian is read there).
        calls: a one-element list counting products so far (a mutable counter).
    """

    matvec: Callable[[Any], Any] = field(repr=False)
    size: int
    kind: str
    dtype: Any
    device: Any
    loss: float
    gradient_norm: float
    calls: list[int] = field(default_factory=lambda: [0], repr=False)

    def __call__(self, v: Any) -> Any:
        self.calls[0] += 1
        return self.matvec(v)

    def dense(self) -> Any:
        """The full matrix by ``N`` products (for small ``N``: tests, cross-checks). O(N²)."""
        torch = require_torch()
        eye = torch.eye(self.size, dtype=self.dtype, device=self.device)
        M = torch.stack([self(eye[i]) for i in range(self.size)], dim=1)
        return 0.5 * (M + M.T)


class _LossCall:
    """Runs ``loss()`` with the model's parameters replaced by given tensors (functionally).

    The model is registered as the sub-module ``m`` of a wrapper module, so that
    :func:`torch.func.functional_call` swaps the very parameters the ``loss`` closure reads.
    """

    def __init__(self, module: Any, loss: Callable[[], Any]) -> None:
        torch = require_torch()
        base: Any = torch.nn.Module

        class Wrapper(base):
            def __init__(self) -> None:
                super().__init__()
                self.m = module

            def forward(self) -> Any:
                return loss()

        self.wrapper = Wrapper()
        self.module = module

    def __call__(self, params: dict[str, Any]) -> Any:
        torch = require_torch()
        out = torch.func.functional_call(
            self.wrapper, {f"m.{n}": t for n, t in params.items()}, ()
        )
        return _scalar(out)


def _scalar(out: Any) -> Any:
    torch = require_torch()
    if not isinstance(out, torch.Tensor):
        raise CurvatureError(f"loss() must return a scalar tensor, got {type(out).__name__}")
    if out.numel() != 1:
        raise CurvatureError(
            f"loss() must return a scalar, got a tensor of shape {tuple(out.shape)}"
        )
    return out.reshape(())


def _checked_start(model: Any, loss: Callable[[], Any]) -> tuple[Any, tuple[tuple[str, Any], ...],
                                                               float, float]:
    """The module, its parameters, the loss and the gradient norm, all checked finite."""
    torch = require_torch()
    if not callable(loss):
        raise CurvatureError(f"loss must be a zero-argument callable, got {type(loss).__name__}")
    module = _module_of(model)
    named = model_parameters(module)
    try:
        value = loss()
    except TypeError as exc:
        raise CurvatureError(f"loss() could not be called with no arguments: {exc}") from None
    value = _scalar(value)
    if not value.requires_grad:
        raise CurvatureError("loss() does not depend on the model's parameters (no gradient)")
    if not bool(torch.isfinite(value.detach())):
        raise CurvatureError(
            f"loss() is {float(value.detach())} at the model's parameters (not finite)")
    grads = torch.autograd.grad(value, [p for _, p in named], allow_unused=True)
    g = _flat([torch.zeros_like(p) if d is None else d for d, (_, p) in zip(grads, named,
                                                                             strict=True)])
    if not bool(torch.isfinite(g).all()):
        raise CurvatureError("the loss's gradient has NaN or inf entries at the model's "
                             "parameters")
    return module, named, float(value.detach()), float(g.norm())


def hessian_operator(model: Any, loss: Callable[[], Any], *, mode: str = "reverse"
                     ) -> CurvatureOperator:
    """The Hessian of ``loss()`` in the model's trainable parameters, as products
    ``v ↦ Hv`` (Pearlmutter 1994). ``mode="reverse"`` differentiates the gradient's inner
    product with ``v`` by a second backward pass (``torch.autograd.grad`` with
    ``create_graph``); ``mode="forward"`` pushes ``v`` forward through the gradient
    (``torch.func.jvp`` of ``torch.func.grad``). Both recompute the loss at the current
    parameters on every product (so a perturbed model is differentiated where it is) and cost
    about three gradient evaluations; the reverse mode has less per-operation overhead on small
    nets and, in torch 2.13, runs on graphs where the forward mode stops with "ZeroTensors are
    immutable" (an MLP with a squared-error loss; ``benchmarks/compression.py``). O(N) memory
    beyond the model's own and the gradient's graph.

    Raises :class:`~coherence.errors.CurvatureError` for a model without parameters, a loss
    that is not a finite scalar, non-finite gradients, or an unknown ``mode``.

    >>> import torch
    >>> lin = torch.nn.Linear(1, 1, bias=False)
    >>> x = torch.tensor([[1.0], [2.0]])
    >>> H = hessian_operator(lin, lambda: (lin(x) ** 2).sum())  # L = 5w², so H = 10
    >>> float(H(torch.ones(1)))
    10.0
    >>> float(hessian_operator(lin, lambda: (lin(x) ** 2).sum(), mode="forward")(torch.ones(1)))
    10.0
    """
    torch = require_torch()
    if mode not in ("reverse", "forward"):
        raise CurvatureError(f"mode must be 'reverse' or 'forward', got {mode!r}")
    module, named, value, gnorm = _checked_start(model, loss)
    dtype = named[0][1].dtype
    params = [p for _, p in named]
    if mode == "forward":
        call = _LossCall(module, loss)
        primal = {n: p.detach() for n, p in named}
        grad_f = torch.func.grad(call)

        def matvec(v: Any) -> Any:
            tangent = _unflat(v.to(dtype=dtype), named)
            _, hv = torch.func.jvp(grad_f, (primal,), (tangent,))
            return _flat(hv[n] for n, _ in named).detach()
    else:

        def matvec(v: Any) -> Any:
            with torch.enable_grad():
                grads = torch.autograd.grad(_scalar(loss()), params, create_graph=True,
                                            allow_unused=True)
                pairs = [(g, t) for g, t in zip(grads, _unflat(v.to(dtype=dtype), named).values(),
                                                strict=True) if g is not None and g.requires_grad]
                if not pairs:
                    return torch.zeros_like(v)
                hv = torch.autograd.grad([g for g, _ in pairs], params,
                                         grad_outputs=[t for _, t in pairs], allow_unused=True)
            return _flat([torch.zeros_like(p) if h is None else h.detach()
                          for h, p in zip(hv, params, strict=True)])

    p0 = named[0][1]
    size = sum(p.numel() for _, p in named)
    return CurvatureOperator(matvec, size, "hessian", p0.dtype, p0.device, value, gnorm)


def ggn_operator(model: Any, loss: Callable[[], Any]) -> CurvatureOperator:
    """The generalised Gauss–Newton ``G = Jᵀ H_z J`` of ``loss()`` (Schraudolph 2002), as
    products: ``J v`` by a ``jvp`` of the model's outputs, ``H_z`` by a Hessian-vector product
    of the loss in those outputs, ``Jᵀ u`` by a ``vjp``. The outputs are those the model
    returns while ``loss()`` runs (caught by a forward hook; all calls, in order), so the
    contract is the same as :func:`hessian_operator`'s. Positive semi-definite when the loss is
    convex in the outputs (cross-entropy, squared error: then ``G`` is the Fisher). Each
    product costs about four forward passes.

    >>> import torch
    >>> lin = torch.nn.Linear(1, 1, bias=False)
    >>> x = torch.tensor([[1.0], [2.0]])
    >>> G = ggn_operator(lin, lambda: (lin(x) ** 2).sum())  # linear model: G = H = 10
    >>> float(G(torch.ones(1)))
    10.0
    """
    torch = require_torch()
    module, named, value, gnorm = _checked_start(model, loss)
    call = _LossCall(module, loss)
    primal = {n: p.detach() for n, p in named}
    store: dict[str, Any] = {"seen": [], "replace": None}

    def hook(_mod: Any, _inp: Any, out: Any) -> Any:
        k = len(store["seen"])
        store["seen"].append(out)
        rep = store["replace"]
        if rep is None:
            return None
        if k >= len(rep):
            raise CurvatureError("loss() called the model more times than on the first run")
        return rep[k]

    def run(params: dict[str, Any], replace: Any) -> tuple[Any, Any]:
        store["seen"], store["replace"] = [], replace
        handle = module.register_forward_hook(hook)
        try:
            value = call(params)
        finally:
            handle.remove()
            store["replace"] = None
        return value, tuple(store["seen"])

    def outputs(params: dict[str, Any]) -> tuple[Any, ...]:
        _, seen = run(params, None)
        if not seen or not all(isinstance(t, torch.Tensor) for t in seen):
            raise CurvatureError("the Gauss–Newton needs loss() to call the model, which "
                                 "must return tensors")
        return seen

    def loss_of(zs: tuple[Any, ...]) -> Any:
        return run(primal, zs)[0]

    z0 = tuple(t.detach() for t in outputs(primal))
    if not math.isclose(float(loss_of(z0)), value, rel_tol=1e-5, abs_tol=1e-12):
        raise CurvatureError("loss() changed between calls; the Gauss–Newton needs a "
                             "deterministic loss")
    grad_z = torch.func.grad(loss_of)

    def matvec(v: Any) -> Any:
        tangent = _unflat(v.to(dtype=next(iter(primal.values())).dtype), named)
        _, jv = torch.func.jvp(outputs, (primal,), (tangent,))
        _, hjv = torch.func.jvp(grad_z, (z0,), (tuple(jv),))
        _, pullback = torch.func.vjp(outputs, primal)
        (g,) = pullback(tuple(hjv))
        return _flat(g[n] for n, _ in named).detach()

    p0 = named[0][1]
    size = sum(p.numel() for _, p in named)
    return CurvatureOperator(matvec, size, "ggn", p0.dtype, p0.device, value, gnorm)
