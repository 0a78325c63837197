"""Probe a user's agent for exploits: :func:`probe`.

How each protocol is probed (see :mod:`coherence.agents` for the protocols):

* **Stateless comparers and choosers** (``prefers``, ``choose``): the strict preference is
  elicited on every ordered pair of items (``n(n-1)`` calls, in a random order so that hidden
  state shows), a random sample of ``max_examples`` questions is asked again, and the relation
  goes to :func:`coherence.check_relation`: a shortest money pump or a weak utility. A
  chooser reveals ``a ≻ b`` when it takes ``a`` from ``[a, b]`` *and* from ``[b, a]``; when
  its binary choices are acyclic it is also offered up to 50 larger random menus (each in two
  orders) and its consistent choices are checked for congruence (SARP), which catches menu
  effects. An answer that changes when asked again, or ``a ≻ b`` together with ``b ≻ a``, is
  an agent fault.
  Only strict preferences are read, so a pump is a strict preference cycle; the pump's
  questions are asked once more before it is reported.
* **Traders** (``accept``, which may remember): a :mod:`hypothesis.stateful` machine starts
  each run from a fresh copy of the agent holding some item; its one rule offers a swap at a
  price, and its invariant is *the agent never returns to an earlier holding with less money*.
  A violation is a pump: Hypothesis shrinks it to the fewest offers and stores it in its
  example database, so the next probe of the same agent replays it first. The search is
  guided by the agent's *first* trades (each asked of a fresh copy): the offers of a shortest
  cycle of first trades with a paid step are tried first. The shrunk pump is replayed on a
  fresh copy before it is reported; an agent that then answers differently is a fault.
  Finding none gives a :class:`NoPumpFound` verdict (evidence, not proof).
* **Actors** (``act``): ``items`` are :class:`~coherence.decisions.DecisionProblem` s; the
  agent's act (a label, or a mapping act → probability) in each problem goes to
  :func:`coherence.decisions.check_policy` (a dominating policy, or a prior under which the
  act is Bayes-optimal). Each problem is asked twice; the first exploit is reported.
* **Bettors** (``price``): ``items`` are the states; the agent prices every event (a
  ``frozenset`` of states; all ``2**n`` of them up to 10 states, else the singletons, their
  complements and ``max_examples`` random events), ``max_examples`` prices are asked again,
  and the prices go to :func:`coherence.beliefs.check_credences`: a Dutch book or a
  probability measure.

Faults (the agent raised or hung) give an :class:`~coherence.verdict.AgentFault` verdict
(exit status 3); answers of the wrong type raise :class:`~coherence.agents.AgentProtocolError`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence.agents._adapter import Agent, AgentFaulted, AgentProtocolError, adapt, limit_session
from coherence.errors import CertificationError, InputError
from coherence.graphs import shortest_cycle_through
from coherence.relations import MoneyPump, PreferenceRelation, WeakUtility, check_relation
from coherence.validation import validate_items
from coherence.verdict import (
    AgentFault,
    Certificate,
    Evidence,
    Verdict,
    jsonable,
    label_to_json,
    verified,
)

__all__ = [
    "DEFAULT_PRICES",
    "NoPumpFound",
    "Offer",
    "TradingPump",
    "probe",
]

#: prices offered to traders by default (what the agent pays for a swap)
DEFAULT_PRICES: tuple[Fraction, ...] = (
    Fraction(0), Fraction(1, 100), Fraction(1, 10), Fraction(1), Fraction(10),
)

Progress = Callable[[int, int], None]

_DEFAULT_DB: Any = object()


# =========================================================================== certificates
@dataclass(frozen=True)
class Offer:
    """One offer made to a trader: swap ``holding`` for ``offered``, paying ``price``."""

    holding: Hashable
    offered: Hashable
    price: Fraction
    accepted: bool
    votes: Mapping[str, bool] | None = None

    def to_json(self) -> dict[str, Any]:
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


@dataclass(frozen=True, eq=False)
class TradingPump(Certificate):
    """Offers a trader accepted that brought it back to an earlier holding, poorer.

    ``offers`` is the whole transcript from a fresh copy of the agent holding ``start``
    (refused offers included, since a trader may remember them); the loop is
    ``offers[loop_start:]``, which begins and ends with the agent holding the same item.
    The JSON has the schema of :class:`coherence.relations.MoneyPump` (``cycle``, ``trades``,
    ``extracted_per_loop``) with fees in money, plus ``start``, ``prefix`` and ``transcript``.
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
        (That the agent gives these answers is checked by :meth:`replay`.)"""
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
        """Ask a fresh copy of ``agent`` the same offers; returns the answers that differ."""
        fresh = adapt(agent).fresh() if not isinstance(agent, Agent) else agent.fresh()
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


@dataclass(frozen=True, eq=False)
class NoPumpFound(Evidence):
    """A trader was probed and never returned to an earlier holding with less money.

    This is evidence, not proof: a trader may remember, so no finite search covers every
    history. ``first_trades`` is a weak utility for the trades a fresh copy accepts (when one
    exists), which rules out every pump made of first trades.
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
            doc["utility"] = self.first_trades.to_json()["utility"]
        return doc


# =========================================================================== entry point
def probe(
    agent: Any,
    *,
    items: Iterable[Hashable] | None = None,
    max_examples: int = 100,
    seed: int | None = None,
    timeout: float | None = 1.0,
    protocol: str | None = None,
    prices: Sequence[Any] | None = None,
    max_steps: int = 50,
    database: Any = _DEFAULT_DB,
    progress: Progress | None = None,
) -> Verdict:
    """Search a user's agent for an exploit; return a verified :class:`Verdict`.

    Args:
        agent: an object, class, factory or function offering a protocol method
            (see :func:`coherence.agents.adapt`).
        items: the items (or, for bettors, the events) to probe with.
        max_examples: Hypothesis runs for traders; questions asked twice for comparers.
        seed: makes the probe deterministic (Hypothesis's ``@seed``; the example database
            is then not used, as with ``@seed``).
        timeout: per-call time limit in seconds (``None``: none).
        protocol: force one of ``prefers``, ``choose``, ``accept``, ``price``, ``act``.
        prices: prices offered to traders (default :data:`DEFAULT_PRICES`).
        max_steps: most offers per trader run.
        database: Hypothesis example database for traders (default: Hypothesis's).
        progress: called as ``progress(done, total)`` while probing.

    Returns:
        A verdict: exploitable with a money pump (or Dutch book), coherent with a utility
        (or a :class:`NoPumpFound` record for traders), or an agent fault.

    Raises:
        NotAnAgentError: the object offers no protocol method.
        AgentProtocolError: an answer of the wrong type or outside the items.
        InputError: bad items or settings.

    Complexity: ``n(n-1) + max_examples`` calls for comparers; at most
    ``2n(n-1) + max_examples · max_steps`` calls (plus shrinking) for traders.
    """
    if not isinstance(max_examples, int) or isinstance(max_examples, bool) or max_examples < 1:
        raise InputError(f"max_examples must be a positive integer, got {max_examples!r}")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise InputError(f"seed must be an integer, got {seed!r}")
    ag = adapt(agent, protocol=protocol, timeout=timeout)
    labels = _items(items, ag)
    with limit_session():
        verdict = _dispatch(ag, labels, max_examples, seed, prices, max_steps, database,
                            progress)
    _notify(verdict)
    return verdict


def _dispatch(ag: Agent, labels: tuple[Hashable, ...], max_examples: int, seed: int | None,
              prices: Sequence[Any] | None, max_steps: int, database: Any,
              progress: Progress | None) -> Verdict:
    try:
        if ag.protocol in ("prefers", "choose"):
            verdict = _probe_relation(ag, labels, max_examples, seed, progress)
        elif ag.protocol == "accept":
            grid = _prices(prices)
            verdict = _probe_trader(ag, labels, grid, max_examples, seed, max_steps,
                                    database, progress)
        elif ag.protocol == "price":
            verdict = _probe_bettor(ag, labels, max_examples, seed, progress)
        else:
            verdict = _probe_actor(ag, labels, max_examples, seed, progress)
    except AgentFaulted as exc:
        verdict = _fault_verdict(ag, exc.fault)
    return verdict


def _notify(verdict: Verdict) -> None:
    from coherence.reporting import notify

    notify(verdict)


def _items(items: Iterable[Hashable] | None, ag: Agent) -> tuple[Hashable, ...]:
    if items is None:
        raise InputError(f"{ag.name}: items are required to probe an agent")
    labels = validate_items(items)
    if ag.protocol in ("prefers", "choose", "accept") and len(labels) < 2:
        raise InputError("at least two items are needed to probe an agent")
    return labels


def _prices(prices: Sequence[Any] | None) -> tuple[Fraction, ...]:
    if prices is None:
        return DEFAULT_PRICES
    out = []
    for p in prices:
        if isinstance(p, bool):
            raise InputError(f"price {p!r} is not a number")
        try:
            out.append(Fraction(p))
        except (TypeError, ValueError, OverflowError):
            raise InputError(f"price {p!r} is not a finite number") from None
    if not any(p > 0 for p in out):
        raise InputError("prices must include a positive price (a pump needs a payment)")
    return tuple(dict.fromkeys(out))


def _changed_answer(ag: Any, items: Any, i: int, j: int, first: Any, again: Any) -> Verdict:
    """The fault verdict for an agent that answered the same question differently."""
    q = _question(ag, items, i, j)
    return _fault_verdict(ag, AgentFault(
        "inconsistent",
        f"{ag.name} answered the same question differently: {q}",
        (f"{q} -> {_answer(ag, items, first)}",
         f"{q} -> {_answer(ag, items, again)} (asked again)"),
    ))


def _fault_verdict(ag: Agent, fault: AgentFault) -> Verdict:
    return Verdict.inconclusive(fault, f"agent {ag.name}", agent_calls=ag.calls)


def _check_verified(verdict: Verdict) -> Verdict:
    if not verdict.certificate.verify():
        raise CertificationError(f"{verdict.certificate.kind} failed exact verification")
    return verdict


# =========================================================================== comparers
def _probe_relation(ag: Agent, items: tuple[Hashable, ...], max_examples: int,
                    seed: int | None, progress: Progress | None) -> Verdict:
    n = len(items)
    rng = random.Random(seed)
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    rng.shuffle(pairs)
    recheck = rng.sample(pairs, min(max_examples, len(pairs)))
    total = len(pairs) + len(recheck)
    P = np.zeros((n, n), dtype=bool)
    choose = ag.protocol == "choose"
    answers: dict[tuple[int, int], Any] = {}

    def ask(i: int, j: int) -> Any:
        if choose:
            return items.index(ag.choose((items[i], items[j])))
        return ag.prefers(items[i], items[j])

    step = max(1, total // 100)
    for k, (i, j) in enumerate(pairs):
        answers[i, j] = ask(i, j)
        if progress is not None and k % step == 0:
            progress(k, total)
    for k, (i, j) in enumerate(recheck):
        again = ask(i, j)
        if again != answers[i, j]:
            return _changed_answer(ag, items, i, j, answers[i, j], again)
        if progress is not None and k % step == 0:
            progress(len(pairs) + k, total)
    if progress is not None:
        progress(total, total)

    if choose:
        # a ≻ b iff a is taken from [a, b] and from [b, a]
        first = np.zeros((n, n), dtype=bool)
        for (i, j), c in answers.items():
            first[i, j] = c == i  # took the first item of [items[i], items[j]]
        P = first & ~first.T
    else:
        for (i, j), a in answers.items():
            P[i, j] = a
        both = P & P.T
        if both.any():
            i, j = (int(x) for x in np.argwhere(both)[0])
            a, b = items[i], items[j]
            return _fault_verdict(ag, AgentFault(
                "inconsistent",
                f"{ag.name} strictly prefers {a!r} to {b!r} and {b!r} to {a!r}",
                (f"prefers({a!r}, {b!r}) -> True", f"prefers({b!r}, {a!r}) -> True"),
            ))
    weak = P.copy()
    np.fill_diagonal(weak, True)
    inner = check_relation(PreferenceRelation(items, weak))
    if isinstance(inner.certificate, MoneyPump):
        for t in inner.certificate.trades:  # every trade of the pump is a strict preference
            i, j = items.index(t.offered), items.index(t.holding)
            again = ask(i, j)
            if again != answers[i, j]:
                return _changed_answer(ag, items, i, j, answers[i, j], again)
    quantities = {**inner.quantities, "items": n, "agent_calls": ag.calls}
    if choose and inner.coherent and n >= 3:
        menus = _larger_menus(ag, items, P, max_examples, rng)
        quantities["menus_asked"] = min(max_examples, 50)
        quantities["agent_calls"] = ag.calls
        if not menus.coherent:
            quantities.update(menus.quantities)
            quantities["agent_calls"] = ag.calls
            return _check_verified(Verdict(False, menus.certificate,
                                           subject=f"agent {ag.name}", quantities=quantities))
    return _check_verified(Verdict(inner.coherent, inner.certificate,
                                   subject=f"agent {ag.name}", quantities=quantities))


def _larger_menus(ag: Agent, items: tuple[Hashable, ...], P: np.ndarray, max_examples: int,
                  rng: random.Random) -> Verdict:
    """Choices from ``max_examples`` (at most 50) random menus of 3 to 6 items, each offered in
    two orders; the ones made the same way both times join the strict binary choices, and
    congruence (SARP) is checked (:func:`coherence.budgets.check_congruence`). A violation
    is a cycle of strict revealed preferences: the agent takes ``x`` with ``y`` on the menu,
    whatever the order, and ``y`` with ``x`` on another."""
    from coherence.budgets import ChoiceData, check_congruence

    n = len(items)
    observed: list[tuple[frozenset[Hashable], Hashable]] = [
        (frozenset((items[i], items[j])), items[i]) for i, j in zip(*np.nonzero(P), strict=True)
    ]
    for _ in range(min(max_examples, 50)):
        size = rng.randint(3, min(n, 6))
        menu = [items[i] for i in rng.sample(range(n), size)]
        first = ag.choose(menu)
        if ag.choose(menu[::-1]) == first:
            observed.append((frozenset(menu), first))
    if not observed:
        observed.append((frozenset(items[:1]), items[0]))
    data = ChoiceData([m for m, _ in observed], [c for _, c in observed])
    return check_congruence(data)


def _question(ag: Agent, items: tuple[Hashable, ...], i: int, j: int) -> str:
    if ag.protocol == "choose":
        return f"choose([{items[i]!r}, {items[j]!r}])"
    return f"prefers({items[i]!r}, {items[j]!r})"


def _answer(ag: Agent, items: tuple[Hashable, ...], a: Any) -> str:
    return repr(items[a]) if ag.protocol == "choose" else repr(a)


# =========================================================================== traders
class _PumpFound(Exception):
    def __init__(self, start: Hashable, offers: tuple[Offer, ...], loop_start: int) -> None:
        super().__init__(f"pump of {len(offers) - loop_start} offers")
        self.start, self.offers, self.loop_start = start, offers, loop_start


class _Abort(BaseException):
    """Stops Hypothesis at once (no shrinking) when the agent faults or breaks protocol."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class _Hints:
    accepted: np.ndarray  # i → j accepted by a fresh copy (at the positive or the zero price)
    paid: np.ndarray  # i → j accepted by a fresh copy at the positive price
    cycle: list[int] | None
    positive: Fraction


def _first_trades(ag: Agent, items: tuple[Hashable, ...], grid: tuple[Fraction, ...],
                  progress: Progress | None, budget: int) -> _Hints | None:
    """Ask fresh copies about every first trade (O(n²) calls); ``None`` when too many."""
    n = len(items)
    positive = min(p for p in grid if p > 0)
    if n * (n - 1) > budget:
        return None
    zero = Fraction(0) in grid
    A = np.zeros((n, n), dtype=bool)
    S = np.zeros((n, n), dtype=bool)
    total = n * (n - 1)
    done = 0
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            try:
                paid = ag.fresh().accept(items[i], items[j], positive)
                free = paid or (zero and ag.fresh().accept(items[i], items[j], Fraction(0)))
            except AgentProtocolError:
                raise
            S[i, j] = paid
            A[i, j] = paid or free
            done += 1
            if progress is not None and done % max(1, total // 50) == 0:
                progress(done, total)
    return _Hints(A, S, shortest_cycle_through(A, S), positive)


def _probe_trader(ag: Agent, items: tuple[Hashable, ...], grid: tuple[Fraction, ...],
                  max_examples: int, seed: int | None, max_steps: int, database: Any,
                  progress: Progress | None) -> Verdict:
    from hypothesis import HealthCheck, Phase, Verbosity, settings
    from hypothesis import seed as hyp_seed
    from hypothesis import strategies as st
    from hypothesis.errors import Flaky
    from hypothesis.reporting import with_reporter
    from hypothesis.stateful import (
        RuleBasedStateMachine,
        initialize,
        invariant,
        rule,
        run_state_machine_as_test,
    )

    if not isinstance(max_steps, int) or max_steps < 1:
        raise InputError(f"max_steps must be a positive integer, got {max_steps!r}")
    n = len(items)
    hints = _first_trades(ag, items, grid, progress, budget=20_000)

    # offer orders: for each holding, the hinted successor first, then first-trade successors
    succ: list[list[int]] = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        if hints is not None:
            others.sort(key=lambda j: (not hints.paid[i, j], not hints.accepted[i, j], j))
            if hints.cycle is not None and i in hints.cycle:
                nxt = hints.cycle[(hints.cycle.index(i) + 1) % len(hints.cycle)]
                others.remove(nxt)
                others.insert(0, nxt)
        succ.append(others)
    starts = list(range(n))
    if hints is not None and hints.cycle is not None:
        starts.remove(hints.cycle[0])
        starts.insert(0, hints.cycle[0])

    paid_first = [hints.positive if hints else grid[0],
                  *(p for p in grid if p != (hints.positive if hints else grid[0]))]
    free_first = [Fraction(0), *(p for p in grid if p != 0)] if Fraction(0) in grid else grid

    def price_order(i: int, j: int) -> Sequence[Fraction]:
        if hints is None or not hints.accepted[i, j]:
            return grid
        return paid_first if hints.paid[i, j] else free_first

    stats = {"runs": 0, "offers": 0, "trades": 0}
    votes_on = ag.has_votes

    class TradeProbe(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            stats["runs"] += 1
            if progress is not None:
                progress(min(stats["runs"], max_examples), max_examples)
            try:
                self.agent = ag.fresh()
            except AgentFaulted as exc:
                raise _Abort(exc) from None
            self.start: int | None = None
            self.holding: int | None = None
            self.money = Fraction(0)
            self.offers: list[Offer] = []
            self.visits: list[tuple[int, Fraction, int]] = []  # holding, money, offers so far

        @initialize(start=st.sampled_from(starts))
        def begin(self, start: int) -> None:
            self.start = self.holding = start
            self.visits.append((start, self.money, 0))

        @rule(k=st.integers(0, n - 2), q=st.integers(0, len(grid) - 1))
        def offer(self, k: int, q: int) -> None:
            h = self.holding
            assert h is not None
            j = succ[h][k]
            p = price_order(h, j)[q]
            try:
                ok = self.agent.accept(items[h], items[j], p)
                votes = self.agent.votes(items[h], items[j]) if votes_on else None
            except (AgentFaulted, AgentProtocolError) as exc:
                raise _Abort(exc) from None
            self.offers.append(Offer(items[h], items[j], p, ok, votes))
            stats["offers"] += 1
            if ok:
                stats["trades"] += 1
                self.money -= p
                self.holding = j
                self.visits.append((j, self.money, len(self.offers)))

        @invariant()
        def never_back_poorer(self) -> None:
            if self.holding is None or not self.visits:
                return
            h, money, _ = self.visits[-1]
            for vh, vmoney, at in reversed(self.visits[:-1]):
                if vh == h and vmoney > money:
                    assert self.start is not None
                    raise _PumpFound(items[self.start], tuple(self.offers), at)

    TradeProbe.__name__ = TradeProbe.__qualname__ = f"TradeProbe[{ag.name}]"
    TradeProbe._hypothesis_internal_add_digest = _digest(ag, items, grid)  # type: ignore[attr-defined]
    factory: Any = TradeProbe
    opts: dict[str, Any] = {}
    if seed is not None:
        factory = hyp_seed(seed)(TradeProbe)
        opts["database"] = None
    elif database is not _DEFAULT_DB:
        opts["database"] = database
    conf = settings(
        max_examples=max_examples,
        stateful_step_count=max_steps,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        print_blob=False,
        **opts,
    )
    found: _PumpFound | None = None
    try:
        with with_reporter(lambda _msg: None):
            run_state_machine_as_test(factory, settings=conf)
    except _PumpFound as exc:
        found = exc
    except _Abort as exc:
        err = exc.error
        if isinstance(err, AgentFaulted):
            return _fault_verdict(ag, err.fault)
        raise err from None
    except Flaky as exc:
        return _fault_verdict(ag, AgentFault(
            "inconsistent",
            f"{ag.name} gave different answers when the same offers were replayed",
            (f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",),
        ))
    if progress is not None:
        progress(max_examples, max_examples)
    quantities: dict[str, Any] = {
        "runs": stats["runs"], "offers": stats["offers"], "agent_calls": ag.calls,
    }
    if found is None:
        utility = None
        if hints is not None and hints.cycle is None:
            weak = hints.accepted.T.copy()
            np.fill_diagonal(weak, True)
            inner = check_relation(PreferenceRelation(items, weak))
            if isinstance(inner.certificate, WeakUtility):
                utility = inner.certificate
        cert = NoPumpFound(stats["runs"], stats["offers"], stats["trades"], max_steps, utility)
        return Verdict.inconclusive(cert, f"agent {ag.name}", **quantities)
    pump = TradingPump(found.start, found.offers, found.loop_start)
    differs = pump.replay(ag) or pump.replay(ag)  # twice: a second chance to disagree
    if differs:
        return _fault_verdict(ag, AgentFault(
            "inconsistent",
            f"{ag.name} answered the offers of a pump differently when they were replayed",
            tuple(differs),
        ))
    quantities.update({"pump_length": len(pump.loop),
                       "extracted_per_loop": jsonable(pump.extracted),
                       "agent_calls": ag.calls})
    return _check_verified(Verdict(False, pump, subject=f"agent {ag.name}",
                                   quantities=quantities))


def _digest(ag: Agent, items: tuple[Hashable, ...], grid: tuple[Fraction, ...]) -> bytes:
    """Example-database key: the agent's type and name, the items and the price grid."""
    import hashlib

    target = ag.target
    owner = target if isinstance(target, type) or (callable(target) and not hasattr(
        target, ag.protocol)) else type(target)
    ident = f"{getattr(owner, '__module__', '')}.{getattr(owner, '__qualname__', ag.name)}"
    text = repr((ident, ag.name, [label_to_json(x) for x in items], [str(p) for p in grid]))
    return hashlib.sha256(text.encode()).digest()


# =========================================================================== bettors
def _events(n: int, max_examples: int, rng: random.Random) -> list[tuple[int, ...]]:
    """Every event for up to 10 states (2**n); else the empty event, the sure event, the
    singletons, their complements and ``max_examples`` random events (distinct)."""
    if n <= 10:
        return [tuple(i for i in range(n) if mask >> i & 1) for mask in range(1 << n)]
    full = tuple(range(n))
    out = {(), full}
    out.update((i,) for i in range(n))
    out.update(tuple(j for j in full if j != i) for i in range(n))
    tries = 0
    while len(out) < 2 * n + 2 + max_examples and tries < 20 * max_examples:
        out.add(tuple(i for i in range(n) if rng.random() < 0.5))
        tries += 1
    return sorted(out, key=lambda e: (len(e), e))


def _probe_bettor(ag: Agent, states: tuple[Hashable, ...], max_examples: int,
                  seed: int | None, progress: Progress | None) -> Verdict:
    from coherence.beliefs import Credences, check_credences

    rng = random.Random(seed)
    events = _events(len(states), max_examples, rng)
    recheck = rng.sample(range(len(events)), min(max_examples, len(events)))
    total = len(events) + len(recheck)
    prices: list[Fraction] = []
    for k, e in enumerate(events):
        prices.append(ag.price(frozenset(states[i] for i in e)))
        if progress is not None:
            progress(k + 1, total)
    for k, idx in enumerate(recheck):
        event = frozenset(states[i] for i in events[idx])
        again = ag.price(event)
        if again != prices[idx]:
            shown = "{" + ", ".join(repr(states[i]) for i in events[idx]) + "}"
            return _fault_verdict(ag, AgentFault(
                "inconsistent",
                f"{ag.name} priced the same event differently: price({shown})",
                (f"price({shown}) -> {prices[idx]}",
                 f"price({shown}) -> {again} (asked again)"),
            ))
        if progress is not None:
            progress(len(events) + k + 1, total)
    credences = Credences(states, [(frozenset(states[i] for i in e), p)
                                   for e, p in zip(events, prices, strict=True)])
    inner = check_credences(credences)
    quantities = {**inner.quantities, "events": len(events), "agent_calls": ag.calls}
    return _check_verified(Verdict(inner.coherent, inner.certificate,
                                   subject=f"agent {ag.name}", quantities=quantities))


# =========================================================================== actors
def _probe_actor(ag: Agent, problems: tuple[Hashable, ...], max_examples: int,
                 seed: int | None, progress: Progress | None) -> Verdict:
    from coherence.decisions import DecisionProblem, check_policy

    for p in problems:
        if not isinstance(p, DecisionProblem):
            raise InputError(
                f"to probe act(problem), items must be DecisionProblem objects, got "
                f"{type(p).__name__}"
            )
    first: Verdict | None = None
    total = len(problems)
    for k, problem in enumerate(problems):
        assert isinstance(problem, DecisionProblem)
        action = ag.act(problem)
        try:
            problem.policy_vector(action)
        except InputError as exc:
            raise AgentProtocolError(
                f"act(problem {k + 1}) returned {action!r}, which is not a policy of the "
                f"problem ({exc})"
            ) from None
        if k < max_examples:
            again = ag.act(problem)
            if again != action:
                return _fault_verdict(ag, AgentFault(
                    "inconsistent",
                    f"{ag.name} acted differently in the same decision problem ({k + 1})",
                    (f"act(problem {k + 1}) -> {action!r}",
                     f"act(problem {k + 1}) -> {again!r} (asked again)"),
                ))
        inner = check_policy(problem, action)
        if progress is not None:
            progress(k + 1, total)
        quantities = {**inner.quantities, "problem": k + 1, "problems": total,
                      "agent_calls": ag.calls}
        verdict = Verdict(inner.coherent, inner.certificate, subject=f"agent {ag.name}",
                          quantities=quantities)
        if not verdict.coherent:
            return _check_verified(verdict)
        if first is None:
            first = verdict
    assert first is not None
    return _check_verified(first)
