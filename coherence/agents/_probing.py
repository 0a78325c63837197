"""What every kind of probe shares: the items, the price grid, fault verdicts, and the
replay of an exploit's questions before it is reported.

A probe of any protocol ends in a :class:`~coherence.verdict.Verdict`; when the agent
misbehaves (raises, hangs, answers the same question two ways) the verdict is inconclusive
and holds an :class:`~coherence.verdict.AgentFault` (CLI exit status 3), never an exploit.
An exploit is reported only after :func:`confirm` asked its questions again (at least
:data:`REPLAYED` answers, in rounds of fresh instances) and got the same answers; its
verdict then carries the questions and answers (:func:`replay_doc`) so that ``coherence
replay`` can ask them once more.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from coherence.agents._adapter import Agent
from coherence.errors import AgentFaulted, InputError
from coherence.validation import validate_items
from coherence.verdict import AgentFault, Evidence, Verdict, jsonable, label_to_json

__all__ = [
    "DEFAULT_PRICES",
    "REPLAYED",
    "Progress",
    "Question",
    "confirm",
    "fault_verdict",
    "inconsistent",
    "price_grid",
    "probe_items",
    "replay_doc",
    "restate",
]

#: the fewest answers an exploit's replay asks for (a coin-flipping agent matches all of
#: them with probability 2**-32)
REPLAYED = 32

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


@dataclass(frozen=True)
class Question:
    """One protocol call of an exploit and the answer it got: ``method(*args) -> answer``."""

    method: str
    args: tuple[Any, ...]
    answer: Any

    def ask(self, ag: Agent) -> Any:
        """Ask ``ag`` again; an act is compared as its policy vector. O(1) calls."""
        ans = getattr(ag, self.method)(*self.args)
        return _normal(self.method, self.args, ans, ag)

    def same(self, ans: Any) -> bool:
        return bool(_normal(self.method, self.args, self.answer, None) == ans)

    def shown(self) -> str:
        from coherence.agents._worker import call_repr

        return call_repr(self.method, self.args)


def _normal(method: str, args: tuple[Any, ...], ans: Any, ag: Agent | None) -> Any:
    if method != "act":
        return ans
    try:
        return args[0].policy_vector(ans)
    except InputError as exc:
        name = ag.name if ag is not None else "the agent"
        raise AgentFaulted(AgentFault("invalid", f"{name}: act(problem) returned {ans!r}, "
                                      f"which is not a policy of the problem ({exc})")) from None


def rounds_for(n: int) -> int:
    """Rounds of a replay of ``n`` questions: two at least, :data:`REPLAYED` answers at least."""
    return max(2, math.ceil(REPLAYED / max(n, 1)))


def confirm(ag: Agent, questions: Sequence[Question], *, in_order: bool = False) -> Verdict | None:
    """Ask an exploit's questions again, in rounds (:func:`rounds_for`), each round of a
    fresh instance (the class or factory's, when the agent is one); ``None`` when every
    answer is the same, else the ``"inconsistent"`` fault verdict with both answers.
    O(rounds · questions) calls. (``in_order`` is recorded by :func:`replay_doc`: the
    questions form one sequence, as a trader's transcript does.)"""
    for _ in range(rounds_for(len(questions))):
        fresh = ag.fresh()
        for q in questions:
            again = q.ask(fresh)
            if not q.same(again):
                first = _normal(q.method, q.args, q.answer, None)
                shown_first, shown_again = _shown(q, first, q.answer), _shown(q, again, None)
                return inconsistent(
                    ag, f"{ag.name} answered a question of the exploit differently when it was "
                    f"asked again: {q.shown()}", f"{q.shown()} -> {shown_first}",
                    f"{q.shown()} -> {shown_again} (asked again)")
    return None


def _shown(q: Question, value: Any, raw: Any) -> str:
    if q.method == "act" and raw is not None:
        return repr(raw)
    if isinstance(value, tuple) and q.method == "act":
        return "(" + ", ".join(str(v) for v in value) + ")"
    return str(value) if isinstance(value, Fraction) else repr(value)


def replay_doc(ag: Agent, questions: Sequence[Question], *, in_order: bool = False
               ) -> dict[str, Any]:
    """The questions of an exploit and their answers as JSON, for ``coherence replay``:
    ``{"protocol", "in_order", "fresh", "calls": [{"args": [...], "answer": ...}]}``.
    Labels as :func:`~coherence.verdict.label_to_json` writes them, prices and probabilities
    as exact ``"p/q"`` strings, events as lists of states, problems as their JSON. O(size)."""
    return {
        "protocol": ag.protocol,
        "in_order": in_order,
        "fresh": ag.by_factory,
        "calls": [{"args": [_arg_json(q.method, a) for a in q.args],
                   "answer": _answer_json(q.method, q.answer)} for q in questions],
    }


def _arg_json(method: str, arg: Any) -> Any:
    if method == "act":
        return arg.to_json()
    if isinstance(arg, Fraction):
        return str(arg)
    if isinstance(arg, list):
        return [label_to_json(x) for x in arg]
    if isinstance(arg, frozenset):  # an event: its states in a fixed order
        return sorted((label_to_json(x) for x in arg), key=json.dumps)
    return label_to_json(arg)


def _answer_json(method: str, ans: Any) -> Any:
    if method == "price":
        return str(ans)
    if method == "act":
        return jsonable(ans) if isinstance(ans, dict) else label_to_json(ans)
    return label_to_json(ans)
