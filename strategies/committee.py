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
from fractions import Fraction
from typing import Any

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
) -> st.SearchStrategy[Committee]:
    """Committees over items ``0..n−1``.

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
        counts: also draw a count (1–5 voters) per member.

    Shrinks towards fewer members, fewer items, identical members ranking items in their
    natural order, count 1, and the first rule of :func:`rules` (unanimity).

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
    key_range = max(max_items - 1, 1) if kind != "utility" else 2 * max_items

    ballots = st.lists(
        st.tuples(
            st.integers(1, 3),
            st.lists(st.integers(0, key_range), min_size=max_items, max_size=max_items),
        ),
        min_size=1, max_size=max_members,
    )

    @st.composite
    def build(draw: Any) -> Committee:
        keys, cnt = _ballot_keys(draw(ballots), counts, min_members, max_members)
        keys = _restrict(keys, min_items)
        n = len(keys[0])
        m = len(keys)
        if rule is None:
            r = draw(rules(members=m))
        elif isinstance(rule, st.SearchStrategy):
            r = draw(rule)
        else:
            r = rule
        items = tuple(range(n))
        if kind == "utility":
            members: list[Any] = [UtilityMember({j: k[j] for j in items}) for k in keys]
        else:
            members = [OrderMember(_tiers(k, n, kind)) for k in keys]
        return Committee(tuple(members), r, items, cnt)

    return build()


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
