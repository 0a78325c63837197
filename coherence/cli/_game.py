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

from coherence.cli._common import add_json_flag, emit, read_with
from coherence.decisions import Game, eliminate_dominated, eliminate_weakly_dominated


def game_from_file(path: str) -> Game:
    """Read and validate a game JSON file."""
    return read_with(path, Game.from_json)


def _weak_json(game: Game) -> dict:
    run, witness, warning = eliminate_weakly_dominated(game)
    doc = {
        "warning": warning,
        "steps": [s.to_json(game) for s in run.steps],
        "survivors": {
            str(game.players[i]): [game.strategies[i][j] for j in a]
            for i, a in enumerate(run.survivors)
        },
    }
    if witness is not None:
        doc["order_witness"] = [
            {
                "steps": [s.to_json(game) for s in w.steps],
                "survivors": {
                    str(game.players[i]): [game.strategies[i][j] for j in a]
                    for i, a in enumerate(w.survivors)
                },
            }
            for w in (witness.first, witness.second)
        ]
    return doc


def _run(args: argparse.Namespace) -> int:
    game = game_from_file(args.file)
    verdict = eliminate_dominated(game)
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
