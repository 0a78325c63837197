"""Reading numbers exactly: the one place where a value becomes a :class:`~fractions.Fraction`.

Ints, Fractions (any :class:`numbers.Rational`), :class:`decimal.Decimal`, finite floats and
decimal or ``"p/q"`` strings are read without rounding; booleans, NaN, infinities and anything
else raise :class:`~coherence.errors.InputError`. :func:`rational_candidates` goes the other
way: it proposes rationals near a float vector that an LP solver returned.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Rational
from typing import Any

import numpy as np

from coherence.errors import InputError

__all__ = ["as_fraction", "fraction_array", "rational_candidates"]

#: denominators tried when rounding a float vector to rationals
DENOMINATORS = (1, 2, 6, 12, 60, 360, 2520, 10**4, 10**6, 10**9, 10**12)


def _from_string(x: str, what: str) -> Fraction:
    s = x.strip()
    try:
        if "/" in s:
            num, _, den = s.partition("/")
            return Fraction(int(num.strip()), int(den.strip()))
        d = Decimal(s)
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise InputError(f"{what} must be a decimal or 'p/q' string, got {x!r}") from None
    if not d.is_finite():
        raise InputError(f"{what} must be finite, got {x!r}")
    return Fraction(d)


def as_fraction(x: Any, *, what: str = "value") -> Fraction:
    """Parse ``x`` exactly as a :class:`~fractions.Fraction`.

    Accepts ints, Fractions (any :class:`numbers.Rational`), :class:`decimal.Decimal`, finite
    floats (their exact binary value) and strings such as ``"0.25"``, ``"1/3"``, ``"-2"``,
    ``"1e-3"``. Booleans, NaN, infinities and anything else raise
    :class:`~coherence.errors.InputError` naming ``what``. O(digits).

    >>> as_fraction("1/3"), as_fraction("0.25"), as_fraction(0.5)
    (Fraction(1, 3), Fraction(1, 4), Fraction(1, 2))
    """
    if isinstance(x, bool):
        raise InputError(f"{what} must be a number, got a boolean {x!r}")
    if isinstance(x, Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, float | np.floating):
        if not math.isfinite(float(x)):
            raise InputError(f"{what} must be finite, got {x!r}")
        return Fraction(float(x))
    if isinstance(x, np.integer):
        return Fraction(int(x))
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise InputError(f"{what} must be finite, got {x!r}")
        return Fraction(x)
    if isinstance(x, str):
        return _from_string(x, what)
    raise InputError(f"{what} must be a number, got {type(x).__name__}")


def fraction_array(values: Any, *, what: str = "value") -> np.ndarray:
    """An object-dtype numpy array of Fractions with the shape of ``values`` (exact parse).

    O(size) calls of :func:`as_fraction`.

    >>> fraction_array([["1/2", 1], [0.25, "3"]]).tolist()
    [[Fraction(1, 2), Fraction(1, 1)], [Fraction(1, 4), Fraction(3, 1)]]
    """
    arr = np.asarray(values, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    flat = arr.reshape(-1)
    res = out.reshape(-1)
    for k, v in enumerate(flat):
        res[k] = as_fraction(v, what=what)
    return out


def rational_candidates(x: Sequence[float] | np.ndarray) -> Iterator[list[Fraction]]:
    """Rational roundings of the float vector ``x`` at increasing precision.

    Yields ``[Fraction(xi).limit_denominator(D) for xi in x]`` for growing ``D`` (each
    rounding once) and finally the exact binary values. Cheap: O(len(x)) per candidate.

    >>> [str(v) for v in list(rational_candidates([0.3333333333, 0.5]))[2]]
    ['1/3', '1/2']
    """
    xs = [float(v) for v in _floats(x)]
    seen: set[tuple[Fraction, ...]] = set()
    for D in DENOMINATORS:
        cand = [Fraction(v).limit_denominator(D) for v in xs]
        key = tuple(cand)
        if key not in seen:
            seen.add(key)
            yield cand
    yield [Fraction(v) for v in xs]


def _floats(x: Sequence[float] | np.ndarray) -> Iterable[float]:
    return np.asarray(x, dtype=float).reshape(-1).tolist()
