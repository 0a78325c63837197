"""Probing bettors (``price``): a Dutch book or a probability measure.

``items`` are the states; the agent prices every event (a ``frozenset`` of states; all
``2**n`` of them up to 10 states, else the singletons, their complements and
``max_examples`` random events), ``max_examples`` prices are asked again, and the prices go
to :func:`coherence.beliefs.check_credences` (de Finetti 1937: prices that admit no Dutch
book are the probabilities of some measure).
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from fractions import Fraction
from typing import Any

from coherence.agents._adapter import Agent
from coherence.agents._probing import (
    Progress,
    Question,
    confirm,
    inconsistent,
    replay_doc,
    restate,
)
from coherence.verdict import Verdict

__all__ = ["probe_bettor"]


def events(n: int, max_examples: int, rng: random.Random) -> list[tuple[int, ...]]:
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


def probe_bettor(ag: Agent, states: tuple[Hashable, ...], max_examples: int,
                 seed: int | None, progress: Progress | None) -> Verdict:
    """Price the events, ask ``max_examples`` again, check the prices for a Dutch book.

    ``E + max_examples`` calls for ``E`` events; the check is one exact LP over the events.
    """
    from coherence.beliefs import Credences, check_credences

    rng = random.Random(seed)
    asked = events(len(states), max_examples, rng)
    recheck = rng.sample(range(len(asked)), min(max_examples, len(asked)))
    total = len(asked) + len(recheck)
    prices: list[Fraction] = []
    for k, e in enumerate(asked):
        prices.append(ag.price(frozenset(states[i] for i in e)))
        if progress is not None:
            progress(k + 1, total)
    for k, idx in enumerate(recheck):
        again = ag.price(frozenset(states[i] for i in asked[idx]))
        if again != prices[idx]:
            shown = "{" + ", ".join(repr(states[i]) for i in asked[idx]) + "}"
            return inconsistent(ag, f"{ag.name} priced the same event differently: "
                                f"price({shown})", f"price({shown}) -> {prices[idx]}",
                                f"price({shown}) -> {again} (asked again)")
        if progress is not None:
            progress(len(asked) + k + 1, total)
    credences = Credences(states, tuple((frozenset(states[i] for i in e), p)
                                        for e, p in zip(asked, prices, strict=True)))
    inner = check_credences(credences)
    quantities = {**inner.quantities, "events": len(asked)}
    if not inner.coherent:
        book: Any = inner.certificate
        questions = [Question("price", (credences.bets[j][0],), credences.bets[j][1])
                     for j in book.support]
        changed = confirm(ag, questions)
        if changed is not None:
            return changed
        quantities["replay"] = replay_doc(ag, questions)
    return restate(inner, f"agent {ag.name}", **quantities, agent_calls=ag.calls)
