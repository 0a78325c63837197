"""``coherence wtp FILE.csv``: cardinal money pump or money utility from willingness to pay."""

from __future__ import annotations

import argparse
import math

import numpy as np

from coherence.cli._common import add_json_flag, emit_verdict, read_csv_rows
from coherence.dispatch import check
from coherence.errors import InputError
from coherence.relations import WillingnessToPay


def wtp_from_csv(path: str) -> WillingnessToPay:
    """Rows ``holding,offered,pay``: the most the agent pays to swap holding for offered.
    Unlisted swaps are refused (``-inf``)."""
    rows = read_csv_rows(path, ("holding", "offered", "pay"))
    if not rows:
        raise InputError(f"{path}: no rows")
    labels: dict[str, int] = {}
    for r in rows:
        for x in (r["holding"], r["offered"]):
            labels.setdefault(x, len(labels))
    W = np.full((len(labels), len(labels)), -np.inf)
    for lineno, r in enumerate(rows, start=2):
        try:
            v = float(r["pay"])
        except ValueError:
            raise InputError(f"{path}:{lineno}: pay must be a number, got {r['pay']!r}") from None
        if math.isnan(v):
            raise InputError(f"{path}:{lineno}: pay is NaN")
        W[labels[r["holding"]], labels[r["offered"]]] = v
    return WillingnessToPay(tuple(labels), W)


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
