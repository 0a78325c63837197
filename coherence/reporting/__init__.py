"""Reporting: the observer bus that collects verdicts, saved findings, and the HTML/SVG report.
"""

from __future__ import annotations

from coherence._observers import add_observer, notify, remove_observer
from coherence.reporting._browser import (
    check_rendering,
    count_colour,
    decode_png,
    find_chromium,
    screenshot,
)
from coherence.reporting._findings import (
    STATUSES,
    Finding,
    count_statuses,
    describe_counts,
    load_findings,
    story,
)
from coherence.reporting._html import quantity_pictures, render_html
from coherence.reporting._svg import (
    bars_svg,
    curves_svg,
    cycle_svg,
    ordering_svg,
    votes_svg,
)
from coherence.reporting._writer import check_report_target, write_report

__all__ = [
    "STATUSES",
    "Finding",
    "add_observer",
    "bars_svg",
    "check_rendering",
    "check_report_target",
    "count_colour",
    "count_statuses",
    "curves_svg",
    "cycle_svg",
    "decode_png",
    "describe_counts",
    "find_chromium",
    "load_findings",
    "notify",
    "ordering_svg",
    "quantity_pictures",
    "remove_observer",
    "render_html",
    "screenshot",
    "story",
    "votes_svg",
    "write_report",
]
