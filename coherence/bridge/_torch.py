"""Lazy import of PyTorch and device selection for the bridge.

Nothing outside :mod:`coherence.bridge` imports torch; inside it, every module gets torch
through :func:`require_torch`, which raises :class:`TorchMissingError` (an
:class:`~coherence.errors.InputError`) naming the extra to install when torch is absent.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from coherence.errors import DeviceError, InputError, ModelOutputError, TorchMissingError

__all__ = [
    "DeviceError",
    "ModelOutputError",
    "TorchMissingError",
    "as_tensor",
    "require_torch",
    "resolve_device",
]

INSTALL_HINT = 'pip install "coherence[torch]"'

_TORCH: ModuleType | None = None


def require_torch() -> ModuleType:
    """Import and return :mod:`torch`, or raise :class:`TorchMissingError`. O(1) after the
    first call.

    >>> require_torch().__name__
    'torch'
    """
    global _TORCH
    if _TORCH is None:
        try:
            _TORCH = importlib.import_module("torch")
        except ImportError:
            raise TorchMissingError(
                f"the bridge needs PyTorch, which is not installed: {INSTALL_HINT}"
            ) from None
    return _TORCH


def resolve_device(device: Any = "auto") -> Any:
    """Turn ``"auto"``, ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or a ``torch.device`` into a device.

    ``"auto"`` is CUDA when available, else the CPU. Asking for CUDA without CUDA raises
    :class:`DeviceError` (never a silent fall-back: timings and memory would mislead).

    >>> resolve_device("cpu")
    device(type='cpu')
    >>> resolve_device("tpu")
    Traceback (most recent call last):
    ...
    coherence.errors.DeviceError: unknown device 'tpu'; use auto, cpu or cuda
    """
    torch = require_torch()
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise DeviceError(f"unknown device {device!r}; use auto, cpu or cuda") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise DeviceError(
                f"device {device!r} requested but CUDA is not available on this machine "
                "(use --device cpu or auto)"
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise DeviceError(
                f"device {device!r} requested but only {torch.cuda.device_count()} "
                "CUDA device(s) exist"
            )
    elif dev.type != "cpu":
        raise DeviceError(f"unsupported device {device!r}; use auto, cpu or cuda")
    return dev


def as_tensor(x: Any, *, device: Any = None, dtype: Any = None, name: str = "array") -> Any:
    """A tensor view/copy of a numpy array, nested list or tensor, on ``device``."""
    torch = require_torch()
    if isinstance(x, torch.Tensor):
        t = x.detach()
    else:
        try:
            import numpy as np

            t = torch.as_tensor(np.asarray(x))
        except (TypeError, ValueError, RuntimeError) as exc:
            raise InputError(f"{name} must be numeric: {exc}") from None
    if dtype is not None:
        t = t.to(dtype)
    if device is not None:
        t = t.to(device)
    return t
