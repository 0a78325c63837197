"""Reading and writing normal-form games: JSON documents, nashpy and pygambit.

The functions here take and return plain arrays and label tuples; :class:`~coherence.decisions.
Game` wraps them in its ``from_*`` / ``to_*`` methods, so this module never needs the type.

JSON schema (read by :func:`payoffs_from_json`, written by :func:`payoffs_to_json`)::

    {"players": ["Row", "Column"],                       # optional; default P1, P2, ...
     "strategies": [["Up", "Down"], ["Left", "Right"]],  # optional; default s1, s2, ...
     "payoffs": [ [[3, 0], [5, 1]],                      # player 1's payoff array
                  [[3, 5], [0, 1]] ]}                     # player 2's payoff array

``payoffs[i]`` is player ``i``'s payoff as a nested array indexed by the strategies of all
players in order (shape ``n_1 × … × n_k``); numbers may be ints, decimal strings or ``"p/q"``.
"""

from __future__ import annotations

from collections.abc import Hashable
from fractions import Fraction
from itertools import product
from typing import Any

import numpy as np

from coherence._jsonio import JSONSource, check_numbers, json_object, label_from_json
from coherence.errors import InputError
from coherence.validation import check_type
from coherence.verdict import label_to_json

__all__ = [
    "GameParts",
    "nested_shape",
    "payoffs_from_json",
    "payoffs_from_pygambit",
    "payoffs_to_json",
    "payoffs_to_nashpy",
    "payoffs_to_pygambit",
]

#: ``(payoffs of shape (n_1, …, n_k, k), strategy labels per player, player labels)``
GameParts = tuple[np.ndarray, tuple[tuple[Hashable, ...], ...], tuple[Hashable, ...]]

_KEYS = ("players", "strategies", "payoffs")


def nested_shape(x: Any) -> tuple[int, ...] | None:
    """The shape of a nested list/tuple, ``None`` when it is ragged. O(size).

    >>> nested_shape([[1, 2], [3, 4], [5, 6]]), nested_shape([[1, 2], [3]])
    ((3, 2), None)
    """
    if isinstance(x, list | tuple):
        if not x:
            return (0,)
        shapes = {nested_shape(v) for v in x}
        if len(shapes) != 1:
            return None
        inner = shapes.pop()
        return None if inner is None else (len(x), *inner)
    return ()


def _labels(doc: dict[str, Any], key: str) -> list[Any]:
    value = check_type(doc.get(key, []), (list, tuple), f"'{key}'")
    return list(value)


def payoffs_from_json(source: JSONSource) -> GameParts:
    """Read and validate a game document (a path, JSON text, an open file or a parsed
    mapping) and return its payoffs and labels.

    The payoff array is stacked to shape ``(n_1, …, n_k, k)`` (entries still as read; the
    game parses them exactly); list labels become tuples. Raises :class:`InputError` on
    invalid JSON, unknown keys, ragged or mis-shaped arrays, non-numbers and NaN. O(size).

    >>> arr, strategies, players = payoffs_from_json('{"payoffs": [[[1, 0]], [[0, 1]]]}')
    >>> arr.shape, strategies, players
    ((1, 2, 2), (), ())
    """
    doc = json_object(source, what="game", required=("payoffs",), allowed=_KEYS)
    pays = doc["payoffs"]
    if not isinstance(pays, list) or not pays:
        raise InputError("'payoffs' must be a non-empty list (one array per player)")
    shapes = [nested_shape(p) for p in pays]
    if any(s is None for s in shapes):
        raise InputError("payoff arrays are ragged")
    if len(set(shapes)) != 1:
        raise InputError("every player's payoff array must have the same shape")
    shape = shapes[0]
    if shape is None or len(shape) != len(pays):
        axes = 0 if shape is None else len(shape)
        raise InputError(
            f"{len(pays)} players need payoff arrays with {len(pays)} axes, got {axes}"
        )
    check_numbers(pays, what="payoffs")
    arr = np.stack([np.asarray(p, dtype=object) for p in pays], axis=-1)
    strategies = _labels(doc, "strategies")
    players = _labels(doc, "players")
    for s in strategies:
        check_type(s, (list, tuple), "each entry of 'strategies'")
    return (
        arr,
        tuple(tuple(label_from_json(x) for x in s) for s in strategies),
        tuple(label_from_json(p) for p in players),
    )


def _json_number(v: Fraction) -> Any:
    return int(v) if v.denominator == 1 else str(v)


def payoffs_to_json(
    payoffs: np.ndarray,
    strategies: tuple[tuple[Hashable, ...], ...],
    players: tuple[Hashable, ...],
) -> dict[str, Any]:
    """The JSON form read by :func:`payoffs_from_json` (``"p/q"`` strings for non-integers).

    >>> payoffs_to_json(np.array([[[1, 0]]], dtype=object), (("U",), ("L",)), ("R", "C"))
    {'players': ['R', 'C'], 'strategies': [['U'], ['L']], 'payoffs': [[[1]], [[0]]]}
    """
    as_json = np.vectorize(lambda v: _json_number(Fraction(v)), otypes=[object])
    return {
        "players": [label_to_json(p) for p in players],
        "strategies": [[label_to_json(s) for s in ss] for ss in strategies],
        "payoffs": [as_json(payoffs[..., i]).tolist() for i in range(payoffs.shape[-1])],
    }


def payoffs_to_nashpy(payoffs: np.ndarray) -> Any:
    """A ``nashpy.Game`` (two players only; the payoffs become floats)."""
    import nashpy

    if payoffs.shape[-1] != 2:
        raise InputError("nashpy handles two-player games only")
    f = np.vectorize(float, otypes=[float])
    return nashpy.Game(f(payoffs[..., 0]), f(payoffs[..., 1]))


def payoffs_to_pygambit(
    payoffs: np.ndarray,
    strategies: tuple[tuple[Hashable, ...], ...],
    players: tuple[Hashable, ...],
) -> Any:
    """A strategic-form ``pygambit.Game`` with rational payoffs and the same labels."""
    import pygambit as gbt

    def rational(v: Fraction) -> Any:
        return gbt.Rational(v.numerator, v.denominator)

    arrays = [
        np.vectorize(rational, otypes=[object])(payoffs[..., i]) for i in range(len(players))
    ]
    g = gbt.Game.from_arrays(*arrays)
    for i, pl in enumerate(g.players):
        pl.label = str(players[i])
        for j, st in enumerate(pl.strategies):
            st.label = str(strategies[i][j])
    return g


def payoffs_from_pygambit(g: Any) -> GameParts:
    """Payoffs (exact) and labels of a strategic-form ``pygambit.Game``."""
    players = tuple(p.label or f"P{i + 1}" for i, p in enumerate(g.players))
    strats = tuple(
        tuple(s.label or f"s{j + 1}" for j, s in enumerate(p.strategies)) for p in g.players
    )
    shape = tuple(len(s) for s in strats)
    arr = np.empty((*shape, len(players)), dtype=object)
    for idx in product(*(range(n) for n in shape)):
        outcome = g[list(idx)]
        for i, p in enumerate(g.players):
            arr[(*idx, i)] = Fraction(str(outcome[p]))
    return arr, strats, players
