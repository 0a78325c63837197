"""The stiff subspace of a checkpoint: the directions its loss cannot vary, kept to compare.

A direction is stiff when its eigenvalue exceeds :func:`stiff_threshold`; the
:class:`StiffSubspace` holds those eigenvectors and the parameters' coordinates along them
(the "compressed information"), saves to ``.npz``, and :func:`subspace_overlap` compares two
checkpoints or training runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from coherence.bridge.curvature import model_parameters
from coherence.bridge.lanczos import Eigenpairs
from coherence.bridge.perturbation import _flat_params
from coherence.errors import CurvatureError, InputError

__all__ = [
    "StiffSubspace",
    "load_subspace",
    "stiff_subspace",
    "stiff_threshold",
    "subspace_overlap",
]


# ----------------------------------------------------------------------------- stiff subspace
def stiff_threshold(loss: float, params_rms: float, epsilon: float = 0.01) -> float:
    """The eigenvalue above which a direction is stiff: ``2 ε max(L, 10⁻¹²) / r²``, where a
    step of one typical parameter size ``r`` (the parameters' root mean square) along the
    direction raises the loss, to second order, by more than ``ε`` times the loss ``L``.

    >>> stiff_threshold(0.5, 0.1, 0.01)
    1.0
    """
    if not (epsilon > 0 and math.isfinite(epsilon)):
        raise InputError(f"epsilon must be positive, got {epsilon!r}")
    if not (params_rms > 0 and math.isfinite(params_rms)):
        raise CurvatureError("the parameters are all zero: no scale to measure stiffness by")
    return float(round(2 * epsilon * max(float(loss), 1e-12) / params_rms**2, 12))


@dataclass(frozen=True, eq=False)
class StiffSubspace:
    """The stiff directions of one checkpoint, kept to compare across checkpoints or runs.

    Attributes:
        values: the stiff eigenvalues (descending); ``basis``: ``N × s`` float64 orthonormal
            columns; ``coordinates``: the parameters' projections ``Vᵀθ``.
        norm: ``‖θ‖``; ``threshold``: the eigenvalue cut used; ``names``/``shapes``: the
            parameter tensors, so that two subspaces are compared on the same layout.
    """

    values: np.ndarray
    basis: np.ndarray = field(repr=False)
    coordinates: np.ndarray
    norm: float
    threshold: float
    names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]

    @property
    def dimension(self) -> int:
        return int(self.values.size)

    @property
    def captured(self) -> float:
        """``‖Vᵀθ‖² / ‖θ‖²``: the share of the parameters' squared norm inside the subspace."""
        return float(np.sum(self.coordinates**2) / self.norm**2) if self.norm else 0.0

    def save(self, path: str | Path) -> None:
        """Write to a ``.npz`` file (read back by :func:`load_subspace`)."""
        np.savez(Path(path), values=self.values, basis=self.basis,
                 coordinates=self.coordinates, norm=self.norm, threshold=self.threshold,
                 names=np.array(self.names), shapes=np.array(_json_shapes(self.shapes)))


def _json_shapes(shapes: Sequence[Sequence[int]]) -> str:
    import json

    return json.dumps([list(s) for s in shapes])


def load_subspace(path: str | Path) -> StiffSubspace:
    """Read a :class:`StiffSubspace` written by :meth:`StiffSubspace.save`. O(N · s).

    >>> import os, tempfile
    >>> import numpy as np
    >>> sub = StiffSubspace(np.ones(1), np.eye(2)[:, :1], np.zeros(1), 1.0, 0.5, ("w",), ((2,),))
    >>> path = os.path.join(tempfile.mkdtemp(), "stiff.npz")
    >>> sub.save(path)
    >>> back = load_subspace(path)
    >>> back.shapes, back.dimension, subspace_overlap(sub, back)
    (((2,),), 1, 1.0)
    """
    import json

    try:
        with np.load(Path(path), allow_pickle=False) as z:
            return StiffSubspace(z["values"], z["basis"], z["coordinates"], float(z["norm"]),
                                 float(z["threshold"]), tuple(str(s) for s in z["names"]),
                                 tuple(tuple(s) for s in json.loads(str(z["shapes"]))))
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a saved stiff subspace: {exc}") from None


def stiff_subspace(model: Any, eigenpairs: Eigenpairs, threshold: float) -> StiffSubspace:
    """The eigenpairs above ``threshold`` and the model's coordinates along them. O(N · s).

    >>> import torch
    >>> from coherence.bridge import top_eigenpairs
    >>> lin = torch.nn.Linear(2, 1, bias=False).double()
    >>> x = torch.tensor([[1.0, 0.0], [0.0, 3.0]], dtype=torch.float64)
    >>> eig = top_eigenpairs(lin, lambda: (lin(x) ** 2).sum(), 2)  # eigenvalues 18 and 2
    >>> sub = stiff_subspace(lin, eig, 5.0)
    >>> sub.dimension, sub.values.tolist()
    (1, [18.0])
    """
    named = model_parameters(model)
    keep = eigenpairs.values > threshold
    V = eigenpairs.vectors[:, np.flatnonzero(keep).tolist()].detach().cpu().double()
    theta = _flat_params(model).detach().cpu().double()
    coords = (V.T @ theta).numpy()
    return StiffSubspace(eigenpairs.values[keep].copy(), V.numpy(), coords,
                         float(theta.norm()), float(threshold),
                         tuple(n for n, _ in named), tuple(tuple(p.shape) for _, p in named))


def subspace_overlap(a: StiffSubspace, b: StiffSubspace) -> float:
    """``‖V_aᵀ V_b‖²_F / min(s_a, s_b)``: the mean squared cosine of the principal angles
    between two stiff subspaces, in ``[0, 1]`` (1: one contains the other; about ``s/N`` for
    random subspaces). Hidden units can be permuted without changing the function, so runs
    from different seeds may disagree here while computing the same thing. O(N · s_a · s_b).

    >>> import numpy as np
    >>> e = np.eye(4)
    >>> mk = lambda cols: StiffSubspace(np.ones(len(cols)), e[:, cols], np.zeros(len(cols)),
    ...                                 1.0, 0.0, ("w",), ((4,),))
    >>> subspace_overlap(mk([0, 1]), mk([1, 2])), subspace_overlap(mk([0]), mk([0, 3]))
    (0.5, 1.0)
    """
    if a.basis.shape[0] != b.basis.shape[0] or a.shapes != b.shapes:
        raise InputError("the two subspaces belong to parameter layouts that differ")
    s = min(a.dimension, b.dimension)
    if s == 0:
        return 0.0
    M = a.basis.T @ b.basis
    return float(round(np.sum(M * M) / s, 12))
