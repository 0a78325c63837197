"""nashpy and pygambit games ⇄ :class:`coherence.decisions.Game` (each needs its package).

Thin wrappers over :meth:`~coherence.decisions.Game.from_nashpy`,
:meth:`~coherence.decisions.Game.to_nashpy`, :meth:`~coherence.decisions.Game.from_pygambit`
and :meth:`~coherence.decisions.Game.to_pygambit`. nashpy holds two-player games with float
payoffs; pygambit keeps payoffs exact and labels strategies. The examples run with or without
those packages: without them they check that the import fails for that package.
"""

from __future__ import annotations

from typing import Any

from coherence.decisions import Game

__all__ = ["game_from_nashpy", "game_from_pygambit", "game_to_nashpy", "game_to_pygambit"]


def game_from_nashpy(game: Any) -> Game:
    """The game of a two-player ``nashpy.Game``. O(size).

    >>> g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])  # prisoner's dilemma
    >>> try:
    ...     same = game_from_nashpy(game_to_nashpy(g)).shape == g.shape
    ... except ImportError as exc:  # nashpy is not installed
    ...     same = exc.name == "nashpy"
    >>> same
    True
    """
    return Game.from_nashpy(game)


def game_to_nashpy(game: Game) -> Any:
    """A ``nashpy.Game`` (two-player games only; payoffs become floats). O(size).

    >>> g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> try:
    ...     ok = game_to_nashpy(g).payoff_matrices[0].tolist() == [[3, 0], [5, 1]]
    ... except ImportError as exc:  # nashpy is not installed
    ...     ok = exc.name == "nashpy"
    >>> ok
    True
    """
    return game.to_nashpy()


def game_from_pygambit(game: Any) -> Game:
    """The game of a strategic-form ``pygambit.Game`` (payoffs exact, labels kept). O(size).

    >>> g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> try:
    ...     back = game_from_pygambit(game_to_pygambit(g))
    ...     same = back.shape == g.shape and back.payoffs.tolist() == g.payoffs.tolist()
    ... except ImportError as exc:  # pygambit is not installed
    ...     same = exc.name == "pygambit"
    >>> same
    True
    """
    return Game.from_pygambit(game)


def game_to_pygambit(game: Game) -> Any:
    """A strategic-form ``pygambit.Game`` with rational payoffs and the same labels.
    O(size).

    >>> g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> try:
    ...     ok = len(game_to_pygambit(g).players) == 2
    ... except ImportError as exc:  # pygambit is not installed
    ...     ok = exc.name == "pygambit"
    >>> ok
    True
    """
    return game.to_pygambit()
