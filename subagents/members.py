"""Members of a committee: subagents that each rank the items by one utility.

A member answers one question: what is item ``x`` worth to it (:meth:`Member.value`), or
``None`` when it does not rank ``x`` at all (a partial ballot). Values are exact numbers
(``int`` or :class:`fractions.Fraction`; finite floats are converted to the Fraction they
denote), so every comparison a committee makes can be re-checked exactly.

Three kinds of member:

* :class:`UtilityMember` — a utility function given as a mapping item → number;
* :class:`OrderMember` — a linear or weak order (tiers, best first), possibly partial;
* :class:`ExpectedUtilityMember` — a subjective expected-utility maximiser over acts (an act
  is a tuple of outcomes, one per state), with its own prior and utility over outcomes
  (Savage 1954; Anscombe & Aumann 1963).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Rational
from typing import Any

from coherence.errors import InputError
from coherence.validation import check_type

__all__ = [
    "ExpectedUtilityMember",
    "Member",
    "OrderMember",
    "UtilityMember",
    "exact_number",
]

Number = int | Fraction


def exact_number(v: Any, *, what: str = "value") -> Number:
    """Return ``v`` as an exact ``int`` or :class:`Fraction`.

    Finite floats (and numpy numbers) become the rational they denote; bools, NaN, infinities
    and non-numbers raise :class:`InputError`.
    """
    if isinstance(v, bool):
        raise InputError(f"{what} must be a number, got a bool ({v!r})")
    if isinstance(v, int):
        return v
    if isinstance(v, Fraction):
        return v.numerator if v.denominator == 1 else v
    if isinstance(v, Rational):
        return Fraction(int(v.numerator), int(v.denominator))
    if hasattr(v, "dtype") and getattr(v.dtype, "kind", "") in "iu":  # numpy integer
        return int(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number, got {v!r}") from None
    if not math.isfinite(f):
        raise InputError(f"{what} must be finite, got {v!r}")
    q = Fraction(f)
    return q.numerator if q.denominator == 1 else q


class Member(ABC):
    """A subagent: an exact value for each item it ranks."""

    name: str | None

    @abstractmethod
    def value(self, item: Hashable) -> Number | None:
        """The member's utility of ``item``, or ``None`` when it does not rank ``item``."""

    def rated_items(self) -> frozenset[Hashable] | None:
        """The items this member ranks, or ``None`` when they cannot be listed (acts)."""
        return None

    def prefers(self, x: Hashable, y: Hashable) -> bool | None:
        """``True`` if ``x ≻ y``, ``False`` if not, ``None`` if either item is unranked."""
        a, b = self.value(x), self.value(y)
        if a is None or b is None:
            return None
        return a > b


class _TableMember(Member):
    """A member whose values sit in a ``_table`` dict (item → exact value). O(1) lookups."""

    _table: dict[Hashable, Any]

    def value(self, item: Hashable) -> Number | None:
        try:
            return self._table.get(item)
        except TypeError:
            raise InputError(f"item {item!r} is unhashable") from None

    def rated_items(self) -> frozenset[Hashable]:
        return frozenset(self._table)


def _freeze_mapping(m: Mapping[Hashable, Any], what: str) -> tuple[tuple[Hashable, Number], ...]:
    check_type(m, Mapping, what)
    out = []
    for k, v in m.items():
        try:
            hash(k)
        except TypeError:
            raise InputError(f"{what}: label {k!r} is unhashable") from None
        out.append((k, exact_number(v, what=f"{what}[{k!r}]")))
    return tuple(out)


@dataclass(frozen=True, eq=False)
class UtilityMember(_TableMember):
    """A member that maximises a utility given as a mapping item → number.

    Args:
        utility: item → number (int, Fraction or finite float; converted exactly).
        name: optional display name.

    Items absent from the mapping are unranked by this member.
    """

    utility: Mapping[Hashable, Any]
    name: str | None = None
    _table: dict[Hashable, Number] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs = _freeze_mapping(self.utility, "utility")
        if not pairs:
            raise InputError("a utility member must rank at least one item")
        object.__setattr__(self, "_table", dict(pairs))
        object.__setattr__(self, "utility", dict(pairs))



@dataclass(frozen=True, eq=False)
class OrderMember(_TableMember):
    """A member that ranks items by a (possibly partial) weak order.

    Args:
        tiers: tuples of items, best tier first; items in one tier are tied. Items in no tier
            are unranked. Use :meth:`linear` for a strict ranking, :meth:`weak` for tiers.
        name: optional display name.

    The member's utility of an item in tier ``t`` (0 = best) of ``T`` tiers is ``T − t``, so
    unranked items sit below every ranked one if a committee reads them as ``below``.
    """

    tiers: tuple[tuple[Hashable, ...], ...]
    name: str | None = None
    _table: dict[Hashable, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.tiers, str | bytes):
            raise InputError("tiers must be a sequence of tuples of items, not a string")
        tiers = []
        table: dict[Hashable, int] = {}
        raw = tuple(self.tiers)
        for t, tier in enumerate(raw):
            tup = (tier,) if isinstance(tier, str | bytes) else tuple(tier)
            if not tup:
                raise InputError(f"tier {t} is empty")
            for x in tup:
                try:
                    if x in table:
                        raise InputError(f"item {x!r} appears twice in one ranking")
                except TypeError:
                    raise InputError(f"label {x!r} is unhashable") from None
                table[x] = len(raw) - t
            tiers.append(tup)
        if not tiers:
            raise InputError("an order member must rank at least one item")
        object.__setattr__(self, "tiers", tuple(tiers))
        object.__setattr__(self, "_table", table)

    @classmethod
    def linear(cls, ranking: Iterable[Hashable], name: str | None = None) -> OrderMember:
        """A strict ranking, best first: ``OrderMember.linear(["a", "b", "c"])``."""
        if isinstance(ranking, str | bytes):
            raise InputError("ranking must be a sequence of items, not a string")
        return cls(tuple((x,) for x in ranking), name)

    @classmethod
    def weak(cls, tiers: Iterable[Iterable[Hashable]], name: str | None = None) -> OrderMember:
        """A weak order given as tiers, best first: ``OrderMember.weak([["a", "b"], ["c"]])``."""
        return cls(tuple(tuple(t) for t in tiers), name)

    @property
    def is_linear(self) -> bool:
        """``True`` when no tier holds two items."""
        return all(len(t) == 1 for t in self.tiers)



@dataclass(frozen=True, eq=False)
class ExpectedUtilityMember(Member):
    """A subjective expected-utility maximiser over acts.

    An *act* is a tuple of outcomes, one per state; its value is
    ``Σ_s prior[s] · utility[act[s]]``, computed exactly.

    Args:
        prior: non-negative numbers, one per state, with a positive sum; normalised exactly
            (so ``(1, 1)`` means a fair coin).
        utility: outcome → number.
        name: optional display name.
    """

    prior: Sequence[Any]
    utility: Mapping[Hashable, Any]
    name: str | None = None
    _table: dict[Hashable, Number] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.prior, Mapping | str | bytes):
            raise InputError("prior must be a sequence of probabilities, one per state")
        p = [exact_number(v, what=f"prior[{s}]") for s, v in enumerate(self.prior)]
        if not p:
            raise InputError("prior must have at least one state")
        if any(v < 0 for v in p):
            raise InputError("prior probabilities must be non-negative")
        total = sum(p, Fraction(0))
        if total <= 0:
            raise InputError("prior probabilities must have a positive sum")
        object.__setattr__(self, "prior", tuple(Fraction(v) / total for v in p))
        pairs = _freeze_mapping(self.utility, "utility")
        if not pairs:
            raise InputError("utility over outcomes must not be empty")
        object.__setattr__(self, "_table", dict(pairs))
        object.__setattr__(self, "utility", dict(pairs))

    @property
    def states(self) -> int:
        """Number of states."""
        return len(self.prior)

    def value(self, item: Hashable) -> Number:
        if not isinstance(item, tuple) or len(item) != len(self.prior):
            raise InputError(
                f"act {item!r} must be a tuple of {len(self.prior)} outcomes (one per state)"
            )
        total = Fraction(0)
        for s, o in enumerate(item):
            try:
                u = self._table[o]
            except KeyError:
                raise InputError(f"act {item!r}: outcome {o!r} has no utility") from None
            except TypeError:
                raise InputError(f"act {item!r}: outcome {o!r} is unhashable") from None
            total += self.prior[s] * u
        return total.numerator if total.denominator == 1 else total
