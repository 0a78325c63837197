"""Hypothesis strategies for normal-form games.

Sizes first, then integer payoffs; a planted dominated strategy is a copy of another
strategy's payoffs lowered by a positive amount (or, with ``mixed=True``, the average of two
strategies lowered), so failing examples shrink to a 2×1 game.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence.decisions import Game
from coherence.strategies._args import integer_arg

__all__ = ["normal_form_games"]


def normal_form_games(
    *,
    min_players: int = 2,
    max_players: int = 2,
    min_strategies: int = 1,
    max_strategies: int = 4,
    max_payoff: int = 9,
    dominated: bool | None = None,
    mixed: bool = False,
) -> st.SearchStrategy[Game]:
    """Games with integer payoffs in ``[0, max_payoff]`` (``dominated=None``); with a planted
    strictly dominated strategy for player 1 (``dominated=True``; dominated by a mixture of
    two strategies when ``mixed``); or with no strictly dominated strategy
    (``dominated=False``: each strategy has a top payoff against some opponent profile).
    Shrinks towards two players with one or two strategies each and payoffs 0.

    >>> from hypothesis import given, settings
    >>> from coherence import check
    >>> seen = set()
    >>> @settings(max_examples=5, database=None, deadline=None)
    ... @given(normal_form_games(dominated=True, mixed=True))
    ... def record(game):
    ...     seen.add(check(game).status)
    >>> record()
    >>> seen
    {'exploitable'}
    """
    integer_arg(min_players, "min_players", min_value=1)
    integer_arg(max_players, "max_players", min_value=min_players)
    integer_arg(min_strategies, "min_strategies", min_value=1)
    integer_arg(max_strategies, "max_strategies", min_value=min_strategies)
    need = 3 if mixed else 2
    if dominated and max_strategies < need:
        raise InvalidArgument(f"a planted dominated strategy needs max_strategies ≥ {need}")

    @st.composite
    def build(draw: st.DrawFn) -> Game:
        k = draw(st.integers(min_players, max_players))
        lo = max(min_strategies, need) if dominated else min_strategies
        shape = [draw(st.integers(lo if i == 0 else min_strategies, max_strategies))
                 for i in range(k)]
        size = int(np.prod(shape)) * k
        vals = draw(st.lists(st.integers(0, max_payoff), min_size=size, max_size=size))
        P = np.array(vals, dtype=np.int64).reshape(*shape, k) * 2
        if dominated is False:
            # every strategy k of player i gets a top payoff against one drawn opponent
            # profile, so it is a best response to that profile (never strictly dominated)
            for i in range(k):
                moved = np.moveaxis(P[..., i], i, 0).reshape(shape[i], -1)
                for s_ in range(shape[i]):
                    t = draw(st.integers(0, moved.shape[1] - 1))
                    moved[s_, t] = 2 * max_payoff + 2
                P[..., i] = np.moveaxis(
                    moved.reshape([shape[i], *[n for j, n in enumerate(shape) if j != i]]), 0, i
                )
        if dominated:
            cut = draw(st.integers(1, 3))
            if mixed:
                P[0, ..., 0] = (P[1, ..., 0] + P[2, ..., 0]) // 2 - cut
            else:
                P[0, ..., 0] = P[1, ..., 0] - cut
        return Game(P)

    return build()
