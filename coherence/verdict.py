"""Verdicts and certificates: the spine of every check.

Every checker answers one question with a :class:`Verdict` holding one of two
certificates: an *exploit* (a money pump, a Dutch book, a dominating policy, ...) or a
*coherence certificate* (a utility, a prior, an order, ...) that rules every exploit out.
Both kinds can be re-checked independently with :meth:`Certificate.verify`, which uses
exact arithmetic only (integers, :class:`fractions.Fraction`, or error-free float
transformations).
"""

from __future__ import annotations

import contextlib
import importlib
import json
from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Literal, TypeVar

from coherence.errors import CertificationError, InputError

__all__ = [
    "AgentFault",
    "Certificate",
    "Evidence",
    "Verdict",
    "from_json",
    "jsonable",
    "label_from_json",
    "label_to_json",
    "verified",
]

Status = Literal["coherent", "exploitable", "no_exploit_found", "fault"]
C = TypeVar("C", bound="Certificate")


def label_to_json(label: Hashable) -> Any:
    """A JSON-friendly form of an item label (str/int/float/bool kept, else ``str``). O(size).

    >>> label_to_json(("a", 1)), label_to_json(frozenset())
    (['a', 1], 'frozenset()')
    """
    if isinstance(label, bool | int | str) or label is None:
        return label
    if isinstance(label, float):
        return label
    if isinstance(label, tuple):
        return [label_to_json(x) for x in label]
    return str(label)


def label_from_json(label: Any) -> Hashable:
    """Undo :func:`~coherence.verdict.label_to_json` as far as JSON allows: lists become
    tuples (recursively), so labels stay hashable; objects are refused. O(size of the label).

    >>> label_from_json(["a", [1, 2]]), label_from_json("w0")
    (('a', (1, 2)), 'w0')
    """
    if isinstance(label, list | tuple):
        return tuple(label_from_json(x) for x in label)
    if label is None or isinstance(label, bool | int | float | str):
        return label
    raise InputError(f"a label must be a string, number, boolean, null or list, got {label!r}")


def jsonable(value: Any) -> Any:
    """Convert numbers, Fractions, numpy scalars, tuples and mappings into JSON values.

    Fractions become strings ``"p/q"`` (or ``"p"`` when integral) so nothing is rounded. O(size).

    >>> from fractions import Fraction
    >>> jsonable({"u": (Fraction(1, 3), 2), 3: float("nan")})
    {'u': ['1/3', 2], '3': 'nan'}
    """
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, Mapping):
        return {str(label_to_json(k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    # numpy scalars and arrays, without importing numpy here
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    return str(value)


_KINDS: dict[str, type[Certificate] | type[Evidence]] = {}
#: the packages whose certificate and evidence classes register kinds here, loaded by
#: :func:`from_json` when it meets a kind not registered yet
_CHECKER_PACKAGES = ("coherence.relations", "coherence.budgets", "coherence.beliefs",
                     "coherence.decisions", "coherence.agents", "coherence.subagents",
                     "coherence.stochastic")


def _register_kind(cls: type[Certificate] | type[Evidence]) -> None:
    kind = cls.__dict__.get("kind")
    if kind is None or getattr(cls, "__abstractmethods__", None):
        return
    other = _KINDS.get(kind)
    same = other is not None and (other.__module__, other.__qualname__) == (
        cls.__module__,
        cls.__qualname__,
    )  # the same class defined again (a module reloaded)
    if other is not None and not same:
        raise TypeError(f"certificate kind {kind!r} is used by {other.__qualname__} already")
    _KINDS[kind] = cls


#: what a malformed document can make a reader, a ``verify`` or an ``explain`` raise
_MALFORMED = (
    KeyError,
    TypeError,
    ValueError,
    IndexError,
    AttributeError,
    ArithmeticError,
    RecursionError,
)


def _canonical(doc: Any) -> Any:
    """``doc`` as it reads back from JSON text (tuples become lists, keys strings)."""
    return json.loads(json.dumps(doc, allow_nan=False))


def from_json(doc: Mapping[str, Any]) -> Certificate | Evidence:
    """Read a certificate or an evidence record back from its :meth:`to_json` form.

    Dispatches on ``doc["kind"]`` to the class that registered that kind (every concrete
    subclass does, on definition), then checks the document is the one the rebuilt object
    writes: every field the document states must agree with what the certificate implies
    (a pump's fees, a book's payoffs, a committee's votes), and the rebuilt object must
    verify and explain itself without error. So a tampered document is either refused or
    reads back as a certificate that fails :meth:`~Certificate.verify`; never as one that
    verifies while claiming something else. Anything malformed raises
    :class:`~coherence.errors.InputError`. O(size of the document + cost of ``verify``).

    >>> from coherence import PreferenceRelation, check
    >>> v = check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")]))
    >>> from_json(v.certificate.to_json()).verify()
    True
    """
    if not isinstance(doc, Mapping) or not isinstance(doc.get("kind"), str):
        raise InputError("a certificate document is a JSON object with a string 'kind'")
    kind = doc["kind"]
    cls = _KINDS.get(kind)
    if cls is None:  # the defining package may not be loaded yet (``coherence`` loads lazily)
        for package in _CHECKER_PACKAGES:
            importlib.import_module(package)
        cls = _KINDS.get(kind)
    if cls is None:
        raise InputError(
            f"unknown certificate kind {kind!r} (kinds defined by other packages, such "
            "as subagents' committee pumps, are known once that package is imported)"
        )
    try:
        held = cls._from_json(doc)
        if isinstance(held, Certificate) and held.verify() is True:
            _mark_verified(held)  # a verdict made of it need not check it again
        held.explain()
        written, given = _canonical(held.to_json()), _canonical(dict(doc))
    except InputError:
        raise
    except _MALFORMED as exc:
        what = f"{type(exc).__name__}: {exc}"
        raise InputError(f"malformed {kind!r} document: {what}"[:300]) from None
    differ = sorted(k for k in given if k in written and given[k] != written[k])
    if differ:
        raise InputError(
            f"{kind!r} document contradicts itself: {', '.join(differ)} "
            "do(es) not follow from the rest"
        )
    return held


class Certificate(ABC):
    """A claim anyone can re-check: an exploit, or a rationalisation that rules every exploit out.

    Subclasses set :attr:`kind` (the JSON ``"kind"``, unique) and :attr:`exploit` (``True``
    for an exploit certificate, ``False`` for a coherence certificate), and implement
    :meth:`verify`, :meth:`explain`, :meth:`to_json` and ``_from_json``. Defining a concrete
    subclass registers its kind with :func:`from_json`.
    """

    kind: ClassVar[str] = "certificate"
    exploit: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _register_kind(cls)

    @abstractmethod
    def verify(self) -> bool:
        """Re-check the certificate in exact arithmetic; ``True`` iff it is valid."""

    @abstractmethod
    def explain(self) -> str:
        """A plain-text account that a person can follow."""

    @abstractmethod
    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict with at least ``{"kind": self.kind}``."""

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Certificate:
        """Read a certificate back from :meth:`to_json` (any registered kind)."""
        out = from_json(doc)
        if not isinstance(out, cls):
            raise InputError(f"a {doc.get('kind')!r} document is not a {cls.__name__}")
        return out

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> Certificate:
        raise InputError(f"{cls.__name__} certificates cannot be read back from JSON")


class Evidence(ABC):
    """An observation that settles nothing: no claim about coherence, so nothing to verify.

    A probe that found no exploit within its budget, or an agent that misbehaved, yields
    evidence rather than a certificate. :attr:`passed` says whether the check passed (no
    exploit was found: CLI exit status 0) or could not be run (agent fault: exit status 3).
    """

    kind: ClassVar[str] = "evidence"
    passed: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _register_kind(cls)

    @abstractmethod
    def explain(self) -> str:
        """A plain-text account that a person can follow."""

    @abstractmethod
    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict with at least ``{"kind": self.kind}``."""

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Evidence:
        """Read an evidence record back from :meth:`to_json` (any registered kind)."""
        out = from_json(doc)
        if not isinstance(out, cls):
            raise InputError(f"a {doc.get('kind')!r} document is not a {cls.__name__}")
        return out

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> Evidence:
        raise InputError(f"{cls.__name__} records cannot be read back from JSON")


@dataclass(frozen=True)
class AgentFault(Evidence):
    """The probed agent misbehaved, so nothing can be concluded (CLI exit status 3).

    ``reason`` is one of ``"raised"`` (any exception, ``SystemExit`` and other
    ``BaseException`` subclasses included), ``"exited"`` (the worker process ended: ``os._exit``,
    a signal, a crash), ``"timeout"``, ``"inconsistent"`` (the same question answered two
    ways, both answers shown) or ``"invalid"`` (an answer of the wrong type); ``evidence``
    holds the calls and answers that show it, and the tail of the agent's own output.
    """

    reason: str
    message: str
    evidence: tuple[Any, ...] = ()

    kind: ClassVar[str] = "agent_fault"
    passed: ClassVar[bool] = False

    def explain(self) -> str:
        lines = [f"Agent fault ({self.reason}): {self.message}"]
        lines += [f"  evidence: {e}" for e in self.evidence]
        lines.append("Nothing can be concluded about coherence from a faulty agent.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "reason": self.reason,
            "message": self.message,
            "evidence": jsonable(self.evidence),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> AgentFault:
        return cls(str(doc["reason"]), str(doc["message"]), tuple(doc.get("evidence", ())))


def verified(certificate: C, what: str = "") -> C:
    """Return ``certificate`` after checking it exactly; raise :class:`CertificationError` if not.

    The one verify-or-raise guard: every certificate a checker reports passes through it
    (or through :meth:`Verdict.certify`, which calls it). Certificates are immutable, so the
    guard checks each object once and remembers it: a checker that verifies a certificate on
    the way out and the verdict that wraps it cost one verification, not two (calling
    :meth:`Certificate.verify` yourself always checks again). O(cost of ``verify``), O(1) the
    second time.

    >>> from coherence import PreferenceRelation, check
    >>> cert = check(PreferenceRelation.from_pairs([("a", "b")])).certificate
    >>> verified(cert) is cert
    True
    """
    if not isinstance(certificate, Certificate):
        raise TypeError(f"expected a Certificate, got {type(certificate).__name__}")
    if getattr(certificate, _VERIFIED, None) == id(certificate):
        return certificate
    if certificate.verify() is not True:
        label = f"{what}: " if what else ""
        raise CertificationError(
            f"{label}the {certificate.kind} certificate does not verify exactly"
        )
    _mark_verified(certificate)
    return certificate


#: the attribute :func:`verified` sets on a certificate it has checked (not a dataclass field);
#: it holds the object's ``id``, so a copy (``copy.copy``, unpickling) is checked afresh
_VERIFIED = "_verified_exactly"


def _mark_verified(certificate: Certificate) -> None:
    with contextlib.suppress(AttributeError, TypeError):  # __slots__: simply checked again
        object.__setattr__(certificate, _VERIFIED, id(certificate))


@dataclass(frozen=True)
class Verdict:
    """The answer of a check: coherent or not, with the certificate that proves it.

    Make one with :meth:`certify` (a certificate, verified exactly on the way in) or
    :meth:`inconclusive` (evidence that settles nothing); ``coherent`` follows from what is
    held, never from a flag set by hand.

    Attributes:
        coherent: ``True`` when the check passed: a coherence certificate, or no exploit found.
        certificate: the exploit or coherence :class:`Certificate` (``.verify()`` re-checks
            it), or, for an inconclusive verdict, the :class:`Evidence` observed.
        subject: a short name of what was checked, e.g. ``"preference relation"``.
        quantities: degree-of-incoherence numbers that come *with* the verdict (never instead).

    >>> from coherence import PreferenceRelation, check
    >>> v = check(PreferenceRelation.from_pairs([("rock", "paper"), ("paper", "rock")]))
    >>> v.status, v.exit_code, v.verify()
    ('coherent', 0, True)
    """

    coherent: bool
    certificate: Certificate | Evidence
    subject: str = ""
    quantities: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "coherent", bool(self.coherent))
        held = self.certificate
        if isinstance(held, Evidence):
            if self.coherent != held.passed:
                raise ValueError(f"coherent={self.coherent} contradicts {held.kind} evidence")
        elif isinstance(held, Certificate):
            if self.coherent == held.exploit:
                raise ValueError(f"coherent={self.coherent} contradicts a {held.kind} certificate")
        else:
            raise TypeError(f"a verdict holds a Certificate or Evidence, not {type(held).__name__}")

    @classmethod
    def certify(cls, certificate: Certificate, subject: str = "", **quantities: Any) -> Verdict:
        """The verdict a certificate proves, after verifying it exactly.

        Raises :class:`~coherence.errors.CertificationError` when ``certificate.verify()`` is
        false: an unverified certificate is never reported. O(cost of ``verify``).
        """
        verified(certificate, subject)
        return cls(not certificate.exploit, certificate, subject, quantities)

    @classmethod
    def inconclusive(cls, evidence: Evidence, subject: str = "", **quantities: Any) -> Verdict:
        """The verdict for evidence that proves nothing (no exploit found, agent fault). O(1)."""
        if not isinstance(evidence, Evidence):
            raise TypeError(f"expected Evidence, got {type(evidence).__name__}")
        return cls(evidence.passed, evidence, subject, quantities)

    @property
    def conclusive(self) -> bool:
        """``True`` when the verdict rests on a certificate rather than on evidence."""
        return isinstance(self.certificate, Certificate)

    @property
    def status(self) -> Status:
        """``"coherent"``, ``"exploitable"``, ``"no_exploit_found"`` or ``"fault"``."""
        if isinstance(self.certificate, Evidence):
            return "no_exploit_found" if self.coherent else "fault"
        return "coherent" if self.coherent else "exploitable"

    @property
    def exit_code(self) -> int:
        """The CLI exit status: 0 coherent or no exploit found, 1 exploitable, 3 agent fault."""
        return {"coherent": 0, "no_exploit_found": 0, "exploitable": 1, "fault": 3}[self.status]

    def verify(self) -> bool:
        """``self.certificate.verify()``; ``False`` for evidence, which holds nothing to verify."""
        held = self.certificate
        return held.verify() if isinstance(held, Certificate) else False

    def explain(self) -> str:
        """Plain text a person can follow: the story of the exploit or the rationalisation."""
        head = f"{self.subject}: " if self.subject else ""
        status = {
            "coherent": "coherent",
            "exploitable": "EXPLOITABLE",
            "no_exploit_found": "no exploit found (evidence, not proof)",
            "fault": "INCONCLUSIVE",
        }[self.status]
        text = f"{head}{status}\n{self.certificate.explain()}"
        if self.quantities:
            text += "\n" + "\n".join(
                f"  {k}: {jsonable(v)}" for k, v in self.quantities.items()
            )
        return text

    def to_json(self) -> dict[str, Any]:
        """``{"coherent": bool, "status": ..., "certificate": {...}, ...}``, JSON-serialisable."""
        doc: dict[str, Any] = {
            "coherent": self.coherent,
            "status": self.status,
            "subject": self.subject,
            "certificate": self.certificate.to_json(),
        }
        if self.quantities:
            doc["quantities"] = jsonable(self.quantities)
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> Verdict:
        """Read a verdict back from :meth:`to_json`, checking it rather than trusting it.

        The certificate is read with :func:`from_json` and verified again; ``coherent`` and
        ``status`` follow from what is held, and a document that states them otherwise, or
        holds a certificate that does not verify, raises :class:`~coherence.errors.InputError`.
        Quantities come back as JSON values. O(size + cost of ``verify``).
        """
        if not isinstance(doc, Mapping) or "certificate" not in doc:
            raise InputError("a verdict document is a JSON object with a 'certificate'")
        held = from_json(doc["certificate"])
        subject = doc.get("subject", "")
        quantities = doc.get("quantities", {})
        if not isinstance(subject, str) or not isinstance(quantities, Mapping):
            raise InputError("a verdict's subject is a string and its quantities an object")
        if isinstance(held, Certificate):
            try:
                verified(held)
            except CertificationError:
                raise InputError(f"the verdict's {held.kind} certificate does not verify") from None
            verdict = cls(not held.exploit, held, subject, dict(quantities))
        else:
            verdict = cls(held.passed, held, subject, dict(quantities))
        for key, value in (("coherent", verdict.coherent), ("status", verdict.status)):
            if key in doc and doc[key] != value:
                raise InputError(
                    f"the verdict says {key}={doc[key]!r} but its {held.kind} means {value!r}"
                )
        return verdict

    def dumps(self, **kwargs: Any) -> str:
        """``json.dumps(self.to_json())``."""
        return json.dumps(self.to_json(), **kwargs)

    def __str__(self) -> str:
        return self.explain()
