"""The adapter that makes user code probe-able: :func:`adapt` and :class:`Agent`.

A user's decision-maker is any object (or plain function) offering one of the protocol
methods of :mod:`coherence.agents` (``prefers``, ``choose``, ``accept``, ``price``, ``act``).
:func:`adapt` wraps it into an :class:`Agent` whose calls are *guarded*: an agent that raises,
or exceeds the per-call time limit, stops the probe with an :class:`AgentFaulted` exception
carrying an :class:`~coherence.verdict.AgentFault` (the evidence), and an answer of the wrong
type (a non-boolean, an item outside the menu, a non-number) raises
:class:`AgentProtocolError`, an :class:`~coherence.errors.InputError`. No fault ever turns
into an exploit. The overhead of a guarded call is a few microseconds (``benchmarks/probe.py``).
"""

from __future__ import annotations

import copy
import inspect
import numbers
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from coherence._exact import as_fraction
from coherence.agents._limits import CallTimedOut, call_with_limit
from coherence.agents._protocols import ARITY, PROTOCOLS, SIGNATURES, expected
from coherence.errors import AgentFaulted, AgentProtocolError, InputError, NotAnAgentError
from coherence.verdict import AgentFault

__all__ = ["Agent", "adapt"]


def _describe(obj: Any) -> str:
    name = getattr(obj, "__qualname__", None)
    if name:
        return str(name).rpartition("<locals>.")[2]
    if type(obj).__module__ == "builtins":
        shown = repr(obj)
        return shown if len(shown) <= 40 else shown[:37] + "..."
    return type(obj).__qualname__


def _call_repr(method: str, args: tuple[Any, ...]) -> str:
    shown = ", ".join(repr(a) if not isinstance(a, list) else repr(list(a)) for a in args)
    if len(shown) > 200:
        shown = shown[:197] + "..."
    return f"{method}({shown})"


@dataclass(eq=False)
class Agent:
    """A user's agent behind guarded, validated protocol calls (built by :func:`adapt`).

    Attributes:
        target: the agent object (or function) as given.
        protocol: the protocol probed, one of :data:`PROTOCOLS`.
        name: a short display name.
        timeout: per-call time limit in seconds (``None``: none).
        calls: number of calls made so far (all copies made by :meth:`fresh` share it).
    """

    target: Any
    protocol: str
    name: str
    timeout: float | None = 1.0
    factory: Callable[[], Any] | None = field(default=None, repr=False)
    _method: Callable[..., Any] | None = field(default=None, repr=False)
    _votes: Callable[..., Any] | None = field(default=None, repr=False)
    _pristine: Any = field(default=None, repr=False)
    _counter: list[int] = field(default_factory=lambda: [0], repr=False)

    @property
    def calls(self) -> int:
        return self._counter[0]

    @property
    def has_votes(self) -> bool:
        """Whether the agent reports committee votes (``votes(holding, offered)``)."""
        return self._votes is not None

    # ----------------------------------------------------------------- raw guarded call
    def call(self, method: str, *args: Any) -> Any:
        """Call the agent's ``method`` with a time limit; faults raise :class:`AgentFaulted`."""
        fn = self._votes if method == "votes" else self._method
        assert fn is not None
        self._counter[0] += 1
        try:
            return call_with_limit(fn, args, self.timeout)
        except CallTimedOut:
            what = _call_repr(method, args)
            raise AgentFaulted(
                AgentFault(
                    "timeout",
                    f"{self.name}: {what} did not answer within {self.timeout:g} s",
                    (f"{what} -> no answer after {self.timeout:g} s",),
                )
            ) from None
        except Exception as exc:
            what = _call_repr(method, args)
            raise AgentFaulted(
                AgentFault(
                    "raised",
                    f"{self.name}: {what} raised {type(exc).__name__}: {exc}",
                    (f"{what} -> {type(exc).__name__}: {exc}",),
                )
            ) from exc

    # ----------------------------------------------------------------- validated protocol
    def prefers(self, a: Hashable, b: Hashable) -> bool:
        """Guarded ``prefers(a, b)``; the answer must be a bool (numpy bools accepted)."""
        return _as_bool(self.call("prefers", a, b), "prefers", (a, b))

    def choose(self, menu: Sequence[Hashable]) -> Hashable:
        """Guarded ``choose(menu)`` (the agent gets a fresh list); the answer must be on it."""
        options = list(menu)
        ans = self.call("choose", list(options))
        try:
            ok = ans in options
        except Exception:
            ok = False
        if not ok:
            raise AgentProtocolError(
                f"{_call_repr('choose', (options,))} returned {ans!r}, which is not on the menu"
            )
        return options[options.index(ans)]

    def accept(self, holding: Hashable, offered: Hashable, price: Fraction) -> bool:
        """Guarded ``accept(holding, offered, price)``; the answer must be a bool."""
        return _as_bool(self.call("accept", holding, offered, price), "accept",
                        (holding, offered, price))

    def price(self, event: Any) -> Fraction:
        """Guarded ``price(event)`` as an exact Fraction; the answer must be a finite number."""
        ans = self.call("price", event)
        return _as_number(ans, "price", (event,))

    def act(self, problem: Any) -> Any:
        """Guarded ``act(problem)`` (the caller checks the action is available)."""
        return self.call("act", problem)

    def votes(self, holding: Hashable, offered: Hashable) -> dict[str, bool] | None:
        """Committee votes on a trade when the agent reports them, else ``None``."""
        if self._votes is None:
            return None
        ans = self.call("votes", holding, offered)
        if not isinstance(ans, Mapping):
            what = _call_repr("votes", (holding, offered))
            raise AgentProtocolError(f"{what} returned {ans!r}, expected a mapping member -> bool")
        return {str(k): _as_bool(v, "votes", (holding, offered), f"[{k!r}]")
                for k, v in ans.items()}

    # ----------------------------------------------------------------- copies
    def fresh(self) -> Agent:
        """A copy in the agent's initial state (for stateful probing).

        Uses the zero-argument factory when the agent was given as one (or as a class), else a
        deep copy of the agent as it was when adapted; an agent that cannot be copied is
        shared (its memory then carries over between runs).
        """
        if self.factory is not None:
            try:
                obj = call_with_limit(self.factory, (), self.timeout)
            except CallTimedOut:
                raise AgentFaulted(
                    AgentFault("timeout", f"{self.name}: the factory did not return in time")
                ) from None
            except Exception as exc:
                raise AgentFaulted(
                    AgentFault(
                        "raised",
                        f"{self.name}: the factory raised {type(exc).__name__}: {exc}",
                    )
                ) from exc
        elif self._pristine is not None:
            try:
                obj = copy.deepcopy(self._pristine)
            except Exception:
                obj = self.target
        else:
            obj = self.target
        return _bind(obj, self.protocol, self.name, self.timeout, self.factory, self._pristine,
                     self._counter)


def _as_bool(ans: Any, method: str, args: tuple[Any, ...], suffix: str = "") -> bool:
    if ans is True or ans is False:
        return ans
    if isinstance(ans, np.bool_):
        return bool(ans)
    what = _call_repr(method, args) + suffix
    raise AgentProtocolError(f"{what} returned {ans!r}, expected True or False")


def _as_number(ans: Any, method: str, args: tuple[Any, ...]) -> Fraction:
    if isinstance(ans, bool) or not isinstance(ans, numbers.Real):
        raise AgentProtocolError(
            f"{_call_repr(method, args)} returned {ans!r}, expected a number"
        )
    try:
        if isinstance(ans, numbers.Rational):
            if isinstance(ans, Fraction):
                return ans
            return Fraction(int(ans.numerator), int(ans.denominator))
        return as_fraction(float(ans), what="answer")  # the number policy's reading
    except (ValueError, OverflowError, TypeError, InputError):
        raise AgentProtocolError(
            f"{_call_repr(method, args)} returned {ans!r}, expected a finite number"
        ) from None


def _bind(obj: Any, protocol: str, name: str, timeout: float | None,
          factory: Callable[[], Any] | None, pristine: Any, counter: list[int]) -> Agent:
    method = obj if _is_plain_callable(obj) else getattr(obj, protocol, None)
    if not callable(method):
        raise NotAnAgentError(f"{name} has no method {SIGNATURES[protocol]}")
    votes = getattr(obj, "votes", None) if protocol == "accept" else None
    return Agent(obj, protocol, name, timeout, factory, method,
                 votes if callable(votes) else None, pristine, counter)


def _is_plain_callable(obj: Any) -> bool:
    return inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isbuiltin(obj) or (
        callable(obj) and not any(callable(getattr(obj, p, None)) for p in PROTOCOLS)
        and not isinstance(obj, type)
    )


def _required_positional(fn: Callable[..., Any]) -> int | None:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    params = list(sig.parameters.values())
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return None
    return sum(1 for p in params if p.kind in kinds and p.default is inspect.Parameter.empty)


def _protocol_of_object(obj: Any, protocol: str | None, name: str) -> str:
    if protocol is not None:
        if not callable(getattr(obj, protocol, None)):
            raise NotAnAgentError(f"{name} is not an agent: expected {expected(protocol)}")
        return protocol
    for p in PROTOCOLS:
        if callable(getattr(obj, p, None)):
            return p
    raise NotAnAgentError(f"{name} is not an agent: expected {expected()}")


def adapt(obj: Any, *, protocol: str | None = None, timeout: float | None = 1.0,
          name: str | None = None) -> Agent:
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
        timeout: per-call time limit in seconds (``None`` for no limit).
        name: display name (defaults to the object's qualified name).

    Raises:
        NotAnAgentError: the object offers no protocol method; the message names them.
        InputError: bad ``protocol`` or ``timeout``; a factory or constructor that raises.

    O(1), plus one call of a class or factory and a deep copy of a trader.

    >>> class Sweet:
    ...     def prefers(self, a, b):
    ...         return len(a) > len(b)
    >>> agent = adapt(Sweet())
    >>> agent.protocol, agent.name, agent.prefers("cake", "pie"), agent.calls
    ('prefers', 'Sweet', True, 1)
    >>> adapt(lambda holding, offered, price: price <= 0).protocol
    'accept'
    """
    if isinstance(obj, Agent):
        if protocol is not None and protocol != obj.protocol:
            return adapt(obj.target, protocol=protocol, timeout=timeout, name=name or obj.name)
        return obj
    if protocol is not None and protocol not in PROTOCOLS:
        raise InputError(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    if timeout is not None and (not isinstance(timeout, int | float) or not timeout > 0):
        raise InputError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    label = name or _describe(obj)
    counter = [0]
    if isinstance(obj, type):  # a class: instantiate with no arguments
        proto = _protocol_of_object(obj, protocol, label)
        instance = _construct(obj, label, timeout)
        return _bind(instance, proto, label, timeout, obj, None, counter)
    if any(callable(getattr(obj, p, None)) for p in PROTOCOLS) and not inspect.isroutine(obj):
        proto = _protocol_of_object(obj, protocol, label)
        try:
            pristine = copy.deepcopy(obj) if proto == "accept" else None
        except Exception:
            pristine = None
        return _bind(obj, proto, label, timeout, None, pristine, counter)
    if callable(obj):
        return _adapt_callable(obj, protocol, label, timeout, counter)
    raise NotAnAgentError(
        f"{label} (a {type(obj).__name__}) is not an agent: expected {expected()}"
    )


def _adapt_callable(fn: Callable[..., Any], protocol: str | None, label: str,
                    timeout: float | None, counter: list[int]) -> Agent:
    """A plain function (the protocol told by its name or arity) or a zero-argument factory."""
    fn_name = getattr(fn, "__name__", "")
    arity = _required_positional(fn)
    if protocol is None and fn_name in PROTOCOLS:
        protocol = fn_name
    if protocol is None and arity == 0:  # a zero-argument factory
        instance = _construct(fn, label, timeout)
        if callable(instance) and _required_positional(instance) == 0:
            raise NotAnAgentError(
                f"{label} returned another zero-argument callable, not an agent: "
                f"expected {expected()}"
            )
        inner = adapt(instance, timeout=timeout, name=label)
        return _bind(inner.target, inner.protocol, label, timeout, fn, None, counter)
    if protocol is None:
        by_arity = {2: "prefers", 3: "accept"}
        if arity not in by_arity:
            raise NotAnAgentError(
                f"cannot tell which protocol the function {label} implements from its "
                f"signature: name it after one of {', '.join(PROTOCOLS)} or pass protocol="
            )
        protocol = by_arity[arity]
    if arity is not None and arity > ARITY[protocol]:
        raise NotAnAgentError(
            f"{label} needs {arity} arguments but {SIGNATURES[protocol]} passes "
            f"{ARITY[protocol]}"
        )
    return Agent(fn, protocol, label, timeout, None, fn, None, None, counter)


def _construct(factory: Callable[[], Any], label: str, timeout: float | None) -> Any:
    try:
        return call_with_limit(factory, (), timeout if timeout is None else max(timeout, 10.0))
    except CallTimedOut:
        raise InputError(f"{label}() did not return in time") from None
    except TypeError as exc:
        raise InputError(f"cannot create the agent with {label}(): {exc}") from None
    except Exception as exc:
        raise InputError(f"{label}() raised {type(exc).__name__}: {exc}") from None
