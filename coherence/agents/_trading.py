"""Probing traders (``accept``, which may remember) with a :mod:`hypothesis.stateful` search.

A state machine starts each run from a fresh copy of the agent holding some item; its one
rule offers a swap at a price, and its invariant is *the agent never returns to an earlier
holding with less money*. A violation is a pump: Hypothesis shrinks it to the fewest offers
and stores it in its example database, so the next probe of the same agent replays it
first. The search is guided by the agent's *first* trades (each asked of a fresh copy): the
offers of a shortest cycle of first trades with a paid step are tried first. The shrunk pump
is replayed on fresh copies before it is reported (at least 32 answers in all); an agent that
then answers differently is a fault. Finding none gives a
:class:`~coherence.agents.NoPumpFound` verdict (evidence, not proof).
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from coherence.agents._adapter import Agent
from coherence.agents._probing import (
    Progress,
    Question,
    fault_verdict,
    inconsistent,
    replay_doc,
    rounds_for,
)
from coherence.agents._pumps import NoPumpFound, Offer, TradingPump
from coherence.errors import AgentFaulted
from coherence.graphs import shortest_cycle_through
from coherence.relations import PreferenceRelation, WeakUtility, check_relation
from coherence.validation import check_integer
from coherence.verdict import AgentFault, Verdict, jsonable, label_to_json

__all__ = ["DEFAULT_DB", "probe_trader"]

#: "use Hypothesis's own example database" (the default of :func:`coherence.agents.probe`)
DEFAULT_DB: Any = object()

#: most first trades asked of fresh copies to guide the search (``n(n-1)`` of them)
HINT_BUDGET = 20_000


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


@dataclass
class _Plan:
    """The order in which offers are drawn: Hypothesis shrinks towards the first of each."""

    succ: list[list[int]]  # per holding, the offered items in order
    starts: list[int]
    grid: tuple[Fraction, ...]
    paid_first: list[Fraction]
    free_first: Sequence[Fraction]
    hints: _Hints | None
    stats: dict[str, int] = field(default_factory=lambda: {"runs": 0, "offers": 0, "trades": 0})

    def prices(self, i: int, j: int) -> Sequence[Fraction]:
        hints = self.hints
        if hints is None or not hints.accepted[i, j]:
            return self.grid
        return self.paid_first if hints.paid[i, j] else self.free_first


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
            paid = ag.fresh().accept(items[i], items[j], positive)
            free = paid or (zero and ag.fresh().accept(items[i], items[j], Fraction(0)))
            S[i, j] = paid
            A[i, j] = paid or free
            done += 1
            if progress is not None and done % max(1, total // 50) == 0:
                progress(done, total)
    return _Hints(A, S, shortest_cycle_through(A, S), positive)


def _plan(n: int, grid: tuple[Fraction, ...], hints: _Hints | None) -> _Plan:
    """For each holding, the hinted successor first, then the first-trade successors. O(n²)."""
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
    first = hints.positive if hints else grid[0]
    paid_first = [first, *(p for p in grid if p != first)]
    free_first = [Fraction(0), *(p for p in grid if p != 0)] if Fraction(0) in grid else grid
    return _Plan(succ, starts, grid, paid_first, free_first, hints)


def _machine(ag: Agent, items: tuple[Hashable, ...], plan: _Plan, max_examples: int,
             progress: Progress | None) -> Any:
    """The state machine class: one rule (an offer), one invariant (never back poorer)."""
    from hypothesis import strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

    n, stats, votes_on = len(items), plan.stats, ag.has_votes

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

        @initialize(start=st.sampled_from(plan.starts))
        def begin(self, start: int) -> None:
            self.start = self.holding = start
            self.visits.append((start, self.money, 0))

        @rule(k=st.integers(0, n - 2), q=st.integers(0, len(plan.grid) - 1))
        def offer(self, k: int, q: int) -> None:
            h = self.holding
            assert h is not None
            j = plan.succ[h][k]
            p = plan.prices(h, j)[q]
            try:
                ok = self.agent.accept(items[h], items[j], p)
                votes = self.agent.votes(items[h], items[j]) if votes_on else None
            except AgentFaulted as exc:
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
    # Hypothesis keys its example database by this digest (instead of the class's source)
    TradeProbe._hypothesis_internal_add_digest = _digest(ag, items, plan.grid)
    return TradeProbe


def _search(machine: Any, max_examples: int, max_steps: int, seed: int | None,
            database: Any) -> _PumpFound | None:
    """Run the machine under Hypothesis; the shrunk pump, or ``None`` when none was found."""
    from hypothesis import HealthCheck, Phase, Verbosity, settings
    from hypothesis import seed as hyp_seed
    from hypothesis.reporting import with_reporter
    from hypothesis.stateful import run_state_machine_as_test

    opts: dict[str, Any] = {}
    if seed is not None:
        machine = hyp_seed(seed)(machine)
        opts["database"] = None
    elif database is not DEFAULT_DB:
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
    try:
        with with_reporter(lambda _msg: None):
            run_state_machine_as_test(machine, settings=conf)
    except _PumpFound as exc:
        return exc
    return None


def probe_trader(ag: Agent, items: tuple[Hashable, ...], grid: tuple[Fraction, ...],
                 max_examples: int, seed: int | None, max_steps: int, database: Any,
                 progress: Progress | None) -> Verdict:
    """Search a trader for a pump; a verified :class:`TradingPump`, or :class:`NoPumpFound`.

    At most ``2n(n-1) + max_examples · max_steps`` calls, plus shrinking and two replays.
    """
    from hypothesis.errors import Flaky

    check_integer(max_steps, "max_steps", min_value=1)
    plan = _plan(len(items), grid, _first_trades(ag, items, grid, progress, HINT_BUDGET))
    machine = _machine(ag, items, plan, max_examples, progress)
    try:
        found = _search(machine, max_examples, max_steps, seed, database)
    except _Abort as exc:
        if isinstance(exc.error, AgentFaulted):
            return fault_verdict(ag, exc.error.fault)
        raise exc.error from None
    except Flaky as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else ""
        return fault_verdict(ag, AgentFault(
            "inconsistent",
            f"{ag.name} gave different answers when the same offers were replayed",
            (f"{type(exc).__name__}: {first_line}",),
        ))
    if progress is not None:
        progress(max_examples, max_examples)
    if found is None:
        return _no_pump(ag, items, plan, max_steps)
    return _pump(ag, TradingPump(found.start, found.offers, found.loop_start), plan)


def _no_pump(ag: Agent, items: tuple[Hashable, ...], plan: _Plan, max_steps: int) -> Verdict:
    """The evidence of a search that found nothing, with a utility for the first trades."""
    hints, stats = plan.hints, plan.stats
    utility = None
    if hints is not None and hints.cycle is None:
        weak = hints.accepted.T.copy()
        np.fill_diagonal(weak, True)
        inner = check_relation(PreferenceRelation(items, weak))
        if isinstance(inner.certificate, WeakUtility):
            utility = inner.certificate
    evidence = NoPumpFound(stats["runs"], stats["offers"], stats["trades"], max_steps, utility)
    return Verdict.inconclusive(evidence, f"agent {ag.name}", runs=stats["runs"],
                                offers=stats["offers"], agent_calls=ag.calls)


def _pump(ag: Agent, pump: TradingPump, plan: _Plan) -> Verdict:
    """The verified pump, after fresh copies gave the same answers in every round of replay
    (two at least, 32 answers at least); else a fault."""
    for _ in range(rounds_for(len(pump.offers))):
        differs = pump.replay(ag)
        if differs:
            return inconsistent(
                ag, f"{ag.name} answered the offers of a pump differently when they were "
                "replayed", *differs)
    questions = [Question("accept", (o.holding, o.offered, o.price), o.accepted)
                 for o in pump.offers]
    return Verdict.certify(pump, f"agent {ag.name}", runs=plan.stats["runs"],
                           offers=plan.stats["offers"], agent_calls=ag.calls,
                           pump_length=len(pump.loop),
                           extracted_per_loop=jsonable(pump.extracted),
                           replay=replay_doc(ag, questions, in_order=True))


def _digest(ag: Agent, items: tuple[Hashable, ...], grid: tuple[Fraction, ...]) -> bytes:
    """Example-database key: the agent's type and name, the items and the price grid."""
    ident = ag.ident or ag.name
    text = repr((ident, ag.name, [label_to_json(x) for x in items], [str(p) for p in grid]))
    return hashlib.sha256(text.encode()).digest()
