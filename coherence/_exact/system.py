"""Exact linear constraints ``A_ub x ≤ b_ub`` (some rows strict), ``A_eq x = b_eq``, bounds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence.errors import InputError

__all__ = ["LinearSystem", "float_array", "to_float"]


def to_float(v: Any) -> float:
    """``float(v)`` for an exact number, ``±inf`` where it overflows. O(digits).

    >>> to_float(Fraction(1, 4)), to_float(10**400)
    (0.25, inf)
    """
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def float_array(M: np.ndarray) -> np.ndarray:
    """:func:`to_float` of every entry of an object array (same shape). O(size).

    >>> float_array(np.array([[Fraction(1, 2), -10**400]], dtype=object)).tolist()
    [[0.5, -inf]]
    """
    A = np.asarray(M, dtype=object)
    if not A.size:
        return np.zeros(A.shape)
    try:
        return np.vectorize(float, otypes=[float])(A)
    except OverflowError:
        return np.vectorize(to_float, otypes=[float])(A)


def _lcm_den(values: Sequence[Any]) -> int:
    """The least common denominator of exact numbers (ints have denominator 1)."""
    den = 1
    for v in values:
        d = v.denominator
        if d != 1 and den % d:
            den = den * d // math.gcd(den, d)
    return den


def _integer_rows(A: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, list[int], list[int]]:
    """Each row of ``A`` and its entry of ``b`` times their least common denominator (and
    those factors)."""
    out = np.zeros(A.shape, dtype=object)
    rhs: list[int] = []
    dens: list[int] = []
    for i, row in enumerate(A.tolist()):
        vals = [*row, b[i]]
        if not all(isinstance(v, int | Fraction) for v in vals):
            vals = [Fraction(v) for v in vals]
        den = _lcm_den(vals)
        ints = [v.numerator * (den // v.denominator) for v in vals]
        out[i] = ints[:-1]
        rhs.append(ints[-1])
        dens.append(den)
    return out, rhs, dens


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
        """Exact check of every constraint at the rational point ``x``: integer dot products
        of the integer rows (:attr:`integer_rows`) with ``x`` over its common denominator.
        O(nnz) integer operations.

        >>> LinearSystem(1, A_ub=[[Fraction(1, 3)]], b_ub=[1]).satisfied([Fraction(3)])
        True
        """
        if len(x) != self.n or not all(isinstance(v, Fraction | int) for v in x):
            return False
        for j, v in enumerate(x):
            lo, hi = self.lb[j], self.ub[j]
            if (lo is not None and v < lo) or (hi is not None and v > hi):
                return False
        L = _lcm_den(x)
        xv = np.asarray([v.numerator * (L // v.denominator) for v in x], dtype=object)
        A_ub, b_ub, A_eq, b_eq = self.integer_rows
        if len(b_eq) and any(v != b * L for v, b in zip(A_eq.dot(xv), b_eq, strict=True)):
            return False
        if len(b_ub):
            rhs = [b * L for b in b_ub]
            lhs = A_ub.dot(xv)
            if any(v > b for v, b in zip(lhs, rhs, strict=True)):
                return False
            strict = self.strict
            if strict.any() and any(
                lhs[i] >= rhs[i] for i in np.flatnonzero(strict).tolist()
            ):
                return False
        return True

    @property
    def integer_rows(self) -> tuple[np.ndarray, list[int], np.ndarray, list[int]]:
        """``(A_ub, b_ub, A_eq, b_eq)`` with each row and its right-hand side multiplied by
        the least common denominator of its entries (:attr:`row_factors`): Python ints, the
        same constraints (cached). O(nnz)."""
        c = self._integer_cache()
        return c[0], c[1], c[3], c[4]

    @property
    def row_factors(self) -> tuple[list[int], list[int]]:
        """The factors :attr:`integer_rows` multiplied the ``≤`` and the ``=`` rows by."""
        c = self._integer_cache()
        return c[2], c[5]

    def _integer_cache(self) -> tuple[Any, ...]:
        cached = self.__dict__.get("_int_cache")
        if cached is None:
            cached = (*_integer_rows(self.A_ub, self.b_ub), *_integer_rows(self.A_eq, self.b_eq))
            object.__setattr__(self, "_int_cache", cached)
        return tuple(cached)

    @property
    def floats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Float copies ``(A_ub, b_ub, A_eq, b_eq)`` for solvers (cached; never trusted)."""
        cached = self.__dict__.get("_float_cache")
        if cached is None:
            cached = (
                float_array(self.A_ub) if self.A_ub.size else np.zeros((0, self.n)),
                float_array(self.b_ub) if self.b_ub.size else np.zeros(0),
                float_array(self.A_eq) if self.A_eq.size else np.zeros((0, self.n)),
                float_array(self.b_eq) if self.b_eq.size else np.zeros(0),
            )
            object.__setattr__(self, "_float_cache", cached)
        return cached

    def float_bounds(self) -> list[tuple[float | None, float | None]]:
        """The bounds as floats, in the form :func:`scipy.optimize.linprog` takes (a bound
        beyond the float range is left out: floats only ever give a hint)."""

        def conv(v: Any) -> float | None:
            f = None if v is None else to_float(v)
            return f if f is not None and math.isfinite(f) else None

        return [(conv(lo), conv(hi)) for lo, hi in zip(self.lb, self.ub, strict=True)]
