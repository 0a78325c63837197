"""Exact linear constraints ``A_ub x ≤ b_ub`` (some rows strict), ``A_eq x = b_eq``, bounds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence.errors import InputError

__all__ = ["LinearSystem"]


def _as_obj(M: Any, ncols: int) -> np.ndarray:
    if M is None:
        return np.empty((0, ncols), dtype=object)
    A = np.asarray(M, dtype=object)
    if A.ndim != 2:
        A = A.reshape(-1, ncols)
    return A


def _as_vector(v: Any) -> np.ndarray:
    return np.asarray(v if v is not None else [], dtype=object).reshape(-1)


@dataclass(frozen=True, eq=False, init=False)
class LinearSystem:
    """Exact linear constraints on ``x ∈ ℚⁿ``.

    ``A_ub x ≤ b_ub`` (rows flagged in ``strict`` must hold with ``<``), ``A_eq x = b_eq`` and
    bounds ``lb[j] ≤ x[j] ≤ ub[j]`` (``None`` = unbounded). Matrices are object arrays of
    Fractions (ints are fine); the float copies used by HiGHS are derived, never trusted.
    Raises :class:`~coherence.errors.InputError` when shapes disagree.

    >>> s = LinearSystem(2, A_ub=[[1, 1]], b_ub=[1], strict=[True], lb=(0, 0))
    >>> s.satisfied([Fraction(1, 3), Fraction(1, 3)]), s.satisfied([Fraction(1, 2)] * 2)
    (True, False)
    """

    n: int
    A_ub: np.ndarray
    b_ub: np.ndarray
    A_eq: np.ndarray
    b_eq: np.ndarray
    lb: tuple[Fraction | None, ...]
    ub: tuple[Fraction | None, ...]
    strict: np.ndarray

    def __init__(
        self,
        n: int,
        A_ub: Any = None,
        b_ub: Any = None,
        A_eq: Any = None,
        b_eq: Any = None,
        lb: Sequence[Any] = (),
        ub: Sequence[Any] = (),
        strict: Any = None,
    ) -> None:
        A_ub_, A_eq_ = _as_obj(A_ub, n), _as_obj(A_eq, n)
        b_ub_, b_eq_ = _as_vector(b_ub), _as_vector(b_eq)
        if A_ub_.shape != (len(b_ub_), n) or A_eq_.shape != (len(b_eq_), n):
            raise InputError("linear system: matrix and right-hand side shapes disagree")
        lb_ = tuple(lb) if lb else (None,) * n
        ub_ = tuple(ub) if ub else (None,) * n
        if len(lb_) != n or len(ub_) != n:
            raise InputError("linear system: bounds must have one entry per variable")
        strict_ = (
            np.zeros(len(b_ub_), dtype=bool)
            if strict is None
            else np.asarray(strict, dtype=bool).reshape(-1)
        )
        if len(strict_) != len(b_ub_):
            raise InputError("linear system: strict mask must have one entry per ≤ row")
        for name, value in (
            ("n", n), ("A_ub", A_ub_), ("b_ub", b_ub_), ("A_eq", A_eq_), ("b_eq", b_eq_),
            ("lb", lb_), ("ub", ub_), ("strict", strict_),
        ):
            object.__setattr__(self, name, value)

    def satisfied(self, x: Sequence[Fraction]) -> bool:
        """Exact check of every constraint at the rational point ``x``. O(nnz)."""
        if len(x) != self.n or not all(isinstance(v, Fraction | int) for v in x):
            return False
        xv = np.asarray(list(x), dtype=object)
        for j in range(self.n):
            lo, hi = self.lb[j], self.ub[j]
            if (lo is not None and xv[j] < lo) or (hi is not None and xv[j] > hi):
                return False
        if len(self.b_eq) and any(self.A_eq.dot(xv) != self.b_eq):
            return False
        if len(self.b_ub):
            lhs = self.A_ub.dot(xv)
            if any(lhs > self.b_ub):
                return False
            if self.strict.any() and any(lhs[self.strict] >= self.b_ub[self.strict]):
                return False
        return True

    @property
    def floats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Float copies ``(A_ub, b_ub, A_eq, b_eq)`` for solvers (cached; never trusted)."""
        cached = self.__dict__.get("_float_cache")
        if cached is None:
            f = np.vectorize(float, otypes=[float])
            cached = (
                f(self.A_ub) if self.A_ub.size else np.zeros((0, self.n)),
                f(self.b_ub) if self.b_ub.size else np.zeros(0),
                f(self.A_eq) if self.A_eq.size else np.zeros((0, self.n)),
                f(self.b_eq) if self.b_eq.size else np.zeros(0),
            )
            object.__setattr__(self, "_float_cache", cached)
        return cached

    def float_bounds(self) -> list[tuple[float | None, float | None]]:
        """The bounds as floats, in the form :func:`scipy.optimize.linprog` takes."""
        return [
            (None if lo is None else float(lo), None if hi is None else float(hi))
            for lo, hi in zip(self.lb, self.ub, strict=True)
        ]
