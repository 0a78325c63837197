"""Iterated elimination of weakly dominated strategies, and its order dependence.

A strategy is *weakly dominated* when a mixture of its player's other strategies pays at least
as much against every opponent profile and more against one. It is not weakly dominated iff it
is a best response to a belief that gives every opponent profile positive probability (the
finite complete class theorem, Wald 1950, with the profiles as states; Pearce 1984, Lemma 4,
for two players). Unlike strict dominance, iterated weak dominance can end differently
depending on the order of elimination; :func:`eliminate_weakly_dominated` runs two orders and
keeps both runs as a witness when they end differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

from coherence.decisions._game import Alive, Game
from coherence.decisions._mixtures import (
    TOL,
    dominance_lp,
    exact_full_support_belief,
    exact_mixture,
    lp_floats,
)
from coherence.decisions._steps import (
    EliminationStep,
    alive_after,
    alive_from_json,
    replay,
    steps_from_json,
    survivors_json,
)
from coherence.decisions._strict import Beliefs, Rationalisation, beliefs_from_json
from coherence.errors import CertificationError, InputError
from coherence.verdict import Certificate, Verdict

__all__ = [
    "AdmissibleBeliefs",
    "OrderDependence",
    "WeakDominance",
    "WeakElimination",
    "eliminate_weakly_dominated",
]

Rule = Literal["first", "last"]


@dataclass(frozen=True, eq=False)
class AdmissibleBeliefs(Rationalisation):
    """Every listed strategy is a best response to a belief with *full support* over the
    opponents' surviving profiles, so none is weakly dominated, even by a mixture.

    >>> g = Game.bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> cert = eliminate_weakly_dominated(g).certificate
    >>> cert.kind, cert.verify(), cert.belief_labels(0, 0)
    ('admissible_beliefs', True, {'s1': Fraction(1, 2), 's2': Fraction(1, 2)})
    """

    kind: ClassVar[str] = "admissible_beliefs"
    exploit: ClassVar[bool] = False

    def verify(self) -> bool:
        """Every belief is strictly positive, and a best response check as in the parent."""
        return all(v > 0 for y in self.beliefs.values() for v in y) and super().verify()

    def explain(self) -> str:
        _, _, rest = super().explain().partition("\n")
        lines = ["No strategy is weakly dominated: each is a best response to a belief that "
                 "gives every opponent profile positive probability"]
        return "\n".join([*lines, rest] if rest else lines)


@dataclass(frozen=True, eq=False)
class WeakElimination:
    """One run of iterated weak dominance: its steps, and full-support beliefs for its
    survivors (so the run could not go on). ``rule`` says which dominated strategy each step
    removed: the ``"first"`` one found or the ``"last"``."""

    steps: tuple[EliminationStep, ...]
    beliefs: AdmissibleBeliefs
    rule: str = "first"

    @property
    def survivors(self) -> Alive:
        """The surviving strategy indices of each player."""
        return self.beliefs.alive

    def verify(self, game: Game) -> bool:
        """Each step is a weak domination on the survivors of its moment; the steps chain from
        the full game to the survivors, whose beliefs verify. Exact."""
        return (
            self.beliefs.game is game
            and replay(game, self.steps, strict=False) == self.survivors
            and self.beliefs.verify()
        )

    def to_json(self, game: Game) -> dict[str, Any]:
        """``{"rule", "steps", "survivors", "survivor_beliefs"}`` (labels, exact strings)."""
        return {
            "rule": self.rule,
            "steps": [s.to_json(game) for s in self.steps],
            "survivors": survivors_json(game, self.survivors),
            "survivor_beliefs": self.beliefs.beliefs_json(),
        }

    @classmethod
    def from_json(cls, game: Game, doc: Mapping[str, Any]) -> WeakElimination:
        """Read a run of ``game`` back from :meth:`to_json`."""
        steps = steps_from_json(game, doc["steps"])
        alive = alive_from_json(game, doc["survivors"])
        beliefs = beliefs_from_json(game, alive, doc["survivor_beliefs"])
        return cls(steps, AdmissibleBeliefs(game, alive, beliefs), str(doc.get("rule", "first")))


@dataclass(frozen=True, eq=False)
class OrderDependence:
    """Two verified weak-dominance orders ending in different survivor sets."""

    first: WeakElimination
    second: WeakElimination

    def verify(self, game: Game) -> bool:
        """Both runs verify (each to its end) and their survivors differ."""
        return (
            self.first.verify(game)
            and self.second.verify(game)
            and self.first.survivors != self.second.survivors
        )


@dataclass(frozen=True, eq=False)
class WeakDominance(Certificate):
    """Some strategy is weakly dominated: a run of iterated weak dominance (every step
    verified, the survivors' full-support beliefs showing it ran to its end) and, when two
    elimination orders end differently, the :class:`OrderDependence` witness (``run`` is its
    first order).

    >>> g = Game.bimatrix([[1, 0], [1, 2], [0, 2]], [[1, 0], [1, 1], [0, 1]])
    >>> cert = eliminate_weakly_dominated(g).certificate
    >>> cert.verify(), cert.run.survivors, cert.witness.second.survivors
    (True, ((1,), (0, 1)), ((0, 1), (0,)))
    """

    game: Game
    run: WeakElimination
    witness: OrderDependence | None = None

    kind: ClassVar[str] = "weak_dominance"
    exploit: ClassVar[bool] = True

    @property
    def order_dependent(self) -> bool:
        """Whether two elimination orders were found that end differently."""
        return self.witness is not None

    @property
    def warning(self) -> str:
        """One sentence on the order dependence of the result."""
        if self.witness is not None:
            return ("iterated weak dominance depends on the elimination order here: two orders "
                    "end with different survivors")
        return ("iterated weak dominance may depend on the elimination order; the two orders "
                "tried agree")

    def verify(self) -> bool:
        """The run has a step and verifies; a witness verifies and starts with the run."""
        g = self.game
        if not self.run.steps or not self.run.verify(g):
            return False
        w = self.witness
        return w is None or (w.verify(g) and w.first.to_json(g) == self.run.to_json(g))

    def explain(self) -> str:
        g = self.game
        lines = [f"{len(self.run.steps)} weakly dominated strategy(ies), eliminated in turn:"]
        lines += [f"  {k}. {st.explain(g)}" for k, st in enumerate(self.run.steps[:30], 1)]
        lines.append(f"  survivors — {_survivors_text(g, self.run.survivors)}")
        if self.witness is not None:
            other = self.witness.second
            lines.append(f"  another order ({len(other.steps)} steps) ends with — "
                         f"{_survivors_text(g, other.survivors)}")
        lines.append(f"Warning: {self.warning}.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        g = self.game
        doc: dict[str, Any] = {"kind": self.kind, **self.run.to_json(g)}
        if self.witness is not None:
            doc["order_witness"] = [self.witness.first.to_json(g), self.witness.second.to_json(g)]
        doc["warning"] = self.warning
        doc["game"] = g.to_json()
        return doc

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> WeakDominance:
        g = Game.from_json(dict(doc["game"]))
        run = WeakElimination.from_json(g, doc)
        runs = doc.get("order_witness")
        if runs is None:
            return cls(g, run)
        if len(runs) != 2:
            raise InputError("an order witness holds two runs")
        first, second = (WeakElimination.from_json(g, r) for r in runs)
        return cls(g, run, OrderDependence(first, second))


def _survivors_text(g: Game, alive: Alive) -> str:
    return "; ".join(
        f"{g.players[i]!r}: {[g.strategies[i][j] for j in a]}" for i, a in enumerate(alive)
    )


def _admissible(game: Game, alive: Alive) -> tuple[AdmissibleBeliefs | None, tuple[int, int]]:
    """Full-support beliefs for every survivor; when a survivor has none (it is weakly
    dominated after all: Wald's complete class theorem), ``(None, (player, strategy))``."""
    beliefs: Beliefs = {}
    for i in range(game.n_players):
        Ue = game.player_matrix(i, alive, exact=True)
        for si, s in enumerate(alive[i]):
            y = exact_full_support_belief(Ue, si)
            if y is None:
                return None, (i, s)
            beliefs[(i, s)] = y
    return AdmissibleBeliefs(game, alive, beliefs), (-1, -1)


def _screen(U: np.ndarray, Ue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cheap exact answers for the rows of ``U`` (moderate floats, whose comparisons are
    exact, or the exact ints ``Ue``, whose row sums are used):
    ``pure[s]`` — the index of another row weakly dominating row ``s`` (−1: none found);
    ``admissible[s]`` — row ``s`` is the unique best reply to some column, or a best reply
    to the uniform belief, so no mixture weakly dominates it. O(rows² · cols)."""
    mat = U
    r = mat.shape[0]
    ge = (mat[:, None, :] >= mat[None, :, :]).all(axis=2)  # ge[k, s]: row k ≥ row s
    gt = (mat[:, None, :] > mat[None, :, :]).any(axis=2)
    dom = np.asarray(ge & gt, dtype=bool)
    np.fill_diagonal(dom, False)
    pure = np.array([int(np.flatnonzero(dom[:, s])[0]) if dom[:, s].any() else -1
                     for s in range(r)])
    top = np.asarray(mat == mat.max(axis=0)[None, :], dtype=bool)
    unique = top.sum(axis=0) == 1
    admissible = (top & unique).any(axis=1)
    sums = Ue.sum(axis=1)
    admissible |= np.asarray(sums == max(sums), dtype=bool)
    return pure, admissible & (pure < 0)


def _candidates(game: Game, alive: Alive) -> list[tuple[int, int, np.ndarray]]:
    """Strategies found weakly dominated (by a pure strategy, else by a float LP), with the
    float mixture, in order; strategies the screen shows admissible get no LP."""
    cands: list[tuple[int, int, np.ndarray]] = []
    for i in range(game.n_players):
        if len(alive[i]) < 2:
            continue
        U = game.lp_matrix(i, alive)
        Ue = game.player_matrix(i, alive, exact=True)
        pure, admissible = _screen(Ue if U is None else U, Ue)
        for si, s in enumerate(alive[i]):
            if pure[si] >= 0:
                sigma = np.zeros(len(alive[i]))
                sigma[pure[si]] = 1.0
                cands.append((i, s, sigma))
                continue
            if admissible[si]:
                continue
            Ui = lp_floats(Ue - Ue[si]) if U is None else U
            val, sigma, _ = dominance_lp(Ui, si, strict=False)
            if val > TOL:
                cands.append((i, s, sigma))
    return cands


def _next_step(game: Game, alive: Alive, rule: Rule) -> EliminationStep | None:
    """The next weak-dominance step under ``rule``, exactly verified, or ``None`` when every
    survivor is admissible."""
    cands = _candidates(game, alive)
    for i, s, sigma in cands if rule == "first" else reversed(cands):
        Ue = game.player_matrix(i, alive, exact=True)
        mix = exact_mixture(Ue, alive[i].index(s), sigma, strict=False)
        if mix is not None:
            return EliminationStep(i, s, mix, alive, False)
    return None


def _weak_run(game: Game, rule: Rule) -> WeakElimination:
    alive = game.full()
    steps: list[EliminationStep] = []
    while True:
        st = _next_step(game, alive, rule)
        if st is None:
            beliefs, (i, s) = _admissible(game, alive)
            if beliefs is not None:
                return WeakElimination(tuple(steps), beliefs, rule)
            # the float screen missed it: weakly dominated, found exactly
            Ue = game.player_matrix(i, alive, exact=True)
            mix = exact_mixture(Ue, alive[i].index(s), None, strict=False)
            if mix is None:
                raise CertificationError(
                    "a surviving strategy has neither a full-support belief nor a weakly "
                    "dominating mixture"
                )
            st = EliminationStep(i, s, mix, alive, False)
        steps.append(st)
        alive = alive_after(alive, st)


def eliminate_weakly_dominated(game: Game) -> Verdict:
    """Iterated elimination of weakly dominated strategies (pure or mixed dominators).

    The result can depend on the order of elimination, so two orders are run (always the
    first dominated strategy found, always the last). Returns an exploitable
    :class:`Verdict` holding a :class:`WeakDominance` (the first order's run, and an
    :class:`OrderDependence` witness when the two orders end differently), or a coherent one
    holding :class:`AdmissibleBeliefs` when no strategy is weakly dominated. Quantities:
    ``eliminated`` (steps of the first order) and ``order_dependent``.

    Cost: per step one LP per surviving strategy; one exact feasibility problem per survivor.

    >>> g = Game.bimatrix([[1, 0], [1, 2], [0, 2]], [[1, 0], [1, 1], [0, 1]])
    >>> v = eliminate_weakly_dominated(g)
    >>> v.status, v.quantities["order_dependent"], v.certificate.witness is not None
    ('exploitable', True, True)
    """
    first = _weak_run(game, "first")
    if not first.steps:
        return Verdict.certify(first.beliefs, "game (weak dominance)", eliminated=0,
                               order_dependent=False)
    last = _weak_run(game, "last")
    witness = OrderDependence(first, last) if first.survivors != last.survivors else None
    cert = WeakDominance(game, first, witness)
    return Verdict.certify(cert, "game (weak dominance)", eliminated=len(first.steps),
                           order_dependent=witness is not None)
