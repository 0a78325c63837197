"""One self-contained HTML page for a list of findings.

:func:`render_html` draws, per finding, the story, the certificate and a picture made by
:mod:`coherence.reporting`'s SVG functions: the pump cycle as a graph, the committee's votes
per trade when the certificate carries them, the utility ordering of a coherent agent, the
net payoff of a Dutch book in each state. The page has no external resources (inline CSS
and SVG), so it can be attached to a CI run as one file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from coherence.reporting._findings import STATUSES, Finding, as_finding, story
from coherence.reporting._svg import bars_svg, curves_svg, cycle_svg, ordering_svg, votes_svg

__all__ = ["pictures", "quantity_pictures", "render_html"]

#: the badge of each status
LABELS = {"exploitable": "EXPLOITABLE", "fault": "AGENT FAULT",
          "no_exploit_found": "NO EXPLOIT FOUND", "coherent": "coherent"}

#: the summary line's words for each status
COUNTED = {"exploitable": "exploitable", "fault": "agent faults",
           "no_exploit_found": "no exploit found", "coherent": "coherent"}

_ORDERING = {
    "utility": "The utility ordering that rules out every pump (best on top).",
    "utility_potential": "The money utility that rules out every pump: no swap costs more "
                         "than it gains (best on top).",
    "no_pump_found": "The ordering of a fresh agent's first trades, which contain no pump "
                     "(evidence: later trades may differ).",
}


def pictures(cert: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(caption, svg)`` pairs for a certificate's JSON (empty when there is nothing to draw).

    >>> from coherence import PreferenceRelation, check
    >>> v = check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")]))
    >>> [caption.split(":")[0] for caption, _ in pictures(v.certificate.to_json())]
    ['The pump']
    """
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
                    votes_svg(trades, members=_member_names(cert))))
    utility = cert.get("utility_exact") or cert.get("utility")
    if isinstance(utility, Mapping) and utility:
        caption = _ORDERING.get(str(cert.get("kind")), _ORDERING["utility"])
        out.append((caption, ordering_svg(utility)))
    payoffs = cert.get("payoffs")
    if isinstance(payoffs, Mapping) and payoffs:
        out.append(("The book's net payoff to the agent in each state: a loss whatever happens.",
                    bars_svg(payoffs, title="net payoff per state")))
    probability = cert.get("probability")
    if isinstance(probability, Mapping) and probability:
        out.append(("The probability that prices every bet (no Dutch book is possible).",
                    bars_svg(probability, title="probability per state")))
    return out


def quantity_pictures(quantities: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(caption, svg)`` pairs for the numbers that came with a verdict: a curvature
    spectrum (``hessian_top``, ``ggn_top``) as bars and flip curves (``flips``: series of
    ``[size, fraction]``) as lines; empty when there are none.

    >>> q = {"hessian_top": [4.0, 1.0], "flips": {"stiff": [[0, 0], [1, 0.4]]}}
    >>> [caption.split(":")[0] for caption, _ in quantity_pictures(q)]
    ['Curvature spectrum', 'Flip curves']
    """
    out: list[tuple[str, str]] = []
    for key, name in (("hessian_top", "Hessian"), ("ggn_top", "Gauss–Newton")):
        values = quantities.get(key)
        if isinstance(values, list) and values:
            bars = {f"λ{i + 1}": f"{float(v):.4g}" for i, v in enumerate(values)
                    if isinstance(v, int | float)}
            out.append((f"Curvature spectrum: the largest eigenvalues of the {name} at the "
                        "trained parameters.", bars_svg(bars, title=f"{name} eigenvalues")))
    flips = quantities.get("flips")
    if isinstance(flips, Mapping) and flips:
        out.append(("Flip curves: the share of pairwise preferences that flip when the "
                    "parameters move by a given norm, along stiff and along flat directions.",
                    curves_svg(flips, title="flip curves", x_label="perturbation norm",
                               y_label="share flipped")))
    return out


def _member_names(cert: Mapping[str, Any]) -> list[str | None] | None:
    """A committee pump's member names (``None`` where unnamed), ``(×k)`` for a ballot that
    ``k`` voters cast; ``None`` when the certificate names no members."""
    committee = cert.get("committee")
    names = committee.get("names") if isinstance(committee, Mapping) else None
    counts = cert.get("counts")
    if not isinstance(names, list):
        return None
    out: list[str | None] = []
    for k, name in enumerate(names):
        base = str(name) if name not in (None, "") else f"member {k}"
        cnt = counts[k] if isinstance(counts, list) and k < len(counts) else 1
        out.append(base if cnt == 1 else f"{base} (×{cnt})")
    return out


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1000px;color:#222;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin:0}
.summary span{display:inline-block;margin-right:1.2rem;font-weight:bold}
section{border:1px solid #ddd;border-radius:8px;padding:1rem 1.2rem;margin:1.2rem 0}
.badge{display:inline-block;border-radius:4px;padding:.1rem .5rem;color:#fff;font-size:.8rem;
margin-left:.6rem;vertical-align:middle}
.exploitable{background:#d62728}.coherent{background:#2ca02c}.fault{background:#ff7f0e}
.no_exploit_found{background:#1f77b4}
pre{background:#f6f8fa;padding:.8rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap}
figure{margin:1rem 0}figcaption{color:#555;font-size:.9rem;margin-bottom:.4rem}
details summary{cursor:pointer;color:#555}
"""


def render_html(findings: Iterable[Any], *, title: str = "coherence report") -> str:
    """One self-contained HTML page for the findings (verdicts, findings or their JSON).

    Findings are listed worst first (exploitable, agent fault, no exploit found, coherent),
    after a line of counts. O(total size of the certificates).

    >>> from coherence import PreferenceRelation, check
    >>> v = check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")]))
    >>> page = render_html([("cyclic", v)])
    >>> page.startswith("<!DOCTYPE html>"), page.count("<svg"), "1 exploitable" in page
    (True, 1, True)
    """
    items = [as_finding(f, f"finding {k + 1}") for k, f in enumerate(findings)]
    counts = {s: sum(f.status == s for f in items) for s in STATUSES}
    summary = "".join(f'<span class="count-{s}">{counts[s]} {COUNTED[s]}</span>'
                      for s in STATUSES)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="summary">{summary}</p>',
    ]
    if not items:
        parts.append("<p>No certificates were found.</p>")
    order = {s: k for k, s in enumerate(STATUSES)}
    for k, f in enumerate(sorted(items, key=lambda f: order[f.status])):
        parts.extend(_section(k + 1, f))
    parts.append("</body></html>")
    return "\n".join(parts)


def _section(number: int, f: Finding) -> list[str]:
    """The HTML of one finding: badge, kind, story, pictures, quantities and the JSON."""
    cert = f.certificate
    held = "evidence" if f.status in ("fault", "no_exploit_found") else "certificate"
    parts = [
        f'<section id="finding-{number}" class="finding finding-{f.status}">',
        f'<h2>{escape(f.name or "finding")}<span class="badge {f.status}">'
        f"{LABELS[f.status]}</span></h2>",
        f'<p class="kind">{held}: <code>{escape(str(cert.get("kind")))}</code></p>',
        f'<pre class="story">{escape(f.explanation or story(f.verdict), quote=False)}</pre>',
    ]
    for caption, svg in [*pictures(cert), *quantity_pictures(f.verdict.get("quantities") or {})]:
        parts.append(f"<figure><figcaption>{escape(caption)}</figcaption>{svg}</figure>")
    quantities = f.verdict.get("quantities")
    if quantities:
        rows = "".join(f"<tr><td>{escape(str(q))}</td><td>{escape(str(v))}</td></tr>"
                       for q, v in quantities.items())
        parts.append(f'<table class="quantities">{rows}</table>')
    doc = escape(json.dumps(dict(f.verdict), indent=2), quote=False)
    parts.append(f"<details><summary>{held} (JSON)</summary><pre>{doc}</pre></details>")
    parts.append("</section>")
    return parts
