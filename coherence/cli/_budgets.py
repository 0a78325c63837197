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
import csv
import io
import json
import math
import statistics
from typing import Any

import numpy as np

from coherence.budgets import (
    BudgetData,
    BudgetPanel,
    RevealedCycle,
    Screen,
    budgets_from_csv,
    check_garp,
    check_sarp,
    check_warp,
    efficiency_fraction,
    houtman_maks,
    money_pump_index,
    mpi_bounds,
    screen_panel,
    varian_bounds,
)
from coherence.cli._common import _out, collect, wants_report
from coherence.cli._progress import Progress, add_quiet_flag, progress_for
from coherence.errors import CertificationError, InputError

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
HM_TIME_LIMIT = 10.0
#: the longest cycle the text table shows in full
_SHOWN = 8
#: the indices ``--indices`` may select (the axiom counts are always computed)
INDICES = ("ccei", "houtman_maks", "varian", "mpi")


def _cycle(data: BudgetData, labels: tuple[str, ...], axiom: str, efficiency: Any
           ) -> tuple[list[str], float]:
    """A shortest violation of ``axiom``, as observation labels (each revealed preferred to
    the next, the last to the first), and the money pump index of that cycle."""
    cert = _CHECKS[axiom](data, efficiency).certificate
    if not isinstance(cert, RevealedCycle):  # the counts said it is violated
        raise CertificationError(f"{axiom.upper()} is violated but no cycle was found")
    return [labels[t] for t in cert.cycle], float(cert.mpi)


def subject_report(subject: str, data: BudgetData, efficiency: Any = 1, *,
                   axiom: str = "garp", labels: tuple[str, ...] = (),
                   time_limit: float | None = HM_TIME_LIMIT,
                   indices: tuple[str, ...] = INDICES,
                   screen: Screen | None = None) -> dict[str, Any]:
    """The per-subject JSON record of the CLI contract, with the cycle that violates
    ``axiom`` (``None`` when it holds). Houtman–Maks and Varian each stop after
    ``time_limit`` seconds: Houtman–Maks with the best removal found and a proved lower bound
    (``houtman_maks_exact`` false), Varian with the best efficiency vector found and a proved
    upper bound (``varian_exact`` false). Indices left out of ``indices`` are ``None``;
    ``screen`` passes the subject's counts and CCEI from :func:`screen_panel`."""
    if screen is None:
        screen = screen_panel({subject: data}, efficiency)[subject]
    counts = screen.counts
    lo = hi = None
    if "mpi" in indices:
        try:
            lo, hi = mpi_bounds(data)
        except InputError:  # the minimum over simple cycles of large tie groups: not computed
            lo, hi = None, float(money_pump_index(data, "max"))
    labels = labels or tuple(str(t + 1) for t in range(data.T))
    cycle, cycle_mpi = _cycle(data, labels, axiom, efficiency) if counts[axiom] else (None, None)
    hm = houtman_maks(data, efficiency, time_limit=time_limit) if "houtman_maks" in indices \
        else None
    vb = varian_bounds(data, time_limit=time_limit) if "varian" in indices else None
    return {
        "subject": subject,
        "observations": data.T,
        "goods": list(data.goods),
        "garp": counts["garp"] == 0,
        "garp_violations": counts["garp"],
        "sarp": counts["sarp"] == 0,
        "sarp_violations": counts["sarp"],
        "warp": counts["warp"] == 0,
        "warp_violations": counts["warp"],
        "ccei": screen.ccei if "ccei" in indices else None,
        "houtman_maks": None if hm is None else hm.index,
        "houtman_maks_lower": None if hm is None else hm.lower,
        "houtman_maks_exact": None if hm is None else hm.exact,
        "varian": None if vb is None else vb.index,
        "varian_upper": None if vb is None else vb.upper,
        "varian_exact": None if vb is None else vb.exact,
        "mpi_max": hi,
        "mpi_min": lo,
        "cycle": cycle,
        "cycle_mpi": cycle_mpi,
    }


def _mean(rows: list[dict[str, Any]], key: str) -> float | None:
    vals = [r[key] for r in rows if r[key] is not None]
    return statistics.fmean(vals) if vals else None


def _summary(rows: list[dict[str, Any]], efficiency: Any, axiom: str) -> dict[str, Any]:
    cc = [r["ccei"] for r in rows if r["ccei"] is not None]
    return {
        "subjects": len(rows),
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
        "mean_varian": _mean(rows, "varian"),
        "mean_mpi_max": _mean(rows, "mpi_max"),
    }


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
    out = io.StringIO()
    keys = [k for k, _, _ in _COLUMNS]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*keys[:2], "goods", *keys[2:], "cycle", "cycle_mpi", "houtman_maks_lower",
                     "houtman_maks_exact", "varian_upper", "varian_exact"])
    for r in rows:
        vals = [r[k] for k in keys]
        writer.writerow([*(_csv_cell(v) for v in vals[:2]), " ".join(r["goods"]),
                         *(_csv_cell(v) for v in vals[2:]),
                         "" if not r["cycle"] else _cycle_text(r["cycle"], ">"),
                         _csv_cell(r["cycle_mpi"]), _csv_cell(r["houtman_maks_lower"]),
                         _csv_cell(r["houtman_maks_exact"]), _csv_cell(r["varian_upper"]),
                         _csv_cell(r["varian_exact"])])
    return out.getvalue()


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v) if isinstance(v, float) else str(v)


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
             indices: tuple[str, ...] = INDICES) -> list[dict[str, Any]]:
    rows = []
    subjects = list(panel.items())
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            if progress:
                with progress.stage(f"screening {len(subjects)} subject(s) (axioms, CCEI)"):
                    screens = screen_panel(panel, efficiency)
            else:
                screens = screen_panel(panel, efficiency)
    except FloatingPointError as exc:
        raise InputError(f"the numbers are too far apart for float arithmetic ({exc})"
                         ) from None
    what = ", ".join(["axioms", *(_NAMES[k] for k in indices)])
    shown = progress.iterate(f"checking subjects ({what})", subjects,
                             note=lambda kd: f"subject {kd[0]}") if progress else subjects
    for key, data in shown:
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                rows.append(subject_report(key, data, efficiency, axiom=axiom,
                                           labels=panel.observation_labels(key),
                                           time_limit=time_limit, indices=indices,
                                           screen=screens[key]))
                if wants_report():
                    collect(_CHECKS[axiom](data, efficiency), f"subject {key}")
        except FloatingPointError as exc:
            raise InputError(f"subject {key!r}: the numbers are too far apart for float "
                             f"arithmetic ({exc})") from None
    return rows


def _run(args: argparse.Namespace) -> int:
    e = efficiency_fraction(args.efficiency)
    if args.json and args.format not in ("text", "json"):
        raise InputError(f"--json contradicts --format {args.format}: give one of them")
    progress = progress_for(args)
    with progress.stage(f"reading {args.file}"):
        panel = _read(args)
    rows = _reports(panel, e, args.axiom, progress, args.time_limit, args.indices)
    summary = _summary(rows, e, args.axiom)
    fmt = "json" if args.json else args.format
    if fmt == "json":
        doc = _strict_json({"subjects": rows, "summary": summary})
        _out(json.dumps(doc, allow_nan=False) + "\n")
    elif fmt == "csv":
        _out(_csv(rows))
    else:
        _out(_table(rows, summary) + "\n")
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
    add_quiet_flag(p)
    p.set_defaults(func=_run)
