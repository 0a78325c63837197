"""Lazy access to scipy.optimize, whose import costs about a quarter of a second.

``import coherence`` happens at every pytest start in an environment where the package is
installed (through its pytest plugin), so the LP solver is imported on first use instead.
"""

from __future__ import annotations

from typing import Any

__all__ = ["linprog"]


def linprog(*args: Any, **kwargs: Any) -> Any:
    """``scipy.optimize.linprog``, imported on the first call."""
    from scipy.optimize import linprog as _linprog

    return _linprog(*args, **kwargs)
