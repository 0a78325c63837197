"""``coherence relation FILE.csv``: money pump or utility for a listed preference relation."""

from __future__ import annotations

import argparse

from coherence.cli._common import add_json_flag, emit_verdict, read_csv_rows
from coherence.dispatch import check
from coherence.errors import InputError
from coherence.relations import PreferenceRelation

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def relation_from_csv(path: str) -> PreferenceRelation:
    """Read ``better,worse[,strict]`` rows (strict defaults to true).

    A row says ``better ≽ worse``; with ``strict`` true it also says *not* ``worse ≽ better``,
    so a strict row contradicted by a reverse row is an error. Two non-strict rows in both
    orders make an indifference. Unlisted pairs are incomparable. Labels are strings.
    """
    rows = read_csv_rows(path, ("better", "worse"))
    if not rows:
        raise InputError(f"{path}: no rows")
    pairs: list[tuple[str, str]] = []
    strict_pairs: set[tuple[str, str]] = set()
    for lineno, row in enumerate(rows, start=2):
        a, b = row["better"], row["worse"]
        if a == b:
            raise InputError(f"{path}:{lineno}: an item cannot be compared with itself ({a!r})")
        s = (row.get("strict") or "true").lower()
        if s not in _TRUE | _FALSE:
            raise InputError(f"{path}:{lineno}: strict must be true or false, got {s!r}")
        pairs.append((a, b))
        if s in _TRUE:
            strict_pairs.add((a, b))
    listed = set(pairs)
    for a, b in strict_pairs:
        if (b, a) in listed:
            raise InputError(
                f"{path}: {a!r} is listed as strictly better than {b!r} and also as at least as "
                f"good the other way"
            )
    return PreferenceRelation.from_pairs(pairs)


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
