"""``coherence check TARGET``: probe an agent design for exploits (for tests and CI).

TARGET is ``path/to/file.py:object`` or ``package.module:object``: an agent (an object with
``prefers``, ``choose``, ``accept``, ``price`` or ``act``), a class, or a zero-argument
factory. ITEMS is a comma-separated list or ``@FILE`` (one item per line); by default the
target module's ``ITEMS``. Exit 0 when the agent is coherent (a verified certificate) or no
exploit was found (a trader's search: evidence, not proof; the JSON status is
``"no_exploit_found"``), 1 when an exploit is found, 2 on bad input, 3 when the agent faulted
(raised, hung, contradicted itself).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from coherence.agents import PROTOCOLS, load_target
from coherence.cli import CommandError
from coherence.cli._common import add_json_flag, emit_verdict
from coherence.errors import InputError
from coherence.validation import check_file


def parse_items(spec: str) -> list[str]:
    """``a,b,c`` or ``@FILE`` (one item per line, blank lines and ``#`` comments skipped)."""
    if spec.startswith("@"):
        path = check_file(spec[1:])
        lines = path.read_text(encoding="utf-8").splitlines()
        items = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    else:
        items = [s.strip() for s in spec.split(",")]
        if any(not s for s in items):
            raise InputError(f"--items has an empty item: {spec!r}")
    if not items:
        raise InputError("--items lists no items")
    if len(set(items)) != len(items):
        dup = next(x for x in items if items.count(x) > 1)
        raise InputError(f"--items lists {dup!r} twice")
    return items


class ProgressBar:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label: str, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if now - self.last < 0.1 and done < total:
            return
        self.last = now
        width = 30
        filled = int(width * min(done, total) / total)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'-' * (width - filled)}] "
                          f"{100 * min(done, total) // total:3d}%")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * (len(self.label) + 40) + "\r")
            self.stream.flush()


def _check_report_path(path: str | None) -> None:
    if path is None:
        return
    folder = Path(path).parent
    if not folder.is_dir():
        raise InputError(f"--report: folder {folder} does not exist")


def _run(args: argparse.Namespace) -> int:
    from coherence.agents import probe
    from coherence.reporting import Finding, write_report

    if args.max_examples < 1:
        raise CommandError("--max-examples must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise CommandError("--timeout must be positive")
    _check_report_path(args.report)
    module, target = load_target(args.target)
    if args.items is not None:
        items: Any = parse_items(args.items)
    else:
        items = getattr(module, "ITEMS", None)
        if items is None:
            where = args.target.rpartition(":")[0]
            raise InputError(f"no items to probe with: pass --items or define ITEMS in {where}")
    bar = ProgressBar(f"probing {args.target}")
    try:
        verdict = probe(target, items=items, max_examples=args.max_examples, seed=args.seed,
                        timeout=args.timeout, protocol=args.protocol, progress=bar)
    finally:
        bar.close()
    if args.report:
        write_report(args.report, [Finding.from_verdict(verdict, args.target)])
    return emit_verdict(verdict, args.json)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="probe an agent design (MODULE:OBJECT) for money pumps and other exploits",
        description=(
            "Probe an agent for exploits. TARGET is path/to/file.py:object or "
            "package.module:object (an agent, a class or a zero-argument factory). Exit 0 "
            "coherent or no exploit found (evidence, not proof), 1 exploit found, 2 bad "
            "input, 3 the agent faulted."
        ),
    )
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--items", metavar="ITEMS",
                   help="comma-separated items or @FILE with one per line (default: the "
                        "module's ITEMS)")
    p.add_argument("--max-examples", type=int, default=100, metavar="N",
                   help="Hypothesis examples for traders; repeated questions for comparers "
                        "(default 100)")
    p.add_argument("--seed", type=int, default=None, metavar="S",
                   help="make the probe deterministic")
    p.add_argument("--timeout", type=float, default=1.0, metavar="SECONDS",
                   help="per-call time limit for the agent (default 1)")
    p.add_argument("--protocol", choices=PROTOCOLS, default=None,
                   help="which protocol method to probe when the agent has several")
    p.add_argument("--report", metavar="PATH",
                   help="also write the verdict as a report (HTML for .html, else JSON)")
    add_json_flag(p)
    p.set_defaults(func=_run)
