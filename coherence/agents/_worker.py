"""What both isolations share: recognising the agent's shape (:func:`build`), calling it and
reading its answers into plain values (:class:`Local`), and loading ``MODULE:OBJECT``
targets.

This module imports only the standard library: the worker process
(:mod:`coherence.agents._serve`, run by path) loads it by path too, so a worker starts in a
few tens of milliseconds without importing :mod:`coherence`; the in-process mode imports it
as a module and uses the same :func:`build` and :class:`Local`, so both modes see an agent
alike.

Answers leave :meth:`Local.ask` as plain values (``bool``, ``int``, ``float``, ``str``,
:class:`~fractions.Fraction`, tuples, lists, dicts): the position of a chosen item on the
menu, the number a bettor named, the position of an act. Anything else the agent does (an
exception of any kind, ``SystemExit`` included, or an answer outside the protocol) becomes a
:class:`Fault` or an :class:`Invalid`; what the process itself does (exit, crash, hang) is
seen by the parent, which kills it.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import importlib.util
import inspect
import math
import numbers
import os
import sys
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

#: protocol method names (contract), in the order :func:`build` tries them
PROTOCOLS: tuple[str, ...] = ("prefers", "choose", "accept", "price", "act")

#: the signature of each protocol method, as error messages show it
SIGNATURES: dict[str, str] = {
    "prefers": "prefers(a, b) -> bool",
    "choose": "choose(menu) -> item",
    "accept": "accept(holding, offered, price) -> bool",
    "price": "price(event) -> number",
    "act": "act(problem) -> action",
}

#: how many positional arguments each protocol method is passed
ARITY: dict[str, int] = {"prefers": 2, "choose": 1, "accept": 3, "price": 1, "act": 1}

#: the prefix of the private module names that ``file.py`` targets are imported under
FILE_MODULE = "_coherence_target_"


class NotAgent(Exception):
    """The object offers no protocol method (the parent raises ``NotAnAgentError``)."""


class BadInput(Exception):
    """The user's own input is wrong: a missing file, attribute or argument (exit 2)."""


class Invalid(Exception):
    """An answer outside the protocol (the parent's ``AgentFault("invalid")``)."""


class Fault(Exception):
    """The agent misbehaved: ``reason`` and ``message`` of an ``AgentFault``, and evidence."""

    def __init__(self, reason: str, message: str, evidence: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.reason, self.message, self.evidence = reason, message, evidence


OURS = (NotAgent, BadInput, Invalid, Fault)


def expected(protocol: str | None = None) -> str:
    """What an agent must offer, for error messages: one method, or any of them. O(1)."""
    if protocol is not None:
        return f"a method {SIGNATURES[protocol]}"
    return "one of the methods " + ", ".join(SIGNATURES[p] for p in PROTOCOLS)


def shown(value: Any, limit: int = 200) -> str:
    """``repr(value)``, cut to ``limit`` characters; never raises (the agent's ``__repr__``
    may). O(len of the repr)."""
    try:
        text = repr(list(value)) if type(value) is list else repr(value)
    except BaseException:
        text = f"<unprintable {type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def said(exc: BaseException) -> str:
    """``TypeName: message`` of an exception, never raising. O(len of the message)."""
    try:
        text = str(exc)
    except BaseException:
        text = "<unprintable message>"
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def call_repr(method: str, args: tuple[Any, ...]) -> str:
    """``method(arg, ...)`` as error messages show a call, at most 200 characters."""
    text = ", ".join(shown(a, 100) for a in args)
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{method}({text})"


def describe(obj: Any) -> str:
    """A short display name for an agent. O(1)."""
    name = getattr(obj, "__qualname__", None)
    if isinstance(name, str) and name:
        return name.rpartition("<locals>.")[2]
    if type(obj).__module__ == "builtins":
        return shown(obj, 40)
    return type(obj).__qualname__


# ------------------------------------------------------------------------- answers read
def _bool(ans: Any, what: str) -> bool:
    if ans is True or ans is False:
        return ans
    kind = type(ans)
    if kind.__module__ == "numpy" and kind.__name__ in ("bool_", "bool"):
        return bool(ans)
    raise Invalid(f"{what} returned {shown(ans)}, expected True or False")


def _number(ans: Any, what: str) -> Any:
    """A Fraction, an int or a finite float (the parent reads floats by its number policy)."""
    if isinstance(ans, bool) or not isinstance(ans, numbers.Real):
        raise Invalid(f"{what} returned {shown(ans)}, expected a number")
    if isinstance(ans, Fraction):
        return ans
    if isinstance(ans, numbers.Integral):
        return int(ans)
    if isinstance(ans, numbers.Rational):
        return Fraction(int(ans.numerator), int(ans.denominator))
    x = float(ans)
    if not math.isfinite(x):
        raise Invalid(f"{what} returned {shown(ans)}, expected a finite number")
    return x


def _position(ans: Any, options: list[Any], what: str, missing: str) -> int:
    try:
        return options.index(ans)
    except ValueError:
        raise Invalid(f"{what} returned {shown(ans)}, {missing}") from None


def _action(ans: Any, problem: Any) -> Any:
    """An act as ``("act", position)`` or a mixed policy as ``("mixed", ((position, p), ...))``."""
    acts = list(problem.acts)
    what = "act(problem)"
    if isinstance(ans, Mapping):
        mixed = tuple((_position(a, acts, what, f"which names an unknown act {shown(a)}"),
                       _number(w, f"{what} [{shown(a)}]")) for a, w in ans.items())
        return ("mixed", mixed)
    return ("act", _position(ans, acts, what, "which is not a policy of the problem"))


def _votes(ans: Any, what: str) -> dict[str, bool]:
    if not isinstance(ans, Mapping):
        raise Invalid(f"{what} returned {shown(ans)}, expected a mapping member -> bool")
    return {str(k): _bool(v, f"{what}[{shown(k)}]") for k, v in ans.items()}


class Local:
    """One instance of a user's agent in this process, answering protocol questions.

    ``ask(method, args)`` calls it and returns the answer as a plain value (see the module
    docstring); a raising agent (any ``BaseException`` except those in ``passthrough``, which
    the in-process time limit uses) is a :class:`Fault`, an answer outside the protocol an
    :class:`Invalid`. O(1) per question plus the agent's own time.
    """

    def __init__(self, obj: Any, protocol: str, name: str, *, factory: Any = None,
                 pristine: Any = None, ident: str = "",
                 passthrough: tuple[type[BaseException], ...] = ()) -> None:
        self.obj, self.protocol, self.name = obj, protocol, name
        self.factory, self.pristine, self.ident = factory, pristine, ident
        self.passthrough = passthrough
        method = obj if _is_plain_callable(obj) else getattr(obj, protocol, None)
        if not callable(method):
            raise Fault("invalid", f"{name}: {shown(obj, 60)} has no method "
                        f"{SIGNATURES[protocol]}")
        self.method: Callable[..., Any] = method
        votes = getattr(obj, "votes", None) if protocol == "accept" else None
        self.votes: Callable[..., Any] | None = votes if callable(votes) else None

    def meta(self) -> dict[str, Any]:
        """What the parent needs to know of the agent (plain values)."""
        return {"protocol": self.protocol, "name": self.name, "has_votes": self.votes is not None,
                "ident": self.ident, "by_factory": self.factory is not None}

    def ask(self, method: str, args: tuple[Any, ...]) -> Any:
        """The agent's answer to ``method(*args)``, read into a plain value."""
        try:
            if method == "votes":
                if self.votes is None:
                    return None
                return _votes(self.votes(*args), call_repr(method, args))
            if method == "choose":
                options = list(args[0])
                ans = self.method(list(options))
                return _position(ans, options, call_repr(method, (options,)),
                                 "which is not on the menu")
            ans = self.method(*args)
            if method == "price":
                return _number(ans, call_repr(method, args))
            if method == "act":
                return _action(ans, args[0])
            return _bool(ans, call_repr(method, args))
        except self.passthrough:
            raise
        except OURS:
            raise
        except BaseException as exc:
            what = call_repr(method, args)
            raise Fault("raised", f"{self.name}: {what} raised {said(exc)}",
                        (f"{what} -> {said(exc)}",)) from None

    def fresh(self) -> Local:
        """An instance in the agent's initial state: a new one from the class or factory, a
        deep copy of a trader as it was first seen, else this very object (shared)."""
        if self.factory is not None:
            obj = _construct(self.factory, self.name, self.passthrough, fresh=True)
        elif self.pristine is not None:
            try:
                obj = copy.deepcopy(self.pristine)
            except self.passthrough:
                raise
            except BaseException:
                obj = self.obj
        else:
            obj = self.obj
        return Local(obj, self.protocol, self.name, factory=self.factory,
                     pristine=self.pristine, ident=self.ident, passthrough=self.passthrough)


# ------------------------------------------------------------------------- shapes
def _is_plain_callable(obj: Any) -> bool:
    return inspect.isfunction(obj) or inspect.ismethod(obj) or inspect.isbuiltin(obj) or (
        callable(obj) and not _offers_any(obj) and not isinstance(obj, type)
    )


def _offers_any(obj: Any) -> bool:
    return any(callable(getattr(obj, p, None)) for p in PROTOCOLS)


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


def _protocol_of(obj: Any, protocol: str | None, name: str) -> str:
    if protocol is not None:
        if not callable(getattr(obj, protocol, None)):
            raise NotAgent(f"{name} is not an agent: expected {expected(protocol)}")
        return protocol
    for p in PROTOCOLS:
        if callable(getattr(obj, p, None)):
            return p
    raise NotAgent(f"{name} is not an agent: expected {expected()}")


def _construct(factory: Callable[[], Any], label: str,
               passthrough: tuple[type[BaseException], ...], fresh: bool = False) -> Any:
    try:
        return factory()
    except passthrough:
        raise
    except TypeError as exc:
        if fresh:
            raise Fault("raised", f"{label}: the factory raised {said(exc)}") from None
        raise BadInput(f"cannot create the agent with {label}(): {said(exc)}") from None
    except BaseException as exc:
        what = "the factory" if fresh else f"{label}()"
        raise Fault("raised", f"{label}: {what} raised {said(exc)}",
                    (f"{label}() -> {said(exc)}",)) from None


def _ident(obj: Any, protocol: str) -> str:
    """``module.qualname`` of what defines the agent (the Hypothesis database key)."""
    owner = obj if isinstance(obj, type) or (callable(obj) and not hasattr(obj, protocol)) \
        else type(obj)
    return f"{getattr(owner, '__module__', '')}.{getattr(owner, '__qualname__', '')}"


def build(obj: Any, protocol: str | None = None, name: str | None = None,
          passthrough: tuple[type[BaseException], ...] = ()) -> Local:
    """Recognise the agent's shape (object, class, factory or function; see
    :func:`coherence.agents.adapt`) and make its first instance. O(1) plus one call of a
    class or factory and a deep copy of a trader."""
    if protocol is not None and protocol not in PROTOCOLS:
        raise BadInput(f"unknown protocol {protocol!r}; expected one of {', '.join(PROTOCOLS)}")
    label = name or describe(obj)
    try:
        return _build(obj, protocol, label, passthrough)
    except passthrough:
        raise
    except OURS:
        raise
    except BaseException as exc:  # the agent's __getattr__, __init_subclass__, ...
        raise Fault("raised", f"{label}: looking at the agent raised {said(exc)}") from None


def _build(obj: Any, protocol: str | None, label: str,
           passthrough: tuple[type[BaseException], ...]) -> Local:
    if isinstance(obj, type):  # a class: instantiated with no arguments
        proto = _protocol_of(obj, protocol, label)
        instance = _construct(obj, label, passthrough)
        return Local(instance, proto, label, factory=obj, ident=_ident(obj, proto),
                     passthrough=passthrough)
    if _offers_any(obj) and not inspect.isroutine(obj):
        proto = _protocol_of(obj, protocol, label)
        try:
            pristine = copy.deepcopy(obj) if proto == "accept" else None
        except passthrough:
            raise
        except BaseException:
            pristine = None
        return Local(obj, proto, label, pristine=pristine, ident=_ident(obj, proto),
                     passthrough=passthrough)
    if callable(obj):
        return _from_callable(obj, protocol, label, passthrough)
    raise NotAgent(f"{label} (a {type(obj).__name__}) is not an agent: expected {expected()}")


def _from_callable(fn: Callable[..., Any], protocol: str | None, label: str,
                   passthrough: tuple[type[BaseException], ...]) -> Local:
    """A plain function (the protocol told by its name or arity) or a zero-argument factory."""
    fn_name = getattr(fn, "__name__", "")
    arity = _required_positional(fn)
    if protocol is None and fn_name in PROTOCOLS:
        protocol = fn_name
    if protocol is None and arity == 0:  # a zero-argument factory
        instance = _construct(fn, label, passthrough)
        if callable(instance) and _required_positional(instance) == 0:
            raise NotAgent(f"{label} returned another zero-argument callable, not an agent: "
                           f"expected {expected()}")
        inner = _build(instance, None, label, passthrough)
        return Local(inner.obj, inner.protocol, label, factory=fn,
                     ident=_ident(fn, inner.protocol), passthrough=passthrough)
    if protocol is None:
        by_arity = {2: "prefers", 3: "accept"}
        if arity not in by_arity:
            raise NotAgent(f"cannot tell which protocol the function {label} implements from "
                           f"its signature: name it after one of {', '.join(PROTOCOLS)} or "
                           "pass protocol=")
        protocol = by_arity[arity]
    if arity is not None and arity > ARITY[protocol]:
        raise NotAgent(f"{label} needs {arity} arguments but {SIGNATURES[protocol]} passes "
                       f"{ARITY[protocol]}")
    return Local(fn, protocol, label, ident=_ident(fn, protocol), passthrough=passthrough)


# ------------------------------------------------------------------------- targets
def file_module_name(path: str) -> str:
    """The private, stable module name a ``.py`` file is imported under. O(len(path))."""
    digest = hashlib.sha1(os.path.realpath(path).encode("utf-8", "surrogatepass")).hexdigest()
    return FILE_MODULE + digest[:16]


def is_file_spec(spec: str) -> bool:
    """Whether a module spec names a file (``.py``, or a path) rather than a dotted module."""
    return spec.endswith(".py") or "/" in spec or "\\" in spec


def target_folders(path: str) -> list[str]:
    """The folders a target file at ``path`` imports from, first first: its own folder (for
    its sibling modules), the folder above its package when it lies in one (pytest's rule:
    the first ancestor without an ``__init__.py``, for ``from package.sibling import ...``)
    and the working folder (as ``python -m`` and uvicorn). O(depth of the package)."""
    folder = os.path.dirname(os.path.realpath(path))
    root = folder
    while os.path.isfile(os.path.join(root, "__init__.py")) and os.path.dirname(root) != root:
        root = os.path.dirname(root)
    found: list[str] = []
    for place in (folder, root, os.getcwd()):
        if place not in found:
            found.append(place)
    return found


def import_file(path: str, name: str | None = None, reuse: bool = False) -> Any:
    """Import the file at ``path`` under a private name (the :func:`target_folders` first on
    ``sys.path``, so that it imports its sibling modules), afresh unless ``reuse``; raises
    :class:`BadInput` when there is no such file and lets the module's own exceptions
    through. O(the import)."""
    if not os.path.isfile(path):
        raise BadInput(f"{path}: no such file" if not os.path.exists(path)
                       else f"{path}: not a file")
    real = os.path.realpath(path)
    name = name or file_module_name(path)
    if reuse and name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, real)
    if spec is None or spec.loader is None:
        raise BadInput(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    at = 0
    for folder in target_folders(real):
        if folder not in sys.path:
            sys.path.insert(at, folder)
            at += 1
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def import_spec(spec: str) -> Any:
    """Import a module by dotted name (the working folder on ``sys.path``) or by file path.

    A :class:`BadInput` for a file that does not exist or a module that cannot be found; a
    :class:`Fault` for a module whose own code fails (any exception, ``SystemExit``
    included). O(the import)."""
    try:
        if is_file_spec(spec):
            return import_file(spec)
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            return importlib.import_module(spec)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (spec == exc.name or spec.startswith(exc.name + ".")):
                raise BadInput(f"cannot import {spec!r}: {said(exc)}") from None
            raise
    except OURS:
        raise
    except BaseException as exc:
        if getattr(exc, "passes_through", False):  # the CLI's guard refused an os._exit
            raise
        raise Fault("raised", f"{spec}: import failed: {said(exc)}",
                    (f"import {spec} -> {said(exc)}",)) from None


def split_target(target: str) -> tuple[str, str]:
    """``MODULE:OBJECT`` split in two; :class:`BadInput` when it is not of that form."""
    mod_spec, sep, attr = target.rpartition(":")
    if not sep or not mod_spec or not attr:
        raise BadInput(f"target must be MODULE:OBJECT, got {target!r}")
    return mod_spec, attr


def load_target(target: str) -> tuple[Any, Any]:
    """``(module, object)`` for ``MODULE:OBJECT`` (``OBJECT`` may be dotted). O(the import)."""
    mod_spec, attr = split_target(target)
    module = import_spec(mod_spec)
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise BadInput(f"{mod_spec} has no attribute {attr!r}") from None
        except BaseException as exc:
            raise Fault("raised", f"{target}: looking up {attr} raised {said(exc)}") from None
    return module, obj


def _plain(x: Any) -> bool:
    if x is None or type(x) in (str, int, float, bool, Fraction):
        return True
    if type(x) in (tuple, frozenset):
        return all(_plain(v) for v in x)
    return False


def encode_items(items: Any) -> list[tuple[str, Any]]:
    """A module's ``ITEMS`` as plain values the parent can read: ``("p", label)`` or, for a
    decision problem, ``("d", its JSON)``. O(size)."""
    try:
        listed = list(items)
    except BaseException as exc:
        raise Fault("raised", f"listing ITEMS raised {said(exc)}") from None
    out = []
    for x in listed:
        if _plain(x):
            out.append(("p", x))
        elif type(x).__name__ == "DecisionProblem" and callable(getattr(x, "to_json", None)):
            out.append(("d", x.to_json()))
        else:
            raise BadInput(f"ITEMS holds {shown(x, 60)}, which cannot leave the agent's "
                           "process: use plain labels (strings, numbers, tuples) or run the "
                           "agent in-process (--isolation none)")
    return out
