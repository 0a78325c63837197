"""Hypothesis strategies for committees of subagents, election profiles and expected-utility
agents.

Draw order decides what shrinking can reach. Each member gets an integer key for *every
potential* item (``max_items`` keys) before the number of items is drawn, and only then is the
committee restricted to the first ``n`` items: shrinking ``n`` or deleting a member leaves the
other members' rankings of the remaining items unchanged, so a pumpable majority committee
shrinks to the Condorcet profile of 3 voters over 3 items. Items are the integers ``0..n−1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence.strategies._args import integer_arg
from coherence.subagents.committee import Committee
from coherence.subagents.members import ExpectedUtilityMember, OrderMember, UtilityMember
from coherence.subagents.preflib import Election
from coherence.subagents.rules import (
    Dictator,
    Lexicographic,
    Majority,
    Market,
    Rule,
    Unanimity,
    WeightedSum,
)

__all__ = ["committees", "expected_utility_agents", "profiles", "rules"]

_KINDS = ("linear", "weak", "utility")


def _check_range(lo: int, hi: int, what: str, least: int) -> None:
    integer_arg(lo, f"min_{what}", min_value=least)
    integer_arg(hi, f"max_{what}", min_value=lo)


def rules(*, members: int | None = None) -> st.SearchStrategy[Rule]:
    """Decision rules; shrinks towards :class:`~subagents.rules.Unanimity`. Rules that name a
    member (dictator, lexicographic order) need ``members``; without it they are left out.

    >>> from hypothesis import find, settings
    >>> find(rules(members=3), lambda r: r.voting, settings=settings(database=None))
    Unanimity()
    """
    options: list[st.SearchStrategy[Rule]] = [
        st.just(Unanimity()),
        st.sampled_from([Majority(), Majority(quota=Fraction(2, 3))]),
        st.just(WeightedSum()),
        st.sampled_from([Market(), Market(transfers=True)]),
    ]
    if members is not None:
        integer_arg(members, "members", min_value=1)
        options.append(st.integers(0, members - 1).map(Dictator))
        options.append(st.permutations(range(members)).map(lambda p: Lexicographic(tuple(p))))
    return st.one_of(options)


def _tiers(keys: Sequence[int], n: int, kind: str) -> tuple[tuple[int, ...], ...]:
    if kind == "linear":  # equal keys are broken by item number
        return tuple((j,) for j in sorted(range(n), key=lambda j: (-keys[j], j)))
    levels = sorted(set(keys[:n]), reverse=True)
    return tuple(tuple(j for j in range(n) if keys[j] == lev) for lev in levels)


def _restrict(keys: list[list[int]], min_items: int) -> list[list[int]]:
    """Keep the potential items that some member keys above 0 (padded with the first unused
    ones up to ``min_items``): zeroing an item's keys removes it, which is how shrinking
    drops items without disturbing the other members' rankings."""
    width = len(keys[0])
    used = [j for j in range(width) if any(k[j] for k in keys)]
    for j in range(width):
        if len(used) >= min_items:
            break
        if j not in used:
            used.append(j)
    used.sort()
    return [[k[j] for j in used] for k in keys]


def _ballot_keys(
    ballots: list[tuple[int, list[int]]], counts: bool, min_members: int, max_members: int
) -> tuple[list[list[int]], list[int] | None]:
    """Members' keys and counts from drawn ``(count, keys)`` blocks, one per distinct ballot.

    The shrinker lowers equal counts together and deletes whole blocks, so voters go in step.
    Without ``counts`` a block of count ``c`` stands for ``c`` identical members."""
    if counts:
        keys = [k for _, k in ballots]
        cnt: list[int] | None = [c for c, _ in ballots]
    else:
        keys = [k for c, k in ballots for _ in range(c)]
        cnt = None
    if len(keys) < min_members:
        keys += [keys[-1]] * (min_members - len(keys))
        if cnt is not None:
            cnt += [1] * (min_members - len(cnt))
    return keys[:max_members], None if cnt is None else cnt[:max_members]


def committees(
    *,
    min_members: int = 1,
    max_members: int = 5,
    min_items: int = 2,
    max_items: int = 5,
    rule: Rule | st.SearchStrategy[Rule] | None = None,
    kind: str = "linear",
    counts: bool = False,
    coherent: bool | None = None,
) -> st.SearchStrategy[Committee]:
    """Committees over items ``0..n−1``, coherent or incoherent on request.

    Args:
        min_members: least number of members.
        max_members: most members (with ``counts=False`` a drawn ballot may stand for
            several identical members).
        min_items: least number of items.
        max_items: most items (potential items; those no member keys above 0 are dropped).
        rule: a fixed :class:`~subagents.rules.Rule`, a strategy of rules, or ``None`` for any
            rule from :func:`rules`.
        kind: ``"linear"`` (strict rankings), ``"weak"`` (rankings with ties) or
            ``"utility"`` (integer utilities, so ties and cardinal weights).
        counts: also draw a count (1–3 voters) per member.
        coherent: ``True`` for committees :func:`coherence.check` certifies (a rule that
            cannot cycle, or simple majority over identical members), ``False`` for
            committees it pumps (simple majority over a Condorcet cycle), ``None`` for
            either (half the draws each way when the rule allows a cycle).

    Shrinks towards fewer members, fewer items, identical members ranking items in their
    natural order, count 1, and the first rule of :func:`rules` (unanimity). With
    ``coherent=False`` it shrinks to the Condorcet profile (Condorcet 1785): three members
    ranking items ``0, 1, 2`` as ``2 ≻ 1 ≻ 0``, ``0 ≻ 2 ≻ 1`` and ``1 ≻ 0 ≻ 2``, under
    ``Majority()``. Each draw costs O(m·n²) (tallies); incoherent draws add one majority
    cycle search, O(n³).

    >>> from hypothesis import find, settings
    >>> c = find(committees(max_members=2, max_items=3), lambda c: c.m == 2,
    ...          settings=settings(database=None, max_examples=20))
    >>> c.rule, [member.tiers for member in c.members]
    (Unanimity(), [((0,), (1,)), ((0,), (1,))])
    """
    _check_range(min_members, max_members, "members", 1)
    _check_range(min_items, max_items, "items", 1)
    if kind not in _KINDS:
        raise InvalidArgument(f"kind must be one of {_KINDS}, got {kind!r}")
    if rule is not None and not isinstance(rule, Rule | st.SearchStrategy):
        raise InvalidArgument(f"rule must be a Rule or a strategy of rules, got {rule!r}")
    if coherent not in (None, True, False):
        raise InvalidArgument(f"coherent must be True, False or None, got {coherent!r}")
    sizes = _Sizes(min_members, max_members, min_items, max_items, kind, counts)
    cycling = rule is None or rule == Majority()
    if coherent is False:
        if not cycling:
            raise InvalidArgument(f"coherent=False needs rule=None or Majority(), got {rule!r}")
        if max_items < 3 or max_members < 3:
            raise InvalidArgument("an incoherent committee needs max_items ≥ 3 and "
                                  "max_members ≥ 3 (a Condorcet cycle)")
        return _incoherent(sizes)
    plain = _plain(sizes, rule, coherent is True)
    if coherent is None and cycling and max_items >= 3 and max_members >= 3:
        return st.one_of(plain, _incoherent(sizes))
    return plain


@dataclass(frozen=True)
class _Sizes:
    min_members: int
    max_members: int
    min_items: int
    max_items: int
    kind: str
    counts: bool

    @property
    def key_range(self) -> int:
        return max(self.max_items - 1, 1) if self.kind != "utility" else 2 * self.max_items

    def committee(self, keys: list[list[int]], rule: Rule, cnt: list[int] | None,
                  labels: Sequence[int] | None = None) -> Committee:
        """The committee whose members key the first ``n`` items by ``keys``, item ``j``
        renamed ``labels[j]`` (after ties are broken by position)."""
        n = len(keys[0])
        items = tuple(range(n))
        name = items if labels is None else tuple(labels)
        if self.kind == "utility":
            members: list[Any] = [UtilityMember({name[j]: k[j] for j in items}) for k in keys]
        else:
            members = [OrderMember(tuple(tuple(name[j] for j in t)
                                         for t in _tiers(k, n, self.kind))) for k in keys]
        return Committee(tuple(members), rule, items, cnt)


def _plain(sizes: _Sizes, rule: Rule | st.SearchStrategy[Rule] | None,
           coherent: bool) -> st.SearchStrategy[Committee]:
    """Committees with any rule; ``coherent`` makes simple- or super-majority members
    identical (the only rule of :func:`rules` whose relation can cycle)."""
    max_items, key_range = sizes.max_items, sizes.key_range
    ballots = st.lists(
        st.tuples(
            st.integers(1, 3),
            st.lists(st.integers(0, key_range), min_size=max_items, max_size=max_items),
        ),
        min_size=1, max_size=sizes.max_members,
    )

    @st.composite
    def build(draw: Any) -> Committee:
        keys, cnt = _ballot_keys(draw(ballots), sizes.counts, sizes.min_members,
                                 sizes.max_members)
        keys = _restrict(keys, sizes.min_items)
        m = len(keys)
        if rule is None:
            r = draw(rules(members=m))
        elif isinstance(rule, st.SearchStrategy):
            r = draw(rule)
        else:
            r = rule
        if coherent and isinstance(r, Majority):
            keys = [keys[0]] * m
        return sizes.committee(keys, r, cnt)

    return build()


#: Keys of the Condorcet core over items 0, 1, 2 (higher is better): the members rank them
#: 2 ≻ 1 ≻ 0, 0 ≻ 2 ≻ 1 and 1 ≻ 0 ≻ 2.
_CORE = ((0, 1, 2), (2, 0, 1), (1, 2, 0))


def _incoherent(sizes: _Sizes) -> st.SearchStrategy[Committee]:
    """Simple-majority committees with a Condorcet cycle: the core first (three members with
    one shared count), then extra items (ranked anywhere by the core members, which keeps the
    core's cycle) and extra members, kept only while a majority cycle survives."""
    max_items = sizes.max_items
    spare = max_items - 3
    step = max(spare, 1)  # core keys s, 2s, 3s leave room for extra items between them
    low = 3 * step

    @st.composite
    def build(draw: Any) -> Committee:
        share = draw(st.integers(1, max(1, min(3, sizes.max_members // 3))), label="count")
        core_extra = [draw(st.lists(st.integers(0, low), min_size=spare, max_size=spare))
                      for _ in _CORE]
        slots = sizes.max_members - (3 if sizes.counts else 3 * share)
        extra = draw(st.lists(
            st.tuples(st.integers(1, 3), st.lists(st.integers(0, low + 2), min_size=max_items,
                                                  max_size=max_items)),
            max_size=slots), label="extra members")
        n = 3 + draw(st.integers(max(0, sizes.min_items - 3), spare), label="extra items")
        order = draw(st.permutations(range(n)), label="labels")
        core = [[(k + 1) * step for k in ck] + ce
                for ck, ce in zip(_CORE, core_extra, strict=True)]
        core_ballots = [(share, k) for k in core]
        chosen = _keep_cycle(core_ballots, extra, sizes, n)
        if chosen is None:
            reject()
        keys, cnt = chosen
        return sizes.committee(keys, Majority(), cnt, order)

    return build()


def _keep_cycle(core: list[tuple[int, list[int]]], extra: list[tuple[int, list[int]]],
                sizes: _Sizes, n: int) -> tuple[list[list[int]], list[int] | None] | None:
    """The core ballots plus the longest prefix of ``extra`` whose simple-majority relation
    over the first ``n`` items still cycles, sized to ``sizes``; ``None`` when no prefix has
    enough members. O(len(extra)·(m·n² + n³))."""
    for cut in range(len(extra), -1, -1):
        ballots = core + extra[:cut]
        keys, cnt = _ballot_keys(ballots, sizes.counts, 1, sizes.max_members)
        if len(keys) < sizes.min_members:
            return None
        keys = [k[:n] for k in keys]
        if cut == 0 or sizes.committee(keys, Majority(), cnt).majority_cycle() is not None:
            return keys, cnt
    return None


def profiles(
    *,
    min_voters: int = 1,
    max_voters: int = 8,
    min_alternatives: int = 2,
    max_alternatives: int = 5,
    ties: bool = False,
    incomplete: bool = False,
) -> st.SearchStrategy[Election]:
    """PrefLib-style elections: distinct ballots with counts over alternatives ``1..n``.

    ``ties`` allows ``{a,b}`` ties, ``incomplete`` ballots that rank only a prefix; the data
    type is ``soc``/``soi``/``toc``/``toi`` accordingly. Shrinks towards one ballot of count 1
    ranking the alternatives in their natural order.

    >>> from hypothesis import find, settings
    >>> e = find(profiles(max_voters=2, max_alternatives=3), lambda e: e.voters >= 2,
    ...          settings=settings(database=None))
    >>> e.ballots, e.data_type  # one ballot of count 2 ranking 1 above 2
    (((2, ((1,), (2,))),), 'soc')
    """
    _check_range(min_voters, max_voters, "voters", 1)
    _check_range(min_alternatives, max_alternatives, "alternatives", 1)
    kind = "weak" if ties else "linear"

    @st.composite
    def build(draw: Any) -> Election:
        keys = draw(st.lists(
            st.lists(st.integers(0, max(max_alternatives - 1, 1)),
                     min_size=max_alternatives, max_size=max_alternatives),
            min_size=min_voters, max_size=max_voters,
        ))
        n = draw(st.integers(min_alternatives, max_alternatives))
        ballots = []
        for k in keys:
            count = draw(st.integers(1, 5))
            tiers = tuple(tuple(a + 1 for a in t) for t in _tiers(k, n, kind))
            if incomplete:
                cut = draw(st.integers(1, len(tiers)))
                tiers = tiers[: len(tiers) - cut + 1]
            ballots.append((count, tiers))
        dtype = ("t" if ties else "s") + ("oi" if incomplete else "oc")
        return Election({a: f"Alternative {a}" for a in range(1, n + 1)}, tuple(ballots), dtype)

    return build()


def expected_utility_agents(
    *,
    min_states: int = 1,
    max_states: int = 3,
    outcomes: Sequence[Any] = ("bad", "fair", "good"),
) -> st.SearchStrategy[ExpectedUtilityMember]:
    """Expected-utility maximisers with exact priors over ``min_states..max_states`` states
    and integer utilities over ``outcomes`` (acts are tuples of outcomes, one per state).

    Shrinks towards one state, a uniform prior and utility 0 for every outcome.

    >>> from hypothesis import find, settings
    >>> a = find(expected_utility_agents(), lambda a: a.states == 2,
    ...          settings=settings(database=None))
    >>> a.prior, a.utility
    ((Fraction(1, 2), Fraction(1, 2)), {'bad': 0, 'fair': 0, 'good': 0})
    """
    _check_range(min_states, max_states, "states", 1)
    outs = tuple(outcomes)
    if not outs:
        raise InvalidArgument("outcomes must not be empty")

    @st.composite
    def build(draw: Any) -> ExpectedUtilityMember:
        s = draw(st.integers(min_states, max_states))
        weights = draw(st.lists(st.integers(1, 9), min_size=s, max_size=s))
        utils = draw(st.lists(st.integers(-5, 5), min_size=len(outs), max_size=len(outs)))
        return ExpectedUtilityMember(tuple(weights), dict(zip(outs, utils, strict=True)))

    return build()
