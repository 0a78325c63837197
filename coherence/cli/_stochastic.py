"""``coherence stochastic FILE.csv``: random-utility coherence of binary choice frequencies.

The CSV has one row per unordered pair (and subject): ``item_a``, ``item_b`` and either ``p``
(P(item_a chosen over item_b), decimal or ``p/q``) or the counts ``n_a``, ``n_b`` (plus
``n_indifferent`` for ternary data; ``n_a_chosen``/``n_b_chosen`` and ``n_trials`` are read
too), and an optional ``subject`` column. Counts are checked as their frequencies. Exit 0 when
every subject is random-utility coherent, 1 when one is not, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from coherence.stochastic import (
    RandomUtility,
    SeparatingInequality,
    StochasticChoice,
    check_random_utility,
    check_triads,
    stochastic_from_csv,
)


def subject_report(subject: str, data: StochasticChoice) -> tuple[dict[str, Any], Any]:
    """The per-subject JSON record of the CLI contract, with the triad checks beside it, and
    the certificate."""
    verdict = check_random_utility(data)
    return {
        "subject": subject,
        "coherent": verdict.coherent,
        "certificate": verdict.certificate.to_json(),
        "necessary_conditions": [t.to_json() for t in check_triads(data)],
    }, verdict.certificate


def _line(row: dict[str, Any], cert: Any) -> str:
    head = f"subject {row['subject']!r}: " if row["subject"] != "" else ""
    if isinstance(cert, RandomUtility):
        return (f"{head}coherent: a mixture of {len(cert.orders)} order(s) reproduces every "
                "choice probability")
    assert isinstance(cert, SeparatingInequality)
    terms = " + ".join(f"{'' if c == 1 else f'{c}·'}P({cert.items[a]} over {cert.items[b]})"
                       for a, b, c in cert.terms)
    return (f"{head}NOT random-utility coherent: {terms} ≤ {cert.bound} holds for every "
            f"order, but the data give {cert.data_value()}")


def _run(args: argparse.Namespace) -> int:
    panel = stochastic_from_csv(args.file, subject=args.subject)
    rows, certs = [], []
    for key, data in panel.items():
        row, cert = subject_report(key, data)
        rows.append(row)
        certs.append(cert)
    if args.json:
        sys.stdout.write(json.dumps({"subjects": rows}, allow_nan=False) + "\n")
    else:
        for row, cert in zip(rows, certs, strict=True):
            print(_line(row, cert))
        bad = sum(not r["coherent"] for r in rows)
        print(f"{len(rows)} subject(s): {len(rows) - bad} coherent, {bad} not")
    return 1 if any(not r["coherent"] for r in rows) else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stochastic",
        help="random-utility coherence of binary choice frequencies, per subject",
        description=__doc__.split("\n\n", 1)[1].replace("``", "'") if __doc__ else None,
    )
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--subject", metavar="COL", default=None,
                   help="the subject column (default: 'subject' when present, else one "
                        "subject)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON document: {'subjects': [{'subject', 'coherent', "
                        "'certificate', 'necessary_conditions'}, ...]}")
    p.set_defaults(func=_run)
