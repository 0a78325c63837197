"""Normal-form games: iterated elimination of dominated strategies, with exact certificates.

A strategy is *strictly dominated* when some mixture of its player's other strategies pays
strictly more against every profile of the opponents' strategies. By Pearce's lemma (1984;
for n players with correlated beliefs) a strategy is not strictly dominated iff it is a best
response to some belief over the opponents' profiles. :func:`eliminate_dominated` removes
dominated strategies one at a time, recording the dominating mixture (verified exactly at
that step), and ends with a belief for every surviving strategy (verified exactly): the
elimination and the survivors' rationalisation are the two sides of one LP.

Iterated *strict* dominance does not depend on the order of elimination (Gilboa, Kalai and
Zemel 1990); iterated *weak* dominance does, and :func:`eliminate_weakly_dominated` returns a
warning with two elimination orders that end in different survivor sets when it finds them.

Input schema of :meth:`Game.from_json` (and ``coherence game``)::

    {"players": ["Row", "Column"],                       # optional; default P1, P2, ...
     "strategies": [["Up", "Down"], ["Left", "Right"]],  # optional; default s1, s2, ...
     "payoffs": [ [[3, 0], [5, 1]],                      # player 1's payoff array
                  [[3, 5], [0, 1]] ]}                     # player 2's payoff array

``payoffs[i]`` is player ``i``'s payoff as a nested array indexed by the strategies of all
players in order (shape ``n_1 × … × n_k``); numbers may be ints, decimal strings or ``"p/q"``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import product
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from coherence._exact.lp import LinearSystem, as_fraction, find_point, rational_candidates
from coherence._exact.solvers import linprog
from coherence.errors import CertificationError, InputError
from coherence.verdict import Certificate, Verdict, label_to_json

__all__ = [
    "DominanceElimination",
    "EliminationStep",
    "Game",
    "OrderDependence",
    "Rationalisation",
    "WeakElimination",
    "check_game",
    "eliminate_dominated",
    "eliminate_weakly_dominated",
]

_TOL = 1e-9


def _nested_shape(x: Any) -> tuple[int, ...] | None:
    if isinstance(x, list | tuple):
        if not x:
            return (0,)
        shapes = {_nested_shape(v) for v in x}
        if len(shapes) != 1:
            return None
        inner = shapes.pop()
        return None if inner is None else (len(x), *inner)
    return ()


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
    """

    payoffs: np.ndarray
    strategies: tuple[tuple[Hashable, ...], ...] = ()
    players: tuple[Hashable, ...] = ()

    def __post_init__(self) -> None:
        raw = self.payoffs
        if not isinstance(raw, np.ndarray):
            shape = _nested_shape(raw)
            if shape is None:
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
        flat = arr.reshape(-1)
        out = exact.reshape(-1)
        for j, v in enumerate(flat):
            out[j] = as_fraction(v, what="payoff")
        players = tuple(self.players) or tuple(f"P{i + 1}" for i in range(k))
        if len(players) != k or len(set(players)) != k:
            raise InputError(f"need {k} distinct player labels")
        strats = tuple(tuple(s) for s in self.strategies) or tuple(
            tuple(f"s{j + 1}" for j in range(n)) for n in arr.shape[:-1]
        )
        if len(strats) != k:
            raise InputError(f"need strategy labels for {k} players")
        for i, (s, n) in enumerate(zip(strats, arr.shape[:-1], strict=True)):
            if len(s) != n or len(set(s)) != n:
                raise InputError(f"player {players[i]!r} needs {n} distinct strategy labels")
        object.__setattr__(self, "payoffs", exact)
        object.__setattr__(self, "strategies", strats)
        object.__setattr__(self, "players", players)

    # -- constructors ----------------------------------------------------------------------
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
                sh = _nested_shape(M)
                if sh is None or len(sh) != 2:
                    raise InputError(f"payoff matrix {name} is ragged or not a matrix")
        a = np.asarray(A, dtype=object)
        b = np.asarray(B, dtype=object)
        if a.ndim != 2 or a.shape != b.shape:
            raise InputError("A and B must be matrices of the same shape")
        return cls(np.stack([a, b], axis=-1), tuple(map(tuple, strategies)), tuple(players))

    @classmethod
    def from_json(cls, doc: str | bytes | dict[str, Any] | Path) -> Game:
        """Build from the schema in the module docstring (dict, JSON text or file path)."""
        if isinstance(doc, Path):
            doc = doc.read_text(encoding="utf-8")
        if isinstance(doc, str | bytes):
            try:
                doc = json.loads(doc)
            except json.JSONDecodeError as exc:
                raise InputError(f"invalid JSON: {exc.msg} (line {exc.lineno})") from None
        if not isinstance(doc, dict) or "payoffs" not in doc:
            raise InputError("game JSON must be an object with 'payoffs'")
        for key in doc:
            if key not in ("players", "strategies", "payoffs"):
                raise InputError(f"unknown key {key!r} in game JSON")
        pays = doc["payoffs"]
        if not isinstance(pays, list) or not pays:
            raise InputError("'payoffs' must be a non-empty list (one array per player)")
        shapes = [_nested_shape(p) for p in pays]
        if any(s is None for s in shapes):
            raise InputError("payoff arrays are ragged")
        if len(set(shapes)) != 1:
            raise InputError("every player's payoff array must have the same shape")
        shape = shapes[0]
        assert shape is not None
        if len(shape) != len(pays):
            raise InputError(
                f"{len(pays)} players need payoff arrays with {len(pays)} axes, got {len(shape)}"
            )
        for p in pays:
            _check_json_numbers(p)
        arr = np.stack([np.asarray(p, dtype=object) for p in pays], axis=-1)
        strategies = doc.get("strategies", ())
        players = doc.get("players", ())
        if not isinstance(strategies, list | tuple) or not isinstance(players, list | tuple):
            raise InputError("'strategies' and 'players' must be lists")
        return cls(arr, tuple(tuple(s) for s in strategies), tuple(players))

    def to_json(self) -> dict[str, Any]:
        """The JSON form read by :meth:`from_json` (exact strings for non-integers)."""
        def num(v: Fraction) -> Any:
            return int(v) if v.denominator == 1 else str(v)

        pays = [
            np.vectorize(num, otypes=[object])(self.payoffs[..., i]).tolist()
            for i in range(self.n_players)
        ]
        return {
            "players": [label_to_json(p) for p in self.players],
            "strategies": [[label_to_json(s) for s in ss] for ss in self.strategies],
            "payoffs": pays,
        }

    @classmethod
    def from_nashpy(cls, game: Any) -> Game:
        """From a ``nashpy.Game`` (two players; its payoff matrices are floats)."""
        A, B = game.payoff_matrices
        return cls.bimatrix(np.asarray(A), np.asarray(B))

    def to_nashpy(self) -> Any:
        """A ``nashpy.Game`` (two-player games only; payoffs become floats)."""
        import nashpy

        if self.n_players != 2:
            raise InputError("nashpy handles two-player games only")
        f = np.vectorize(float, otypes=[float])
        return nashpy.Game(f(self.payoffs[..., 0]), f(self.payoffs[..., 1]))

    def to_pygambit(self) -> Any:
        """A ``pygambit.Game`` with rational payoffs and the same labels."""
        import pygambit as gbt

        arrays = [
            np.vectorize(lambda v: gbt.Rational(v.numerator, v.denominator), otypes=[object])(
                self.payoffs[..., i]
            )
            for i in range(self.n_players)
        ]
        g = gbt.Game.from_arrays(*arrays)
        for i, pl in enumerate(g.players):
            pl.label = str(self.players[i])
            for j, st in enumerate(pl.strategies):
                st.label = str(self.strategies[i][j])
        return g

    @classmethod
    def from_pygambit(cls, g: Any) -> Game:
        """From a strategic-form ``pygambit.Game`` (payoffs kept exact)."""
        players = [p.label or f"P{i + 1}" for i, p in enumerate(g.players)]
        strats = [[s.label or f"s{j + 1}" for j, s in enumerate(p.strategies)] for p in g.players]
        shape = tuple(len(s) for s in strats)
        arr = np.empty((*shape, len(players)), dtype=object)
        for idx in product(*(range(n) for n in shape)):
            outcome = g[list(idx)]
            for i, p in enumerate(g.players):
                arr[(*idx, i)] = Fraction(str(outcome[p]))
        return cls(arr, tuple(map(tuple, strats)), tuple(players))

    # -- views -----------------------------------------------------------------------------
    @property
    def n_players(self) -> int:
        return self.payoffs.shape[-1]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.payoffs.shape[:-1])

    @cached_property
    def _floats(self) -> np.ndarray:
        return np.vectorize(float, otypes=[float])(self.payoffs)

    @cached_property
    def _ints(self) -> np.ndarray:
        """Payoffs times their common denominator, as Python ints (object array)."""
        flat = self.payoffs.reshape(-1)
        den = 1
        for v in flat:
            if v.denominator != 1:
                den = den * v.denominator // math.gcd(den, v.denominator)
        out = np.empty(flat.shape, dtype=object)
        out[:] = [int(v * den) if den != 1 else int(v) for v in flat]
        return out.reshape(self.payoffs.shape)

    def player_matrix(
        self, i: int, alive: Sequence[Sequence[int]], *, exact: bool = False
    ) -> np.ndarray:
        """Player ``i``'s payoffs as a matrix: rows its surviving strategies, columns the
        surviving opponent profiles (in ``itertools.product`` order).

        Floats by default; with ``exact=True`` Python ints equal to the payoffs times the
        game's common denominator (a positive scaling: dominance and best responses are
        unchanged)."""
        src = self._ints if exact else self._floats
        sub = src[..., i][np.ix_(*[list(a) for a in alive])]
        sub = np.moveaxis(sub, i, 0)
        return sub.reshape(sub.shape[0], -1)

    def opponent_profiles(self, i: int, alive: Sequence[Sequence[int]]) -> list[tuple[int, ...]]:
        """Opponent profiles (index tuples, player ``i`` omitted) in column order."""
        others = [list(a) for j, a in enumerate(alive) if j != i]
        return list(product(*others))


def _check_json_numbers(x: Any) -> None:
    if isinstance(x, list):
        for v in x:
            _check_json_numbers(v)
    elif isinstance(x, bool) or not isinstance(x, int | float | str):
        raise InputError(f"payoffs must be numbers, got {x!r}")
    elif isinstance(x, float) and not math.isfinite(x):
        raise InputError("payoffs must be finite")


def _common_den(xs: Sequence[Fraction]) -> int:
    D = 1
    for v in xs:
        if v.denominator != 1:
            D = D * v.denominator // math.gcd(D, v.denominator)
    return D


def _mixture_dominates(U: np.ndarray, s: int, sigma: Sequence[Fraction], strict: bool) -> bool:
    """Exact: does ``σ`` (over U's rows, ``σ_s = 0``) dominate row ``s``? (strict: in every
    column; weak: ≥ everywhere and > somewhere). ``U`` holds exact numbers (ints)."""
    if len(sigma) != U.shape[0] or sigma[s] != 0:
        return False
    sup = [j for j, v in enumerate(sigma) if v != 0]
    vals = [Fraction(sigma[j]) for j in sup]
    if any(v < 0 for v in vals) or sum(vals) != 1:
        return False
    D = _common_den(vals)
    lhs = sum((int(v * D) * U[j] for j, v in zip(sup, vals, strict=True)),
              np.zeros(U.shape[1], dtype=object))
    rhs = U[s] * D
    if strict:
        return bool(all(lhs > rhs))
    return bool(all(lhs >= rhs) and any(lhs > rhs))


@dataclass(frozen=True, eq=False)
class EliminationStep:
    """One elimination: ``player``'s strategy ``strategy`` is dominated by ``mixture`` (a
    distribution over that player's other surviving strategies) against every surviving
    opponent profile; ``alive`` is the survivor index sets just before the step."""

    player: int
    strategy: int
    mixture: tuple[Fraction, ...]  # over alive[player], in that order
    alive: tuple[tuple[int, ...], ...]
    strict: bool = True

    def verify(self, game: Game) -> bool:
        """Exact re-check of the domination on the survivors of that moment."""
        alive = self.alive
        if self.strategy not in alive[self.player]:
            return False
        U = game.player_matrix(self.player, alive, exact=True)
        s = alive[self.player].index(self.strategy)
        return _mixture_dominates(U, s, self.mixture, self.strict)

    def mixture_labels(self, game: Game) -> dict[Hashable, Fraction]:
        labels = game.strategies[self.player]
        return {
            labels[j]: w for j, w in zip(self.alive[self.player], self.mixture, strict=True) if w
        }

    def to_json(self, game: Game) -> dict[str, Any]:
        return {
            "player": label_to_json(game.players[self.player]),
            "eliminated": label_to_json(game.strategies[self.player][self.strategy]),
            "dominated_by": {
                str(label_to_json(k)): str(v) for k, v in self.mixture_labels(game).items()
            },
            "strict": self.strict,
        }

    def explain(self, game: Game) -> str:
        mix = self.mixture_labels(game)
        by = (
            repr(next(iter(mix)))
            if len(mix) == 1
            else " + ".join(f"{w}·{k!r}" for k, w in mix.items())
        )
        how = "strictly" if self.strict else "weakly"
        return (
            f"{game.players[self.player]!r} drops {game.strategies[self.player][self.strategy]!r}:"
            f" {by} pays {how} more against every remaining opponent profile"
        )


def _alive_after(alive: tuple[tuple[int, ...], ...], step: EliminationStep) -> tuple:
    out = list(alive)
    out[step.player] = tuple(j for j in alive[step.player] if j != step.strategy)
    return tuple(out)


@dataclass(frozen=True, eq=False)
class Rationalisation(Certificate):
    """Every listed strategy is a best response to a belief over the opponents' surviving
    profiles (Pearce's lemma: it is not strictly dominated, even by a mixture).

    ``beliefs[(player, strategy)]`` is a tuple of probabilities over
    ``game.opponent_profiles(player, alive)``.
    """

    game: Game
    alive: tuple[tuple[int, ...], ...]
    beliefs: dict[tuple[int, int], tuple[Fraction, ...]]

    kind: ClassVar[str] = "rationalisation"
    exploit: ClassVar[bool] = False

    def verify(self) -> bool:
        """Exact best-response check for each belief (ints after scaling). O(Σ n_i · profiles)."""
        g = self.game
        if set(self.beliefs) != {(i, s) for i, a in enumerate(self.alive) for s in a}:
            return False
        mats = {i: g.player_matrix(i, self.alive, exact=True) for i in range(g.n_players)}
        for (i, s), y in self.beliefs.items():
            U = mats[i]
            if len(y) != U.shape[1] or any(v < 0 for v in y) or sum(y) != 1:
                return False
            D = _common_den(y)
            sup = [t for t, v in enumerate(y) if v != 0]
            vals = U[:, sup].dot(np.array([int(y[t] * D) for t in sup], dtype=object))
            if vals[self.alive[i].index(s)] < max(vals):
                return False
        return True

    def belief_labels(self, i: int, s: int) -> dict[Any, Fraction]:
        g = self.game
        profs = g.opponent_profiles(i, self.alive)
        others = [j for j in range(g.n_players) if j != i]
        out = {}
        for p, w in zip(profs, self.beliefs[(i, s)], strict=True):
            if w:
                lab = tuple(g.strategies[j][k] for j, k in zip(others, p, strict=True))
                out[lab[0] if len(lab) == 1 else lab] = w
        return out

    def explain(self) -> str:
        g = self.game
        lines = ["No strategy is strictly dominated: each is a best response to a belief"]
        for (i, s) in sorted(self.beliefs)[:20]:
            bel = ", ".join(f"{k!r}: {v}" for k, v in self.belief_labels(i, s).items())
            who, what = g.players[i], g.strategies[i][s]
            lines.append(f"  {who!r} plays {what!r} if it believes {{{bel}}}")
        if len(self.beliefs) > 20:
            lines.append(f"  … ({len(self.beliefs) - 20} more)")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        g = self.game
        return {
            "kind": self.kind,
            "survivors": _survivors_json(g, self.alive),
            "beliefs": [
                {
                    "player": label_to_json(g.players[i]),
                    "strategy": label_to_json(g.strategies[i][s]),
                    "belief": [
                        {"profile": label_to_json(k), "probability": str(v)}
                        for k, v in self.belief_labels(i, s).items()
                    ],
                }
                for (i, s) in sorted(self.beliefs)
            ],
        }


def _survivors_json(g: Game, alive: Sequence[Sequence[int]]) -> dict[str, list[Any]]:
    return {
        str(label_to_json(g.players[i])): [label_to_json(g.strategies[i][j]) for j in a]
        for i, a in enumerate(alive)
    }


@dataclass(frozen=True, eq=False)
class DominanceElimination(Certificate):
    """Iterated elimination of strictly dominated strategies: each step's dominating mixture,
    and a rationalisation of the survivors (so nothing more can be eliminated)."""

    game: Game
    steps: tuple[EliminationStep, ...]
    survivors: Rationalisation

    kind: ClassVar[str] = "dominance_elimination"
    exploit: ClassVar[bool] = True

    def verify(self) -> bool:
        """Each step verified exactly on the survivors of its moment; the steps chain from the
        full game to ``survivors.alive``; the survivors' beliefs verify."""
        g = self.game
        alive = tuple(tuple(range(n)) for n in g.shape)
        if not self.steps:
            return False
        for st in self.steps:
            if st.alive != alive or not st.strict or not st.verify(g):
                return False
            alive = _alive_after(alive, st)
        return alive == self.survivors.alive and self.survivors.verify()

    def explain(self) -> str:
        g = self.game
        lines = [f"{len(self.steps)} strictly dominated strategy(ies), eliminated in turn:"]
        for k, st in enumerate(self.steps[:30], 1):
            lines.append(f"  {k}. {st.explain(g)}")
        if len(self.steps) > 30:
            lines.append(f"  … ({len(self.steps) - 30} more)")
        surv = "; ".join(
            f"{g.players[i]!r}: {[g.strategies[i][j] for j in a]}"
            for i, a in enumerate(self.survivors.alive)
        )
        lines.append(f"  survivors — {surv}")
        lines.append("A player who uses an eliminated strategy leaves payoff on the table "
                     "whatever the others do.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "steps": [s.to_json(self.game) for s in self.steps],
            "survivors": _survivors_json(self.game, self.survivors.alive),
            "survivor_beliefs": self.survivors.to_json()["beliefs"],
        }


# -- LPs -------------------------------------------------------------------------------------


def _dominance_lp(U: np.ndarray, s: int, strict: bool) -> tuple[float, np.ndarray, np.ndarray]:
    """Float LP: best mixture of rows ≠ s against row s. Returns (value, σ, belief duals).

    strict: ``max ε`` s.t. ``σᵀU ≥ U_s + ε``; weak: ``max Σ d`` s.t. ``σᵀU = U_s + d``,
    ``0 ≤ d ≤ 1``. Cost: one HiGHS LP of size rows × cols.
    """
    r, c = U.shape
    others = [k for k in range(r) if k != s]
    if not others:
        return -math.inf, np.zeros(r), np.full(c, 1.0 / c)
    Uo = U[others].T  # c × (r-1)
    if strict:
        # constraint generation: a restricted LP that finds no margin proves there is none
        # (its duals are a belief on the kept columns); a restricted σ that beats row s on
        # every column is a dominating mixture; otherwise add the violated columns.
        gap = U[s] - Uo.max(axis=1)  # how well s does in each column
        cols = list(np.argsort(-gap)[: min(c, 16)])
        while True:
            A = np.hstack([-Uo[cols], np.ones((len(cols), 1))])
            res = linprog(
                np.r_[np.zeros(len(others)), -1.0],
                A_ub=A,
                b_ub=-U[s, cols],
                A_eq=np.r_[np.ones(len(others)), 0.0][None, :],
                b_eq=[1.0],
                bounds=[(0, None)] * len(others) + [(None, 1.0)],
                method="highs",
                options={"presolve": False},
            )
            if res.status != 0:
                return -math.inf, np.zeros(r), np.full(c, 1.0 / c)
            val = -res.fun
            sig = res.x[: len(others)]
            if val <= _TOL:
                duals = np.zeros(c)
                duals[cols] = -np.asarray(res.ineqlin.marginals)
                break
            slack = Uo @ sig - U[s]
            bad = np.flatnonzero(slack <= _TOL)
            if not len(bad):
                val = float(slack.min())
                duals = np.zeros(c)
                break
            kept = set(cols)
            cols += [int(t) for t in bad[np.argsort(slack[bad])] if int(t) not in kept][:16]
        sigma = np.zeros(r)
        sigma[others] = sig
        return float(val), sigma, duals
    else:
        A = np.hstack([-Uo, np.eye(c)])
        res = linprog(
            np.r_[np.zeros(len(others)), -np.ones(c)],
            A_ub=A,
            b_ub=-U[s],
            A_eq=np.r_[np.ones(len(others)), np.zeros(c)][None, :],
            b_eq=[1.0],
            bounds=[(0, None)] * len(others) + [(0, 1)] * c,
            method="highs",
        )
        if res.status != 0:
            return -math.inf, np.zeros(r), np.full(c, 1.0 / c)
        val = -res.fun
        duals = -np.asarray(res.ineqlin.marginals)
    sigma = np.zeros(r)
    sigma[others] = res.x[: len(others)]
    return float(val), sigma, duals


def _support_candidates(x: np.ndarray, exclude: int | None = None) -> Iterable[list[Fraction]]:
    """Probability vectors near ``x``: round its support (entries > 1e-12) at increasing
    precision and renormalise exactly; entries off the support (and ``exclude``) are 0."""
    x = np.asarray(x, dtype=float)
    sup = [int(j) for j in np.flatnonzero(x > 1e-12) if j != exclude]
    if not sup:
        return
    zero = Fraction(0)
    for vals in rational_candidates(x[sup]):
        vals = [max(v, zero) for v in vals]
        tot = sum(vals)
        if tot <= 0:
            continue
        out = [zero] * len(x)
        for j, v in zip(sup, vals, strict=True):
            out[j] = v / tot
        yield out


def _exact_mixture(
    Ue: np.ndarray, s: int, sigma_f: np.ndarray, strict: bool
) -> tuple[Fraction, ...] | None:
    """Round a float dominating mixture to an exactly verified one (or solve exactly)."""
    r = Ue.shape[0]
    for cand in _support_candidates(sigma_f, exclude=s):
        if _mixture_dominates(Ue, s, cand, strict):
            return tuple(cand)
    # exact: σ ≥ 0, Σσ = 1, σ_s = 0, (U_s − σᵀU)_t ≤ 0 (strict rows when strict)
    c = Ue.shape[1]
    A_ub = np.empty((c, r), dtype=object)
    for t in range(c):
        for k in range(r):
            A_ub[t, k] = -Ue[k, t]
    lb = tuple(Fraction(0) for _ in range(r))
    ub = tuple(Fraction(0) if k == s else None for k in range(r))
    if strict:
        system = LinearSystem(
            n=r, A_ub=A_ub, b_ub=-Ue[s], A_eq=np.ones((1, r), dtype=object),
            b_eq=np.array([Fraction(1)], dtype=object), lb=lb, ub=ub,
            strict=np.ones(c, dtype=bool),
        )
        x = find_point(system, hint=sigma_f)
        return tuple(x) if x is not None and _mixture_dominates(Ue, s, x, True) else None
    # weak: make the column where σ gains most strict
    gains = sigma_f @ np.vectorize(float, otypes=[float])(Ue) - np.vectorize(
        float, otypes=[float]
    )(Ue[s])
    order = np.argsort(-gains)
    for t in order[:3]:
        mask = np.zeros(c, dtype=bool)
        mask[t] = True
        system = LinearSystem(
            n=r, A_ub=A_ub, b_ub=-Ue[s], A_eq=np.ones((1, r), dtype=object),
            b_eq=np.array([Fraction(1)], dtype=object), lb=lb, ub=ub, strict=mask,
        )
        x = find_point(system, hint=sigma_f)
        if x is not None and _mixture_dominates(Ue, s, x, False):
            return tuple(x)
    return None


def _belief_lp(U: np.ndarray, s: int) -> tuple[float, np.ndarray]:
    """Float LP: belief y over columns maximising min_k≠s (U_s − U_k)·y."""
    r, c = U.shape
    others = [k for k in range(r) if k != s]
    if not others:
        return math.inf, np.full(c, 1.0 / c)
    D = U[others] - U[s]  # want D y ≤ −δ
    res = linprog(
        np.r_[np.zeros(c), -1.0],
        A_ub=np.hstack([D, np.ones((len(others), 1))]),
        b_ub=np.zeros(len(others)),
        A_eq=np.r_[np.ones(c), 0.0][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * c + [(None, 1.0)],
        method="highs",
    )
    if res.status != 0:
        return -math.inf, np.full(c, 1.0 / c)
    return float(-res.fun), np.asarray(res.x[:c])


def _exact_belief(Ue: np.ndarray, s: int, y_f: np.ndarray) -> tuple[Fraction, ...] | None:
    r, c = Ue.shape
    Ui = Ue

    def ok(y: Sequence[Fraction]) -> bool:
        if any(v < 0 for v in y) or sum(y) != 1:
            return False
        D = _common_den(y)
        vals = Ui.dot(np.array([int(v * D) for v in y], dtype=object))
        return bool(vals[s] >= max(vals))

    for cand in _support_candidates(y_f):
        if ok(cand):
            return tuple(cand)
    others = [k for k in range(r) if k != s]
    A_ub = np.empty((len(others), c), dtype=object)
    for a, k in enumerate(others):
        for t in range(c):
            A_ub[a, t] = Ue[k, t] - Ue[s, t]
    system = LinearSystem(
        n=c, A_ub=A_ub, b_ub=np.array([Fraction(0)] * len(others), dtype=object),
        A_eq=np.ones((1, c), dtype=object), b_eq=np.array([Fraction(1)], dtype=object),
        lb=(Fraction(0),) * c,
    )
    x = find_point(system, hint=y_f)
    return tuple(x) if x is not None and ok(x) else None


def _start(game: Game) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(range(n)) for n in game.shape)


def _pure_strict_dominated(U: np.ndarray) -> list[tuple[int, int]]:
    """(dominated row, dominating row) pairs by pure strategies, vectorised O(r² c)."""
    gt = (U[:, None, :] > U[None, :, :]).all(axis=2)  # gt[k, s]: k beats s everywhere
    np.fill_diagonal(gt, False)
    out = []
    for s in range(U.shape[0]):
        ks = np.flatnonzero(gt[:, s])
        if len(ks):
            out.append((s, int(ks[0])))
    return out


def _candidate_beliefs(
    U: np.ndarray, rows: Sequence[int], seed: int = 0
) -> dict[int, tuple[int, ...]]:
    """Rows (among ``rows``) that are float best responses to a uniform belief on one, two or
    three columns, with that support. Vectorised: O(r · (c + K)) for K sampled supports."""
    _r, c = U.shape
    out: dict[int, tuple[int, ...]] = {}
    todo = set(rows)
    best = U.max(axis=0)
    br = best - 1e-9 * (1.0 + np.abs(best)) <= U
    for s in list(todo):
        cols = np.flatnonzero(br[s])
        if len(cols):
            out[s] = (int(cols[0]),)
            todo.discard(s)
    rng = np.random.default_rng(seed)
    for size in (2, 3):
        if not todo or c < size:
            break
        K = min(4000, math.comb(c, size) * 2)
        idx = np.stack([rng.integers(0, c, K) for _ in range(size)])
        V = U[:, idx].sum(axis=1)  # r × K
        bestV = V.max(axis=0)
        brV = bestV - 1e-9 * (1.0 + np.abs(bestV)) <= V
        for s in list(todo):
            ks = np.flatnonzero(brV[s])
            for k in ks:
                sup = tuple(sorted({int(t) for t in idx[:, k]}))
                if len(sup) == size:
                    out[s] = sup
                    todo.discard(s)
                    break
    return out


def eliminate_dominated(game: Game) -> Verdict:
    """Iterated elimination of strictly dominated strategies (pure or mixed dominators).

    Per round and player: pure-strategy dominations are removed first (vectorised,
    O(n_i² · profiles)); strategies that are best responses to a uniform belief on one to
    three opponent profiles are cleared without an LP (vectorised); every other strategy gets
    one margin LP — a positive margin gives the dominating mixture (primal), a non-positive
    one a belief to which the strategy is a best response (duals). A cleared strategy is
    examined again only when its belief loses a profile. Every recorded mixture and every
    survivor's belief is verified exactly (integers). Returns a coherent :class:`Verdict` with
    a :class:`Rationalisation` when nothing is dominated, else a
    :class:`DominanceElimination`.

    Cost per LP: HiGHS on ``n_i × Π_{j≠i} n_j``; at most ``Σ n_i`` eliminations.

    Raises:
        CertificationError: if a step or a survivor's belief fails exact verification.
    """
    alive = _start(game)
    steps: list[EliminationStep] = []
    # (player, strategy) → (support profiles, exact uniform weights or None for LP duals)
    cleared: dict[tuple[int, int], tuple[tuple[tuple[int, ...], ...], bool]] = {}

    def eliminate(i: int, s: int, sigma_f: np.ndarray) -> None:
        nonlocal alive
        Ue = game.player_matrix(i, alive, exact=True)
        mix = _exact_mixture(Ue, alive[i].index(s), sigma_f, strict=True)
        if mix is None:
            raise CertificationError("a domination failed exact verification")
        st = EliminationStep(i, s, mix, alive, True)
        steps.append(st)
        alive = _alive_after(alive, st)
        cleared.pop((i, s), None)

    progressed = True
    while progressed:
        progressed = False
        for i in range(game.n_players):
            while len(alive[i]) > 1:
                pure = _pure_strict_dominated(game.player_matrix(i, alive))
                if not pure:
                    break
                s_local, k_local = pure[0]
                sig = np.zeros(len(alive[i]))
                sig[k_local] = 1.0
                eliminate(i, alive[i][s_local], sig)
                progressed = True
        for i in range(game.n_players):
            if len(alive[i]) < 2:
                continue
            profs = game.opponent_profiles(i, alive)
            live = set(profs)
            todo = [
                si for si, s in enumerate(alive[i])
                if (i, s) not in cleared or not set(cleared[(i, s)][0]) <= live
            ]
            if not todo:
                continue
            U = game.player_matrix(i, alive)
            for si, sup in _candidate_beliefs(U, todo).items():
                cleared[(i, alive[i][si])] = (tuple(profs[t] for t in sup), True)
            for s in [alive[i][si] for si in todo]:
                if (i, s) in cleared and set(cleared[(i, s)][0]) <= live:
                    continue
                if s not in alive[i] or len(alive[i]) < 2:
                    continue
                U = game.player_matrix(i, alive)
                profs = game.opponent_profiles(i, alive)
                val, sigma, duals = _dominance_lp(U, alive[i].index(s), strict=True)
                if val > _TOL:
                    eliminate(i, s, sigma)
                    progressed = True
                else:
                    sup = tuple(p for p, w in zip(profs, duals, strict=True) if w > 1e-12)
                    cleared[(i, s)] = (sup, False)
                live = set(game.opponent_profiles(i, alive))
    survivors = _rationalise(game, alive, cleared)
    if survivors is None:
        raise CertificationError("could not verify beliefs for the surviving strategies")
    if not steps:
        cert: Certificate = survivors
        v = Verdict(True, cert, "game", {"eliminated": 0})
    else:
        cert = DominanceElimination(game, tuple(steps), survivors)
        v = Verdict(False, cert, "game", {"eliminated": len(steps)})
    if not cert.verify():
        raise CertificationError("game certificate failed exact verification")
    return v


def _rationalise(
    game: Game,
    alive: tuple[tuple[int, ...], ...],
    cleared: dict[tuple[int, int], tuple[tuple[tuple[int, ...], ...], bool]] | None = None,
) -> Rationalisation | None:
    cleared = cleared or {}
    beliefs: dict[tuple[int, int], tuple[Fraction, ...]] = {}
    for i in range(game.n_players):
        Ue = game.player_matrix(i, alive, exact=True)
        profs = game.opponent_profiles(i, alive)
        pos = {p: t for t, p in enumerate(profs)}
        U = None
        for si, s in enumerate(alive[i]):
            sup, uniform = cleared.get((i, s), ((), False))
            if uniform and all(p in pos for p in sup):
                y = [Fraction(0)] * len(profs)
                for p in sup:
                    y[pos[p]] = Fraction(1, len(sup))
                vals = Ue[:, [pos[p] for p in sup]].sum(axis=1)
                if vals[si] >= max(vals):
                    beliefs[(i, s)] = tuple(y)
                    continue
            if U is None:
                U = game.player_matrix(i, alive)
            _, yf = _belief_lp(U, si)
            b = _exact_belief(Ue, si, yf)
            if b is None:
                return None
            beliefs[(i, s)] = b
    return Rationalisation(game, alive, beliefs)


# -- weak dominance ----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class WeakElimination:
    """One run of iterated weak dominance: its steps and its survivors (index tuples)."""

    steps: tuple[EliminationStep, ...]
    survivors: tuple[tuple[int, ...], ...]
    rule: str

    def verify(self, game: Game) -> bool:
        alive = _start(game)
        for st in self.steps:
            if st.alive != alive or not st.verify(game):
                return False
            alive = _alive_after(alive, st)
        return alive == self.survivors


@dataclass(frozen=True, eq=False)
class OrderDependence:
    """Two verified weak-dominance orders ending in different survivor sets."""

    first: WeakElimination
    second: WeakElimination

    def verify(self, game: Game) -> bool:
        return (
            self.first.verify(game)
            and self.second.verify(game)
            and self.first.survivors != self.second.survivors
        )


def _weak_run(game: Game, rule: str) -> WeakElimination:
    alive = _start(game)
    steps: list[EliminationStep] = []
    while True:
        cands: list[tuple[int, int, np.ndarray]] = []
        for i in range(game.n_players):
            if len(alive[i]) < 2:
                continue
            U = game.player_matrix(i, alive)
            for si, s in enumerate(alive[i]):
                val, sigma, _ = _dominance_lp(U, si, strict=False)
                if val > _TOL:
                    cands.append((i, s, sigma))
        if not cands:
            break
        pick = cands[0] if rule == "first" else cands[-1]
        i, s, sigma = pick
        Ue = game.player_matrix(i, alive, exact=True)
        mix = _exact_mixture(Ue, alive[i].index(s), sigma, strict=False)
        if mix is None:
            raise CertificationError("weak domination failed exact verification")
        st = EliminationStep(i, s, mix, alive, False)
        steps.append(st)
        alive = _alive_after(alive, st)
    return WeakElimination(tuple(steps), alive, rule)


def eliminate_weakly_dominated(
    game: Game,
) -> tuple[WeakElimination, OrderDependence | None, str]:
    """Iterated elimination of weakly dominated strategies (pure or mixed dominators).

    The result depends on the order of elimination; two orders are run (always the first
    dominated strategy found, always the last). Returns ``(run, witness, warning)``:
    ``witness`` is an :class:`OrderDependence` (verified) when the two orders end differently.

    Cost: per step one LP per surviving strategy.
    """
    first = _weak_run(game, "first")
    last = _weak_run(game, "last")
    witness = None
    if first.survivors != last.survivors:
        witness = OrderDependence(first, last)
        warning = (
            "iterated weak dominance depends on the elimination order here: two orders end "
            "with different survivors"
        )
    else:
        warning = (
            "iterated weak dominance may depend on the elimination order; the two orders "
            "tried agree"
        )
    return first, witness, warning


def check_game(game: Game) -> Verdict:
    """``check(Game)``: :func:`eliminate_dominated`."""
    return eliminate_dominated(game)

