"""``coherence wtp FILE.csv``: cardinal money pump or money utility from willingness to pay."""

from __future__ import annotations

import argparse

from coherence.cli._common import add_json_flag, emit_verdict
from coherence.dispatch import check
from coherence.relations import wtp_from_csv


def _run(args: argparse.Namespace) -> int:
    return emit_verdict(check(wtp_from_csv(args.file)), args.json)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "wtp",
        help="check willingness-to-pay rows holding,offered,pay for a cardinal money pump",
        description="Cardinal money-pump check. Exit 0 coherent, 1 pump, 2 bad input.",
    )
    p.add_argument("file", metavar="FILE.csv")
    add_json_flag(p)
    p.set_defaults(func=_run)
