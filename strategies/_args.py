"""Argument checks for the strategies.

The shared validators of :mod:`coherence.validation`, re-raised as Hypothesis's
``InvalidArgument`` (what Hypothesis strategies raise for impossible settings).
"""

from __future__ import annotations

from typing import Any

from hypothesis.errors import InvalidArgument

from coherence.errors import InputError
from coherence.validation import check_integer

__all__ = ["integer_arg"]


def integer_arg(value: Any, name: str, *, min_value: int) -> int:
    """Return ``value`` as an ``int`` after checking it is an integer ≥ ``min_value``. O(1).

    >>> integer_arg(3, "min_items", min_value=1)
    3
    >>> integer_arg(0, "min_items", min_value=1)
    Traceback (most recent call last):
    hypothesis.errors.InvalidArgument: min_items must be ≥ 1, got 0
    """
    try:
        return check_integer(value, name, min_value=min_value)
    except InputError as exc:
        raise InvalidArgument(str(exc)) from None
