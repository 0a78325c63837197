"""Reporting: the observer bus that collects verdicts, saved findings, and the HTML/SVG report.
"""

from __future__ import annotations

from coherence.reporting._browser import (
    count_colour,
    decode_png,
    find_chromium,
    screenshot,
)
from coherence.reporting._report import (
    Finding,
    add_observer,
    load_findings,
    notify,
    remove_observer,
    render_html,
    story,
    write_report,
)
from coherence.reporting._svg import (
    bars_svg,
    cycle_svg,
    ordering_svg,
    votes_svg,
)

__all__ = [
    "Finding",
    "add_observer",
    "bars_svg",
    "count_colour",
    "cycle_svg",
    "decode_png",
    "find_chromium",
    "load_findings",
    "notify",
    "ordering_svg",
    "remove_observer",
    "render_html",
    "screenshot",
    "story",
    "votes_svg",
    "write_report",
]
