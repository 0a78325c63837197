"""``coherence stochastic FILE.csv``: random-utility coherence of binary choice frequencies.

The CSV has one row per unordered pair (and subject): ``item_a``, ``item_b`` and either ``p``
(P(item_a chosen over item_b), decimal or ``p/q``) or the counts ``n_a``, ``n_b`` (plus
``n_indifferent`` for ternary data; ``n_a_chosen``/``n_b_chosen`` and ``n_trials`` are read
too), and an optional ``subject`` column. Counts are checked as their frequencies (the
certificate); beside it, likelihood-ratio tests of random utility and of weak stochastic
transitivity say whether a violation is significant (parametric bootstrap, ``--bootstrap``
samples, seed ``--seed``). A file with a ``menu`` column instead holds menu data: one row per
menu and chosen item, ``menu`` (items separated by ``;``), ``item`` and ``count`` or ``p``,
decided by regularity and the Block–Marschak polynomials. Exit 0 when every subject is
random-utility coherent, 1 when one is not, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from coherence._csvio import read_csv_rows
from coherence.cli._common import collect, seed_type
from coherence.errors import InputError
from coherence.stochastic import (
    MenuChoice,
    MenuRandomUtility,
    MenuSeparatingInequality,
    RandomUtility,
    SeparatingInequality,
    StochasticChoice,
    check_menu_random_utility,
    check_random_utility,
    check_triads,
    menus_from_csv,
    sample_test,
    stochastic_from_csv,
)


def _tests(data: StochasticChoice, verdict: Any, bootstrap: int,
           seed: int) -> list[dict[str, Any]]:
    """The sample tests that apply: none without counts; WST for forced choice only."""
    q = verdict.quantities
    if "p_value" not in q:
        return []
    trials = sum(sum(r.counts) for r in data.records if r.counts is not None)
    out = [{"hypothesis": "random_utility", "statistic": q["statistic"],
            "p_value": q["p_value"], "method": q["test"], "bootstrap": bootstrap,
            "seed": seed, "trials": trials}]
    if data.forced:
        try:
            wst = sample_test(data, hypothesis="weak_stochastic_transitivity",
                              bootstrap=bootstrap, seed=seed)
        except InputError:  # too many items for the exact fit
            return out
        out.append(wst.to_json())
    return out


def subject_report(subject: str, data: StochasticChoice, *, bootstrap: int = 200,
                   seed: int = 0) -> tuple[dict[str, Any], Any]:
    """The per-subject JSON record of the CLI contract (the certificate, the sample tests
    beside it when the data are counts, and the triad checks), and the certificate."""
    if bootstrap < 0:
        raise InputError(f"the bootstrap size must be a non-negative integer, got {bootstrap}")
    verdict = check_random_utility(data, bootstrap=bootstrap, seed=seed)
    collect(verdict, f"subject {subject}" if subject != "" else "")
    return {
        "subject": subject,
        "coherent": verdict.coherent,
        "certificate": verdict.certificate.to_json(),
        "tests": _tests(data, verdict, bootstrap, seed),
        "necessary_conditions": [t.to_json() for t in check_triads(data)],
    }, verdict.certificate


def _test_line(t: dict[str, Any]) -> str:
    name = t["hypothesis"].replace("_", " ")
    return (f"  {name}: G² = {t['statistic']:.3f}, p = {t['p_value']:.3f} (likelihood ratio, "
            f"parametric bootstrap, {t['bootstrap']} samples, seed {t['seed']})")


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


def menu_report(subject: str, data: MenuChoice) -> tuple[dict[str, Any], Any]:
    """The per-subject JSON record for menu data: the certificate (regularity and the
    Block–Marschak polynomials decide; no sample tests or triad conditions)."""
    verdict = check_menu_random_utility(data)
    collect(verdict, f"subject {subject}" if subject != "" else "")
    return {"subject": subject, "coherent": verdict.coherent,
            "certificate": verdict.certificate.to_json(), "tests": [],
            "necessary_conditions": []}, verdict.certificate


def _menu_line(row: dict[str, Any], cert: Any) -> str:
    head = f"subject {row['subject']!r}: " if row["subject"] != "" else ""
    if isinstance(cert, MenuRandomUtility):
        return (f"{head}coherent: a mixture of {len(cert.orders)} order(s) reproduces every "
                "menu share")
    why = ("regularity fails" if cert.reason == "regularity"
           else "a Block–Marschak polynomial is negative")
    return (f"{head}NOT random-utility coherent ({why}): the inequality holds for every "
            f"order with bound {cert.bound}, but the data give {cert.data_value()}")


def _is_menu_file(path: str) -> bool:
    rows = read_csv_rows(path, ())
    return bool(rows) and "menu" in rows[0] and "item_a" not in rows[0]


def _run(args: argparse.Namespace) -> int:
    rows, certs = [], []
    if _is_menu_file(args.file):
        for key, menus in menus_from_csv(args.file, subject=args.subject).items():
            row, cert = menu_report(key, menus)
            rows.append(row)
            certs.append(cert)
    else:
        for key, data in stochastic_from_csv(args.file, subject=args.subject).items():
            row, cert = subject_report(key, data, bootstrap=args.bootstrap, seed=args.seed)
            rows.append(row)
            certs.append(cert)
    if args.json:
        sys.stdout.write(json.dumps({"subjects": rows}, allow_nan=False) + "\n")
    else:
        for row, cert in zip(rows, certs, strict=True):
            print(_menu_line(row, cert) if isinstance(
                cert, MenuRandomUtility | MenuSeparatingInequality) else _line(row, cert))
            for t in row["tests"]:
                print(_test_line(t))
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
    p.add_argument("--bootstrap", metavar="B", type=int, default=200,
                   help="parametric-bootstrap samples of the sample tests (default 200; 0 "
                        "reports the statistic with p-value 1)")
    p.add_argument("--seed", type=seed_type, default=0,
                   help="seed of the bootstrap's PCG64 generator (default 0)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON document: {'subjects': [{'subject', 'coherent', "
                        "'certificate', 'tests', 'necessary_conditions'}, ...]}")
    p.set_defaults(func=_run)
