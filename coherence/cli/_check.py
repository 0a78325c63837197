"""``coherence check TARGET``: probe an agent design for exploits (for tests and CI).

TARGET is ``path/to/file.py:object`` or ``package.module:object``: an agent (an object with
``prefers``, ``choose``, ``accept``, ``price`` or ``act``), a class, or a zero-argument
factory. ITEMS is a comma-separated list or ``@FILE`` (one item per line); by default the
target module's ``ITEMS``. The target is imported and probed in a worker process of its own
(``--isolation none``: in this process), so nothing it does reaches this process's exit
status or its stdout. Exit 0 when the agent is coherent (a verified certificate) or no
exploit was found (a trader's search: evidence, not proof; the JSON status is
``"no_exploit_found"``), 1 when an exploit is found (asked again before it is reported), 2 on
bad input, 3 when the agent faulted (raised, hung, exited, crashed, answered outside its
protocol, contradicted itself), its import included.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from coherence.agents import ISOLATIONS, PROTOCOLS, load_agent
from coherence.cli import CommandError
from coherence.cli._common import (
    add_json_flag,
    check_report_path,
    emit_verdict,
    input_files,
    seed_type,
)
from coherence.cli._progress import Progress, StagedCallback, add_quiet_flag, progress_for
from coherence.cli._user_code import quiet_stdout
from coherence.errors import AgentFaulted, InputError
from coherence.validation import check_file
from coherence.verdict import Verdict


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


#: the stages of a probe, by protocol, in the order the probe reports them
STAGES: dict[str, tuple[str, ...]] = {
    "prefers": ("asking every pair, both orders, then again",),
    "choose": ("asking every pair, both orders, then again",),
    "accept": ("first trades from every holding", "trading runs (Hypothesis)"),
    "price": ("pricing bets",),
    "act": ("acting in decision problems",),
}


def ProgressBar(label: str, stream: Any = None) -> StagedCallback:
    """A ``progress(done, total)`` callback drawn by ``tqdm`` on stderr (one stage named
    ``label``), only when the stream is a terminal.

    >>> import io
    >>> bar = ProgressBar("probing", io.StringIO())
    >>> bar(5, 10); bar.close(); bar.progress.enabled
    False
    """
    return Progress(stream=stream).callback((label,))


def check_seconds_option(value: float | None, flag: str) -> None:
    """``--timeout`` and ``--budget``: positive and finite (exit 2 otherwise)."""
    if value is not None and not (value > 0 and math.isfinite(value)):
        raise CommandError(f"{flag} must be a positive, finite number of seconds, got {value:g}")
    if value is not None and value > 10**7:
        raise CommandError(f"{flag} must be at most 10000000 seconds (about 115 days), "
                           f"got {value:g}")


def _run(args: argparse.Namespace) -> int:
    from coherence.agents import probe
    from coherence.reporting import Finding, write_report

    if args.max_examples < 1:
        raise CommandError("--max-examples must be at least 1")
    check_seconds_option(args.timeout, "--timeout")
    check_seconds_option(args.budget, "--budget")
    check_report_path(args.report)
    items: Any = parse_items(args.items) if args.items is not None else None
    bulk = len(args.target) > 1 or args.workers is not None or args.scheduler is not None \
        or any(_is_folder(t) for t in args.target)
    if bulk:
        return _run_many(args, items)
    args.target = args.target[0]
    progress = progress_for(args)
    with quiet_stdout(args.isolation == "none"):
        try:
            agent, found = load_agent(args.target, protocol=args.protocol, timeout=args.timeout,
                                      isolation=args.isolation, budget=args.budget)
        except AgentFaulted as exc:  # the import itself failed, hung or exited
            verdict = Verdict.inconclusive(exc.fault, f"agent {args.target}", agent_calls=0)
        else:
            with agent:
                if items is None:
                    items = found
                if items is None:
                    where = args.target.rpartition(":")[0]
                    raise InputError(f"no items to probe with: pass --items or define ITEMS in "
                                     f"{where}")
                bar = progress.callback(STAGES.get(agent.protocol, ("probing",)))
                try:
                    verdict = probe(agent, items=items, max_examples=args.max_examples,
                                    seed=args.seed, progress=bar)
                finally:
                    bar.close()
    if args.report:
        write_report(args.report, [Finding.from_verdict(verdict, args.target)],
                     inputs=input_files(args))
    return emit_verdict(verdict, args.json)


def _is_folder(target: str) -> bool:
    where, sep, _ = target.rpartition(":")
    return bool(sep and where and Path(where).is_dir()) or Path(target).is_dir()


def _line(result: Any) -> str:
    """A target's verdict in one line: its status, and for a fault or an exploit the first
    line of the story (what the agent did)."""
    if result.verdict is None:
        return f"ERROR: {result.error}"
    lines = [ln.strip() for ln in result.verdict.explain().splitlines() if ln.strip()]
    head = lines[0].split(": ", 1)[-1] if lines else result.verdict.status
    if result.verdict.status in ("fault", "exploitable") and len(lines) > 1:
        return f"{head}: {lines[1].rstrip(':')}"
    return head


def _run_many(args: argparse.Namespace, items: Any) -> int:
    """Several targets (or a folder): one line each (or one JSON document), then the exit
    status: 1 if any is exploitable, else 3 if any faulted, else 2 if any could not be
    checked, else 0."""
    import json

    from coherence.agents import check_targets, expand_targets
    from coherence.bulk import executor_for
    from coherence.cli._common import _out
    from coherence.reporting import Finding, write_report

    names = expand_targets(args.target)
    progress = progress_for(args)
    with executor_for(args.workers, args.scheduler) as executor, \
            progress.stage(f"checking {len(names)} targets", total=len(names)):
        results = check_targets(names, items, executor=executor,
                                max_examples=args.max_examples, seed=args.seed,
                                timeout=args.timeout, isolation=args.isolation,
                                protocol=args.protocol, budget=args.budget)
    codes = [r.exit_code for r in results]
    summary = {s: sum(r.to_json()["status"] == s for r in results) for s in
               ("coherent", "no_exploit_found", "exploitable", "fault", "error")}
    if args.report:
        write_report(args.report, [Finding.from_verdict(r.verdict, r.target)
                                   for r in results if r.verdict is not None],
                     inputs=input_files(args))
    if args.json:
        _out(json.dumps({"targets": [r.to_json() for r in results], "summary": summary})
             + "\n")
    else:
        for r in results:
            _out(f"{r.target}: {_line(r)}\n")
        words = {"no_exploit_found": "no exploit found", "fault": "faulted",
                 "error": "not checked"}
        _out(", ".join(f"{v} {words.get(k, k)}" for k, v in summary.items() if v) + "\n")
    failed = [r for r in results if r.verdict is None]
    if failed and 1 not in codes and 3 not in codes:
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise CommandError(f"{failed[0].target}: {failed[0].error}{more}", 2)
    for code in (1, 3, 2):
        if code in codes:
            return code
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="probe an agent design (MODULE:OBJECT) for money pumps and other exploits",
        description=(
            "Probe an agent for exploits. TARGET is path/to/file.py:object or "
            "package.module:object (an agent, a class or a zero-argument factory), imported "
            "and probed in a worker process of its own. Exit 0 coherent or no exploit found "
            "(evidence, not proof), 1 exploit found (asked again before it is reported), 2 bad "
            "input, 3 the agent faulted (raised, hung, exited, answered outside its protocol, "
            "contradicted itself). With several targets (or FOLDER:NAME): one line each, "
            "optionally on Dask (--workers, --scheduler); exit 1 if any is exploitable, else "
            "3 if any faulted, else 2 if any could not be checked, else 0."
        ),
    )
    p.add_argument("target", metavar="TARGET", nargs="+",
                   help="one or more targets; FOLDER:NAME stands for every FOLDER/*.py:NAME")
    p.add_argument("--items", metavar="ITEMS",
                   help="comma-separated items or @FILE with one per line (default: the "
                        "module's ITEMS)")
    p.add_argument("--max-examples", type=int, default=100, metavar="N",
                   help="Hypothesis examples for traders; repeated questions for comparers "
                        "(default 100)")
    p.add_argument("--seed", type=seed_type, default=None, metavar="S",
                   help="make the probe deterministic")
    p.add_argument("--timeout", type=float, default=1.0, metavar="SECONDS",
                   help="per-call time limit for the agent, positive and finite (default 1); "
                        "a call past it kills the agent's process; its import and start get "
                        "at least 10 s")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="total time the agent may take, its import included (default: none)")
    p.add_argument("--isolation", choices=ISOLATIONS, default="process",
                   help="'process' (default): the agent runs in a worker process of its own; "
                        "'none': in this process (trusted, fast agents: it cannot stop an "
                        "agent that exits, crashes or blocks in C code)")
    p.add_argument("--protocol", choices=PROTOCOLS, default=None,
                   help="which protocol method to probe when the agent has several")
    p.add_argument("--report", metavar="PATH",
                   help="also write the verdict as a report (HTML for .html, else JSON)")
    p.add_argument("--workers", metavar="N", type=int, default=None,
                   help="several targets: probe them on a local Dask cluster of N worker "
                        "processes (needs the dask extra)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="several targets: probe them on an existing Dask cluster")
    add_quiet_flag(p)
    add_json_flag(p)
    p.set_defaults(func=_run)
