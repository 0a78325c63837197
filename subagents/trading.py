"""Trading simulations, path dependence, and completing a committee.

An agent starts holding an item and is shown a sequence of offers, one at a time. It swaps
when it *strictly* prefers the offer to what it holds (it keeps its holding otherwise — on
indifference, incomparability or a tied vote the status quo wins).

An incomplete agent can end with different items depending only on the order of the same
offers: *path dependence*, the price of incompleteness. :func:`path_dependence` finds every
final holding reachable under some order of the offers, with two orders that disagree as a
witness. :func:`completion_effect` completes a committee by contracting on a weighted sum of
its members' utilities (Harsanyi 1955) — a single utility, hence path independent up to
indifference — and measures how much that changes outcomes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence.errors import InputError
from coherence.relations import PreferenceRelation
from coherence.subagents.committee import Committee, label_from_json
from coherence.subagents.rules import WeightedSum
from coherence.verdict import label_to_json

__all__ = [
    "CompletionEffect",
    "PathDependence",
    "Trajectory",
    "completion_effect",
    "path_dependence",
    "simulate",
]

Agent = Committee | PreferenceRelation | Callable[[Hashable, Hashable], bool]
_EXHAUSTIVE_MAX = 16  # offers: subset DP is O(2^k · k · n)


def _strict_matrix(agent: Agent, items: Sequence[Hashable]) -> np.ndarray:
    """``P[i, j]``: holding ``items[j]``, the agent swaps for ``items[i]``."""
    if isinstance(agent, Committee):
        rel = agent.relation()
    elif isinstance(agent, PreferenceRelation):
        rel = agent
    elif callable(agent):
        n = len(items)
        P = np.zeros((n, n), dtype=bool)
        for i, x in enumerate(items):
            for j, y in enumerate(items):
                if i != j:
                    ans = agent(x, y)
                    if not isinstance(ans, bool | np.bool_):
                        raise InputError(f"agent({x!r}, {y!r}) returned {ans!r}, expected a bool")
                    P[i, j] = bool(ans)
        return P
    else:
        raise InputError(f"cannot trade with an object of type {type(agent).__name__}")
    ix = [rel.index(x) for x in items]
    return rel.strict[np.ix_(ix, ix)]


def _universe(start: Hashable, offers: Sequence[Hashable]) -> list[Hashable]:
    seen: dict[Hashable, None] = {}
    for x in (start, *offers):
        try:
            seen.setdefault(x, None)
        except TypeError:
            raise InputError(f"item {x!r} is unhashable") from None
    return list(seen)


@dataclass(frozen=True)
class Trajectory:
    """What happened when an agent faced ``offers`` from ``start``: the holding after each
    offer and which offers it took."""

    start: Hashable
    offers: tuple[Hashable, ...]
    holdings: tuple[Hashable, ...]
    accepted: tuple[bool, ...]

    @property
    def final(self) -> Hashable:
        """The holding after the last offer."""
        return self.holdings[-1] if self.holdings else self.start


def simulate(agent: Agent, start: Hashable, offers: Sequence[Hashable]) -> Trajectory:
    """Present ``offers`` in order; the agent swaps on strict preference. O(n² + k).

    ``agent`` is a :class:`~subagents.committee.Committee`, a
    :class:`~coherence.relations.PreferenceRelation`, or a callable ``prefers(offered, holding)``
    returning a bool ("does it strictly prefer the offer?").

    >>> rel = PreferenceRelation.from_pairs([("b", "a"), ("c", "b")])
    >>> simulate(rel, "a", ["c", "b"]).holdings
    ('a', 'b')
    """
    offers = tuple(offers)
    U = _universe(start, offers)
    P = _strict_matrix(agent, U)
    pos = {x: i for i, x in enumerate(U)}
    h = pos[start]
    holdings, acc = [], []
    for x in offers:
        o = pos[x]
        take = bool(P[o, h])
        if take:
            h = o
        holdings.append(U[h])
        acc.append(take)
    return Trajectory(start, offers, tuple(holdings), tuple(acc))


@dataclass(frozen=True)
class PathDependence:
    """Final holdings reachable from ``start`` under orders of the same offers.

    Attributes:
        finals: final holding → one order of the offers (a permutation of positions into
            ``offers``) that leads there.
        exhaustive: ``True`` when every order was accounted for (exact); ``False`` when orders
            were sampled.
        orders_considered: the number of orders (``k!`` when exhaustive).
    """

    start: Hashable
    offers: tuple[Hashable, ...]
    finals: dict[Hashable, tuple[int, ...]]
    exhaustive: bool
    orders_considered: int

    @property
    def path_dependent(self) -> bool:
        """``True`` when two orders of the offers end in different holdings."""
        return len(self.finals) > 1

    @property
    def witness(self) -> tuple[tuple[Hashable, ...], tuple[Hashable, ...]] | None:
        """Two offer orders (as item sequences) with different final holdings, or ``None``."""
        if len(self.finals) < 2:
            return None
        (_, a), (_, b) = itertools.islice(self.finals.items(), 2)
        return tuple(self.offers[i] for i in a), tuple(self.offers[i] for i in b)

    def verify(self, agent: Agent) -> bool:
        """Replay each recorded order with :func:`simulate` and check its final holding."""
        for final, order in self.finals.items():
            if sorted(order) != list(range(len(self.offers))):
                return False
            if simulate(agent, self.start, [self.offers[i] for i in order]).final != final:
                return False
        return True

    def explain(self) -> str:
        """Plain text: one final holding for every order, or two orders that disagree.

        >>> pd = path_dependence(PreferenceRelation.from_pairs([("b", "a"), ("c", "a")]),
        ...                      "a", ["b", "c"])
        >>> print(pd.explain()[:60])
        Path dependent: starting from 'a', the offers in the order [
        """
        if not self.path_dependent:
            f = next(iter(self.finals))
            scope = "every order" if self.exhaustive else f"{self.orders_considered} sampled orders"
            return f"No path dependence: {scope} of the offers ends holding {f!r}."
        (f1, _), (f2, _) = itertools.islice(self.finals.items(), 2)
        w = self.witness
        assert w is not None
        return (
            f"Path dependent: starting from {self.start!r}, the offers in the order {list(w[0])} "
            f"end with {f1!r}, but in the order {list(w[1])} end with {f2!r}. "
            f"Reachable final holdings: {list(self.finals)}."
        )

    def to_json(self) -> dict[str, Any]:
        """Start, offers and each reachable final holding with an order leading there.

        >>> rel = PreferenceRelation.from_pairs([("b", "a"), ("c", "a")])
        >>> doc = path_dependence(rel, "a", ["b", "c"]).to_json()
        >>> doc["finals"], doc["path_dependent"]
        ([['b', [0, 1]], ['c', [1, 0]]], True)
        """
        return {
            "start": label_to_json(self.start),
            "offers": [label_to_json(x) for x in self.offers],
            "finals": [[label_to_json(f), list(order)] for f, order in self.finals.items()],
            "exhaustive": self.exhaustive,
            "orders_considered": self.orders_considered,
            "path_dependent": self.path_dependent,
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> PathDependence:
        """Read a result back from :meth:`to_json` (lists become tuples in labels).

        >>> rel = PreferenceRelation.from_pairs([("b", "a"), ("c", "a")])
        >>> pd = path_dependence(rel, "a", ["b", "c"])
        >>> PathDependence.from_json(pd.to_json()) == pd
        True
        """
        return cls(
            label_from_json(doc["start"]),
            tuple(label_from_json(x) for x in doc["offers"]),
            {label_from_json(f): tuple(int(t) for t in order) for f, order in doc["finals"]},
            bool(doc["exhaustive"]),
            int(doc["orders_considered"]),
        )


def path_dependence(
    agent: Agent,
    start: Hashable,
    offers: Sequence[Hashable],
    *,
    samples: int = 2000,
    seed: int = 0,
) -> PathDependence:
    """Every final holding reachable under some order of ``offers``, with a witness order each.

    Exact for up to 16 offers: dynamic programming over (set of offers shown, holding) states,
    O(2^k · k) after the O(n²) relation. Beyond that, ``samples`` random orders (plus the given
    order) are simulated and ``exhaustive`` is ``False``.

    >>> rel = PreferenceRelation.from_pairs([("b", "a"), ("c", "a")])  # b, c incomparable
    >>> pd = path_dependence(rel, "a", ["b", "c"])
    >>> pd.path_dependent, sorted(pd.finals), pd.exhaustive
    (True, ['b', 'c'], True)
    """
    offers = tuple(offers)
    k = len(offers)
    U = _universe(start, offers)
    P = _strict_matrix(agent, U)
    pos = {x: i for i, x in enumerate(U)}
    off = [pos[x] for x in offers]
    s = pos[start]
    if k <= _EXHAUSTIVE_MAX:
        # states[mask] = {holding: order (tuple of offer positions)}
        layer: dict[int, dict[int, tuple[int, ...]]] = {0: {s: ()}}
        for _ in range(k):
            nxt: dict[int, dict[int, tuple[int, ...]]] = {}
            for mask, holds in layer.items():
                for t in range(k):
                    if mask >> t & 1:
                        continue
                    o = off[t]
                    bucket = nxt.setdefault(mask | 1 << t, {})
                    for h, order in holds.items():
                        h2 = o if P[o, h] else h
                        if h2 not in bucket:
                            bucket[h2] = (*order, t)
            layer = nxt
        finals = {U[h]: order for h, order in layer[(1 << k) - 1].items()}
        return PathDependence(start, offers, finals, True, math.factorial(k))
    rng = np.random.default_rng(seed)
    finals2: dict[Hashable, tuple[int, ...]] = {}
    orders = [tuple(range(k))] + [tuple(int(i) for i in rng.permutation(k)) for _ in range(samples)]
    for order in orders:
        h = s
        for t in order:
            if P[off[t], h]:
                h = off[t]
        finals2.setdefault(U[h], order)
    return PathDependence(start, offers, finals2, False, len(orders))


@dataclass(frozen=True)
class CompletionEffect:
    """How completing a committee by a weighted sum changes where trading ends.

    Attributes:
        before: final holdings reachable by the incomplete committee.
        after: final holdings reachable by the completed committee (all equally good for it).
        aggregate: the completed committee's exact utility per item.
        changed: fraction of offer orders whose final holding changes (exact over all orders
            for up to 8 offers, else over the sampled orders).
        gain: the largest increase of aggregate utility that completing brings over an order
            (exact ``Fraction``), ``0`` when nothing changes.
    """

    before: tuple[Hashable, ...]
    after: tuple[Hashable, ...]
    aggregate: dict[Hashable, Any]
    changed: Fraction
    gain: Fraction
    exhaustive: bool

    @property
    def removes_path_dependence(self) -> bool:
        """Every final holding of the completed committee has the same aggregate utility."""
        return len({self.aggregate[x] for x in self.after}) == 1


def completion_effect(
    committee: Committee,
    start: Hashable,
    offers: Sequence[Hashable],
    *,
    weights: Sequence[Any] | None = None,
    samples: int = 2000,
    seed: int = 0,
) -> CompletionEffect:
    """Complete ``committee`` with :class:`~subagents.rules.WeightedSum` (``weights`` per
    member, default 1) and compare where trading ends before and after.

    The completed committee maximises one utility, so every order ends at an item of maximal
    aggregate utility among ``start`` and the offers (ties aside, path independence). Orders
    are enumerated exactly for ≤ 8 offers (≤ 40 320 simulations of k steps), else sampled.

    >>> c = Committee.from_utilities([[0, 2, 0], [0, 0, 1]], items=["a", "b", "c"])
    >>> eff = completion_effect(c, "a", ["b", "c"])
    >>> eff.before, eff.after, eff.changed, eff.removes_path_dependence
    (('b', 'c'), ('b',), Fraction(1, 2), True)
    """
    offers = tuple(offers)
    rule = WeightedSum(None if weights is None else tuple(weights))
    done = committee.with_rule(rule)
    U = rule.utility(done)
    aggregate = {x: U[i] for i, x in enumerate(committee.items)}
    pd_before = path_dependence(committee, start, offers, samples=samples, seed=seed)
    pd_after = path_dependence(done, start, offers, samples=samples, seed=seed)
    k = len(offers)
    items = _universe(start, offers)
    Pb = _strict_matrix(committee, items)
    Pa = _strict_matrix(done, items)
    pos = {x: i for i, x in enumerate(items)}
    off = [pos[x] for x in offers]
    if k <= 8:
        orders: Any = itertools.permutations(range(k))
        exhaustive = True
    else:
        rng = np.random.default_rng(seed)
        orders = [rng.permutation(k) for _ in range(samples)]
        exhaustive = False
    total = changed = 0
    gain = Fraction(0)
    for order in orders:
        hb = ha = pos[start]
        for t in order:
            o = off[t]
            if Pb[o, hb]:
                hb = o
            if Pa[o, ha]:
                ha = o
        total += 1
        if hb != ha:
            changed += 1
            gain = max(gain, Fraction(aggregate[items[ha]] - aggregate[items[hb]]))
    return CompletionEffect(
        before=tuple(pd_before.finals), after=tuple(pd_after.finals), aggregate=aggregate,
        changed=Fraction(changed, max(total, 1)), gain=gain, exhaustive=exhaustive,
    )
