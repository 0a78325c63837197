"""What every kind of probe shares: the items, the price grid, and fault verdicts.

A probe of any protocol ends in a :class:`~coherence.verdict.Verdict`; when the agent
misbehaves (raises, hangs, answers the same question two ways) the verdict is inconclusive
and holds an :class:`~coherence.verdict.AgentFault` (CLI exit status 3), never an exploit.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from fractions import Fraction
from typing import Any

from coherence.agents._adapter import Agent
from coherence.errors import InputError
from coherence.validation import validate_items
from coherence.verdict import AgentFault, Evidence, Verdict

__all__ = [
    "DEFAULT_PRICES",
    "Progress",
    "fault_verdict",
    "inconsistent",
    "price_grid",
    "probe_items",
    "restate",
]

#: prices offered to traders by default (what the agent pays for a swap)
DEFAULT_PRICES: tuple[Fraction, ...] = (
    Fraction(0), Fraction(1, 100), Fraction(1, 10), Fraction(1), Fraction(10),
)

#: ``progress(done, total)``, called while probing
Progress = Callable[[int, int], None]


def probe_items(items: Iterable[Hashable] | None, ag: Agent) -> tuple[Hashable, ...]:
    """The validated items to probe ``ag`` with (two at least for pairwise protocols). O(n)."""
    if items is None:
        raise InputError(f"{ag.name}: items are required to probe an agent")
    labels = validate_items(items)
    if ag.protocol in ("prefers", "choose", "accept") and len(labels) < 2:
        raise InputError("at least two items are needed to probe an agent")
    return labels


def price_grid(prices: Sequence[Any] | None) -> tuple[Fraction, ...]:
    """The distinct exact prices offered to traders; one must be positive. O(len(prices))."""
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


def fault_verdict(ag: Agent, fault: AgentFault) -> Verdict:
    """The inconclusive verdict for a faulty agent, with the calls made so far. O(1)."""
    return Verdict.inconclusive(fault, f"agent {ag.name}", agent_calls=ag.calls)


def inconsistent(ag: Agent, message: str, *evidence: str) -> Verdict:
    """The fault verdict for an agent that contradicted itself (``reason="inconsistent"``)."""
    return fault_verdict(ag, AgentFault("inconsistent", message, evidence))


def restate(inner: Verdict, subject: str, **quantities: Any) -> Verdict:
    """An exact checker's verdict restated for the probed agent, verified again on the way.

    The certificate is re-checked by :meth:`Verdict.certify` (evidence goes through
    :meth:`Verdict.inconclusive`); O(cost of ``verify``).
    """
    held = inner.certificate
    if isinstance(held, Evidence):
        return Verdict.inconclusive(held, subject, **quantities)
    return Verdict.certify(held, subject, **quantities)
