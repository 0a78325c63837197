"""Probe a user's agent for exploits: :func:`probe`, the entry point, dispatching on the
protocol the agent offers (see :mod:`coherence.agents` for the protocols):

* comparers and choosers: :mod:`coherence.agents._comparers` (a shortest money pump, a
  congruence violation, or a weak utility);
* traders, which may remember: :mod:`coherence.agents._trading` (a
  :class:`~coherence.agents.TradingPump` found by a :mod:`hypothesis.stateful` search and
  shrunk, or :class:`~coherence.agents.NoPumpFound`);
* bettors: :mod:`coherence.agents._bettors` (a Dutch book or a probability measure);
* actors: :mod:`coherence.agents._actors` (a dominating policy or a prior).

The agent runs in a worker process of its own by default (``isolation="process"``): a call
past its time limit kills the worker. Faults (the agent raised anything, ``SystemExit``
included, hung, exited, crashed, answered outside its protocol or contradicted itself) give an
:class:`~coherence.verdict.AgentFault` verdict (exit status 3), never an exception and never an
exploit; every exploit is asked again before it is reported. Every verdict is handed to
:func:`coherence.reporting.notify`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from contextlib import nullcontext
from typing import Any

from coherence.agents._actors import probe_actor
from coherence.agents._adapter import Agent, adapt, check_seconds
from coherence.agents._bettors import probe_bettor
from coherence.agents._comparers import probe_relation
from coherence.agents._limits import limit_session
from coherence.agents._probing import Progress, fault_verdict, price_grid, probe_items
from coherence.agents._trading import DEFAULT_DB, probe_trader
from coherence.agents._worker import describe
from coherence.errors import AgentFaulted
from coherence.validation import check_integer
from coherence.verdict import Verdict

__all__ = ["probe"]


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
    database: Any = DEFAULT_DB,
    progress: Progress | None = None,
    isolation: str = "process",
    budget: float | None = None,
) -> Verdict:
    """Search a user's agent for an exploit; return a verified :class:`Verdict`.

    Args:
        agent: an object, class, factory or function offering a protocol method
            (see :func:`coherence.agents.adapt`).
        items: the items to probe with (for bettors the states, for actors the
            decision problems).
        max_examples: Hypothesis runs for traders; questions asked twice for comparers.
        seed: makes the probe deterministic (Hypothesis's ``@seed``; the example database
            is then not used, as with ``@seed``).
        timeout: per-call time limit in seconds, positive and finite (``None``: none); the
            start (worker, import, class or factory) gets at least 10 s.
        protocol: force one of ``prefers``, ``choose``, ``accept``, ``price``, ``act``.
        prices: prices offered to traders (default :data:`~coherence.agents.DEFAULT_PRICES`).
        max_steps: most offers per trader run.
        database: Hypothesis example database for traders (default: Hypothesis's).
        progress: called as ``progress(done, total)`` while probing.
        isolation: ``"process"`` (default: the agent runs in a worker process, killed when a
            call passes its limit) or ``"none"`` (in this process: for trusted, fast agents;
            see :func:`coherence.agents.adapt` for what it cannot stop).
        budget: total seconds the agent may take over all its calls (``None``: no limit).

    Returns:
        A verdict: ``"exploitable"`` with a verified exploit (money pump, Dutch book, ...),
        ``"coherent"`` with a verified coherence certificate (utility, probability, prior),
        ``"no_exploit_found"`` for a trader whose search found no pump (a
        :class:`~coherence.agents.NoPumpFound` record: evidence, not proof; exit status 0),
        or ``"fault"`` (an :class:`~coherence.verdict.AgentFault`; exit status 3: the agent
        raised, hung, exited, answered outside its protocol or changed an answer). An
        exploit's verdict holds its questions and answers (``quantities["replay"]``).

    Raises:
        NotAnAgentError: the object offers no protocol method.
        InputError: bad items or settings; an agent that cannot be sent to a worker process.

    Complexity: ``n(n-1) + max_examples`` calls for comparers; at most
    ``2n(n-1) + max_examples · max_steps`` calls (plus shrinking) for traders.

    >>> class Ranked:
    ...     def prefers(self, a, b):
    ...         return a > b
    >>> probe(Ranked(), items=[1, 2, 3], seed=0).status
    'coherent'
    >>> beats = {("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")}
    >>> v = probe(lambda a, b: (a, b) in beats, items=["rock", "paper", "scissors"], seed=0)
    >>> v.status, v.exit_code, len(v.certificate.cycle)
    ('exploitable', 1, 3)
    """
    check_integer(max_examples, "max_examples", min_value=1)
    if seed is not None:
        check_integer(seed, "seed")
    check_seconds(timeout, "timeout")
    check_seconds(budget, "budget")
    held = isolation == "none" or (isinstance(agent, Agent) and agent.isolation == "none")
    with limit_session() if held else nullcontext():
        verdict = _probe(agent, items, protocol, timeout, isolation, budget,
                         (max_examples, seed, prices, max_steps, database, progress))
    from coherence.reporting import notify

    notify(verdict)
    return verdict


def _probe(agent: Any, items: Iterable[Hashable] | None, protocol: str | None,
           timeout: float | None, isolation: str, budget: float | None,
           search: tuple[Any, ...]) -> Verdict:
    """Adapt, hand over the items, probe, and close the agent when it was adapted here."""
    try:
        ag = adapt(agent, protocol=protocol, timeout=timeout, isolation=isolation,
                   budget=budget)
    except AgentFaulted as exc:  # the class, factory or worker failed to start
        return Verdict.inconclusive(exc.fault, f"agent {_name(agent)}", agent_calls=0)
    try:
        labels = probe_items(items, ag)
        return _prepared(ag, labels) or _dispatch(ag, labels, *search)
    finally:
        if ag is not agent:
            ag.close()


def _prepared(ag: Agent, labels: tuple[Hashable, ...]) -> Verdict | None:
    """Hand the items to the agent's process; the fault verdict if that fails."""
    try:
        ag.prepare(labels)
    except AgentFaulted as exc:
        return fault_verdict(ag, exc.fault)
    return None


def _name(agent: Any) -> str:
    return agent.name if isinstance(agent, Agent) else describe(agent)


def _dispatch(ag: Agent, labels: tuple[Hashable, ...], max_examples: int, seed: int | None,
              prices: Sequence[Any] | None, max_steps: int, database: Any,
              progress: Progress | None) -> Verdict:
    try:
        if ag.protocol in ("prefers", "choose"):
            return probe_relation(ag, labels, max_examples, seed, progress)
        if ag.protocol == "accept":
            return probe_trader(ag, labels, price_grid(prices), max_examples, seed, max_steps,
                                database, progress)
        if ag.protocol == "price":
            return probe_bettor(ag, labels, max_examples, seed, progress)
        return probe_actor(ag, labels, max_examples, seed, progress)
    except AgentFaulted as exc:
        return fault_verdict(ag, exc.fault)
