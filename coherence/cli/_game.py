"""``coherence game FILE.json``: iterated elimination of dominated strategies.

Input schema (see :class:`coherence.decisions.Game`)::

    {"players": ["Row", "Column"],                       # optional
     "strategies": [["Up", "Down"], ["Left", "Right"]],  # optional
     "payoffs": [A, B]}                                   # one array per player

``payoffs[i]`` is player ``i``'s payoff array indexed by every player's strategy in order
(an ``n_1 × n_2`` matrix for two players, ``n_1 × n_2 × n_3`` for three, ...); numbers may be
ints, floats, decimal or ``"p/q"`` strings.

Output: the elimination steps, each with the dominating mixture, the survivors, and a
belief for each survivor to which it is a best response. ``--weak`` also runs iterated weak
dominance and prints the order-dependence warning (with two orders that differ, if found).
Exit 0 when nothing is strictly dominated, 1 when something is, 2 bad input.
"""

from __future__ import annotations

import argparse
from typing import Any

from coherence.cli._common import add_json_flag, collect, emit, read_with
from coherence.decisions import (
    Game,
    WeakDominance,
    WeakElimination,
    eliminate_dominated,
    eliminate_weakly_dominated,
)

_NOTHING_WEAK = "no strategy is weakly dominated, so the elimination order cannot matter"


def game_from_file(path: str) -> Game:
    """Read and validate a game JSON file."""
    return read_with(path, Game.from_json)


def _run_json(game: Game, run: WeakElimination) -> dict[str, Any]:
    doc = run.to_json(game)
    return {"steps": doc["steps"], "survivors": doc["survivors"]}


def _weak_json(game: Game) -> dict[str, Any]:
    """``{"status", "warning", "steps", "survivors"[, "order_witness"], "verdict"}``."""
    verdict = eliminate_weakly_dominated(game)
    cert = verdict.certificate
    doc: dict[str, Any] = {"status": verdict.status}
    if isinstance(cert, WeakDominance):
        doc.update(warning=cert.warning, **_run_json(game, cert.run))
        if cert.witness is not None:
            doc["order_witness"] = [
                _run_json(game, w) for w in (cert.witness.first, cert.witness.second)
            ]
    else:
        doc.update(warning=_NOTHING_WEAK, steps=[], survivors=cert.to_json()["survivors"])
    doc["verdict"] = verdict.to_json()
    return doc


def _run(args: argparse.Namespace) -> int:
    game = game_from_file(args.file)
    verdict = eliminate_dominated(game)
    collect(verdict)
    if args.json:
        doc = verdict.to_json()
        if args.weak:
            doc["weak_dominance"] = _weak_json(game)
        emit(doc)
    else:
        print(verdict.explain())
        if args.weak:
            w = _weak_json(game)
            print(f"weak dominance: {w['warning']}")
            print(f"  survivors: {w['survivors']}")
            for k, alt in enumerate(w.get("order_witness", []), 1):
                print(f"  order {k} survivors: {alt['survivors']}")
    return verdict.exit_code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "game",
        help="eliminate strictly dominated strategies (also by mixtures) in a normal-form game",
        description=(
            'Iterated elimination of dominated strategies. FILE.json: {"players": [...], '
            '"strategies": [[...], ...], "payoffs": [array per player]}. Exit 0 nothing '
            "dominated, 1 some strategy dominated, 2 bad input."
        ),
    )
    p.add_argument("file", metavar="FILE.json")
    p.add_argument("--weak", action="store_true", help="also run iterated weak dominance")
    add_json_flag(p)
    p.set_defaults(func=_run)
