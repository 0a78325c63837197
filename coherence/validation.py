"""Argument validation shared by every data class and checker.

Each validator checks one thing, returns the validated value (converted only where its name
says so) and raises :class:`~coherence.errors.InputError` with a one-line message naming the
argument. Number *conversion* (floats as the simplest rational that rounds to them, strings,
Decimals) is not done here: these checks only refuse what no reading could accept.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from coherence.errors import InputError

__all__ = [
    "check_file",
    "check_finite_array",
    "check_integer",
    "check_mapping",
    "check_real",
    "check_square",
    "check_type",
    "index_of",
    "validate_items",
]

T = TypeVar("T")


def validate_items(items: Iterable[Hashable], *, what: str = "items") -> tuple[Hashable, ...]:
    """Return ``items`` as a tuple after checking they are hashable, distinct and non-empty.

    O(n). Raises :class:`~coherence.errors.InputError` otherwise.

    >>> validate_items(["a", "b"])
    ('a', 'b')
    >>> validate_items(["a", "a"])
    Traceback (most recent call last):
    coherence.errors.InputError: items: duplicate label 'a'
    """
    if isinstance(items, str | bytes):
        raise InputError(f"{what} must be a collection of labels, not a single string")
    try:
        out = tuple(items)
    except TypeError as exc:
        raise InputError(f"{what} must be iterable: {exc}") from None
    if not out:
        raise InputError(f"{what} must not be empty")
    seen: set[Hashable] = set()
    for x in out:
        try:
            hash(x)
        except TypeError:
            raise InputError(f"{what}: label {x!r} is unhashable") from None
        if x in seen:
            raise InputError(f"{what}: duplicate label {x!r}")
        seen.add(x)
    return out


def index_of(items: tuple[Hashable, ...]) -> dict[Hashable, int]:
    """Map each label to its position. O(n).

    >>> index_of(("a", "b"))
    {'a': 0, 'b': 1}
    """
    return {x: i for i, x in enumerate(items)}


def _type_names(types: type | tuple[type, ...]) -> str:
    ts = types if isinstance(types, tuple) else (types,)
    return " or ".join(t.__name__ for t in ts)


def check_type(value: Any, types: type[T] | tuple[type[T], ...], name: str) -> T:
    """Return ``value`` if it is an instance of ``types`` (as :func:`isinstance` decides).

    Note that ``bool`` is an ``int`` here; use :func:`check_integer` to refuse booleans. O(1).

    >>> check_type("abc", str, "label")
    'abc'
    >>> check_type(3, (list, tuple), "witness")
    Traceback (most recent call last):
    coherence.errors.InputError: witness must be list or tuple, got int 3
    """
    if not isinstance(value, types):
        got = f"{type(value).__name__} {value!r}"
        raise InputError(f"{name} must be {_type_names(types)}, got {got}")
    return value


def check_mapping(doc: Any, name: str, *, required: Iterable[str] = ()) -> Mapping[str, Any]:
    """Return ``doc`` after checking it is a mapping (a JSON object) holding every ``required``
    key. O(number of keys).

    >>> check_mapping({"items": [1]}, "relation document", required=("items",))
    {'items': [1]}
    >>> check_mapping({"items": [1]}, "relation document", required=("items", "weak"))
    Traceback (most recent call last):
    coherence.errors.InputError: relation document has no 'weak'
    """
    if not isinstance(doc, Mapping):
        raise InputError(f"{name} must be a JSON object, got {type(doc).__name__}")
    missing = [k for k in required if k not in doc]
    if missing:
        raise InputError(f"{name} has no {', '.join(repr(k) for k in missing)}")
    return doc


def check_integer(
    value: Any, name: str, *, min_value: int | None = None, max_value: int | None = None
) -> int:
    """Return ``value`` as an ``int`` after checking it is an integer in ``[min_value, max_value]``.

    Python and numpy integers are accepted; booleans, floats (even integral ones) and strings
    are not. A bound of ``None`` is no bound. O(1).

    >>> check_integer(3, "max_steps", min_value=1)
    3
    >>> check_integer(0, "max_steps", min_value=1)
    Traceback (most recent call last):
    coherence.errors.InputError: max_steps must be ≥ 1, got 0
    >>> check_integer(True, "seed")
    Traceback (most recent call last):
    coherence.errors.InputError: seed must be an integer, got True
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise InputError(f"{name} must be an integer, got {value!r}")
    out = int(value)
    _check_bounds(out, name, min_value, max_value)
    return out


def _check_bounds(value: Any, name: str, lo: Any, hi: Any) -> None:
    if lo is not None and hi is not None and not lo <= value <= hi:
        raise InputError(f"{name} must be in [{lo}, {hi}], got {value}")
    if lo is not None and value < lo:
        raise InputError(f"{name} must be ≥ {lo}, got {value}")
    if hi is not None and value > hi:
        raise InputError(f"{name} must be ≤ {hi}, got {value}")


def check_real(
    value: Any,
    name: str,
    *,
    min_value: Any = None,
    max_value: Any = None,
    allow_infinity: bool = False,
) -> Any:
    """Return ``value`` unchanged after checking it is a real number in ``[min_value, max_value]``.

    Accepts any :class:`numbers.Real` (ints, floats, Fractions, numpy scalars) but not
    booleans; NaN is always refused, infinities unless ``allow_infinity``. Bounds are compared
    exactly as given. O(1).

    >>> from fractions import Fraction
    >>> check_real(Fraction(1, 3), "probability", min_value=0, max_value=1)
    Fraction(1, 3)
    >>> check_real(1.5, "probability", min_value=0, max_value=1)
    Traceback (most recent call last):
    coherence.errors.InputError: probability must be in [0, 1], got 1.5
    >>> check_real(float("nan"), "price")
    Traceback (most recent call last):
    coherence.errors.InputError: price is NaN
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a real number, got {value!r}")
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            raise InputError(f"{name} is NaN")
        if math.isinf(value) and not allow_infinity:
            raise InputError(f"{name} must be finite, got {value!r}")
    _check_bounds(value, name, min_value, max_value)
    return value


def check_file(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` after checking it names an existing file.

    The message names ``path`` as given. One ``stat`` call.

    >>> check_file(__file__).name
    'validation.py'
    >>> check_file("no/such/file.csv")
    Traceback (most recent call last):
    coherence.errors.InputError: no/such/file.csv: no such file
    >>> check_file(".")
    Traceback (most recent call last):
    coherence.errors.InputError: .: a folder, not a file
    """
    p = Path(path)
    if not p.is_file():
        if p.is_dir():
            raise InputError(f"{path}: a folder, not a file")
        if p.exists():
            raise InputError(f"{path}: not a regular file (a pipe, socket or device)")
        raise InputError(f"{path}: no such file")
    return p


def check_finite_array(a: Any, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Return ``a`` as a new float64 array after checking it is numeric, finite and ``ndim``-D.

    O(size). The message names the first bad entry.

    >>> check_finite_array([[1, 2], [3, 4]], "prices", ndim=2).dtype
    dtype('float64')
    >>> check_finite_array([1.0, float("inf")], "prices")
    Traceback (most recent call last):
    coherence.errors.InputError: prices must be finite, got inf at (1,)
    >>> check_finite_array([1.0, 2.0], "prices", ndim=2)
    Traceback (most recent call last):
    coherence.errors.InputError: prices must be 2-dimensional, got shape (2,)
    """
    try:
        out = np.array(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be numeric: {exc}") from None
    if ndim is not None and out.ndim != ndim:
        raise InputError(f"{name} must be {ndim}-dimensional, got shape {out.shape}")
    bad = ~np.isfinite(out)
    if bad.any():
        at = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InputError(f"{name} must be finite, got {out[at]} at {at}")
    return out


def check_square(a: Any, name: str, *, size: int | None = None) -> np.ndarray:
    """Return ``np.asarray(a)`` after checking it is a square matrix (``size × size`` if given).

    Does not copy an array that is already one. O(1) after the conversion.

    >>> check_square([[1, 0], [0, 1]], "relation matrix").shape
    (2, 2)
    >>> check_square([[1, 0, 1], [0, 1, 1]], "relation matrix")
    Traceback (most recent call last):
    coherence.errors.InputError: relation matrix must be square, got shape (2, 3)
    >>> check_square([[1]], "relation matrix", size=2)
    Traceback (most recent call last):
    coherence.errors.InputError: relation matrix is 1×1 but there are 2 items
    """
    try:
        m = np.asarray(a)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a matrix: {exc}") from None
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise InputError(f"{name} must be square, got shape {m.shape}")
    if size is not None and m.shape[0] != size:
        raise InputError(f"{name} is {m.shape[0]}×{m.shape[0]} but there are {size} items")
    return m
