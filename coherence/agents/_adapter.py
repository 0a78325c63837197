"""The adapter that makes user code probe-able: :func:`adapt`, :func:`load_agent` and
:class:`Agent`.

A user's decision-maker is any object (or plain function) offering one of the protocol
methods of :mod:`coherence.agents` (``prefers``, ``choose``, ``accept``, ``price``, ``act``).
:func:`adapt` wraps it into an :class:`Agent` whose calls are *guarded*: whatever the agent
does (raises any exception, ``SystemExit`` and ``KeyboardInterrupt`` included; answers
outside its protocol; hangs; exits; crashes) stops the probe with an :class:`AgentFaulted`
exception carrying an :class:`~coherence.verdict.AgentFault` (the evidence, with what the
agent printed). No fault ever turns into an exploit.

Two isolations:

* ``"process"`` (the default): the agent runs in a worker process of its own
  (:mod:`coherence.agents._remote`), which is killed when a call passes its time limit; its
  output is captured. A call costs about 30 µs more than in-process (``benchmarks/probe.py``).
* ``"none"``: the agent runs in this process, for trusted, fast agents; a hang is interrupted
  by an interval timer (main thread) or abandoned on a worker thread. It cannot stop an agent
  that exits the interpreter (``os._exit``), crashes it, blocks in C code, catches the
  interrupt (``except BaseException``), or changes this process's state; only Python-level
  ``print`` output is captured.
"""

from __future__ import annotations

import io
import math
import sys
import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from time import monotonic as _now
from typing import Any

from coherence._exact import as_fraction
from coherence.agents import _worker
from coherence.agents._limits import CallTimedOut, call_with_limit
from coherence.agents._protocols import PROTOCOLS
from coherence.agents._remote import STARTUP, open_remote
from coherence.errors import AgentFaulted, InputError, NotAnAgentError
from coherence.validation import check_file
from coherence.verdict import AgentFault

__all__ = ["ISOLATIONS", "Agent", "adapt", "check_seconds", "load_agent"]

#: the isolations an agent can run under (contract): a worker process, or none
ISOLATIONS: tuple[str, ...] = ("process", "none")


def check_seconds(value: Any, what: str) -> float | None:
    """``None`` or a positive, finite number of seconds (``InputError`` otherwise). O(1).

    >>> check_seconds(0.5, "timeout"), check_seconds(None, "timeout")
    (0.5, None)
    >>> check_seconds(float("inf"), "timeout")
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: timeout must be a positive, finite number of seconds ...
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            value > 0 and math.isfinite(value)):
        raise InputError(f"{what} must be a positive, finite number of seconds or None, "
                         f"got {value!r}")
    return float(value)


class _Clock:
    """What is left of a probe's total time budget (shared by an agent and its copies)."""

    def __init__(self, budget: float | None) -> None:
        self.budget, self.spent = budget, 0.0

    def limit(self, timeout: float | None) -> tuple[float | None, str]:
        """The limit of the next call, and the note for a timeout caused by the budget."""
        if self.budget is None:
            return timeout, ""
        left = max(self.budget - self.spent, 1e-3)
        if timeout is None or left < timeout:
            return left, f"ran past the probe's time budget of {self.budget:g} s"
        return timeout, ""


class _InProcess:
    """An agent's instances in this process; calls limited by :func:`call_with_limit`."""

    def __init__(self, name: str) -> None:
        self.agents: dict[int, _worker.Local] = {}
        self.next, self.name = 0, name
        self.output = io.StringIO()

    def add(self, local: _worker.Local) -> int:
        self.next += 1
        self.agents[self.next] = local
        return self.next

    def call(self, handle: int, method: str, args: tuple[Any, ...], limit: float | None,
             note: str = "") -> Any:
        return self._guard(self.agents[handle].ask, (method, args), limit,
                           _worker.call_repr(method, args), note)

    def fresh(self, handle: int, limit: float | None, note: str = "") -> int:
        return self.add(self._guard(self.agents[handle].fresh, (), limit,
                                    "making a fresh instance", note))

    def prepare(self, items: Any, limit: float | None, note: str = "") -> None:
        pass

    def release(self, handle: int) -> None:
        self.agents.pop(handle, None)

    def close(self) -> None:
        self.agents.clear()

    def _evidence(self, *lines: str) -> tuple[str, ...]:
        text = self.output.getvalue().strip()
        if len(text) > 1500:
            text = "..." + text[-1500:]
        return (*lines, f"output: {text!r}") if text else lines

    def _guard(self, fn: Callable[..., Any], args: tuple[Any, ...], limit: float | None,
               what: str, note: str) -> Any:
        saved = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self.output
        try:
            return call_with_limit(fn, args, limit)
        except CallTimedOut:
            why = note or f"did not answer within {limit:g} s"
            raise AgentFaulted(AgentFault("timeout", f"{self.name}: {what} {why}",
                                          self._evidence(f"{what} -> no answer after "
                                                         f"{limit:g} s"))) from None
        except _worker.Fault as exc:
            raise AgentFaulted(AgentFault(exc.reason, exc.message,
                                          self._evidence(*exc.evidence))) from None
        except _worker.Invalid as exc:
            raise AgentFaulted(AgentFault("invalid", f"{self.name}: {exc}",
                                          self._evidence(str(exc)))) from None
        finally:
            sys.stdout, sys.stderr = saved
            if self.output.tell() > 1 << 16:
                tail = self.output.getvalue()[-4096:]
                self.output = io.StringIO()
                self.output.write(tail)


@dataclass(eq=False)
class Agent:
    """A user's agent behind guarded, validated protocol calls (built by :func:`adapt` or
    :func:`load_agent`).

    Attributes:
        target: the agent as given (object, class, factory or function; for
            :func:`load_agent`, the ``MODULE:OBJECT`` string).
        protocol: the protocol probed, one of :data:`PROTOCOLS`.
        name: a short display name.
        timeout: per-call time limit in seconds (``None``: none).
        isolation: ``"process"`` (a worker process) or ``"none"`` (in this process).
        has_votes: whether the agent reports committee votes (``votes(holding, offered)``).
        calls: number of calls made so far (all copies made by :meth:`fresh` share it).
    """

    target: Any
    protocol: str
    name: str
    timeout: float | None = 1.0
    isolation: str = "process"
    has_votes: bool = False
    ident: str = field(default="", repr=False)
    by_factory: bool = field(default=False, repr=False)
    _backend: Any = field(default=None, repr=False)
    _handle: int = field(default=1, repr=False)
    _counter: list[int] = field(default_factory=lambda: [0], repr=False)
    _clock: _Clock = field(default_factory=lambda: _Clock(None), repr=False)

    def __post_init__(self) -> None:
        if self._backend is not None:
            weakref.finalize(self, self._backend.release, self._handle)

    @property
    def calls(self) -> int:
        return self._counter[0]

    @property
    def factory(self) -> Any:
        """The class or zero-argument factory that makes fresh instances (else ``None``)."""
        return self.target if self.by_factory and not isinstance(self.target, str) else None

    def close(self) -> None:
        """Stop the agent's worker process (nothing for ``isolation="none"``). Idempotent."""
        self._backend.close()

    def __enter__(self) -> Agent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prepare(self, items: Any) -> None:
        """Hand the probe's items to the agent's process once, before the first question, so
        that importing the modules they need (a decision problem's, for instance) counts
        against the start's limit (at least 10 s), not the first call's."""
        limit, note = _startup(self.timeout, self._clock)
        t0 = _now()
        try:
            self._backend.prepare(tuple(items), limit, note)
        finally:
            self._clock.spent += _now() - t0

    # ----------------------------------------------------------------- guarded calls
    def _ask(self, method: str, *args: Any) -> Any:
        self._counter[0] += 1
        limit, note = self._clock.limit(self.timeout)
        t0 = _now()
        try:
            return self._backend.call(self._handle, method, args, limit, note)
        finally:
            self._clock.spent += _now() - t0

    def call(self, method: str, *args: Any) -> Any:
        """Ask ``method(*args)`` (a protocol method or ``votes``); faults raise
        :class:`AgentFaulted`. The answer is validated as by the named methods."""
        return getattr(self, method)(*args)

    def prefers(self, a: Hashable, b: Hashable) -> bool:
        """Guarded ``prefers(a, b)``; the answer must be a bool (numpy bools accepted)."""
        return bool(self._ask("prefers", a, b))

    def choose(self, menu: Sequence[Hashable]) -> Hashable:
        """Guarded ``choose(menu)`` (the agent gets a fresh list); the answer must be on it."""
        options = list(menu)
        return options[self._ask("choose", options)]

    def accept(self, holding: Hashable, offered: Hashable, price: Fraction) -> bool:
        """Guarded ``accept(holding, offered, price)``; the answer must be a bool."""
        return bool(self._ask("accept", holding, offered, price))

    def price(self, event: Any) -> Fraction:
        """Guarded ``price(event)`` as an exact Fraction; the answer must be a finite number
        (a float is read by the number policy: 0.1 is 1/10)."""
        return self._number(self._ask("price", event), _worker.call_repr("price", (event,)))

    def act(self, problem: Any) -> Any:
        """Guarded ``act(problem)``: one of ``problem.acts``, or a mapping act → probability
        (the caller checks that it is a policy of the problem)."""
        kind, value = self._ask("act", problem)
        acts = list(problem.acts)
        if kind == "act":
            return acts[value]
        mixed: dict[Any, Fraction] = {}
        for position, weight in value:
            act = acts[position]
            mixed[act] = mixed.get(act, Fraction(0)) + self._number(weight, "act(problem)")
        return mixed

    def votes(self, holding: Hashable, offered: Hashable) -> dict[str, bool] | None:
        """Committee votes on a trade when the agent reports them, else ``None``."""
        if not self.has_votes:
            return None
        return dict(self._ask("votes", holding, offered))

    def _number(self, value: Any, what: str) -> Fraction:
        if isinstance(value, Fraction):
            return value
        if isinstance(value, int):
            return Fraction(value)
        try:
            return as_fraction(value, what="answer")  # the number policy's reading
        except (InputError, ValueError, OverflowError, TypeError):
            fault = AgentFault("invalid", f"{self.name}: {what} returned {value!r}, expected a "
                               "finite number")
            raise AgentFaulted(fault) from None

    def fresh(self) -> Agent:
        """A copy in the agent's initial state (for stateful probing and replays).

        Uses the class or zero-argument factory when the agent was given as one, else a deep
        copy of the agent as it was when adapted (traders only; other agents, and one that
        cannot be copied, are shared, their memory then carrying over).
        """
        limit, note = self._clock.limit(self.timeout)
        t0 = _now()
        try:
            handle = self._backend.fresh(self._handle, limit, note)
        finally:
            self._clock.spent += _now() - t0
        return Agent(self.target, self.protocol, self.name, self.timeout, self.isolation,
                     self.has_votes, self.ident, self.by_factory, self._backend, handle,
                     self._counter, self._clock)


def _startup(timeout: float | None, clock: _Clock) -> tuple[float | None, str]:
    return clock.limit(None if timeout is None else max(timeout, STARTUP))


def _in_process(obj: Any, protocol: str | None, name: str | None, limit: float | None,
                note: str) -> tuple[_InProcess, _worker.Local]:
    label = name or _worker.describe(obj)
    backend = _InProcess(label)
    try:
        local = backend._guard(_worker.build, (obj, protocol, name, (CallTimedOut,)), limit,
                               f"{label}()", note)
    except _worker.NotAgent as exc:
        raise NotAnAgentError(str(exc)) from None
    except _worker.BadInput as exc:
        raise InputError(str(exc)) from None
    backend.add(local)
    backend.name = local.name
    return backend, local


def adapt(obj: Any, *, protocol: str | None = None, timeout: float | None = 1.0,
          name: str | None = None, isolation: str = "process",
          budget: float | None = None) -> Agent:
    """Wrap a user's agent in guarded protocol calls.

    Accepted shapes:

    * an object with a protocol method (the first of :data:`PROTOCOLS` it has, or
      ``protocol``);
    * a class with such a method, or a zero-argument factory function returning such an
      object (each stateful probing run then gets a new instance);
    * a plain function: named after a protocol method (``def prefers(a, b)``), or taking two
      arguments (``prefers``) or three (``accept``); a one-argument function is ambiguous
      and needs ``protocol=``.

    Args:
        obj: the agent.
        protocol: force a protocol, one of :data:`PROTOCOLS`.
        timeout: per-call time limit in seconds (``None`` for no limit); the start (a
            worker, the class or factory) gets at least 10 s.
        name: display name (defaults to the object's qualified name).
        isolation: ``"process"`` (default: a worker process, sent the agent pickled, with
            cloudpickle for lambdas and closures) or ``"none"`` (in this process).
        budget: total seconds the agent may take over all its calls (``None``: no limit).

    Raises:
        NotAnAgentError: the object offers no protocol method; the message names them.
        InputError: bad ``protocol``, ``timeout``, ``budget`` or ``isolation``; a class that
            needs arguments; an agent that cannot be sent to a worker process.
        AgentFaulted: the class or factory raised, hung or exited.

    O(1), plus starting a worker process (tens of milliseconds), one call of a class or
    factory and a deep copy of a trader. Close the agent (or use it as a context manager)
    to stop its worker; :func:`coherence.agents.probe` does that for the agents it adapts.

    >>> class Sweet:
    ...     def prefers(self, a, b):
    ...         return len(a) > len(b)
    >>> with adapt(Sweet()) as agent:
    ...     agent.protocol, agent.name, agent.prefers("cake", "pie"), agent.calls
    ('prefers', 'Sweet', True, 1)
    >>> adapt(lambda holding, offered, price: price <= 0, isolation="none").protocol
    'accept'
    """
    if isinstance(obj, Agent):
        if protocol is not None and protocol != obj.protocol:
            if isinstance(obj.target, str):
                return load_agent(obj.target, protocol=protocol, timeout=timeout,
                                  isolation=obj.isolation, budget=budget)[0]
            return adapt(obj.target, protocol=protocol, timeout=timeout, name=name or obj.name,
                         isolation=obj.isolation, budget=budget)
        return obj
    if protocol is not None and protocol not in PROTOCOLS:
        raise InputError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    timeout = check_seconds(timeout, "timeout")
    clock = _Clock(check_seconds(budget, "budget"))
    _check_isolation(isolation)
    limit, note = _startup(timeout, clock)
    t0 = _now()
    backend: Any
    try:
        if isolation == "process":
            backend, handle, meta, _ = open_remote(obj=obj, protocol=protocol, name=name,
                                                   limit=limit, budget_note=note)
        else:
            backend, local = _in_process(obj, protocol, name, limit, note)
            handle, meta = 1, local.meta()
    finally:
        clock.spent += _now() - t0
    return Agent(obj, meta["protocol"], meta["name"], timeout, isolation, meta["has_votes"],
                 meta["ident"], meta["by_factory"], backend, handle, [0], clock)


def _check_isolation(isolation: Any) -> None:
    if isolation not in ISOLATIONS:
        raise InputError(f"isolation must be one of {', '.join(map(repr, ISOLATIONS))}, got "
                         f"{isolation!r}")


def load_agent(target: str, *, protocol: str | None = None, timeout: float | None = 1.0,
               isolation: str = "process", budget: float | None = None,
               ) -> tuple[Agent, tuple[Any, ...] | None]:
    """Import ``MODULE:OBJECT`` (``path/to/file.py:object`` or ``package.module:object``) and
    adapt the object; also return the module's ``ITEMS`` (``None`` when it has none).

    With ``isolation="process"`` (the default) the module is imported in the agent's worker
    process, under the same time limit as a start (see :func:`adapt`), and never here; its
    ``ITEMS`` must then be plain labels (strings, numbers, tuples) or decision problems.
    A missing file, module or attribute is an :class:`~coherence.errors.InputError`; a module
    whose own code fails, hangs or exits is an :class:`~coherence.errors.AgentFaulted`.
    O(the import) plus starting the worker.

    >>> agent, items = load_agent("fractions:Fraction", isolation="none", protocol="price")
    Traceback (most recent call last):
    ...
    coherence.errors.NotAnAgentError: Fraction is not an agent: expected a method price(...
    """
    if protocol is not None and protocol not in PROTOCOLS:
        raise InputError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    timeout = check_seconds(timeout, "timeout")
    clock = _Clock(check_seconds(budget, "budget"))
    _check_isolation(isolation)
    try:
        mod_spec, _ = _worker.split_target(target)
    except _worker.BadInput as exc:
        raise InputError(str(exc)) from None
    if _worker.is_file_spec(mod_spec):
        check_file(mod_spec)  # a missing file is the user's mistake: said before any start
    limit, note = _startup(timeout, clock)
    t0 = _now()
    backend: Any
    try:
        if isolation == "process":
            backend, handle, meta, wire = open_remote(spec=target, protocol=protocol, name=None,
                                                      limit=limit, want_items=True,
                                                      budget_note=note)
            items = None if wire is None else _read_items(wire)
        else:
            backend, handle, meta, items = _load_here(target, protocol, limit, note)
    finally:
        clock.spent += _now() - t0
    agent = Agent(target, meta["protocol"], meta["name"], timeout, isolation,
                  meta["has_votes"], meta["ident"], meta["by_factory"], backend, handle, [0],
                  clock)
    return agent, items


def _load_here(target: str, protocol: str | None, limit: float | None,
               note: str) -> tuple[_InProcess, int, Mapping[str, Any], tuple[Any, ...] | None]:
    loader = _InProcess(target)
    try:
        module, obj = loader._guard(_worker.load_target, (target,), limit,
                                           f"import {target}", note)
    except _worker.BadInput as exc:
        raise InputError(str(exc)) from None
    found = getattr(module, "ITEMS", None)
    backend, local = _in_process(obj, protocol, None, limit, note)
    return backend, 1, local.meta(), None if found is None else tuple(found)


def _read_items(wire: Sequence[tuple[str, Any]]) -> tuple[Any, ...]:
    out = []
    for tag, value in wire:
        if tag == "d":
            from coherence.decisions import DecisionProblem

            out.append(DecisionProblem.from_json(value))
        else:
            out.append(value)
    return tuple(out)
