"""Audit a language model: elicit (both orders, a cache), then the bridge's metrics and its
exactly verified verdict on the order-paired matrix."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coherence.bridge.audit import AuditReport, audit_matrix
from coherence.bridge.llm._elicit import LLMElicitation
from coherence.bridge.llm._harness import elicit_llm
from coherence.verdict import AgentFault, Verdict, jsonable

__all__ = ["LLMAudit", "audit_elicitation", "audit_llm"]


@dataclass(frozen=True, eq=False)
class LLMAudit:
    """An elicitation and its audit.

    Attributes:
        elicitation: what the model answered (counts per ordered prompt).
        report: the bridge's :class:`~coherence.bridge.AuditReport` on the order-paired
            matrix, or ``None`` when no answer could be counted.
        verdict: ``report.verdict`` (a shortest majority pump or a utility, verified
            exactly), or an :class:`~coherence.verdict.AgentFault` verdict (exit 3) when
            every question failed or none could be read.
    """

    elicitation: LLMElicitation
    report: AuditReport | None
    verdict: Verdict

    @property
    def coherent(self) -> bool:
        return self.verdict.coherent

    def bradley_terry(self) -> dict[str, float]:
        """Item text → Bradley–Terry log-strength (centred), ``{}`` without a report."""
        if self.report is None or self.report.bradley_terry is None:
            return {}
        u = self.report.bradley_terry.utility
        return {x: float(v) for x, v in zip(self.elicitation.items, u, strict=True)}

    def to_json(self) -> dict[str, Any]:
        """The verdict document of ``coherence audit-net`` (``coherent``, ``status``,
        ``verdict``, ``certificate``, ``metrics``, …) with ``bradley_terry`` as item →
        log-strength, the positional bias, the answer counts and the faults."""
        el = self.elicitation
        if self.report is not None:
            doc = self.report.to_json()
            doc["bradley_terry_fit"] = doc.pop("bradley_terry", None)
        else:
            doc = {"kind": "language model", "items": list(el.items), "metrics": {},
                   "verdict": self.verdict.to_json(), "coherent": self.verdict.coherent,
                   "status": self.verdict.status}
        doc["certificate"] = doc["verdict"]["certificate"]
        doc["bradley_terry"] = self.bradley_terry()
        doc["model_id"] = el.model_id
        doc["output"] = el.output
        doc["samples"] = el.samples
        doc["positional_bias"] = el.positional_bias().to_json()
        doc["answers"] = el.unparseable_summary()
        doc["faults"] = [f.to_json() for f in el.faults]
        doc["calls"] = el.calls
        doc["cache_hits"] = el.cache_hits
        return jsonable(doc)

    def dumps(self, **kwargs: Any) -> str:
        return json.dumps(self.to_json(), **kwargs)

    def explain(self) -> str:
        """The verdict's story, the metrics, then bias and answer counts."""
        el = self.elicitation
        head = self.report.explain() if self.report is not None else self.verdict.explain()
        pb = el.positional_bias()
        s = el.unparseable_summary()
        lines = [head, f"Language model {el.model_id} ({el.output}, K = {el.samples}):",
                 f"  positional bias P(first) - 1/2: {pb.estimate:+.4f} "
                 f"[{pb.low:+.4f}, {pb.high:+.4f}] over {pb.answers:g} answers",
                 f"  answers asked {s['asked']}, unparseable {s['unparseable']} "
                 f"(policy {s['policy']}), faulted {s['faulted']}",
                 f"  pairs observed {s['pairs_observed']} of {s['pairs_total']}",
                 f"  backend calls {el.calls}, cache hits {el.cache_hits}"]
        lines += [f"  fault on ({f.first!r}, {f.second!r}) x{f.count}: {f.reason}: {f.message}"
                  for f in el.faults[:5]]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()


def audit_elicitation(el: LLMElicitation, *, device: Any = "cpu",
                      random_utility: int = 0) -> LLMAudit:
    """The audit of an elicitation already made: :func:`~coherence.bridge.audit_matrix` on
    ``el.matrix()`` (order-paired, gaps completed by Bradley–Terry), or an
    :class:`~coherence.verdict.AgentFault` verdict when no answer could be read (every one
    failed or was unparseable, whatever the unparseable policy). O(n²) passes.

    >>> from coherence.bridge.llm import elicit_llm
    >>> el = elicit_llm(lambda ps: ["A" if "tea" in p.split(" or ")[0] else "B" for p in ps],
    ...                 ["tea", "coffee", "milk"], "{a} or {b}", samples=1)
    >>> audit_elicitation(el).verdict.status
    'coherent'
    """
    s = el.unparseable_summary()
    if not el.observed.any() or s["unparseable"] + s["faulted"] >= s["asked"]:
        first = el.faults[0] if el.faults else None
        if s["faulted"] == s["asked"]:
            reason, msg = "raised", f"every question failed ({s['faulted']} of {s['asked']})"
            if first is not None:
                reason = "timeout" if first.reason == "timeout" else (
                    "invalid" if first.reason == "malformed" else "raised")
                msg += f"; first: {first.reason}: {first.message}"
        else:
            reason, msg = "invalid", f"no answer could be read ({s['unparseable']} unparseable)"
        fault = AgentFault(reason, msg, tuple(f.to_json()["pair"] for f in el.faults[:3]))
        return LLMAudit(el, None, Verdict.inconclusive(fault, "language model"))
    t0 = time.perf_counter()
    P = el.matrix()
    report = audit_matrix(P, el.items, device=device, kind="language model",
                          order_bias=float(np.nanmean(np.abs(_gaps(el)))) if _gaps(el).size
                          else 0.0, random_utility=random_utility)
    report.timings["matrix"] = time.perf_counter() - t0
    return LLMAudit(el, report, report.verdict)


def _gaps(el: LLMElicitation) -> np.ndarray:
    p1, p2 = el.order_shares()
    d = p1 - p2
    return d[~np.isnan(d)]


def audit_llm(backend: Any, items: Sequence[str], template: Any, *, device: Any = "cpu",
              random_utility: int = 0, **options: Any) -> LLMAudit:
    """:func:`elicit_llm` then :func:`audit_elicitation`; ``options`` go to
    :func:`elicit_llm` (``samples``, ``parser``, ``unparseable``, ``pairs``, ``cache``, …).

    >>> rps = {("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")}
    >>> def judge(prompts):
    ...     out = []
    ...     for p in prompts:
    ...         a, b = p.split(" vs ")
    ...         out.append("A" if (a, b) in rps else "B")
    ...     return out
    >>> result = audit_llm(judge, ["rock", "paper", "scissors"], "{a} vs {b}", samples=1)
    >>> result.verdict.status, result.elicitation.calls
    ('exploitable', 6)
    """
    el = elicit_llm(backend, items, template, **options)
    return audit_elicitation(el, device=device, random_utility=random_utility)
