"""``coherence demo``: probe the example agent designs and print what was found.

Each example module in ``examples/`` defines ``agent`` (an agent, class or factory), ``ITEMS``
and ``EXPECTED`` (a verdict status: ``"coherent"``, ``"exploitable"``, ``"no_exploit_found"``
or ``"fault"``). The demo probes every one with a fixed seed, prints the certificates (and
the evidence, for a trader with no pump found) and exits 0 when every verdict has the
expected status (1 if not).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import coherence
from coherence.agents import load_module
from coherence.cli import CommandError
from coherence.cli._common import add_json_flag, check_report_path, emit, seed_type
from coherence.cli._user_code import quiet_stdout
from coherence.verdict import Verdict


def examples_dir() -> Path:
    """The bundled examples (wheel) or the repository's ``examples/`` (source checkout)."""
    here = Path(coherence.__file__).resolve().parent
    for cand in (here / "_examples", here.parent / "examples"):
        if cand.is_dir():
            return cand
    raise CommandError("example agent designs not found; run from a source checkout")


def _run(args: argparse.Namespace) -> int:
    from coherence.agents import probe
    from coherence.reporting import Finding, count_statuses, describe_counts, write_report

    folder = Path(args.examples) if args.examples else examples_dir()
    if not folder.is_dir():
        raise CommandError(f"{folder}: no such folder")
    check_report_path(args.report)
    results = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        with quiet_stdout(True):  # what an example does on import stays its own
            mod = load_module(str(path))
        agent = getattr(mod, "agent", None)
        items = getattr(mod, "ITEMS", None)
        if agent is None or items is None:
            continue
        verdict = probe(agent, items=items, seed=args.seed, max_examples=args.max_examples)
        expected = getattr(mod, "EXPECTED", None)
        results.append((path.name, verdict, expected))
    if not results:
        raise CommandError(f"no example agents found in {folder}")
    surprises = [n for n, v, e in results if e is not None and v.status != e]
    if args.report:
        write_report(args.report, [Finding.from_verdict(v, n) for n, v, _ in results],
                     title="coherence demo")
    if args.json:
        emit({"examples": [{"example": n, "expected": e, **v.to_json()}
                           for n, v, e in results],
              "counts": count_statuses(v for _, v, _ in results)})
    else:
        for name, v, expected in results:
            print(f"== {name} ==")
            print(v.explain())
            print(_note(v, expected) + "\n")
        print(describe_counts(count_statuses(v for _, v, _ in results)))
        if surprises:
            print(f"unexpected verdicts: {', '.join(surprises)}")
    return 1 if surprises else 0


def _note(v: Verdict, expected: str | None) -> str:
    """The line under each example: what backs the verdict, and a surprise if there is one."""
    surprise = "" if expected in (None, v.status) else f"; EXPECTED {expected}"
    if v.conclusive:
        return f"(certificate verified exactly: {v.verify()}{surprise})"
    if v.status == "no_exploit_found":
        return f"(evidence, not proof: no certificate to verify{surprise})"
    return f"(agent fault: nothing can be concluded{surprise})"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="check the example agent designs and show the certificates")
    p.add_argument("--examples", metavar="DIR", help="folder of example agents (default: bundled)")
    p.add_argument("--seed", type=seed_type, default=0, help="probe seed (default 0)")
    p.add_argument("--max-examples", type=int, default=50, metavar="N",
                   help="Hypothesis examples per trader (default 50)")
    p.add_argument("--report", metavar="PATH", help="also write a report (HTML for .html)")
    add_json_flag(p)
    p.set_defaults(func=_run)
