"""One elimination step (a strategy and the mixture that dominates it) and survivor sets.

Steps chain: each records the survivors just before it, so a list of steps can be re-checked
from the full game, and read back from JSON by replaying it (the JSON names strategies by
label and the mixture over the labels of the survivors of that moment).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from coherence._exact import as_fraction
from coherence._exact.display import shown as number_text
from coherence.decisions._game import Alive, Game
from coherence.decisions._mixtures import mixture_dominates
from coherence.errors import InputError
from coherence.verdict import label_to_json

__all__ = [
    "EliminationStep",
    "alive_after",
    "alive_from_json",
    "replay",
    "steps_from_json",
    "survivors_json",
]


@dataclass(frozen=True, eq=False)
class EliminationStep:
    """One elimination: ``player``'s strategy ``strategy`` is dominated by ``mixture`` (a
    distribution over that player's other surviving strategies) against every surviving
    opponent profile; ``alive`` is the survivor index sets just before the step.

    >>> g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> step = EliminationStep(0, 0, (Fraction(0), Fraction(1)), g.full())
    >>> step.verify(g), step.mixture_labels(g)
    (True, {'s2': Fraction(1, 1)})
    """

    player: int
    strategy: int
    mixture: tuple[Fraction, ...]  # over alive[player], in that order
    alive: Alive
    strict: bool = True

    def verify(self, game: Game) -> bool:
        """Exact re-check of the domination on the survivors of that moment.

        O(n_player · surviving opponent profiles) integer operations."""
        alive = self.alive
        if not 0 <= self.player < game.n_players or self.strategy not in alive[self.player]:
            return False
        U = game.player_matrix(self.player, alive, exact=True)
        s = alive[self.player].index(self.strategy)
        return mixture_dominates(U, s, self.mixture, self.strict)

    def mixture_labels(self, game: Game) -> dict[Hashable, Fraction]:
        """The dominating mixture by strategy label (positive weights only)."""
        labels = game.strategies[self.player]
        return {
            labels[j]: w for j, w in zip(self.alive[self.player], self.mixture, strict=True) if w
        }

    def to_json(self, game: Game) -> dict[str, Any]:
        """``{"player", "eliminated", "dominated_by": {label: "p/q"}, "strict"}``."""
        return {
            "player": label_to_json(game.players[self.player]),
            "eliminated": label_to_json(game.strategies[self.player][self.strategy]),
            "dominated_by": {
                str(label_to_json(k)): str(v) for k, v in self.mixture_labels(game).items()
            },
            "strict": self.strict,
        }

    def explain(self, game: Game) -> str:
        """One line: who drops what, and the mixture that pays more."""
        mix = self.mixture_labels(game)
        by = (
            repr(next(iter(mix)))
            if len(mix) == 1
            else " + ".join(f"{number_text(w)}·{k!r}" for k, w in mix.items())
        )
        how = "strictly" if self.strict else "weakly"
        return (
            f"{game.players[self.player]!r} drops {game.strategies[self.player][self.strategy]!r}:"
            f" {by} pays {how} more against every remaining opponent profile"
        )


def alive_after(alive: Alive, step: EliminationStep) -> Alive:
    """The survivors once ``step`` has removed its strategy.

    >>> alive_after(((0, 1), (0, 1)), EliminationStep(1, 0, (Fraction(0), Fraction(1)), ()))
    ((0, 1), (1,))
    """
    out = list(alive)
    out[step.player] = tuple(j for j in alive[step.player] if j != step.strategy)
    return tuple(out)


def replay(game: Game, steps: Sequence[EliminationStep], strict: bool) -> Alive | None:
    """The survivors after ``steps``, each verified exactly in turn from the full game;
    ``None`` when a step does not chain, is of the other kind, or does not verify."""
    alive = game.full()
    for st in steps:
        if st.alive != alive or st.strict != strict or not st.verify(game):
            return None
        alive = alive_after(alive, st)
    return alive


def survivors_json(g: Game, alive: Sequence[Sequence[int]]) -> dict[str, list[Any]]:
    """``{player label: [surviving strategy labels]}`` in player order."""
    return {
        str(label_to_json(g.players[i])): [label_to_json(g.strategies[i][j]) for j in a]
        for i, a in enumerate(alive)
    }


def alive_from_json(g: Game, doc: Mapping[str, Any]) -> Alive:
    """Survivor index sets from :func:`survivors_json` (players in order, all present)."""
    if not isinstance(doc, Mapping) or len(doc) != g.n_players:
        raise InputError(f"survivors must name each of the {g.n_players} players once")
    alive: list[tuple[int, ...]] = [()] * g.n_players
    seen = set()
    for key, labels in doc.items():
        i = g.player_index(key)
        seen.add(i)
        alive[i] = tuple(sorted({g.strategy_index(i, lab) for lab in labels}))
    if len(seen) != g.n_players:
        raise InputError("survivors name a player twice")
    return tuple(alive)


def _mixture_from_json(
    g: Game, i: int, alive: Alive, doc: Mapping[str, Any]
) -> tuple[Fraction, ...]:
    weights = {
        g.strategy_index(i, lab): as_fraction(w, what="mixture weight") for lab, w in doc.items()
    }
    if not set(weights) <= set(alive[i]):
        raise InputError("a dominating mixture uses an eliminated strategy")
    return tuple(weights.get(j, Fraction(0)) for j in alive[i])


def steps_from_json(g: Game, docs: Sequence[Mapping[str, Any]]) -> tuple[EliminationStep, ...]:
    """Steps from their :meth:`EliminationStep.to_json` forms, replayed from the full game."""
    alive = g.full()
    out = []
    for doc in docs:
        i = g.player_index(doc["player"])
        s = g.strategy_index(i, doc["eliminated"])
        if s not in alive[i]:
            raise InputError(f"step eliminates {doc['eliminated']!r} twice")
        mix = _mixture_from_json(g, i, alive, doc["dominated_by"])
        step = EliminationStep(i, s, mix, alive, bool(doc.get("strict", True)))
        out.append(step)
        alive = alive_after(alive, step)
    return tuple(out)
