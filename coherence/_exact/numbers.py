"""The number policy: the one place where a value becomes a :class:`~fractions.Fraction`.

Ints, Fractions (any :class:`numbers.Rational`), :class:`decimal.Decimal` and decimal or
``"p/q"`` strings are exact. A Python float is read as what it was meant to be — the
*decimal* reading (:func:`~coherence._exact.rationals.simplest_rational`: ``0.8`` is
``4/5``, ``0.3333333333333333`` is ``1/3``) — unless the *binary* reading (the float's exact
dyadic value) is asked for, per call (``numbers="binary"``) or for a block of code
(:func:`number_reading`). Booleans, NaN, infinities, magnitudes beyond the float range
(``"1e400"``) and anything else raise :class:`~coherence.errors.InputError`.
:func:`rational_candidates` goes the other way: rationals near a float vector that an LP
solver returned.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Rational
from typing import Any

import numpy as np

from coherence._exact.rationals import NumberReading, rational_parts, simplest_rational
from coherence.errors import InputError

__all__ = [
    "NumberReading",
    "as_fraction",
    "current_reading",
    "fraction_array",
    "number_reading",
    "rational_candidates",
    "read_float",
    "reading_of",
]

_READING: ContextVar[NumberReading] = ContextVar("coherence_number_reading", default="decimal")
#: decimal exponents beyond these are outside the float range (and would cost unbounded work)
_EXP_RANGE = (-324, 308)


def reading_of(numbers: object) -> NumberReading:
    """The reading ``numbers`` names (``None``: the one in force), checked: anything but
    ``"decimal"``, ``"binary"`` or ``None`` is an :class:`InputError`. O(1).

    >>> reading_of("binary"), reading_of(None)
    ('binary', 'decimal')
    """
    if numbers is None:
        return _READING.get()
    if numbers == "decimal":
        return "decimal"
    if numbers == "binary":
        return "binary"
    raise InputError(f"numbers must be 'decimal' or 'binary', got {numbers!r}")


def current_reading() -> NumberReading:
    """The reading floats get when no ``numbers=`` is given: ``"decimal"`` unless inside
    :func:`number_reading`. O(1).

    >>> current_reading()
    'decimal'
    """
    return _READING.get()


@contextmanager
def number_reading(numbers: NumberReading) -> Iterator[NumberReading]:
    """Read floats the given way (``"decimal"`` or ``"binary"``) inside the ``with`` block.

    The reading is fixed when a value is read: data built inside the block keep it.
    Thread- and task-local (a :class:`contextvars.ContextVar`).

    >>> with number_reading("binary"):
    ...     as_fraction(0.5), as_fraction(0.1) == Fraction(1, 10)
    (Fraction(1, 2), False)
    >>> as_fraction(0.1)
    Fraction(1, 10)
    """
    token = _READING.set(reading_of(numbers))
    try:
        yield _READING.get()
    finally:
        _READING.reset(token)


def read_float(x: float, numbers: str | None = None) -> Fraction:
    """The finite float ``x`` under the number policy (``None``: :func:`current_reading`).

    O(log q) for the result ``p/q``.

    >>> read_float(0.8), read_float(0.8, "binary") == Fraction(4, 5)
    (Fraction(4, 5), False)
    """
    if reading_of(numbers) == "binary":
        return Fraction(x)
    return simplest_rational(x)

#: denominators tried when rounding a float vector to rationals
DENOMINATORS = (1, 2, 6, 12, 60, 360, 2520, 10**4, 10**6, 10**9, 10**12)


def _from_string(x: str, what: str) -> Fraction:
    s = x.strip()
    if "/" in s:
        num, _, den = s.partition("/")
        try:
            p, q = int(num.strip()), int(den.strip())
        except ValueError:
            raise InputError(f"{what} must be a decimal or 'p/q' string, got {x!r}") from None
        if q == 0:
            raise InputError(f"{what} has a zero denominator: {x!r}")
        return Fraction(p, q)
    try:
        d = Decimal(s)
    except (ValueError, InvalidOperation):
        raise InputError(f"{what} must be a decimal or 'p/q' string, got {x!r}") from None
    return _from_decimal(d, what, x)


def _from_decimal(d: Decimal, what: str, raw: Any) -> Fraction:
    if not d.is_finite():
        raise InputError(f"{what} must be finite, got {raw!r}")
    if d and not (_EXP_RANGE[0] <= d.adjusted() <= _EXP_RANGE[1] and math.isfinite(float(d))
                  and float(d) != 0):
        raise InputError(f"{what} is outside the range of a float: {raw!r}")
    return Fraction(d)


def as_fraction(x: Any, *, what: str = "value", numbers: str | None = None) -> Fraction:
    """Read ``x`` as a :class:`~fractions.Fraction` under the number policy.

    Ints, Fractions (any :class:`numbers.Rational`), :class:`decimal.Decimal` and strings
    such as ``"0.25"``, ``"1/3"``, ``"-2"``, ``"1e-3"`` are exact; finite floats get the
    reading ``numbers`` names (``None``: :func:`current_reading`, ``"decimal"`` by default).
    Booleans, NaN, infinities, magnitudes beyond the float range and anything else raise
    :class:`~coherence.errors.InputError` naming ``what``. O(digits).

    >>> as_fraction("1/3"), as_fraction("0.25"), as_fraction(0.8)
    (Fraction(1, 3), Fraction(1, 4), Fraction(4, 5))
    >>> as_fraction(0.8, numbers="binary")
    Fraction(3602879701896397, 4503599627370496)
    """
    if isinstance(x, bool):
        raise InputError(f"{what} must be a number, got a boolean {x!r}")
    if isinstance(x, Rational):
        return Fraction(int(x.numerator), int(x.denominator))
    if isinstance(x, float | np.floating):
        if not math.isfinite(float(x)):
            raise InputError(f"{what} must be finite, got {x!r}")
        return read_float(float(x), numbers)
    if isinstance(x, np.integer):
        return Fraction(int(x))
    if isinstance(x, Decimal):
        return _from_decimal(x, what, x)
    if isinstance(x, str):
        return _from_string(x, what)
    raise InputError(f"{what} must be a number, got {type(x).__name__}")


def fraction_array(values: Any, *, what: str = "value", numbers: str | None = None
                   ) -> np.ndarray:
    """An object-dtype numpy array of Fractions with the shape of ``values``, read by
    :func:`as_fraction` (float arrays through the vectorised
    :func:`~coherence._exact.rationals.rational_parts`).

    O(size).

    >>> fraction_array([["1/2", 1], [0.25, "3"]]).tolist()
    [[Fraction(1, 2), Fraction(1, 1)], [Fraction(1, 4), Fraction(3, 1)]]
    >>> fraction_array(np.array([0.1, 0.2])).tolist()
    [Fraction(1, 10), Fraction(1, 5)]
    """
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        if not np.isfinite(values).all():
            raise InputError(f"{what} must be finite")
        num, den = rational_parts(values, reading_of(numbers))
        out = np.empty(values.shape, dtype=object)
        res = out.reshape(-1)
        for k, (p, q) in enumerate(zip(num.reshape(-1).tolist(), den.reshape(-1).tolist())):
            res[k] = Fraction(p, q)
        return out
    arr = np.asarray(values, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    flat = arr.reshape(-1)
    res = out.reshape(-1)
    for k, v in enumerate(flat):
        res[k] = as_fraction(v, what=what, numbers=numbers)
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
