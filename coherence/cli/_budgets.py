"""``coherence budgets FILE.csv``: revealed-preference axioms and indices per subject.

The CSV has one row per observation: price columns ``p_<good>`` and quantity columns
``x_<good>`` for the same goods, and an optional subject column (default ``subject``); other
columns are ignored. Exit 1 if any subject violates GARP (at ``--efficiency``), 0 if none,
2 on bad input.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

from coherence.budgets import (
    BudgetData,
    budgets_from_csv,
    ccei,
    efficiency_fraction,
    houtman_maks,
    mpi_bounds,
    varian_index,
    violation_counts,
)
from coherence.cli._common import add_json_flag, emit
from coherence.errors import InputError

_COLUMNS = (
    ("subject", "subject", "{}"),
    ("observations", "T", "{}"),
    ("garp", "GARP", "{}"),
    ("garp_violations", "#GARP", "{}"),
    ("sarp", "SARP", "{}"),
    ("sarp_violations", "#SARP", "{}"),
    ("warp", "WARP", "{}"),
    ("warp_violations", "#WARP", "{}"),
    ("ccei", "CCEI", "{:.4f}"),
    ("houtman_maks", "HM", "{}"),
    ("varian", "Varian", "{:.4f}"),
    ("mpi_max", "MPImax", "{:.4f}"),
    ("mpi_min", "MPImin", "{:.4f}"),
)


def subject_report(subject: str, data: BudgetData, efficiency: Any = 1) -> dict[str, Any]:
    """The per-subject JSON record of the CLI contract."""
    counts = violation_counts(data, efficiency)
    lo, hi = mpi_bounds(data)
    return {
        "subject": subject,
        "observations": data.T,
        "garp": counts["garp"] == 0,
        "garp_violations": counts["garp"],
        "sarp": counts["sarp"] == 0,
        "sarp_violations": counts["sarp"],
        "warp": counts["warp"] == 0,
        "warp_violations": counts["warp"],
        "ccei": ccei(data),
        "houtman_maks": houtman_maks(data, efficiency).index,
        "varian": varian_index(data),
        "mpi_max": hi,
        "mpi_min": lo,
    }


def _summary(rows: list[dict[str, Any]], efficiency: Any) -> dict[str, Any]:
    cc = [r["ccei"] for r in rows]
    return {
        "subjects": len(rows),
        "observations": sum(r["observations"] for r in rows),
        "efficiency": float(efficiency),
        "garp_consistent": sum(r["garp"] for r in rows),
        "garp_violators": sum(not r["garp"] for r in rows),
        "sarp_consistent": sum(r["sarp"] for r in rows),
        "warp_consistent": sum(r["warp"] for r in rows),
        "mean_ccei": statistics.fmean(cc),
        "median_ccei": statistics.median(cc),
        "mean_houtman_maks": statistics.fmean(r["houtman_maks"] for r in rows),
        "mean_varian": statistics.fmean(r["varian"] for r in rows),
        "mean_mpi_max": statistics.fmean(r["mpi_max"] for r in rows),
    }


def _table(rows: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    cells = [[h for _, h, _ in _COLUMNS]]
    for r in rows:
        cells.append([fmt.format(r[k]) if not isinstance(r[k], bool) else ("yes" if r[k] else "NO")
                      for k, _, fmt in _COLUMNS])
    widths = [max(len(row[c]) for row in cells) for c in range(len(_COLUMNS))]
    lines = ["  ".join(v.rjust(w) if c else v.ljust(w) for c, (v, w) in
                       enumerate(zip(row, widths, strict=True))) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    s = summary
    lines.append("")
    lines.append(
        f"{s['subjects']} subject(s), {s['observations']} observations at efficiency "
        f"{s['efficiency']:g}: {s['garp_consistent']} satisfy GARP, {s['garp_violators']} "
        f"violate it; mean CCEI {s['mean_ccei']:.4f}, median {s['median_ccei']:.4f}"
    )
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    e = efficiency_fraction(args.efficiency)
    panel = budgets_from_csv(args.file, subject_column=args.subject or "subject",
                             require_subject=args.subject is not None)
    for key, data in panel.items():
        if data.T < 2:
            raise InputError(f"{args.file}: subject {key} has a single observation; "
                             "revealed preference needs at least two")
    rows = [subject_report(k, d, e) for k, d in panel.items()]
    summary = _summary(rows, e)
    if args.json or args.format == "json":
        emit({"subjects": rows, "summary": summary})
    else:
        print(_table(rows, summary))
    return 1 if summary["garp_violators"] else 0


def _efficiency(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"efficiency must be in (0, 1], got {text}")
    return v


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "budgets",
        help="GARP, SARP, WARP, CCEI, Houtman-Maks, Varian and money pump index per subject",
        description=(
            "Revealed-preference tests of budget data. FILE.csv has one row per observation with "
            "price columns p_<good> and quantity columns x_<good>, and an optional subject "
            "column. Exit 0 if every subject satisfies GARP, 1 if any violates it, 2 on bad "
            "input."
        ),
    )
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--subject", metavar="COLUMN", default=None,
                   help="name of the subject column (default: subject; absent = one subject)")
    p.add_argument("--efficiency", metavar="E", type=_efficiency, default=1.0,
                   help="efficiency level e in (0, 1] for the axioms and Houtman-Maks "
                        "(default 1)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="output format (default: a text table)")
    add_json_flag(p)
    p.set_defaults(func=_run)
