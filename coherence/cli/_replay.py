"""``coherence replay VERDICT.json TARGET``: ask an agent a saved exploit's questions again.

VERDICT.json is what ``coherence check --json`` printed for an exploit (or a report holding
one exploit); TARGET is the agent, as for ``coherence check``. The questions the exploit
rests on (``quantities.replay``: menus, holdings, offers, prices, events, decision problems,
with their answers) are asked again, in rounds of fresh instances. Exit 1 when the exploit
holds (every answer is the recorded one), 0 when the agent no longer falls for it (it answers
otherwise, the same way every round), 2 on bad input (not an exploit, no replay record), 3
when the agent faulted (its answers change from round to round included).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from coherence.agents import ISOLATIONS
from coherence.cli._check import check_seconds_option
from coherence.cli._common import add_json_flag, emit_verdict
from coherence.cli._user_code import quiet_stdout
from coherence.errors import InputError


def saved_exploit(path: str) -> Mapping[str, Any]:
    """The one exploit verdict of a saved verdict or report (``InputError`` otherwise)."""
    from coherence.reporting import load_findings

    findings = load_findings(path)
    exploits = [f for f in findings if f.status == "exploitable"]
    if len(findings) == 1 or len(exploits) == 1:
        return (exploits or findings)[0].verdict
    raise InputError(f"{path}: holds {len(exploits)} exploits among {len(findings)} verdicts; "
                     "replay takes one")


def _run(args: argparse.Namespace) -> int:
    from coherence.agents import replay

    check_seconds_option(args.timeout, "--timeout")
    check_seconds_option(args.budget, "--budget")
    doc = saved_exploit(args.verdict)
    with quiet_stdout(args.isolation == "none"):
        verdict = replay(doc, args.target, timeout=args.timeout, isolation=args.isolation,
                         budget=args.budget)
    return emit_verdict(verdict, args.json)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "replay",
        help="ask an agent (MODULE:OBJECT) a saved exploit's questions again",
        description=(
            "Replay a saved exploit (coherence check --json output) against an agent. Exit 1 "
            "the exploit holds, 0 the agent no longer falls for it, 2 bad input, 3 the agent "
            "faulted."
        ),
    )
    p.add_argument("verdict", metavar="VERDICT.json")
    p.add_argument("target", metavar="TARGET")
    p.add_argument("--timeout", type=float, default=1.0, metavar="SECONDS",
                   help="per-call time limit for the agent, positive and finite (default 1)")
    p.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                   help="total time the agent may take, its import included (default: none)")
    p.add_argument("--isolation", choices=ISOLATIONS, default="process",
                   help="'process' (default): the agent runs in a worker process of its own; "
                        "'none': in this process")
    add_json_flag(p)
    p.set_defaults(func=_run)
