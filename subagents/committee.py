"""Committees of subagents: members, counts and a decision rule.

A :class:`Committee` holds ``m`` members (each a utility over the same ``n`` items, possibly
partial), a positive integer count per member (identical voters), and a
:class:`~subagents.rules.Rule`. Its trading behaviour is a
:class:`~coherence.relations.PreferenceRelation` (:meth:`Committee.relation`), so every check
in :mod:`coherence` applies to it; ``coherence.check(committee)`` annotates the answer with how
each member voted (see :mod:`subagents.certificates`).

Unranked items (partial ballots) are read in one of two ways, fixed at construction:

* ``"ignore"`` — a member votes on a pair only when it ranks both items;
* ``"below"`` — a member ranks every ranked item above every unranked one, and is indifferent
  among the unranked ones.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal, overload

import numpy as np

from coherence.errors import InputError
from coherence.graphs import shortest_cycle_through
from coherence.relations import PreferenceRelation
from coherence.stochastic import PairRecord, StochasticChoice
from coherence.subagents.members import Member, OrderMember, UtilityMember, exact_number
from coherence.subagents.rules import Rule, Unanimity, rule_from_json
from coherence.validation import check_integer, check_type, validate_items
from coherence.verdict import jsonable, label_from_json, label_to_json

__all__ = ["Committee", "Unranked"]

Unranked = Literal["ignore", "below"]
_INT64_SAFE = 2**53


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


class _RankRows(Sequence[Member]):
    """Members materialised on demand from a rank matrix (the fast path for big profiles)."""

    def __init__(self, items: tuple[Hashable, ...], ranks: np.ndarray, ranked: np.ndarray):
        self._items, self._ranks, self._ranked = items, ranks, ranked

    def __len__(self) -> int:
        return self._ranks.shape[0]

    @overload
    def __getitem__(self, k: int) -> Member: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[Member]: ...
    def __getitem__(self, k: int | slice) -> Member | Sequence[Member]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        row, mask = self._ranks[k], self._ranked[k]
        levels = sorted({int(v) for v, r in zip(row, mask, strict=True) if r}, reverse=True)
        tiers = [
            tuple(x for x, v, r in zip(self._items, row, mask, strict=True) if r and v == lev)
            for lev in levels
        ]
        return OrderMember(tuple(tiers))


def _as_counts(counts: Iterable[Any] | None, m: int) -> np.ndarray:
    if counts is None:
        return np.ones(m, dtype=np.int64)
    c = list(counts)
    if len(c) != m:
        raise InputError(f"{len(c)} counts for {m} members")
    out = []
    for k, v in enumerate(c):
        out.append(check_integer(v, f"count of member {k}", min_value=1))
    if sum(out) >= _INT64_SAFE:
        raise InputError("total count is too large")
    return np.array(out, dtype=np.int64)




def number_from_json(value: Any) -> int | Fraction:
    """An exact number read back from JSON (``"p/q"`` strings, integers or floats).

    >>> number_from_json("3/4"), number_from_json(2)
    (Fraction(3, 4), 2)
    """
    q = Fraction(value) if isinstance(value, str) else value
    return exact_number(q, what="number")


def _pack_values(vals: np.ndarray) -> np.ndarray:
    """Object array of exact numbers → int64 when every entry is a small int."""
    flat = vals.ravel().tolist()
    if all(type(v) is int and -_INT64_SAFE < v < _INT64_SAFE for v in flat):
        return np.array(flat, dtype=np.int64).reshape(vals.shape)
    return vals


def _fill_below(values: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    """Give every unranked entry the member's lowest ranked value minus one (0 if none)."""
    out = values.copy()
    for k in np.flatnonzero(~ranked.all(axis=1)):
        r = ranked[k]
        low = min(values[k, r].tolist()) - 1 if r.any() else 0
        out[k, ~r] = low
    return out


def _infer_items(
    members: tuple[Member, ...], given: tuple[Hashable, ...] | None
) -> tuple[Hashable, ...]:
    """The committee's items: ``given`` (checked against the members) or the ranked ones."""
    if given is not None:
        items = validate_items(given)
        known = set(items)
        for k, mem in enumerate(members):
            rated = mem.rated_items()
            if rated is not None and not rated <= known:
                extra = next(iter(rated - known))
                raise InputError(f"member {k} ranks unknown item {extra!r}")
        return items
    sets = [mem.rated_items() for mem in members]
    first = sets[0]
    for k, s in enumerate(sets):
        if s is None or first is None:
            raise InputError("items must be given for members that rank acts")
        if s != first:
            diff = next(iter(s ^ first))
            raise InputError(
                f"members rank different items: member 0 and member {k} differ on {diff!r} "
                "(pass items=... to allow partial rankings)"
            )
    assert first is not None
    labels: list[Any] = list(first)
    try:
        return validate_items(sorted(labels))
    except TypeError:
        m0 = members[0]
        if isinstance(m0, OrderMember):
            return validate_items(x for t in m0.tiers for x in t)
        if isinstance(m0, UtilityMember):
            return validate_items(m0.utility)
        return validate_items(first)


def _compile(
    members: tuple[Member, ...], items: tuple[Hashable, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Exact values ``(m, n)`` and the ranked mask of ``members`` over ``items``. O(m·n)."""
    m, n = len(members), len(items)
    vals = np.zeros((m, n), dtype=object)
    ranked = np.zeros((m, n), dtype=bool)
    for k, mem in enumerate(members):
        for j, x in enumerate(items):
            v = mem.value(x)
            if v is not None:
                vals[k, j] = exact_number(v, what=f"value of {x!r} to member {k}")
                ranked[k, j] = True
    return _pack_values(vals), ranked


@dataclass(frozen=True, eq=False, init=False)
class Committee:
    """A committee of subagents with a decision rule (immutable).

    Args:
        members: the subagents (:class:`~subagents.members.Member` objects).
        rule: the decision rule (default :class:`~subagents.rules.Unanimity`).
        items: the items traded; default: the items the members rank, which must then be the
            same for every member.
        counts: positive integers, how many identical voters each member stands for
            (default one each).
        unranked: ``"ignore"`` or ``"below"`` (see the module docstring).

    Raises:
        InputError: no members, members over different item sets, unknown items, counts that
            are not positive integers, or a rule that cannot apply.

    >>> c = Committee.from_rankings([["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]])
    >>> c.m, c.n, c.voters, c.accepts("a", "b")
    (3, 3, 3, False)
    """

    members: Sequence[Member]
    rule: Rule
    items: tuple[Hashable, ...]
    counts: np.ndarray = field(repr=False)
    unranked: Unranked
    values: np.ndarray = field(repr=False)
    ranked: np.ndarray = field(repr=False)

    def __init__(
        self,
        members: Sequence[Member],
        rule: Rule | None = None,
        items: Iterable[Hashable] | None = None,
        counts: Iterable[Any] | None = None,
        unranked: Unranked = "ignore",
    ) -> None:
        rule = Unanimity() if rule is None else rule
        check_type(rule, Rule, "rule")
        if unranked not in ("ignore", "below"):
            raise InputError(f"unranked must be 'ignore' or 'below', got {unranked!r}")
        object.__setattr__(self, "rule", rule)
        object.__setattr__(self, "unranked", unranked)
        if isinstance(members, _RankRows):
            labels = members._items
            values, ranked = members._ranks, members._ranked
        else:
            if isinstance(members, Member):
                raise InputError("members must be a sequence of members, not one member")
            members = tuple(members)
            if not members:
                raise InputError("a committee needs at least one member")
            for k, mem in enumerate(members):
                check_type(mem, Member, f"member {k}")
            labels = _infer_items(members, None if items is None else tuple(items))
            values, ranked = _compile(members, labels)
        object.__setattr__(self, "members", members)
        object.__setattr__(self, "items", labels)
        object.__setattr__(self, "counts", _readonly(_as_counts(counts, len(members))))
        if unranked == "below" and not ranked.all():
            values = _fill_below(values, ranked)
            ranked = np.ones_like(ranked)
        object.__setattr__(self, "values", _readonly(values))
        object.__setattr__(self, "ranked", _readonly(ranked.astype(bool)))
        rule.validate(self)

    # ---------------------------------------------------------------- construction
    @classmethod
    def of(
        cls,
        members: Iterable[Member],
        rule: Rule | None = None,
        *,
        items: Iterable[Hashable] | None = None,
        counts: Iterable[int] | None = None,
        unranked: Unranked = "ignore",
    ) -> Committee:
        """Keyword-friendly constructor (same arguments as the class)."""
        return cls(
            tuple(members), rule if rule is not None else Unanimity(),
            None if items is None else tuple(items), counts, unranked,
        )

    @classmethod
    def from_rankings(
        cls,
        rankings: Iterable[Iterable[Any]],
        rule: Rule | None = None,
        *,
        items: Iterable[Hashable] | None = None,
        counts: Iterable[int] | None = None,
        unranked: Unranked = "ignore",
    ) -> Committee:
        """One member per ranking; a ranking lists items best first, and an entry that is a
        set/frozenset/list/tuple is a tier of tied items: ``["a", {"b", "c"}, "d"]``."""
        members = []
        for r in rankings:
            tiers = []
            for t in r:
                if isinstance(t, set | frozenset | list | tuple):
                    tiers.append(tuple(sorted(t, key=repr)))
                else:
                    tiers.append((t,))
            members.append(OrderMember(tuple(tiers)))
        return cls.of(members, rule, items=items, counts=counts, unranked=unranked)

    @classmethod
    def from_utilities(
        cls,
        utilities: Any,
        rule: Rule | None = None,
        *,
        items: Iterable[Hashable] | None = None,
        counts: Iterable[int] | None = None,
    ) -> Committee:
        """One :class:`~subagents.members.UtilityMember` per row of an ``m × n`` array."""
        U = np.asarray(utilities, dtype=object)
        if U.ndim != 2 or U.shape[0] == 0 or U.shape[1] == 0:
            raise InputError(f"utilities must be a non-empty m × n array, got shape {U.shape}")
        labels = tuple(range(U.shape[1])) if items is None else validate_items(items)
        if len(labels) != U.shape[1]:
            raise InputError(f"{U.shape[1]} utility columns but {len(labels)} items")
        members = [UtilityMember(dict(zip(labels, row, strict=True))) for row in U.tolist()]
        return cls.of(members, rule, items=labels, counts=counts)

    @classmethod
    def from_ranks(
        cls,
        ranks: Any,
        rule: Rule | None = None,
        *,
        items: Iterable[Hashable] | None = None,
        counts: Iterable[int] | None = None,
        unranked: Unranked = "ignore",
    ) -> Committee:
        """Fast path for large profiles: ``ranks[k, j]`` is member ``k``'s integer score of item
        ``j`` (higher is better; equal scores tie; a negative score means unranked).

        Members are materialised as :class:`~subagents.members.OrderMember` objects only when
        accessed. O(m·n) to build.
        """
        R = np.asarray(ranks)
        if R.ndim != 2 or R.shape[0] == 0 or R.shape[1] == 0:
            raise InputError(f"ranks must be a non-empty m × n array, got shape {R.shape}")
        if R.dtype.kind not in "iu":
            raise InputError("ranks must be integers")
        R = R.astype(np.int64)
        labels = tuple(range(R.shape[1])) if items is None else validate_items(items)
        if len(labels) != R.shape[1]:
            raise InputError(f"{R.shape[1]} rank columns but {len(labels)} items")
        ranked = R >= 0
        if not ranked.any(axis=1).all():
            raise InputError("every member must rank at least one item")
        return cls(
            _RankRows(labels, R, ranked), rule if rule is not None else Unanimity(),
            labels, None if counts is None else np.asarray(list(counts)), unranked,
        )

    def with_rule(self, rule: Rule) -> Committee:
        """The same members and counts under another rule."""
        return Committee(self.members, rule, self.items, self.counts, self.unranked)

    # ---------------------------------------------------------------- JSON
    def to_json(self) -> dict[str, Any]:
        """Items, exact values (``None`` where unranked; ``"p/q"`` for fractions), counts, the
        rule, the ``unranked`` reading and member names: enough to rebuild the committee's
        every decision with :meth:`from_json`. O(m·n).

        >>> doc = Committee.from_utilities([[2, 1, 0]]).to_json()
        >>> doc["items"], doc["values"], doc["rule"]
        ([0, 1, 2], [[2, 1, 0]], {'rule': 'unanimity'})
        """
        rows = zip(self.values.tolist(), self.ranked.tolist(), strict=True)
        if isinstance(self.members, _RankRows):
            names: list[str | None] = [None] * self.m
        else:
            names = [getattr(mem, "name", None) for mem in self.members]
        return {
            "items": [label_to_json(x) for x in self.items],
            "values": [
                [jsonable(v) if r else None for v, r in zip(row, mask, strict=True)]
                for row, mask in rows
            ],
            "counts": self.counts.tolist(),
            "rule": self.rule.to_json(),
            "unranked": self.unranked,
            "names": names,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Committee:
        """Rebuild a committee from :meth:`to_json`: one utility member per row of values.

        >>> c = Committee.from_rankings([["a", "b"], ["b", "a"]])
        >>> Committee.from_json(c.to_json()).relation() == c.relation()
        True
        """
        items = tuple(label_from_json(x) for x in doc["items"])
        names = doc.get("names") or [None] * len(doc["values"])
        members = [
            UtilityMember(
                {x: number_from_json(v) for x, v in zip(items, row, strict=True) if v is not None},
                None if name is None else str(name),
            )
            for row, name in zip(doc["values"], names, strict=True)
        ]
        return cls(
            members, rule_from_json(doc["rule"]), items, doc["counts"],
            doc.get("unranked", "ignore"),
        )

    # ---------------------------------------------------------------- basic facts
    @property
    def m(self) -> int:
        """Number of members (distinct ballots)."""
        return int(self.values.shape[0])

    @property
    def n(self) -> int:
        """Number of items."""
        return len(self.items)

    @property
    def voters(self) -> int:
        """Total number of voters (sum of counts)."""
        return int(self.counts.sum())

    @property
    def complete(self) -> bool:
        """``True`` when every member ranks every item (after the ``unranked`` reading)."""
        return bool(self.ranked.all())

    def index(self, item: Hashable) -> int:
        """Position of ``item``."""
        try:
            return self.items.index(item)
        except ValueError:
            raise InputError(f"unknown item {item!r}") from None

    def scores(self) -> np.ndarray:
        """Integer scores ``(m, n)`` with the same order per member as :attr:`values`
        (dense ranks for non-integer values). O(m·n log n)."""
        cache = self.__dict__.get("_scores")
        if cache is not None:
            return cache
        if self.values.dtype == np.int64:
            S = self.values
        else:
            S = np.zeros(self.values.shape, dtype=np.int64)
            for k, row in enumerate(self.values.tolist()):
                levels = {v: i for i, v in enumerate(sorted(set(row)))}
                S[k] = [levels[v] for v in row]
        object.__setattr__(self, "_scores", S)
        return S

    def tally(self) -> np.ndarray:
        """``F[i, j]`` = total count of members that strictly prefer item ``i`` to item ``j``
        (members ranking both only). O(m·n²) in n vectorised passes over the ``m × n`` matrix."""
        cache = self.__dict__.get("_tally")
        if cache is not None:
            return cache
        S, ranked, c = self.scores(), self.ranked, self.counts
        n = self.n
        lo, hi = (int(S.min()), int(S.max())) if S.size else (0, 0)
        for dt in (np.int8, np.int16, np.int32):  # narrow scores: less memory traffic
            if np.iinfo(dt).min <= lo and hi <= np.iinfo(dt).max:
                S = S.astype(dt)
                break
        F = np.zeros((n, n), dtype=np.int64)
        complete = bool(ranked.all())
        unit = bool((c == 1).all())
        cf = c.astype(np.float64)
        for i in range(n):
            gt = S[:, i : i + 1] > S
            if not complete:
                gt &= ranked[:, i : i + 1] & ranked
            if unit:
                F[i] = np.count_nonzero(gt, axis=0)
            else:
                F[i] = np.rint(cf @ gt).astype(np.int64)  # BLAS; exact below 2**53
        F.setflags(write=False)
        object.__setattr__(self, "_tally", F)
        return F

    def margins(self) -> np.ndarray:
        """``M[i, j] = F[i, j] − F[j, i]``: the majority margin of ``i`` over ``j``."""
        F = self.tally()
        return F - F.T

    def relation(self) -> PreferenceRelation:
        """The committee's trading relation: ``x ≽ y`` iff holding ``y`` it accepts ``x``."""
        cache = self.__dict__.get("_relation")
        if cache is None:
            cache = PreferenceRelation(self.items, self.rule.weak_matrix(self))
            object.__setattr__(self, "_relation", cache)
        return cache

    def accepts(self, offered: Hashable, holding: Hashable) -> bool:
        """Does the committee, holding ``holding``, accept ``offered``? (Exact, one pair.)"""
        return self.rule.accepts(self, self.index(offered), self.index(holding))

    def votes(self, offered: int, holding: int) -> tuple[str, ...]:
        """Each member's vote on a trade (positions): ``"for"``, ``"against"``,
        ``"indifferent"`` or ``"abstain"``. Exact, O(m)."""
        vo, vh = self.values[:, offered], self.values[:, holding]
        both = self.ranked[:, offered] & self.ranked[:, holding]
        out = np.full(self.m, "indifferent", dtype=object)
        out[np.asarray(vo > vh, dtype=bool)] = "for"
        out[np.asarray(vo < vh, dtype=bool)] = "against"
        out[~both] = "abstain"
        return tuple(out.tolist())

    # ---------------------------------------------------------------- Condorcet analysis
    def condorcet_winner(self) -> Hashable | None:
        """The item that beats every other by a strict majority, or ``None``. O(n²)."""
        M = self.margins()
        off = ~np.eye(self.n, dtype=bool)
        wins = ((M > 0) | ~off).all(axis=1)
        idx = np.flatnonzero(wins)
        return self.items[int(idx[0])] if idx.size else None

    def weak_condorcet_winners(self) -> tuple[Hashable, ...]:
        """Items that no other item beats by a strict majority. O(n²)."""
        M = self.margins()
        return tuple(self.items[i] for i in np.flatnonzero((M >= 0).all(axis=1)))

    def majority_cycle(self) -> tuple[Hashable, ...] | None:
        """A shortest cycle of the strict majority relation, each item beating the next and
        the last beating the first; ``None`` when strict majority is acyclic. O(n²)–O(n³)."""
        cyc = shortest_cycle_through(self.margins() > 0)
        if cyc is None:
            return None
        return tuple(self.items[i] for i in cyc)

    def choice_probabilities(self) -> StochasticChoice:
        """The population's binary choice probabilities: ``P(a over b)`` is the share of
        voters (members weighted by their counts) that strictly prefer ``a`` to ``b``,
        among those ranking both; ties give an "indifferent" share (ternary data), pairs no
        member ranks are unobserved. Exact Fractions; O(m·n²) (one :meth:`tally`).
        :func:`coherence.check` of the result asks whether *some* population of utility
        maximisers could choose so; this committee is one (for complete ballots).

        >>> c = Committee.from_rankings([["a", "b", "c"], ["c", "a", "b"]], counts=[3, 1])
        >>> d = c.choice_probabilities()
        >>> d.probability("a", "c"), d.forced
        (Fraction(3, 4), True)
        """
        F = self.tally()
        r = self.ranked.astype(np.int64)
        both = (self.counts[:, None] * r).T @ r  # voters ranking both i and j
        records = []
        for i in range(self.n):
            for j in range(i + 1, self.n):
                total = int(both[i, j])
                if total:
                    pa, pb = Fraction(int(F[i, j]), total), Fraction(int(F[j, i]), total)
                    records.append(PairRecord(i, j, pa, pb, 1 - pa - pb))
        return StochasticChoice(self.items, records)

    def __len__(self) -> int:
        return self.m

    def __repr__(self) -> str:
        return (
            f"Committee({self.m} members, {self.voters} voters, items={self.items!r}, "
            f"rule={self.rule!r}, unranked={self.unranked!r})"
        )
