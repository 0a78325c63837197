"""Validation of item labels shared by every data class."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from coherence.errors import InputError


def validate_items(items: Iterable[Hashable], *, what: str = "items") -> tuple[Hashable, ...]:
    """Return ``items`` as a tuple after checking they are hashable, distinct and non-empty.

    O(n). Raises :class:`~coherence.errors.InputError` otherwise.
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
    """Map each label to its position."""
    return {x: i for i, x in enumerate(items)}
