"""``coherence relation FILE.csv``: money pump or utility for a listed preference relation."""

from __future__ import annotations

import argparse

from coherence.cli._common import add_json_flag, emit_verdict
from coherence.dispatch import check
from coherence.relations import relation_from_csv


def _run(args: argparse.Namespace) -> int:
    return emit_verdict(check(relation_from_csv(args.file)), args.json)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "relation",
        help="check a preference relation given as better,worse[,strict] CSV rows",
        description=(
            "Check a preference relation for money pumps. FILE.csv has columns better,worse and "
            "an optional strict column (true/false, default true). Exit 0 coherent, 1 pump, "
            "2 bad input."
        ),
    )
    p.add_argument("file", metavar="FILE.csv")
    add_json_flag(p)
    p.set_defaults(func=_run)
