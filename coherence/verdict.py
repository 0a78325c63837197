"""Verdicts and certificates: the spine of every check.

Every checker answers one question with a :class:`Verdict` holding one of two
certificates: an *exploit* (a money pump, a Dutch book, a dominating policy, ...) or a
*coherence certificate* (a utility, a prior, an order, ...) that rules every exploit out.
Both kinds can be re-checked independently with :meth:`Certificate.verify`, which uses
exact arithmetic only (integers, :class:`fractions.Fraction`, or error-free float
transformations).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar, Literal

__all__ = [
    "AgentFault",
    "Certificate",
    "Verdict",
    "jsonable",
    "label_to_json",
]

Status = Literal["coherent", "exploitable", "fault"]


def label_to_json(label: Hashable) -> Any:
    """Return a JSON-friendly form of an item label (str/int/float/bool kept, else ``str``)."""
    if isinstance(label, bool | int | str) or label is None:
        return label
    if isinstance(label, float):
        return label
    if isinstance(label, tuple):
        return [label_to_json(x) for x in label]
    return str(label)


def jsonable(value: Any) -> Any:
    """Convert numbers, Fractions, numpy scalars, tuples and mappings into JSON values.

    Fractions become strings ``"p/q"`` (or ``"p"`` when integral) so nothing is rounded.
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


class Certificate(ABC):
    """Evidence for a verdict that anyone can re-check.

    Subclasses set :attr:`kind` (the JSON ``"kind"``) and :attr:`exploit` (``True`` for an
    exploit certificate, ``False`` for a coherence certificate).
    """

    kind: ClassVar[str] = "certificate"
    exploit: ClassVar[bool] = False

    @abstractmethod
    def verify(self) -> bool:
        """Re-check the certificate in exact arithmetic; ``True`` iff it is valid."""

    @abstractmethod
    def explain(self) -> str:
        """A plain-text account that a person can follow."""

    @abstractmethod
    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict with at least ``{"kind": self.kind}``."""


@dataclass(frozen=True)
class AgentFault(Certificate):
    """The probed agent misbehaved, so nothing can be concluded (CLI exit status 3).

    ``reason`` is one of ``"raised"``, ``"timeout"``, ``"inconsistent"``, ``"invalid"``;
    ``evidence`` holds the calls and answers that show it.
    """

    reason: str
    message: str
    evidence: tuple[Any, ...] = ()

    kind: ClassVar[str] = "agent_fault"
    exploit: ClassVar[bool] = False

    def verify(self) -> bool:
        """A fault is an observation, not a claim about coherence: always ``True``."""
        return True

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


@dataclass(frozen=True)
class Verdict:
    """The answer of a check: coherent or not, with the certificate that proves it.

    Attributes:
        coherent: ``True`` when no exploit exists (the certificate rationalises the behaviour).
        certificate: the exploit or coherence certificate; ``certificate.verify()`` re-checks it.
        subject: a short name of what was checked, e.g. ``"preference relation"``.
        quantities: degree-of-incoherence numbers that come *with* the verdict (never instead).
    """

    coherent: bool
    certificate: Certificate
    subject: str = ""
    quantities: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.certificate, AgentFault):
            if self.coherent:
                raise ValueError("an agent-fault verdict cannot be coherent")
        elif self.coherent == self.certificate.exploit:
            raise ValueError(
                f"coherent={self.coherent} contradicts a {self.certificate.kind} certificate"
            )

    @property
    def status(self) -> Status:
        """``"coherent"``, ``"exploitable"`` or ``"fault"`` (agent misbehaved)."""
        if isinstance(self.certificate, AgentFault):
            return "fault"
        return "coherent" if self.coherent else "exploitable"

    @property
    def exit_code(self) -> int:
        """The CLI exit status for this verdict: 0 coherent, 1 exploitable, 3 agent fault."""
        return {"coherent": 0, "exploitable": 1, "fault": 3}[self.status]

    def verify(self) -> bool:
        """Shorthand for ``self.certificate.verify()``."""
        return self.certificate.verify()

    def explain(self) -> str:
        """Plain text a person can follow: the story of the exploit or the rationalisation."""
        head = f"{self.subject}: " if self.subject else ""
        status = {
            "coherent": "coherent",
            "exploitable": "EXPLOITABLE",
            "fault": "INCONCLUSIVE",
        }[self.status]
        text = f"{head}{status}\n{self.certificate.explain()}"
        if self.quantities:
            text += "\n" + "\n".join(
                f"  {k}: {jsonable(v)}" for k, v in self.quantities.items()
            )
        return text

    def to_json(self) -> dict[str, Any]:
        """``{"coherent": bool, "certificate": {...}, ...}``, JSON-serialisable."""
        doc: dict[str, Any] = {
            "coherent": self.coherent,
            "status": self.status,
            "subject": self.subject,
            "certificate": self.certificate.to_json(),
        }
        if self.quantities:
            doc["quantities"] = jsonable(self.quantities)
        return doc

    def dumps(self, **kwargs: Any) -> str:
        """``json.dumps(self.to_json())``."""
        return json.dumps(self.to_json(), **kwargs)

    def __str__(self) -> str:
        return self.explain()
