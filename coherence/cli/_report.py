"""``coherence report VERDICTS.json -o out.html``: render saved verdicts as one HTML page."""

from __future__ import annotations

import argparse
from pathlib import Path

from coherence.cli._common import add_json_flag, emit


def _run(args: argparse.Namespace) -> int:
    from coherence.reporting import load_findings, write_report

    findings = load_findings(args.file)
    out = Path(args.output) if args.output else Path(args.file).with_suffix(".html")
    if not out.parent.is_dir():
        from coherence.errors import InputError

        raise InputError(f"-o: folder {out.parent} does not exist")
    write_report(out, findings, title=args.title)
    counts = {s: sum(f.status == s for f in findings) for s in ("exploitable", "fault",
                                                                "coherent")}
    if args.json:
        emit({"output": str(out), "findings": len(findings), **counts})
    else:
        print(f"wrote {out}: {len(findings)} finding(s), {counts['exploitable']} exploitable, "
              f"{counts['fault']} agent fault(s), {counts['coherent']} coherent")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="render saved verdicts (JSON) as a self-contained HTML report with pictures",
        description=(
            "Render verdicts saved as JSON (coherence check --json, coherence demo --json, or "
            "a pytest --coherence-report file) as one self-contained HTML page. Exit 0 when "
            "written, 2 on bad input."
        ),
    )
    p.add_argument("file", metavar="VERDICTS.json")
    p.add_argument("-o", "--output", metavar="OUT.html",
                   help="where to write (default: VERDICTS.html next to the input)")
    p.add_argument("--title", default="coherence report", help="page title")
    add_json_flag(p)
    p.set_defaults(func=_run)
