"""Reports of verdicts: collect them, save them as JSON, render one self-contained HTML page.

A report is a list of *findings* (a name, a verdict's JSON, and its plain-language story).
:func:`render_html` draws, per finding, the story, the certificate and a picture made by
:mod:`coherence.reporting`: the pump cycle as a graph, the committee's votes per trade when the
certificate carries them, the utility ordering for coherent agents. The page has no external
resources (inline CSS and SVG), so it can be attached to a CI run as one file.

Saved reports (``{"coherence_report": 1, "findings": [...]}``), single verdicts printed by
``coherence check --json``, lists of verdicts and the output of ``coherence demo --json`` can
all be read back with :func:`load_findings`.

:func:`notify` hands every verdict made by :func:`coherence.probe` and the assertion helpers
to registered observers; the pytest plugin uses it to collect the certificates of a run.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from coherence.errors import InputError
from coherence.reporting._svg import bars_svg, cycle_svg, ordering_svg, votes_svg
from coherence.verdict import Verdict

__all__ = [
    "Finding",
    "add_observer",
    "load_findings",
    "notify",
    "remove_observer",
    "render_html",
    "story",
    "write_report",
]

REPORT_VERSION = 1

Observer = Callable[[Verdict], None]
_OBSERVERS: list[Observer] = []


def add_observer(fn: Observer) -> None:
    """Call ``fn(verdict)`` for every verdict that :func:`notify` is given."""
    _OBSERVERS.append(fn)


def remove_observer(fn: Observer) -> None:
    """Stop calling ``fn``; unknown observers are ignored."""
    if fn in _OBSERVERS:
        _OBSERVERS.remove(fn)


def notify(verdict: Verdict) -> None:
    """Hand ``verdict`` to every observer (the pytest plugin collects them for its report)."""
    for fn in list(_OBSERVERS):
        fn(verdict)


# --------------------------------------------------------------------------- findings
@dataclass(frozen=True)
class Finding:
    """One verdict in a report: where it came from, its JSON, and its story."""

    name: str
    verdict: Mapping[str, Any]
    explanation: str = ""

    @classmethod
    def from_verdict(cls, verdict: Verdict, name: str = "") -> Finding:
        return cls(name or verdict.subject, verdict.to_json(), verdict.explain())

    @property
    def status(self) -> str:
        status = self.verdict.get("status")
        if status in ("coherent", "exploitable", "fault"):
            return str(status)
        return "coherent" if self.verdict.get("coherent") else "exploitable"

    @property
    def certificate(self) -> Mapping[str, Any]:
        cert = self.verdict.get("certificate")
        return cert if isinstance(cert, Mapping) else {}

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "verdict": dict(self.verdict),
                "explanation": self.explanation or story(self.verdict)}


def _as_finding(obj: Any, default_name: str = "") -> Finding:
    if isinstance(obj, Finding):
        return obj
    if isinstance(obj, Verdict):
        return Finding.from_verdict(obj, default_name)
    if isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[1], Verdict | Mapping):
        return _as_finding(obj[1], str(obj[0]))
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
    cert = verdict.get("certificate")
    if not isinstance(cert, Mapping) or "kind" not in cert:
        raise InputError("a verdict needs a certificate with a 'kind'")
    if not isinstance(verdict.get("coherent"), bool):
        raise InputError("a verdict needs 'coherent': true or false")
    return verdict


def load_findings(source: Any) -> list[Finding]:
    """Findings from a report, a verdict, a list of verdicts, or ``coherence demo --json``.

    ``source`` is a path (``str``/``Path``) or the parsed JSON. Raises
    :class:`~coherence.errors.InputError` on anything else.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{source}: no such file")
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"{source}: not JSON ({exc.msg} at line {exc.lineno})") from None
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
    return [_as_finding(e, f"finding {k + 1}") for k, e in enumerate(entries)]


# --------------------------------------------------------------------------- stories
def story(verdict: Mapping[str, Any]) -> str:
    """A plain-language story told from a verdict's JSON (for verdicts saved without one)."""
    cert = verdict.get("certificate") or {}
    kind = cert.get("kind", "certificate")
    if kind in ("money_pump", "cardinal_money_pump", "trading_pump") and cert.get("trades"):
        unit = "ε" if cert.get("fee_unit") == "epsilon" else ""
        lines = [f"Money pump in {len(cert['trades'])} trades:"]
        for t in cert["trades"]:
            fee = str(t.get("fee", "0"))
            if fee not in ("0", "0ε"):
                lines.append(f"  holding {t['holding']!r}, the agent pays {fee}{unit} to trade for "
                             f"{t['offered']!r}")
            else:
                lines.append(f"  holding {t['holding']!r}, it swaps for {t['offered']!r} for free")
        lines.append(f"  back to {cert['trades'][0]['holding']!r}, it has paid "
                     f"{cert.get('extracted_per_loop', '?')}{unit} for nothing.")
        return "\n".join(lines)
    if kind == "agent_fault":
        lines = [f"Agent fault ({cert.get('reason')}): {cert.get('message')}"]
        lines += [f"  evidence: {e}" for e in cert.get("evidence", [])]
        lines.append("Nothing can be concluded about coherence from a faulty agent.")
        return "\n".join(lines)
    if isinstance(cert.get("utility"), Mapping):
        ranked = sorted(cert["utility"].items(), key=lambda kv: _num(kv[1]), reverse=True)
        shown = ", ".join(f"u({k!r}) = {v}" for k, v in ranked[:12])
        more = f", … ({len(ranked) - 12} more)" if len(ranked) > 12 else ""
        return ("No money pump: a utility that never decreases along an accepted trade and "
                f"increases along every strict one: {shown}{more}")
    status = "coherent" if verdict.get("coherent") else "exploitable"
    return f"{status}: {kind} certificate (see the JSON below)."


def _num(v: Any) -> Any:
    from fractions import Fraction

    try:
        return Fraction(str(v))
    except (ValueError, ZeroDivisionError):
        return Fraction(0)


# --------------------------------------------------------------------------- pictures
def pictures(cert: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(caption, svg)`` pairs for a certificate's JSON (empty when there is nothing to draw)."""
    out: list[tuple[str, str]] = []
    trades = cert.get("trades")
    cycle = cert.get("cycle")
    if isinstance(cycle, list) and cycle:
        fees = ([t.get("fee", "") for t in trades] if isinstance(trades, list)
                and len(trades) == len(cycle) else None)
        if cert.get("fee_unit") == "epsilon" and fees is not None:
            fees = [f"{f}ε" if str(f) != "0" else "0" for f in fees]
        out.append(("The pump: each arrow is a trade the agent accepts; red ones cost it money.",
                    cycle_svg(cycle, fees)))
    if isinstance(trades, list) and any(isinstance(t, Mapping) and t.get("votes")
                                        for t in trades):
        out.append(("How each member of the committee voted on each trade of the pump.",
                    votes_svg(trades)))
    utility = cert.get("utility")
    if isinstance(utility, Mapping) and utility:
        out.append(("The utility ordering that rules out every pump (best on top).",
                    ordering_svg(utility)))
    payoffs = cert.get("payoffs")
    if isinstance(payoffs, Mapping) and payoffs:
        out.append(("The book's net payoff to the agent in each state: a loss whatever happens.",
                    bars_svg(payoffs, title="net payoff per state")))
    probability = cert.get("probability")
    if isinstance(probability, Mapping) and probability:
        out.append(("The probability that prices every bet (no Dutch book is possible).",
                    bars_svg(probability, title="probability per state")))
    return out


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin:0}
.summary span{display:inline-block;margin-right:1.2rem;font-weight:bold}
section{border:1px solid #ddd;border-radius:8px;padding:1rem 1.2rem;margin:1.2rem 0}
.badge{display:inline-block;border-radius:4px;padding:.1rem .5rem;color:#fff;font-size:.8rem;
margin-left:.6rem;vertical-align:middle}
.exploitable{background:#d62728}.coherent{background:#2ca02c}.fault{background:#ff7f0e}
pre{background:#f6f8fa;padding:.8rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap}
figure{margin:1rem 0}figcaption{color:#555;font-size:.9rem;margin-bottom:.4rem}
details summary{cursor:pointer;color:#555}
"""


def render_html(findings: Iterable[Any], *, title: str = "coherence report") -> str:
    """One self-contained HTML page for the findings (verdicts, findings or their JSON)."""
    items = [_as_finding(f, f"finding {k + 1}") for k, f in enumerate(findings)]
    counts = {s: sum(f.status == s for f in items) for s in ("exploitable", "fault", "coherent")}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        '<p class="summary">'
        f'<span class="count-exploitable">{counts["exploitable"]} exploitable</span>'
        f'<span class="count-fault">{counts["fault"]} agent faults</span>'
        f'<span class="count-coherent">{counts["coherent"]} coherent</span></p>',
    ]
    if not items:
        parts.append("<p>No certificates were found.</p>")
    order = {"exploitable": 0, "fault": 1, "coherent": 2}
    for k, f in enumerate(sorted(items, key=lambda f: order[f.status])):
        cert = f.certificate
        label = {"exploitable": "EXPLOITABLE", "fault": "AGENT FAULT",
                 "coherent": "coherent"}[f.status]
        parts.append(f'<section id="finding-{k + 1}" class="finding finding-{f.status}">')
        parts.append(f'<h2>{escape(f.name or "finding")}<span class="badge {f.status}">'
                     f"{label}</span></h2>")
        parts.append(f'<p class="kind">certificate: <code>{escape(str(cert.get("kind")))}'
                     "</code></p>")
        parts.append(f'<pre class="story">{escape(f.explanation or story(f.verdict), quote=False)}'
                     "</pre>")
        for caption, svg in pictures(cert):
            parts.append(f"<figure><figcaption>{escape(caption)}</figcaption>{svg}</figure>")
        quantities = f.verdict.get("quantities")
        if quantities:
            rows = "".join(f"<tr><td>{escape(str(q))}</td><td>{escape(str(v))}</td></tr>"
                           for q, v in quantities.items())
            parts.append(f'<table class="quantities">{rows}</table>')
        doc = escape(json.dumps(dict(f.verdict), indent=2), quote=False)
        parts.append(f"<details><summary>certificate (JSON)</summary><pre>{doc}</pre></details>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def report_json(findings: Iterable[Any]) -> dict[str, Any]:
    """The JSON document of a report: ``{"coherence_report": 1, "findings": [...]}``."""
    items = [_as_finding(f, f"finding {k + 1}") for k, f in enumerate(findings)]
    return {"coherence_report": REPORT_VERSION, "findings": [f.to_json() for f in items]}


def write_report(path: str | os.PathLike[str], findings: Iterable[Any], *,
                 title: str = "coherence report") -> Path:
    """Write the findings to ``path``: HTML when it ends in ``.html``/``.htm``, else JSON.

    The file is written to a temporary name in the same folder and then renamed, so a
    failed write never leaves half a report.
    """
    target = Path(path)
    items = list(findings)
    if target.suffix.lower() in (".html", ".htm"):
        text = render_html(items, title=title)
    else:
        text = json.dumps(report_json(items), indent=2) + "\n"
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
