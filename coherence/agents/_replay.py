"""Replaying a saved exploit against an agent: :func:`replay` and :class:`ReplayDiffers`.

An exploit verdict of :func:`coherence.agents.probe` holds, in ``quantities["replay"]``, the
protocol questions its certificate rests on and the answers they got (menus, holdings,
offers, prices, events, decision problems; see
:func:`~coherence.agents._probing.replay_doc`). :func:`replay` asks them again, in rounds of
fresh instances as the probe did, and tells whether the agent still falls for the exploit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from coherence.agents._adapter import Agent, adapt, load_agent
from coherence.agents._comparers import strict_questions
from coherence.agents._probing import Question, inconsistent, rounds_for
from coherence.agents._protocols import ARITY, PROTOCOLS
from coherence.errors import AgentFaulted, InputError
from coherence.relations import MoneyPump
from coherence.verdict import Certificate, Evidence, Verdict, label_from_json

__all__ = ["ReplayDiffers", "replay"]


@dataclass(frozen=True)
class ReplayDiffers(Evidence):
    """A saved exploit asked again: the agent answered some of its questions otherwise (the
    same way in every round), so it no longer falls for it (CLI exit status 0).

    >>> e = ReplayDiffers(questions=4, changed=("prefers('a', 'b') -> False, was True",))
    >>> e.passed, e.to_json()["kind"]
    (True, 'replay_differs')
    """

    questions: int
    changed: tuple[str, ...]

    kind: ClassVar[str] = "replay_differs"
    passed: ClassVar[bool] = True

    def explain(self) -> str:
        lines = [f"The agent no longer falls for the exploit: of its {self.questions} "
                 f"question(s), {len(self.changed)} now get another answer:"]
        lines += [f"  {c}" for c in self.changed]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "questions": self.questions, "changed": list(self.changed)}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> ReplayDiffers:
        return cls(int(doc["questions"]), tuple(str(c) for c in doc.get("changed", ())))


def _arg(method: str, position: int, value: Any) -> Any:
    if method == "act":
        from coherence.decisions import DecisionProblem

        return DecisionProblem.from_json(value)
    if method == "choose":
        return [label_from_json(x) for x in value]
    if method == "price":
        return frozenset(label_from_json(x) for x in value)
    if method == "accept" and position == 2:
        return Fraction(str(value))
    return label_from_json(value)


def _answer(method: str, value: Any) -> Any:
    if method == "price":
        return Fraction(str(value))
    if method in ("prefers", "accept"):
        if not isinstance(value, bool):
            raise InputError(f"a recorded answer of {method} must be true or false, got "
                             f"{value!r}")
        return value
    if method == "act" and isinstance(value, Mapping):
        return {label_from_json(k): Fraction(str(w)) for k, w in value.items()}
    return label_from_json(value)


def questions_of(doc: Mapping[str, Any]) -> tuple[str, bool, list[Question]]:
    """The protocol, whether the questions form one sequence, and the questions of a replay
    record (``quantities["replay"]``); :class:`InputError` on a malformed record. O(size)."""
    try:
        protocol = doc["protocol"]
        if protocol not in PROTOCOLS:
            raise InputError(f"the replay record names an unknown protocol {protocol!r}")
        out = []
        for call in doc["calls"]:
            args = call["args"]
            if not isinstance(args, list) or len(args) != ARITY[protocol]:
                raise InputError(f"a recorded call of {protocol} has {ARITY[protocol]} "
                                 "argument(s)")
            out.append(Question(protocol, tuple(_arg(protocol, k, a) for k, a in enumerate(args)),
                                _answer(protocol, call["answer"])))
    except (KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError(f"the replay record is malformed ({type(exc).__name__}: {exc})") from None
    if not out:
        raise InputError("the replay record holds no questions")
    return str(protocol), bool(doc.get("in_order", False)), out


def _asked(q: Question) -> tuple[str, str, str]:
    return q.method, q.shown(), f"{type(q.answer).__name__}:{q.answer!r}"


def check_support(read: Verdict, protocol: str, questions: Sequence[Question]) -> None:
    """A money pump over a comparer's or chooser's answers is replayed only when its record
    holds the questions each trade rests on (both orders of the pair, with the answers that
    show the strict preference), so an altered record cannot confirm a pump the agent was
    never asked about; :class:`InputError` otherwise. Other exploits are asked as recorded.
    O(len(questions) + trades).

    >>> from coherence.agents import probe
    >>> beats = {("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")}
    >>> found = probe(lambda a, b: (a, b) in beats, items=["rock", "paper", "scissors"], seed=0)
    >>> doc = found.to_json()
    >>> doc["quantities"]["replay"]["calls"] = doc["quantities"]["replay"]["calls"][:1]
    >>> replay(doc, lambda a, b: (a, b) in beats)
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: the replay record does not hold prefers(...) -> ..., which ...
    """
    cert = read.certificate
    if not (isinstance(cert, MoneyPump) and protocol in ("prefers", "choose")):
        return
    have = {_asked(q) for q in questions}
    for t in cert.trades:
        for q in strict_questions(protocol, t.offered, t.holding):
            if _asked(q) not in have:
                raise InputError(
                    f"the replay record does not hold {q.shown()} -> {q.answer!r}, which the "
                    f"pump's trade from {t.holding!r} to {t.offered!r} rests on (the record "
                    "was altered, or belongs to another exploit)")


def _exploit(verdict: Verdict | Mapping[str, Any]) -> tuple[Verdict, Mapping[str, Any]]:
    doc = verdict.to_json() if isinstance(verdict, Verdict) else verdict
    if not isinstance(doc, Mapping):
        raise InputError("expected a verdict or its JSON document")
    read = Verdict.from_json(doc)  # the certificate is verified again on the way
    if read.status != "exploitable":
        raise InputError(f"the verdict holds no exploit to replay (its status is {read.status})")
    record = (doc.get("quantities") or {}).get("replay")
    if not isinstance(record, Mapping):
        raise InputError("the verdict holds no replay record (quantities.replay); probe the "
                         "agent again to get one")
    return read, record


def replay(verdict: Verdict | Mapping[str, Any], agent: Any, *, timeout: float | None = 1.0,
           isolation: str = "process", budget: float | None = None) -> Verdict:
    """Ask ``agent`` the questions of a saved exploit again.

    Args:
        verdict: an exploit verdict of :func:`coherence.agents.probe`, or its JSON document
            (as ``coherence check --json`` prints it).
        agent: the agent (object, class, factory, function, :class:`Agent`) or a
            ``MODULE:OBJECT`` target, loaded as by :func:`coherence.agents.load_agent`.
        timeout, isolation, budget: as for :func:`coherence.agents.probe`.

    Returns:
        the exploit's verdict again (status ``"exploitable"``, exit 1) when every answer is
        the recorded one; a :class:`ReplayDiffers` verdict (``"no_exploit_found"``, exit 0)
        when the agent answers otherwise, the same way in every round; an
        :class:`~coherence.verdict.AgentFault` verdict (exit 3) when it faults or its answers
        change from round to round.

    Raises:
        InputError: the document is not an exploit verdict with a replay record, or the
            agent cannot be loaded.

    O(rounds · questions) calls, at least 32 answers (as the probe's own replay).

    >>> from coherence.agents import probe
    >>> beats = {("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")}
    >>> found = probe(lambda a, b: (a, b) in beats, items=["rock", "paper", "scissors"], seed=0)
    >>> replay(found.to_json(), lambda a, b: (a, b) in beats).status
    'exploitable'
    >>> replay(found.to_json(), lambda a, b: False).status
    'no_exploit_found'
    """
    read, record = _exploit(verdict)
    protocol, _, questions = questions_of(record)
    check_support(read, protocol, questions)
    try:
        if isinstance(agent, str):
            ag, _ = load_agent(agent, protocol=protocol, timeout=timeout, isolation=isolation,
                               budget=budget)
        else:
            ag = adapt(agent, protocol=protocol, timeout=timeout, isolation=isolation,
                       budget=budget)
    except AgentFaulted as exc:
        return Verdict.inconclusive(exc.fault, "agent", agent_calls=0)
    try:
        return _ask_again(ag, read, questions, record)
    except AgentFaulted as exc:
        return Verdict.inconclusive(exc.fault, f"agent {ag.name}", agent_calls=ag.calls)
    finally:
        if ag is not agent:
            ag.close()


def _ask_again(ag: Agent, read: Verdict, questions: Sequence[Question],
               record: Mapping[str, Any]) -> Verdict:
    rounds = []
    for _ in range(rounds_for(len(questions))):
        fresh = ag.fresh()
        rounds.append([q.ask(fresh) for q in questions])
    first = rounds[0]
    for again in rounds[1:]:
        for q, a, b in zip(questions, first, again, strict=True):
            if a != b:
                return inconsistent(ag, f"{ag.name} answered a question of the exploit two ways "
                                    f"when it was asked again: {q.shown()}",
                                    f"{q.shown()} -> {a!r}", f"{q.shown()} -> {b!r} (asked again)")
    changed = tuple(f"{q.shown()} -> {a!r}, was {q.answer!r}"
                    for q, a in zip(questions, first, strict=True) if not q.same(a))
    subject = f"agent {ag.name}"
    if changed:
        return Verdict.inconclusive(ReplayDiffers(len(questions), changed), subject,
                                    agent_calls=ag.calls)
    assert isinstance(read.certificate, Certificate)  # an exploit's, read and verified
    return Verdict.certify(read.certificate, subject, agent_calls=ag.calls,
                           replayed=len(questions) * len(rounds), replay=dict(record))
