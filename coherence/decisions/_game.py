"""The normal-form game: exact payoffs, labels, and the payoff views the eliminations use.

Input schema of :meth:`Game.from_json` (and ``coherence game``)::

    {"players": ["Row", "Column"],                       # optional; default P1, P2, ...
     "strategies": [["Up", "Down"], ["Left", "Right"]],  # optional; default s1, s2, ...
     "payoffs": [ [[3, 0], [5, 1]],                      # player 1's payoff array
                  [[3, 5], [0, 1]] ]}                     # player 2's payoff array

``payoffs[i]`` is player ``i``'s payoff as a nested array indexed by the strategies of all
players in order (shape ``n_1 × … × n_k``); numbers may be ints, decimal strings or ``"p/q"``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import product
from typing import Any

import numpy as np

from coherence._exact import as_fraction
from coherence._exact.system import float_array
from coherence._jsonio import JSONSource
from coherence.decisions._game_io import (
    nested_shape,
    payoffs_from_json,
    payoffs_from_pygambit,
    payoffs_to_json,
    payoffs_to_nashpy,
    payoffs_to_pygambit,
)
from coherence.errors import InputError
from coherence.verdict import label_to_json

__all__ = ["Alive", "Game"]

#: surviving strategy indices, one sorted tuple per player
Alive = tuple[tuple[int, ...], ...]


@dataclass(frozen=True, eq=False)
class Game:
    """An n-player normal-form game with exact payoffs.

    Args:
        payoffs: array-like of shape ``(n_1, …, n_k, k)``; ``payoffs[s_1, …, s_k, i]`` is
            player ``i``'s payoff at the profile ``(s_1, …, s_k)``. Parsed exactly.
        strategies: per player, the strategy labels (default ``s1, s2, …``).
        players: player labels (default ``P1, P2, …``).

    Raises :class:`InputError` on ragged or non-numeric payoffs, NaN, shape mismatches, a
    player without strategies, or duplicate labels.

    >>> g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> g.shape, g.players, g.strategies[0]
    ((2, 2), ('P1', 'P2'), ('s1', 's2'))
    """

    payoffs: np.ndarray
    strategies: tuple[tuple[Hashable, ...], ...] = ()
    players: tuple[Hashable, ...] = ()

    def __post_init__(self) -> None:
        raw = self.payoffs
        if not isinstance(raw, np.ndarray) and nested_shape(raw) is None:
            raise InputError("payoffs are ragged")
        arr = np.asarray(raw, dtype=object)
        if arr.ndim < 2:
            raise InputError("payoffs must have shape (n_1, ..., n_k, k)")
        k = arr.shape[-1]
        if arr.ndim != k + 1:
            raise InputError(
                f"payoffs of shape {arr.shape}: the last axis must have one entry per player "
                f"({arr.ndim - 1} players)"
            )
        if any(n == 0 for n in arr.shape[:-1]):
            raise InputError("every player needs at least one strategy")
        exact = np.empty(arr.shape, dtype=object)
        out = exact.reshape(-1)
        for j, v in enumerate(arr.reshape(-1)):
            out[j] = as_fraction(v, what="payoff")
        players = tuple(self.players) or tuple(f"P{i + 1}" for i in range(k))
        strats = tuple(tuple(s) for s in self.strategies) or tuple(
            tuple(f"s{j + 1}" for j in range(n)) for n in arr.shape[:-1]
        )
        try:
            if len(players) != k or len(set(players)) != k:
                raise InputError(f"need {k} distinct player labels")
            if len(strats) != k:
                raise InputError(f"need strategy labels for {k} players")
            for i, (s, n) in enumerate(zip(strats, arr.shape[:-1], strict=True)):
                if len(s) != n or len(set(s)) != n:
                    raise InputError(f"player {players[i]!r} needs {n} distinct strategy labels")
        except TypeError:
            raise InputError("player and strategy labels must be hashable") from None
        object.__setattr__(self, "payoffs", exact)
        object.__setattr__(self, "strategies", strats)
        object.__setattr__(self, "players", players)

    # -- constructors and conversions --------------------------------------------------------
    @classmethod
    def bimatrix(
        cls,
        A: Any,
        B: Any,
        *,
        strategies: Sequence[Sequence[Hashable]] = (),
        players: Sequence[Hashable] = (),
    ) -> Game:
        """Two-player game from the row player's matrix ``A`` and the column player's ``B``."""
        for name, M in (("A", A), ("B", B)):
            if not isinstance(M, np.ndarray):
                sh = nested_shape(M)
                if sh is None or len(sh) != 2:
                    raise InputError(f"payoff matrix {name} is ragged or not a matrix")
        a = np.asarray(A, dtype=object)
        b = np.asarray(B, dtype=object)
        if a.ndim != 2 or a.shape != b.shape:
            raise InputError("A and B must be matrices of the same shape")
        return cls(np.stack([a, b], axis=-1), tuple(map(tuple, strategies)), tuple(players))

    @classmethod
    def from_json(cls, doc: JSONSource) -> Game:
        """Build from the schema in the module docstring (a mapping, JSON text, an open file
        or a path).

        >>> Game.from_json('{"payoffs": [[[1, 0]], [[0, 1]]]}').shape
        (1, 2)
        """
        return cls(*payoffs_from_json(doc))

    def to_json(self) -> dict[str, Any]:
        """The JSON form read by :meth:`from_json` (exact strings for non-integers)."""
        return payoffs_to_json(self.payoffs, self.strategies, self.players)

    @classmethod
    def from_nashpy(cls, game: Any) -> Game:
        """From a ``nashpy.Game`` (two players; its payoff matrices are floats)."""
        A, B = game.payoff_matrices
        return cls.bimatrix(np.asarray(A), np.asarray(B))

    def to_nashpy(self) -> Any:
        """A ``nashpy.Game`` (two-player games only; payoffs become floats)."""
        return payoffs_to_nashpy(self.payoffs)

    def to_pygambit(self) -> Any:
        """A ``pygambit.Game`` with rational payoffs and the same labels."""
        return payoffs_to_pygambit(self.payoffs, self.strategies, self.players)

    @classmethod
    def from_pygambit(cls, g: Any) -> Game:
        """From a strategic-form ``pygambit.Game`` (payoffs kept exact)."""
        return cls(*payoffs_from_pygambit(g))

    # -- views -------------------------------------------------------------------------------
    @property
    def n_players(self) -> int:
        """The number of players."""
        return int(self.payoffs.shape[-1])

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of strategies of each player."""
        return tuple(self.payoffs.shape[:-1])

    def full(self) -> Alive:
        """Every strategy of every player, as index tuples (the start of an elimination)."""
        return tuple(tuple(range(n)) for n in self.shape)

    @cached_property
    def _floats(self) -> np.ndarray:
        return float_array(self.payoffs)

    @cached_property
    def _common_denominator(self) -> int:
        """The least common denominator of the payoffs."""
        den = 1
        for v in self.payoffs.reshape(-1).tolist():
            d = v.denominator
            if d != 1 and den % d:
                den = den * d // math.gcd(den, d)
        return den

    @cached_property
    def _ints(self) -> np.ndarray:
        """The payoffs as exact numbers for exact checks (object array): times their common
        denominator, as Python ints, when that denominator is below 2¹²⁸; else the payoffs
        themselves as Fractions (full-precision floats read as rationals have large, mostly
        coprime denominators, and their common multiple would make every entry thousands of
        digits long)."""
        flat = self.payoffs.reshape(-1)
        den = self._common_denominator
        out = np.empty(flat.shape, dtype=object)
        if den >= 2**128:
            out[:] = [Fraction(v) for v in flat.tolist()]
        else:
            out[:] = [int(v * den) for v in flat] if den != 1 else [int(v) for v in flat]
        return out.reshape(self.payoffs.shape)

    @cached_property
    def _moderate(self) -> bool:
        """Whether the float payoffs can stand in for the exact ones in float LPs and
        comparisons: the largest |payoff| lies within [2⁻²⁰, 2²⁰] (or all are 0) and the
        payoffs times their common denominator stay below 2⁴⁰, so payoffs that differ differ
        in floats too, by far more than their rounding."""
        top = float(np.abs(self._floats).max()) if self._floats.size else 0.0
        if top and not 2.0**-20 <= top <= 2.0**20:
            return False
        if self._common_denominator >= 2**40:
            return False
        return max((abs(int(v)) for v in self._ints.reshape(-1).tolist()), default=0) < 2**40

    def lp_matrix(self, i: int, alive: Sequence[Sequence[int]]) -> np.ndarray | None:
        """Player ``i``'s float payoff matrix (as :meth:`player_matrix`) when the floats can
        stand in for the payoffs (moderate magnitudes, no cancellation), else ``None``: then
        float LPs are set up from the exact matrix.

        >>> Game.bimatrix([[1, 2]], [[0, 0]]).lp_matrix(0, ((0,), (0, 1))).tolist()
        [[1.0, 2.0]]
        >>> Game.bimatrix([[10**12, 10**12 + 1]], [[0, 0]]).lp_matrix(0, ((0,), (0, 1)))
        """
        return self.player_matrix(i, alive) if self._moderate else None

    def player_matrix(
        self, i: int, alive: Sequence[Sequence[int]], *, exact: bool = False
    ) -> np.ndarray:
        """Player ``i``'s payoffs as a matrix: rows its surviving strategies, columns the
        surviving opponent profiles (in ``itertools.product`` order).

        Floats by default; with ``exact=True`` exact numbers: Python ints equal to the
        payoffs times the game's common denominator (a positive scaling: dominance and best
        responses are unchanged), or the payoffs as Fractions when that denominator is
        huge."""
        src = self._ints if exact else self._floats
        sub = src[..., i][np.ix_(*[list(a) for a in alive])]
        sub = np.moveaxis(sub, i, 0)
        return sub.reshape(sub.shape[0], -1)

    def opponent_profiles(self, i: int, alive: Sequence[Sequence[int]]) -> list[tuple[int, ...]]:
        """Opponent profiles (index tuples, player ``i`` omitted) in column order."""
        others = [list(a) for j, a in enumerate(alive) if j != i]
        return list(product(*others))

    def strategy_index(self, i: int, label: Any) -> int:
        """The index of player ``i``'s strategy whose JSON form is ``label``."""
        return _json_index(self.strategies[i], label, f"strategy of player {self.players[i]!r}")

    def player_index(self, label: Any) -> int:
        """The index of the player whose JSON form (or its ``str``) is ``label``."""
        return _json_index(self.players, label, "player")


def _json_index(labels: Sequence[Hashable], value: Any, what: str) -> int:
    """Position of the label whose JSON form (or else the ``str`` of it) equals ``value``."""
    forms = [label_to_json(lab) for lab in labels]
    for j, js in enumerate(forms):
        if js == value and type(js) is type(value):
            return j
    for j, js in enumerate(forms):
        if js == value or str(js) == value:
            return j
    raise InputError(f"unknown {what} {value!r}")
