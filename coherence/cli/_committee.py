"""``coherence committee FILE``: an election (PrefLib file) read as a committee of voters.

Reports the majority margins, Condorcet winner, weak Condorcet winners, tied pairs and a
shortest majority cycle (listed in the order a pump trades along it, as the certificate's
cycle runs), then checks the committee under the chosen rule: exit 0 when it
cannot be money-pumped, 1 when it can (a pump needs a strict vote for every trade: a tied vote
rejects the trade), 2 on bad input. Alternatives are identified by their number in the file.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from coherence.cli._common import add_json_flag, collect, emit
from coherence.dispatch import check


def _trade_order(cycle: Any, pump: Any) -> list[Any] | None:
    """A majority cycle (each item beating the next) in the direction a pump trades along it
    (each item beaten by the next, as ``certificate.cycle`` runs), starting where the pump
    starts when the pump goes round the same items. O(len(cycle))."""
    if cycle is None:
        return None
    order = [cycle[0], *reversed(cycle[1:])]
    if isinstance(pump, list) and pump and pump[0] in order:
        k = order.index(pump[0])
        order = order[k:] + order[:k]
    return order


def analyse(path: str, rule_name: str, unranked: str) -> tuple[dict[str, Any], str, int]:
    """The JSON document, the text report and the exit status for one file."""
    from coherence.subagents import Majority, Unanimity, read_preflib

    election = read_preflib(path)
    rule = Majority() if rule_name == "majority" else Unanimity()
    committee = election.committee(rule, unranked="below" if unranked == "below" else "ignore")
    ids = list(election.alternatives)
    M = committee.margins()
    tied = [
        [ids[i], ids[j]] for i, j in zip(*np.nonzero(np.triu(M == 0, 1)), strict=True)
    ]
    verdict = check(committee)
    collect(verdict)
    winner = committee.condorcet_winner()
    cycle = _trade_order(committee.majority_cycle(), verdict.certificate.to_json().get("cycle"))
    doc: dict[str, Any] = {
        "alternatives": {str(a): name for a, name in election.alternatives.items()},
        "voters": election.voters,
        "margins": M.tolist(),
        "condorcet_winner": winner,
        "weak_condorcet_winners": list(committee.weak_condorcet_winners()),
        "tied_pairs": tied,
        "majority_cycle": None if cycle is None else list(cycle),
        "rule": rule.to_json(),
        "unranked": unranked,
        "coherent": verdict.coherent,
        "status": verdict.status,
        "certificate": verdict.certificate.to_json(),
    }
    names = election.alternatives

    def show(a: Any) -> str:
        return f"{a} ({names[a]})"

    lines = [
        f"{path}: {election.voters} voters, {len(ids)} alternatives, "
        f"{committee.m} distinct ballots (unranked alternatives: {unranked})",
        "Condorcet winner: " + (show(winner) if winner is not None else "none"),
        "weak Condorcet winners: "
        + (", ".join(show(a) for a in committee.weak_condorcet_winners()) or "none"),
        "majority cycle (in trade order: each item beats the one before it): "
        + (" → ".join(show(a) for a in [*cycle, cycle[0]]) if cycle else "none"),
        verdict.explain(),
    ]
    return doc, "\n".join(lines), verdict.exit_code


def _run(args: argparse.Namespace) -> int:
    doc, text, code = analyse(args.file, args.rule, args.unranked)
    if args.json:
        emit(doc)
    else:
        print(text)
    return code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "committee",
        help="read a PrefLib election as a committee and look for a money pump",
        description=(
            "Read a PrefLib file (.soc/.soi/.toc/.toi) as a committee of voters; report "
            "majority margins, Condorcet winners and a shortest majority cycle, and check the "
            "committee for money pumps. A tied vote rejects a trade. Exit 0 not pumpable, "
            "1 pumpable, 2 bad input."
        ),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--rule", choices=("majority", "unanimity"), default="majority",
                   help="decision rule (default: majority)")
    p.add_argument("--unranked", choices=("ignore", "below"), default="ignore",
                   help="unranked alternatives: ignore the pair, or rank them below (default: "
                   "ignore)")
    add_json_flag(p)
    p.set_defaults(func=_run)
