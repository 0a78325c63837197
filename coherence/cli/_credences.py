"""``coherence credences FILE.json``: Dutch book or probability measure for priced bets.

Input: ``{"states": [...], "bets": [{"event": [states], "price": "1/3"}, ...]}`` with prices
as numbers, decimal strings or ``"p/q"`` strings, and optionally ``"conditional": [{"event":
[...], "given": [...], "price": ...}]``. Output with ``--json`` (contract)::

    {"coherent": false, "certificate": {"kind": "dutch_book",
        "stakes": [{"event": [...], "stake": "p/q", ...}], "sure_loss": "p/q", ...}, ...}
    {"coherent": true, "certificate": {"kind": "probability",
        "probability": {state: "p/q"}}, ...}

A positive stake: the agent buys that many unit bets on the event at its own price; a
negative one: it sells them. Exit 0 coherent, 1 Dutch book, 2 bad input.
"""

from __future__ import annotations

import argparse

from coherence.beliefs import Credences, check_credences
from coherence.cli._common import add_json_flag, emit_verdict, read_with


def credences_from_file(path: str) -> Credences:
    """Read and validate a credences JSON file."""
    return read_with(path, Credences.from_json)


def _run(args: argparse.Namespace) -> int:
    return emit_verdict(check_credences(credences_from_file(args.file)), args.json)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "credences",
        help="check prices of bets on events for a Dutch book (de Finetti)",
        description=(
            'Check credences for a Dutch book. FILE.json: {"states": [...], "bets": '
            '[{"event": [states], "price": "1/3"}, ...]} (optional "conditional" bets with a '
            '"given" event). Exit 0 coherent (a probability measure is printed), 1 Dutch '
            "book, 2 bad input."
        ),
    )
    p.add_argument("file", metavar="FILE.json")
    add_json_flag(p)
    p.set_defaults(func=_run)
