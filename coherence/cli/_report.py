"""``coherence report VERDICTS.json -o out.html``: render saved verdicts as one HTML page.

``--check-rendering OUT.png`` then renders the page in a headless Chromium, writes the
screenshot and counts the pixels drawn in the pictures' colours: exit 1 when nothing was
drawn, 2 when no Chromium is on ``PATH``. Given a report that is already HTML (``coherence
demo --report demo.html``), only the rendering is checked.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from coherence.cli._common import add_json_flag, emit
from coherence.errors import CommandError, InputError
from coherence.validation import check_file

_HTML = (".html", ".htm")


def _rendering(html: Path, png: str) -> dict[str, Any]:
    """Screenshot ``html`` into ``png`` and count the pump- and coherent-coloured pixels."""
    from coherence.reporting import check_rendering, find_chromium

    if not Path(png).resolve().parent.is_dir():
        raise InputError(f"--check-rendering: folder {Path(png).parent} does not exist")
    if find_chromium() is None:
        raise CommandError("--check-rendering needs Chromium on PATH (apt-get install chromium)")
    try:
        drawn = check_rendering(html, png)
    except Exception as exc:  # the browser failed: no screenshot, a timeout, an exit status
        raise CommandError(f"--check-rendering: the browser failed: {exc}") from None
    return {"png": png, **drawn, "visible": drawn["pump"] + drawn["coherent"] > 0}


def _run(args: argparse.Namespace) -> int:
    import coherence.subagents as subagents  # noqa: F401  # registers the committee certificate kinds saved verdicts may hold
    from coherence.reporting import count_statuses, describe_counts, load_findings, write_report

    source = Path(args.file)
    doc: dict[str, Any] = {}
    if source.suffix.lower() in _HTML:
        if not args.check_rendering:
            raise InputError(f"{args.file} is HTML already; pass --check-rendering OUT.png")
        check_file(args.file)
        out, line = source, ""
    else:
        findings = load_findings(args.file)
        out = Path(args.output) if args.output else source.with_suffix(".html")
        if not out.parent.is_dir():
            raise InputError(f"-o: folder {out.parent} does not exist")
        if args.check_rendering and out.suffix.lower() not in _HTML:
            raise InputError("--check-rendering needs an HTML output (-o OUT.html)")
        write_report(out, findings, title=args.title, inputs=[args.file])
        counts = count_statuses(findings)
        doc.update({"findings": len(findings), **counts})
        line = f"wrote {out}: {len(findings)} finding(s), {describe_counts(counts)}"
    doc = {"output": str(out), **doc}
    code = 0
    if args.check_rendering:
        drawn = _rendering(out, args.check_rendering)
        doc["rendering"] = drawn
        code = 0 if drawn["visible"] else 1
        line += ("\n" if line else "") + (
            f"{drawn['png']}: {drawn['pump']} pixels in the pump colour, {drawn['coherent']} "
            "in the coherent colour" + ("" if drawn["visible"] else ": NOTHING WAS DRAWN"))
    if args.json:
        emit(doc)
    else:
        print(line)
    return code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="render saved verdicts (JSON) as a self-contained HTML report with pictures",
        description=(
            "Render verdicts saved as JSON (coherence check --json, coherence demo --json, or "
            "a pytest --coherence-report file) as one self-contained HTML page. With "
            "--check-rendering, also screenshot the page in a headless Chromium and count the "
            "pixels of its pictures (for an HTML input, only that). Exit 0 when written (and "
            "drawn), 1 when the check saw nothing drawn, 2 on bad input or no Chromium."
        ),
    )
    p.add_argument("file", metavar="VERDICTS.json")
    p.add_argument("-o", "--output", metavar="OUT.html",
                   help="where to write (default: VERDICTS.html next to the input)")
    p.add_argument("--title", default="coherence report", help="page title")
    p.add_argument("--check-rendering", metavar="OUT.png", default=None,
                   help="screenshot the HTML in headless Chromium to OUT.png and check that "
                        "the pictures were drawn")
    add_json_flag(p)
    p.set_defaults(func=_run)
