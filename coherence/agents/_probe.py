"""Probe a user's agent for exploits: :func:`probe`, the entry point, dispatching on the
protocol the agent offers (see :mod:`coherence.agents` for the protocols):

* comparers and choosers: :mod:`coherence.agents._comparers` (a shortest money pump, a
  congruence violation, or a weak utility);
* traders, which may remember: :mod:`coherence.agents._trading` (a
  :class:`~coherence.agents.TradingPump` found by a :mod:`hypothesis.stateful` search and
  shrunk, or :class:`~coherence.agents.NoPumpFound`);
* bettors: :mod:`coherence.agents._bettors` (a Dutch book or a probability measure);
* actors: :mod:`coherence.agents._actors` (a dominating policy or a prior).

Faults (the agent raised, hung or contradicted itself) give an
:class:`~coherence.verdict.AgentFault` verdict (exit status 3); answers of the wrong type
raise :class:`~coherence.agents.AgentProtocolError`. Every verdict is handed to
:func:`coherence.reporting.notify`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from coherence.agents._actors import probe_actor
from coherence.agents._adapter import Agent, adapt
from coherence.agents._bettors import probe_bettor
from coherence.agents._comparers import probe_relation
from coherence.agents._limits import limit_session
from coherence.agents._probing import Progress, fault_verdict, price_grid, probe_items
from coherence.agents._trading import DEFAULT_DB, probe_trader
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
        timeout: per-call time limit in seconds (``None``: none).
        protocol: force one of ``prefers``, ``choose``, ``accept``, ``price``, ``act``.
        prices: prices offered to traders (default :data:`~coherence.agents.DEFAULT_PRICES`).
        max_steps: most offers per trader run.
        database: Hypothesis example database for traders (default: Hypothesis's).
        progress: called as ``progress(done, total)`` while probing.

    Returns:
        A verdict: ``"exploitable"`` with a verified exploit (money pump, Dutch book, ...),
        ``"coherent"`` with a verified coherence certificate (utility, probability, prior),
        ``"no_exploit_found"`` for a trader whose search found no pump (a
        :class:`~coherence.agents.NoPumpFound` record: evidence, not proof; exit status 0),
        or ``"fault"`` (an :class:`~coherence.verdict.AgentFault`; exit status 3).

    Raises:
        NotAnAgentError: the object offers no protocol method.
        AgentProtocolError: an answer of the wrong type or outside the items.
        InputError: bad items or settings.

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
    ag = adapt(agent, protocol=protocol, timeout=timeout)
    labels = probe_items(items, ag)
    with limit_session():
        verdict = _dispatch(ag, labels, max_examples, seed, prices, max_steps, database,
                            progress)
    from coherence.reporting import notify

    notify(verdict)
    return verdict


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
