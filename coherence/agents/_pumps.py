"""What probing a trader yields: a :class:`TradingPump` (a certificate) or
:class:`NoPumpFound` (evidence), built from the :class:`Offer` s made.

A pump is the whole transcript of offers from a fresh copy of the agent, whose last part
returns the agent to an earlier holding with less money (Gustafsson, *Money-Pump Arguments*,
2022). Its bookkeeping verifies exactly; :meth:`TradingPump.replay` asks the agent again.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence.agents._adapter import Agent, adapt
from coherence.errors import InputError
from coherence.relations import PreferenceRelation, WeakUtility
from coherence.verdict import Certificate, Evidence, label_to_json, verified

__all__ = ["NoPumpFound", "Offer", "TradingPump"]


def _label(value: Any) -> Hashable:
    """A label read back from JSON: lists (from tuples) become tuples again."""
    if isinstance(value, list):
        return tuple(_label(v) for v in value)
    return value


@dataclass(frozen=True)
class Offer:
    """One offer made to a trader: swap ``holding`` for ``offered``, paying ``price``.

    >>> Offer("tea", "coffee", Fraction(1, 10), True).to_json()["fee"]
    '1/10'
    """

    holding: Hashable
    offered: Hashable
    price: Fraction
    accepted: bool
    votes: Mapping[str, bool] | None = None

    def to_json(self) -> dict[str, Any]:
        """The offer as JSON: labels, ``fee`` as an exact string, the answer and any votes."""
        doc: dict[str, Any] = {
            "holding": label_to_json(self.holding),
            "offered": label_to_json(self.offered),
            "fee": str(self.price),
            "strict": self.price > 0,
            "accepted": self.accepted,
        }
        if self.votes is not None:
            doc["votes"] = dict(self.votes)
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Offer:
        """Read an offer back from :meth:`to_json`. O(number of votes)."""
        votes = doc.get("votes")
        return cls(
            _label(doc["holding"]),
            _label(doc["offered"]),
            Fraction(str(doc["fee"])),
            bool(doc["accepted"]),
            None if votes is None else {str(k): bool(v) for k, v in votes.items()},
        )


@dataclass(frozen=True, eq=False)
class TradingPump(Certificate):
    """Offers a trader accepted that brought it back to an earlier holding, poorer.

    ``offers`` is the whole transcript from a fresh copy of the agent holding ``start``
    (refused offers included, since a trader may remember them); the loop is
    ``offers[loop_start:]``, which begins and ends with the agent holding the same item.
    The JSON has the schema of :class:`coherence.relations.MoneyPump` (``cycle``, ``trades``,
    ``extracted_per_loop``) with fees in money, plus ``start``, ``prefix`` and ``transcript``.

    >>> pump = TradingPump("a", (Offer("a", "b", Fraction(1), True),
    ...                          Offer("b", "a", Fraction(0), True)), 0)
    >>> pump.verify(), pump.extracted
    (True, Fraction(1, 1))
    """

    start: Hashable
    offers: tuple[Offer, ...]
    loop_start: int

    kind: ClassVar[str] = "trading_pump"
    exploit: ClassVar[bool] = True

    @property
    def loop(self) -> tuple[Offer, ...]:
        """The accepted offers of the loop, in order."""
        return tuple(o for o in self.offers[self.loop_start:] if o.accepted)

    @property
    def labels(self) -> tuple[Hashable, ...]:
        """The items held along the loop, in trade order (the JSON ``cycle``)."""
        return tuple(o.holding for o in self.loop)

    @property
    def cycle(self) -> tuple[Hashable, ...]:
        """The loop's items, as on every pump; a trader's items have no index, so labels. O(k)."""
        return self.labels

    @property
    def prefix(self) -> tuple[Offer, ...]:
        """The offers made before the loop."""
        return self.offers[: self.loop_start]

    @property
    def extracted(self) -> Fraction:
        """Money the agent lost over the loop (exact)."""
        return sum((o.price for o in self.loop), Fraction(0))

    def verify(self) -> bool:
        """Replays the bookkeeping exactly: each accepted offer starts from what the agent
        holds, the loop ends where it began, and the prices paid on it sum to more than 0.
        (That the agent gives these answers is checked by :meth:`replay`.) O(offers)."""
        if not 0 <= self.loop_start < len(self.offers):
            return False
        holding = self.start
        at_loop = None
        for k, o in enumerate(self.offers):
            if k == self.loop_start:
                at_loop = holding
            if not isinstance(o.price, Fraction) or o.holding != holding:
                return False
            if o.accepted:
                holding = o.offered
        loop = self.loop
        return bool(loop) and at_loop == holding and self.extracted > 0

    def replay(self, agent: Any) -> list[str]:
        """Ask a fresh copy of ``agent`` the same offers; returns the answers that differ.
        An agent that is not an :class:`~coherence.agents.Agent` is adapted for the replay
        (in a worker process of its own) and closed afterwards. O(offers) calls."""
        if not isinstance(agent, Agent):
            with adapt(agent) as adapted:
                return self.replay(adapted)
        fresh = agent.fresh()
        mismatches = []
        for o in self.offers:
            ans = fresh.accept(o.holding, o.offered, o.price)
            if ans != o.accepted:
                mismatches.append(
                    f"accept({o.holding!r}, {o.offered!r}, {o.price}) -> {ans} on replay, "
                    f"{o.accepted} when found"
                )
        return mismatches

    def explain(self) -> str:
        loop = self.loop
        lines = [f"Money pump in {len(loop)} trades (starting from a fresh agent holding "
                 f"{self.start!r}):"]
        if self.prefix:
            lines.append(f"  after {len(self.prefix)} earlier offer(s) "
                         f"({sum(o.accepted for o in self.prefix)} accepted),")
        for o in loop:
            deal = (f"pays {o.price}" if o.price > 0 else
                    "swaps for free" if o.price == 0 else f"is paid {-o.price}")
            votes = ""
            if o.votes:
                yes = [m for m, v in o.votes.items() if v]
                no = [m for m, v in o.votes.items() if not v]
                votes = f" [for: {', '.join(yes) or '-'}; against: {', '.join(no) or '-'}]"
            lines.append(f"  holding {o.holding!r}, it {deal} to trade for {o.offered!r}{votes}")
        lines.append(
            f"  back to {loop[0].holding!r}, it has paid {self.extracted} in total "
            "for nothing."
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        loop = self.loop
        return {
            "kind": self.kind,
            "cycle": [label_to_json(o.holding) for o in loop],
            "trades": [o.to_json() for o in loop],
            "extracted_per_loop": str(self.extracted),
            "fee_unit": "money",
            "start": label_to_json(self.start),
            "prefix": [o.to_json() for o in self.prefix],
            "transcript": [o.to_json() for o in self.offers],
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> TradingPump:
        offers = tuple(Offer.from_json(o) for o in doc["transcript"])
        return cls(_label(doc["start"]), offers, len(doc["prefix"]))


@dataclass(frozen=True, eq=False)
class NoPumpFound(Evidence):
    """A trader was probed and never returned to an earlier holding with less money.

    This is evidence, not proof: a trader may remember, so no finite search covers every
    history. ``first_trades`` is a weak utility for the trades a fresh copy accepts (when one
    exists), which rules out every pump made of first trades.

    >>> evidence = NoPumpFound(runs=10, offers=200, trades=40, max_steps=20)
    >>> evidence.passed, evidence.to_json()["kind"]
    (True, 'no_pump_found')
    """

    runs: int
    offers: int
    trades: int
    max_steps: int
    first_trades: WeakUtility | None = None

    kind: ClassVar[str] = "no_pump_found"
    passed: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if self.first_trades is not None:
            verified(self.first_trades, "first trades")

    def explain(self) -> str:
        text = (
            f"No money pump found: in {self.runs} runs of up to {self.max_steps} offers each "
            f"({self.offers} offers, {self.trades} accepted), the agent never came back to an "
            "earlier holding with less money. This is evidence, not proof."
        )
        if self.first_trades is not None:
            text += "\nFirst trades (fresh agent): " + self.first_trades.explain()
        return text

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "kind": self.kind,
            "runs": self.runs,
            "offers": self.offers,
            "trades": self.trades,
            "max_steps": self.max_steps,
        }
        if self.first_trades is not None:
            relation = self.first_trades.relation
            weak = relation.weak & ~np.eye(relation.n, dtype=bool)
            doc["utility"] = self.first_trades.to_json()["utility"]
            doc["first_trades"] = {
                "items": [label_to_json(x) for x in relation.items],
                "weak": [[int(i), int(j)] for i, j in np.argwhere(weak)],
                "values": list(self.first_trades.values),
            }
        return doc

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> NoPumpFound:
        first = doc.get("first_trades")
        utility = None
        if first is not None:
            items = tuple(_label(x) for x in first["items"])
            weak = np.eye(len(items), dtype=bool)
            for i, j in first["weak"]:
                weak[int(i), int(j)] = True
            values = tuple(int(v) for v in first["values"])
            utility = WeakUtility(PreferenceRelation(items, weak), values)
            if not utility.verify():
                raise InputError("the first-trades utility of the document does not verify")
        return cls(int(doc["runs"]), int(doc["offers"]), int(doc["trades"]),
                   int(doc["max_steps"]), utility)
