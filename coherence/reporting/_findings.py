"""Findings: one verdict in a report, read from a live verdict or from its JSON, with its story.

A report is a list of findings (a name, a verdict's JSON, and its plain-language story).
Saved reports (``{"coherence_report": 1, "findings": [...]}``), single verdicts printed by
``coherence check --json``, lists of verdicts and the output of ``coherence demo --json`` can
all be read back with :func:`load_findings`. Each finding has one of the four statuses of
:attr:`coherence.verdict.Verdict.status`: ``"exploitable"`` and ``"coherent"`` rest on a
certificate, ``"no_exploit_found"`` and ``"fault"`` on evidence.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from coherence._exact.display import shown as number_text
from coherence.errors import InputError
from coherence.validation import check_file, check_mapping, check_type
from coherence.verdict import Verdict

__all__ = [
    "REPORT_VERSION",
    "STATUSES",
    "Finding",
    "as_finding",
    "count_statuses",
    "describe_counts",
    "load_findings",
    "report_json",
    "story",
]

REPORT_VERSION = 1

#: the statuses of a finding, in the order reports list them (worst first)
STATUSES: tuple[str, ...] = ("exploitable", "fault", "no_exploit_found", "coherent")

#: evidence kinds, whose status a verdict saved without one is read from
_EVIDENCE_STATUS = {"agent_fault": "fault", "no_pump_found": "no_exploit_found"}

#: pump certificates and the unit of their fees ("" for money)
_PUMPS = {"money_pump": "ε", "cardinal_money_pump": "", "trading_pump": ""}


@dataclass(frozen=True)
class Finding:
    """One verdict in a report: where it came from, its JSON, and its story."""

    name: str
    verdict: Mapping[str, Any]
    explanation: str = ""

    @classmethod
    def from_verdict(cls, verdict: Verdict, name: str = "") -> Finding:
        """The finding of a live verdict (named after its subject unless ``name`` is given)."""
        return cls(name or verdict.subject, verdict.to_json(), verdict.explain())

    @property
    def status(self) -> str:
        """One of :data:`STATUSES`; read from the kind for verdicts saved without a status."""
        status = self.verdict.get("status")
        if status in STATUSES:
            return str(status)
        kind = self.certificate.get("kind")
        if kind in _EVIDENCE_STATUS:
            return _EVIDENCE_STATUS[str(kind)]
        return "coherent" if self.verdict.get("coherent") else "exploitable"

    @property
    def certificate(self) -> Mapping[str, Any]:
        """The certificate's (or evidence's) JSON."""
        cert = self.verdict.get("certificate")
        return cert if isinstance(cert, Mapping) else {}

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "verdict": dict(self.verdict),
                "explanation": self.explanation or story(self.verdict)}


def count_statuses(findings: Iterable[Any]) -> dict[str, int]:
    """How many findings have each status, for every one of :data:`STATUSES`. O(findings).

    Takes verdicts, findings or their JSON (as :func:`load_findings` reads them).

    >>> from coherence import PreferenceRelation, check
    >>> cyclic = check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")]))
    >>> count_statuses([cyclic])
    {'exploitable': 1, 'fault': 0, 'no_exploit_found': 0, 'coherent': 0}
    """
    items = [as_finding(f, f"finding {k + 1}") for k, f in enumerate(findings)]
    return {s: sum(f.status == s for f in items) for s in STATUSES}


#: how :func:`describe_counts` names each status
_COUNTED = {"exploitable": "exploitable", "fault": "agent fault(s)",
            "no_exploit_found": "no exploit found", "coherent": "coherent"}


def describe_counts(counts: Mapping[str, int]) -> str:
    """One line of counts per status, worst first (missing statuses count 0). O(1).

    >>> describe_counts({"exploitable": 2, "coherent": 1})
    '2 exploitable, 0 agent fault(s), 0 no exploit found, 1 coherent'
    """
    return ", ".join(f"{counts.get(s, 0)} {_COUNTED[s]}" for s in STATUSES)


def as_finding(obj: Any, default_name: str = "") -> Finding:
    """A finding from a :class:`Finding`, a verdict, a ``(name, verdict)`` pair or JSON."""
    if isinstance(obj, Finding):
        return obj
    if isinstance(obj, Verdict):
        return Finding.from_verdict(obj, default_name)
    if isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[1], Verdict | Mapping):
        return as_finding(obj[1], str(obj[0]))
    if isinstance(obj, Mapping):
        if "verdict" in obj and isinstance(obj["verdict"], Mapping):
            return Finding(str(obj.get("name", default_name)), _checked(obj["verdict"]),
                           str(obj.get("explanation") or ""))
        if "certificate" in obj:
            name = obj.get("example") or obj.get("name") or obj.get("subject") or default_name
            verdict = {k: v for k, v in obj.items() if k not in ("example", "name")}
            return Finding(str(name), _checked(verdict), str(obj.get("explanation") or ""))
    raise InputError(f"not a verdict or finding: {str(obj)[:80]!r}")


def _checked(verdict: Mapping[str, Any]) -> Mapping[str, Any]:
    """A saved verdict, checked rather than trusted: its certificate is read back and verified
    again, and its status is the one the certificate implies (see ``Verdict.from_json``)."""
    check_mapping(verdict.get("certificate"), "a verdict's 'certificate'", required=("kind",))
    check_type(verdict.get("coherent"), bool, "a verdict's 'coherent'")
    checked = Verdict.from_json(verdict)
    return {**verdict, "coherent": checked.coherent, "status": checked.status}


def load_findings(source: Any) -> list[Finding]:
    """Findings from a report, a verdict, a list of verdicts, or ``coherence demo --json``.

    ``source`` is a path (``str``/``Path``) or the parsed JSON. Raises
    :class:`~coherence.errors.InputError` on anything else. O(size of the document).

    >>> from coherence import PreferenceRelation, check
    >>> v = check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")]))
    >>> [(f.name, f.status) for f in load_findings([v.to_json()])]
    [('preference relation', 'exploitable')]
    """
    if isinstance(source, str | os.PathLike):
        path = check_file(source)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}: not JSON ({exc.msg} at line {exc.lineno})") from None
        except (RecursionError, UnicodeDecodeError, ValueError) as exc:
            what = type(exc).__name__
            raise InputError(f"{source}: not a readable JSON document ({what})") from None
    else:
        doc = source
    if isinstance(doc, Mapping) and isinstance(doc.get("findings"), list):
        entries = doc["findings"]
    elif isinstance(doc, Mapping) and isinstance(doc.get("examples"), list):
        entries = doc["examples"]
    elif isinstance(doc, list):
        entries = doc
    elif isinstance(doc, Mapping):
        entries = [doc]
    else:
        raise InputError("expected a verdict, a list of verdicts or a report")
    return [as_finding(e, f"finding {k + 1}") for k, e in enumerate(entries)]


def report_json(findings: Iterable[Any]) -> dict[str, Any]:
    """The JSON document of a report: ``{"coherence_report": 1, "counts": {...},
    "findings": [...]}`` (``counts`` as :func:`count_statuses` gives them)."""
    items = [as_finding(f, f"finding {k + 1}") for k, f in enumerate(findings)]
    return {"coherence_report": REPORT_VERSION, "counts": count_statuses(items),
            "findings": [f.to_json() for f in items]}


# --------------------------------------------------------------------------- stories
def story(verdict: Mapping[str, Any]) -> str:
    """A plain-language story told from a verdict's JSON (for verdicts saved without one).

    O(size of the certificate).

    >>> from coherence import PreferenceRelation, check
    >>> v = check(PreferenceRelation.from_pairs([("a", "b"), ("b", "a")]))
    >>> print(story(v.to_json()).split(":")[0])
    No money pump
    """
    cert = verdict.get("certificate") or {}
    kind = cert.get("kind", "certificate")
    if kind in _PUMPS and cert.get("trades"):
        return _pump_story(cert, _PUMPS[kind])
    if kind == "agent_fault":
        lines = [f"Agent fault ({cert.get('reason')}): {cert.get('message')}"]
        lines += [f"  evidence: {e}" for e in cert.get("evidence", [])]
        lines.append("Nothing can be concluded about coherence from a faulty agent.")
        return "\n".join(lines)
    if kind == "no_pump_found":
        return (f"No money pump found: in {cert.get('runs')} runs of up to "
                f"{cert.get('max_steps')} offers each ({cert.get('offers')} offers, "
                f"{cert.get('trades')} accepted), the agent never came back to an earlier "
                "holding with less money. This is evidence, not proof.")
    utility = cert.get("utility_exact") or cert.get("utility")
    if isinstance(utility, Mapping):
        shown = _ranking(utility)
        if kind == "utility_potential":
            return ("No money pump: the agent never pays more for a swap than the gain in this "
                    f"money utility, so every cycle of swaps costs it nothing: {shown}")
        return ("No money pump: a utility that never decreases along an accepted trade and "
                f"increases along every strict one: {shown}")
    status = verdict.get("status") or ("coherent" if verdict.get("coherent") else "exploitable")
    return f"{status}: {kind} certificate (see the JSON below)."


def _pump_story(cert: Mapping[str, Any], unit: str) -> str:
    if cert.get("fee_unit") == "epsilon":
        unit = "ε"
    lines = [f"Money pump in {len(cert['trades'])} trades:"]
    for t in cert["trades"]:
        fee = str(t.get("fee", "0"))
        if fee.startswith("-"):
            lines.append(f"  holding {t['holding']!r}, the agent is paid "
                         f"{number_text(fee[1:])}{unit} to trade for {t['offered']!r}")
        elif fee not in ("0", "0ε"):
            lines.append(f"  holding {t['holding']!r}, the agent pays {number_text(fee)}{unit} to "
                         f"trade for {t['offered']!r}")
        else:
            lines.append(f"  holding {t['holding']!r}, it swaps for {t['offered']!r} for free")
    lines.append(f"  back to {cert['trades'][0]['holding']!r}, it has paid "
                 f"{number_text(cert.get('extracted_per_loop', '?'))}{unit} for nothing.")
    return "\n".join(lines)


def _ranking(utility: Mapping[str, Any], shown: int = 12) -> str:
    ranked = sorted(utility.items(), key=lambda kv: number(kv[1]), reverse=True)
    text = ", ".join(f"u({k!r}) = {number_text(v)}" for k, v in ranked[:shown])
    more = f", … ({len(ranked) - shown} more)" if len(ranked) > shown else ""
    return text + more


def number(value: Any) -> Fraction:
    """A JSON number or exact string (``"3/2"``) as a Fraction; 0 when it is neither."""
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return Fraction(0)
