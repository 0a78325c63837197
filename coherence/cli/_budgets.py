"""``coherence budgets FILE.csv``: revealed-preference axioms and indices per subject.

The CSV is read as it is laid out (see :func:`coherence.budgets.budgets_from_csv`): one column
of prices and one of quantities per good (``p_<good>``/``x_<good>``, or named by
``--prices``/``--quantities``), budget-line intercepts (``--intercepts``), or one row per
observation and good (``--good``, ``--price``, ``--quantity``); ``--subject`` and
``--observation`` name the key columns. Output: a text table, one JSON document or CSV, one
row per subject with the violation cycle of the axiom that decides the exit status
(``--axiom``, GARP by default): 1 if some subject violates it, 0 if none, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from pathlib import Path
from typing import Any

from coherence.budgets import (
    INDICES,
    REPORT_SCHEMA,
    TIME_LIMIT,
    BudgetPanel,
    budgets_from_csv,
    check_garp,
    check_sarp,
    check_warp,
    efficiency_fraction,
    panel_report,
    report_row,
    subject_report,
)
from coherence.bulk import csv_text, executor_for, output_format
from coherence.cli._common import _out, collect, wants_report
from coherence.cli._progress import Progress, add_quiet_flag, progress_for
from coherence.errors import CommandError, InputError

__all__ = ["HM_TIME_LIMIT", "INDICES", "register", "subject_report"]

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
_CHECKS = {"garp": check_garp, "sarp": check_sarp, "warp": check_warp}
#: seconds Houtman–Maks and Varian may each take per subject before answering with bounds
HM_TIME_LIMIT = TIME_LIMIT
#: the longest cycle the text table shows in full
_SHOWN = 8
#: subjects per chunk on a cluster or with --output (the unit of work, of resume and of a
#: worker's memory)
CHUNK_SIZE = 100


def _mean(rows: list[dict[str, Any]], key: str) -> float | None:
    vals = [r[key] for r in rows if r[key] is not None]
    return statistics.fmean(vals) if vals else None


def _summary(rows: list[dict[str, Any]], efficiency: Any, axiom: str) -> dict[str, Any]:
    errors = sum(r.get("error") is not None for r in rows)
    rows = [r for r in rows if r.get("error") is None]
    cc = [r["ccei"] for r in rows if r["ccei"] is not None]
    return {
        "subjects": len(rows) + errors,
        "errors": errors,
        "observations": sum(r["observations"] for r in rows),
        "efficiency": float(efficiency),
        "axiom": axiom.upper(),
        "consistent": sum(r[axiom] for r in rows),
        "violators": sum(not r[axiom] for r in rows),
        "garp_consistent": sum(r["garp"] for r in rows),
        "garp_violators": sum(not r["garp"] for r in rows),
        "sarp_consistent": sum(r["sarp"] for r in rows),
        "warp_consistent": sum(r["warp"] for r in rows),
        "mean_ccei": statistics.fmean(cc) if cc else None,
        "median_ccei": statistics.median(cc) if cc else None,
        "mean_houtman_maks": _mean(rows, "houtman_maks"),
        "mean_houtman_maks_exact": _all_exact(rows, "houtman_maks"),
        "mean_varian": _mean(rows, "varian"),
        "mean_varian_exact": _all_exact(rows, "varian"),
        "mean_mpi_max": _mean(rows, "mpi_max"),
    }


def _all_exact(rows: list[dict[str, Any]], key: str) -> bool | None:
    """Whether the mean of ``key`` is a mean of exact values (``False``: some subjects hit the
    time limit and gave a bound; ``None``: the index was not computed). O(rows)."""
    flags = [bool(r.get(f"{key}_exact")) for r in rows if r.get(key) is not None]
    return all(flags) if flags else None


def _cycle_text(cycle: list[str] | None, arrow: str, limit: int | None = None) -> str:
    if not cycle:
        return "-"
    shown = cycle if limit is None or len(cycle) <= limit else [*cycle[:limit], "…"]
    return arrow.join([*shown, cycle[0]])


def _table(rows: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    axiom = summary["axiom"]
    cells = [[h for _, h, _ in _COLUMNS] + [f"{axiom} cycle"]]
    for r in rows:
        cells.append([_cell(r, k, fmt) for k, _, fmt in _COLUMNS]
                     + [_cycle_text(r["cycle"], "→", _SHOWN)])
    n = len(cells[0])
    widths = [max(len(row[c]) for row in cells) for c in range(n)]
    lines = ["  ".join(v.rjust(w) if 0 < c < n - 1 else v.ljust(w) for c, (v, w) in
                       enumerate(zip(row, widths, strict=True))).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    s = summary
    lines.append("")
    tail = "" if s["mean_ccei"] is None else (
        f"; mean CCEI {s['mean_ccei']:.4f}, median {s['median_ccei']:.4f}")
    lines.append(
        f"{s['subjects']} subject(s), {s['observations']} observations at efficiency "
        f"{s['efficiency']:.12g}: {s['consistent']} satisfy {axiom}, {s['violators']} "
        f"violate it{tail}"
    )
    return "\n".join(lines)


def _cell(r: dict[str, Any], k: str, fmt: str) -> str:
    v = r[k]
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if k == "houtman_maks" and not r.get("houtman_maks_exact", True):
        return f"≤{v} (≥{r['houtman_maks_lower']})"  # bounds: the time limit was reached
    if k == "varian" and not r.get("varian_exact", True):
        return f"≥{fmt.format(v)} (≤{fmt.format(r['varian_upper'])})"
    if fmt == "{:.4f}" and 0 < abs(v) < 5e-5:  # would print as 0.0000: a loss, but small
        return f"{v:.2e}"
    return fmt.format(v)


def _csv(rows: list[dict[str, Any]]) -> str:
    return csv_text([c for c, _ in REPORT_SCHEMA], [report_row(r) for r in rows])


def _strict_json(v: Any) -> Any:
    """``v`` with every non-finite float replaced by ``None`` (JSON has no NaN/Infinity)."""
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _strict_json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_strict_json(x) for x in v]
    return v


def _read(args: argparse.Namespace) -> BudgetPanel:
    names = {k: getattr(args, k) for k in ("observation", "prices", "quantities", "intercepts",
                                            "good", "price", "quantity")}
    panel = budgets_from_csv(args.file, subject=args.subject,
                             **{k: v for k, v in names.items() if v is not None})
    for key, data in panel.items():
        if data.T < 2:
            raise InputError(f"{args.file}: subject {key!r} has a single observation; "
                             "revealed preference needs at least two")
    return panel


_NAMES = {"ccei": "CCEI", "houtman_maks": "Houtman-Maks", "varian": "Varian", "mpi": "MPI"}


def _reports(panel: BudgetPanel, efficiency: Any, axiom: str,
             progress: Progress | None = None,
             time_limit: float | None = HM_TIME_LIMIT,
             indices: tuple[str, ...] = INDICES, *, executor: Any = None,
             chunk_size: int | None = None, output: str | None = None,
             resume: bool = False) -> list[dict[str, Any]]:
    what = ", ".join(["axioms", *(_NAMES[k] for k in indices)])
    bulk = executor is not None or output is not None
    size = chunk_size or (CHUNK_SIZE if bulk else len(panel))
    total = -(-len(panel) // size)
    label = (f"checking subjects in {total} chunks of {size} ({what})" if total > 1
             else f"checking subjects ({what})")
    if progress is None:
        rows = panel_report(panel, efficiency, axiom=axiom, time_limit=time_limit,
                            indices=indices, executor=executor, chunk_size=size,
                            output=output, resume=resume)
    else:
        with progress.stage(label, total=total) as advance:
            seen = [0]

            def on_chunk(done: int, _total: int) -> None:
                advance(done - seen[0])
                seen[0] = done

            rows = panel_report(panel, efficiency, axiom=axiom, time_limit=time_limit,
                                indices=indices, executor=executor, chunk_size=size,
                                output=output, resume=resume, on_chunk=on_chunk)
    if wants_report():
        for r in rows:
            if r["error"] is None:
                collect(_CHECKS[axiom](panel[r["subject"]], efficiency), f"subject {r['subject']}")
    return rows


def _run(args: argparse.Namespace) -> int:
    e = efficiency_fraction(args.efficiency)
    if args.json and args.format not in ("text", "json"):
        raise InputError(f"--json contradicts --format {args.format}: give one of them")
    if args.output is not None:
        output_format(args.output)
        from coherence.reporting import check_report_target

        # not the input (however named), no folder, FIFO, device or link
        check_report_target(args.output, inputs=[args.file])
        if args.report and Path(args.report).resolve() == Path(args.output).resolve():
            raise InputError(f"--report and --output both name {args.output}; name two files")
    if args.resume and args.output is None:
        raise InputError("--resume needs --output (the file whose parts it resumes)")
    progress = progress_for(args)
    with progress.stage(f"reading {args.file}"):
        panel = _read(args)
    with executor_for(args.workers, args.scheduler) as executor:
        rows = _reports(panel, e, args.axiom, progress, args.time_limit, args.indices,
                        executor=executor, chunk_size=args.chunk_size, output=args.output,
                        resume=args.resume)
    summary = _summary(rows, e, args.axiom)
    fmt = "json" if args.json else args.format
    if args.output is not None and not args.json and args.format == "text":
        _out(f"{summary['subjects']} subject(s) written to {args.output}: "
             f"{summary['consistent']} satisfy {summary['axiom']}, {summary['violators']} "
             f"violate it\n")
    elif fmt == "json":
        doc = _strict_json({"subjects": rows, "summary": summary})
        _out(json.dumps(doc, allow_nan=False) + "\n")
    elif fmt == "csv":
        _out(_csv(rows))
    else:
        _out(_table(rows, summary) + "\n")
    failed = [r for r in rows if r["error"] is not None]
    if failed:
        more = f" (and {len(failed) - 1} more subject(s))" if len(failed) > 1 else ""
        raise CommandError(f"{failed[0]['error']}{more}", 2)
    return 1 if summary["violators"] else 0


def _efficiency(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"efficiency must be in (0, 1], got {text}")
    return v


def _indices(text: str) -> tuple[str, ...]:
    names = [t.strip().lower().replace("-", "_") for t in text.split(",") if t.strip()]
    if not names:
        raise argparse.ArgumentTypeError(
            f"name at least one index ({', '.join(INDICES)}), or all, or none")
    bad = [n for n in names if n not in (*INDICES, "all", "none")]
    if bad or ("none" in names and len(names) > 1):
        what = (f"unknown index {', '.join(map(repr, bad))}" if bad
                else "'none' cannot be combined with other names")
        raise argparse.ArgumentTypeError(
            f"{what}: choose from {', '.join(INDICES)} (comma-separated), all or none")
    if "all" in names:
        return INDICES
    if names == ["none"]:
        return ()
    return tuple(k for k in INDICES if k in names)


def _positive(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {v}")
    return v


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"must be a positive, finite number, got {text}")
    return v


_DESCRIPTION = (
    "Revealed-preference tests of budget data, read as the file lays them out. Wide data "
    "(one row per observation): price columns p_<good> and quantity columns x_<good>, or the "
    "columns named by --prices and --quantities (comma-separated lists or glob patterns such "
    "as 'price_*'; with two patterns the text matched by * pairs prices with quantities), or "
    "budget lines by their intercepts (--intercepts with --quantities: prices 1/intercept, "
    "income 1). Long data (one row per observation and good): --good, --price, --quantity "
    "and --observation. --subject names the subject column(s) (default: 'subject' if there "
    "is one). Each subject has the goods it uses. Exit 0 if every subject satisfies the "
    "--axiom (GARP by default), 1 if some subject violates it, 2 on bad input."
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "budgets",
        help="GARP, SARP, WARP, CCEI, Houtman-Maks, Varian and money pump index per subject",
        description=_DESCRIPTION,
    )
    p.add_argument("file", metavar="FILE.csv")
    g = p.add_argument_group("columns")
    g.add_argument("--subject", metavar="COLS", default=None,
                   help="the subject column(s): a name, a comma-separated list (the key is "
                        "their values joined by '/') or a glob pattern (default: 'subject' "
                        "when present, else one subject)")
    g.add_argument("--observation", metavar="COL", default=None,
                   help="the column labelling observations (cycles name them by it; "
                        "required with --good)")
    g.add_argument("--prices", metavar="COLS", default=None,
                   help="price columns, one per good: comma-separated names or a glob pattern")
    g.add_argument("--quantities", metavar="COLS", default=None,
                   help="quantity columns, one per good, in the order of the prices")
    g.add_argument("--intercepts", metavar="COLS", default=None,
                   help="budget-line intercept columns, one per good (instead of --prices): "
                        "price 1/intercept, income 1")
    g.add_argument("--good", metavar="COL", default=None,
                   help="long data: the column naming the good of each row")
    g.add_argument("--price", metavar="COL", default=None,
                   help="long data: the price column")
    g.add_argument("--quantity", metavar="COL", default=None,
                   help="long data: the quantity column")
    p.add_argument("--efficiency", metavar="E", type=_efficiency, default=1.0,
                   help="efficiency level e in (0, 1] for the axioms and Houtman-Maks "
                        "(default 1)")
    p.add_argument("--time-limit", metavar="SECONDS", type=_seconds, default=HM_TIME_LIMIT,
                   help="seconds Houtman-Maks and Varian may each take per subject; past it "
                        "the best answer found and a proved bound are reported, marked as "
                        f"bounds (default {HM_TIME_LIMIT:g})")
    p.add_argument("--indices", metavar="LIST", type=_indices, default=INDICES,
                   help="the indices to compute besides the axiom counts and the cycle: a "
                        f"comma-separated list of {', '.join(INDICES)}, all (default) or "
                        "none; the others are shown as — in the table, null in JSON and "
                        "empty in CSV. Houtman-Maks, Varian and MPI take most of the time.")
    p.add_argument("--axiom", choices=tuple(_CHECKS), default="garp",
                   help="the axiom that decides the exit status and whose violation cycle "
                        "is reported (default: garp)")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text",
                   help="output: a text table (default), one JSON document, or CSV with one "
                        "row per subject")
    p.add_argument("--json", action="store_true", help="the same as --format json")
    b = p.add_argument_group("bulk runs (chunks of subjects; Dask for --workers/--scheduler)")
    b.add_argument("--workers", metavar="N", type=_positive, default=None,
                   help="check chunks of subjects on a local Dask cluster of N worker "
                        "processes (needs the dask extra); the results are the serial ones")
    b.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="check chunks on an existing Dask cluster (tcp://host:8786) whose "
                        "workers have coherence installed")
    b.add_argument("--chunk-size", metavar="SUBJECTS", type=_positive, default=None,
                   help=f"subjects per chunk (default {CHUNK_SIZE} with --workers, "
                        "--scheduler or --output, else all in one)")
    b.add_argument("--output", metavar="FILE", default=None,
                   help="write the per-subject rows to FILE (.csv, as --format csv prints "
                        "them, or .parquet), chunk by chunk as they finish (parts in "
                        "FILE.parts/, merged at the end)")
    b.add_argument("--resume", action="store_true",
                   help="with --output: keep the chunks an interrupted run finished and "
                        "check only the rest")
    add_quiet_flag(p)
    p.set_defaults(func=_run)
