"""Iterated elimination of strictly dominated strategies, with exact certificates.

A strategy is *strictly dominated* when some mixture of its player's other strategies pays
strictly more against every profile of the opponents' strategies. By Pearce's lemma (1984;
for n players with correlated beliefs) a strategy is not strictly dominated iff it is a best
response to some belief over the opponents' profiles. :func:`eliminate_dominated` removes
dominated strategies one at a time, recording the dominating mixture (verified exactly at
that step), and ends with a belief for every surviving strategy (verified exactly): the
elimination and the survivors' rationalisation are the two sides of one LP.

Iterated strict dominance does not depend on the order of elimination (Gilboa, Kalai and
Zemel 1990), so one run settles it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence._exact import as_fraction
from coherence._exact.display import shown as number_text
from coherence.decisions._game import Alive, Game
from coherence.decisions._mixtures import (
    TOL,
    best_response,
    candidate_beliefs,
    dominance_lp,
    exact_belief,
    exact_mixture,
    lp_floats,
    pure_strict_dominated,
)
from coherence.decisions._steps import (
    EliminationStep,
    alive_after,
    alive_from_json,
    replay,
    steps_from_json,
    survivors_json,
)
from coherence.errors import CertificationError, InputError
from coherence.verdict import Certificate, Verdict, label_to_json

__all__ = ["DominanceElimination", "Rationalisation", "check_game", "eliminate_dominated"]

Beliefs = dict[tuple[int, int], tuple[Fraction, ...]]


def _profile_label(g: Game, i: int, p: tuple[int, ...]) -> Any:
    lab = tuple(g.strategies[j][k] for j, k in zip(_others(g, i), p, strict=True))
    return lab[0] if len(lab) == 1 else lab


def _others(g: Game, i: int) -> list[int]:
    return [j for j in range(g.n_players) if j != i]


@dataclass(frozen=True, eq=False)
class Rationalisation(Certificate):
    """Every listed strategy is a best response to a belief over the opponents' surviving
    profiles (Pearce's lemma: it is not strictly dominated, even by a mixture).

    ``beliefs[(player, strategy)]`` is a tuple of probabilities over
    ``game.opponent_profiles(player, alive)``.

    >>> g = Game.bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> cert = eliminate_dominated(g).certificate
    >>> cert.verify(), cert.belief_labels(0, 0)
    (True, {'s1': Fraction(1, 1)})
    """

    game: Game
    alive: Alive
    beliefs: Beliefs

    kind: ClassVar[str] = "rationalisation"
    exploit: ClassVar[bool] = False

    def verify(self) -> bool:
        """Exact best-response check for each belief (ints after scaling). O(Σ n_i · profiles)."""
        g = self.game
        if set(self.beliefs) != {(i, s) for i, a in enumerate(self.alive) for s in a}:
            return False
        mats = {i: g.player_matrix(i, self.alive, exact=True) for i in range(g.n_players)}
        return all(
            best_response(mats[i], self.alive[i].index(s), y)
            for (i, s), y in self.beliefs.items()
        )

    def belief_labels(self, i: int, s: int) -> dict[Any, Fraction]:
        """Player ``i``'s belief for strategy ``s`` by opponent-profile label (positive only)."""
        g = self.game
        profs = g.opponent_profiles(i, self.alive)
        return {
            _profile_label(g, i, p): w
            for p, w in zip(profs, self.beliefs[(i, s)], strict=True)
            if w
        }

    def explain(self) -> str:
        g = self.game
        lines = ["No strategy is strictly dominated: each is a best response to a belief"]
        for (i, s) in sorted(self.beliefs)[:20]:
            bel = ", ".join(f"{k!r}: {number_text(v)}"
                            for k, v in self.belief_labels(i, s).items())
            who, what = g.players[i], g.strategies[i][s]
            lines.append(f"  {who!r} plays {what!r} if it believes {{{bel}}}")
        if len(self.beliefs) > 20:
            lines.append(f"  … ({len(self.beliefs) - 20} more)")
        return "\n".join(lines)

    def beliefs_json(self) -> list[dict[str, Any]]:
        """One entry per survivor: player, strategy and its belief by profile label."""
        g = self.game
        return [
            {
                "player": label_to_json(g.players[i]),
                "strategy": label_to_json(g.strategies[i][s]),
                "belief": [
                    {"profile": label_to_json(k), "probability": str(v)}
                    for k, v in self.belief_labels(i, s).items()
                ],
            }
            for (i, s) in sorted(self.beliefs)
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "survivors": survivors_json(self.game, self.alive),
            "beliefs": self.beliefs_json(),
            "game": self.game.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> Rationalisation:
        g = Game.from_json(dict(doc["game"]))
        alive = alive_from_json(g, doc["survivors"])
        return cls(g, alive, beliefs_from_json(g, alive, doc["beliefs"]))


def _profile_index(g: Game, i: int, label: Any) -> tuple[int, ...]:
    others = _others(g, i)
    parts = [label] if len(others) == 1 else list(label)
    if len(parts) != len(others):
        raise InputError(f"a profile of {len(others)} opponents, got {label!r}")
    return tuple(g.strategy_index(j, lab) for j, lab in zip(others, parts, strict=True))


def beliefs_from_json(g: Game, alive: Alive, docs: Any) -> Beliefs:
    """Beliefs from :meth:`Rationalisation.beliefs_json` (profiles by label, zeros left out)."""
    beliefs: Beliefs = {}
    for doc in docs:
        i = g.player_index(doc["player"])
        s = g.strategy_index(i, doc["strategy"])
        pos = {p: t for t, p in enumerate(g.opponent_profiles(i, alive))}
        y = [Fraction(0)] * len(pos)
        for entry in doc["belief"]:
            p = _profile_index(g, i, entry["profile"])
            if p not in pos:
                raise InputError(f"belief on an eliminated profile {entry['profile']!r}")
            y[pos[p]] = as_fraction(entry["probability"], what="belief")
        beliefs[(i, s)] = tuple(y)
    return beliefs


@dataclass(frozen=True, eq=False)
class DominanceElimination(Certificate):
    """Iterated elimination of strictly dominated strategies: each step's dominating mixture,
    and a rationalisation of the survivors (so nothing more can be eliminated).

    >>> g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])  # prisoner's dilemma
    >>> cert = eliminate_dominated(g).certificate
    >>> cert.verify(), len(cert.steps), cert.survivors.alive
    (True, 2, ((1,), (1,)))
    """

    game: Game
    steps: tuple[EliminationStep, ...]
    survivors: Rationalisation

    kind: ClassVar[str] = "dominance_elimination"
    exploit: ClassVar[bool] = True

    def verify(self) -> bool:
        """Each step verified exactly on the survivors of its moment; the steps chain from the
        full game to ``survivors.alive``; the survivors' beliefs verify."""
        if not self.steps or self.survivors.game is not self.game:
            return False
        end = replay(self.game, self.steps, strict=True)
        return end == self.survivors.alive and self.survivors.verify()

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
            "survivors": survivors_json(self.game, self.survivors.alive),
            "survivor_beliefs": self.survivors.beliefs_json(),
            "game": self.game.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> DominanceElimination:
        g = Game.from_json(dict(doc["game"]))
        steps = steps_from_json(g, doc["steps"])
        alive = alive_from_json(g, doc["survivors"])
        beliefs = beliefs_from_json(g, alive, doc["survivor_beliefs"])
        return cls(g, steps, Rationalisation(g, alive, beliefs))


# -- the elimination ---------------------------------------------------------------------------

#: (player, strategy) → (support profiles of its belief, whether that belief is uniform on them)
Cleared = dict[tuple[int, int], tuple[tuple[tuple[int, ...], ...], bool]]


@dataclass
class _Run:
    """The state of one elimination: survivors, steps so far, strategies cleared by a belief."""

    game: Game
    alive: Alive
    steps: list[EliminationStep] = field(default_factory=list)
    cleared: Cleared = field(default_factory=dict)

    def eliminate(
        self, i: int, s: int, sigma_f: np.ndarray | None, *, rounding_only: bool = False
    ) -> bool:
        """Remove ``s`` with an exactly verified dominating mixture (rounded from ``sigma_f``
        or solved exactly); ``False`` when none exists (then ``s`` is cleared: a belief is
        found for it at the end). ``rounding_only``: only roundings of ``sigma_f`` are tried,
        and ``False`` leaves ``s`` as it was."""
        Ue = self.game.player_matrix(i, self.alive, exact=True)
        mix = exact_mixture(Ue, self.alive[i].index(s), sigma_f, strict=True,
                            exact_fallback=not rounding_only)
        if mix is None and rounding_only:
            return False
        if mix is None:
            self.cleared[(i, s)] = (tuple(self.game.opponent_profiles(i, self.alive)), False)
            return False
        st = EliminationStep(i, s, mix, self.alive, True)
        self.steps.append(st)
        self.alive = alive_after(self.alive, st)
        self.cleared.pop((i, s), None)
        return True

    def still_cleared(self, i: int, s: int, live: set[tuple[int, ...]]) -> bool:
        return (i, s) in self.cleared and set(self.cleared[(i, s)][0]) <= live

    def remove_pure(self, i: int) -> bool:
        """Remove player ``i``'s strategies dominated by a pure one (vectorised; on the exact
        matrix when floats cannot stand in for the payoffs)."""
        progressed = False
        while len(self.alive[i]) > 1:
            U = self.game.lp_matrix(i, self.alive)
            if U is None:
                U = self.game.player_matrix(i, self.alive, exact=True)
            pure = pure_strict_dominated(U)
            if not pure:
                break
            s_local, k_local = pure[0]
            sig = np.zeros(len(self.alive[i]))
            sig[k_local] = 1.0
            if not self.eliminate(i, self.alive[i][s_local], sig):
                break
            progressed = True
        return progressed

    def _lp(self, i: int, si: int) -> tuple[float, np.ndarray, np.ndarray]:
        """The strict margin LP for the ``si``-th survivor of player ``i`` (on the exact
        differences, scaled, when floats cannot stand in for the payoffs)."""
        U = self.game.lp_matrix(i, self.alive)
        if U is None:
            Ue = self.game.player_matrix(i, self.alive, exact=True)
            U = lp_floats(Ue - Ue[si])
        return dominance_lp(U, si, strict=True)

    def remove_mixed(self, i: int) -> bool:
        """Clear player ``i``'s strategies by cheap beliefs (verified exactly), then one
        margin LP for each other: a positive margin eliminates (primal); one within the float
        tolerance (e.g. 10⁻⁹) eliminates when a rounding of its mixture dominates exactly;
        else the duals clear it."""
        g, progressed = self.game, False
        profs = g.opponent_profiles(i, self.alive)
        live = set(profs)
        todo = [si for si, s in enumerate(self.alive[i]) if not self.still_cleared(i, s, live)]
        if not todo:
            return False
        U = g.lp_matrix(i, self.alive)
        Ue = g.player_matrix(i, self.alive, exact=True)
        if U is None:  # regrets (each column less its best payoff): the same best replies
            U = lp_floats(Ue - Ue.max(axis=0))
        for si, sup in candidate_beliefs(U, todo).items():
            # a float best reply within rounding of the best may lose exactly: checked here
            # (integer column sums), so only beliefs that verify clear a strategy
            if _uniform_best_reply(Ue, si, sup):
                self.cleared[(i, self.alive[i][si])] = (tuple(profs[t] for t in sup), True)
        for s in [self.alive[i][si] for si in todo]:
            profs = g.opponent_profiles(i, self.alive)
            if (
                s not in self.alive[i]
                or len(self.alive[i]) < 2
                or self.still_cleared(i, s, set(profs))
            ):
                continue
            val, sigma, duals = self._lp(i, self.alive[i].index(s))
            if val > TOL:
                progressed |= self.eliminate(i, s, sigma)
            elif val > -TOL and self.eliminate(i, s, sigma, rounding_only=True):
                progressed = True  # a margin within the float tolerance, rounded exactly
            else:
                support = tuple(p for p, w in zip(profs, duals, strict=True) if w > 1e-12)
                self.cleared[(i, s)] = (support, False)
        return progressed

    def settle(self) -> None:
        """Eliminate until no strategy is dominated by a pure strategy or fails its LP."""
        progressed = True
        while progressed:
            progressed = False
            for i in range(self.game.n_players):
                progressed |= self.remove_pure(i)
            for i in range(self.game.n_players):
                if len(self.alive[i]) >= 2:
                    progressed |= self.remove_mixed(i)


def _uniform_best_reply(Ue: np.ndarray, si: int, sup: tuple[int, ...]) -> bool:
    """Exact: is row ``si`` a best reply to the uniform belief on the columns ``sup``?
    (integer column sums, O(rows · |sup|))"""
    vals = Ue[:, list(sup)].sum(axis=1)
    return bool(vals[si] >= max(vals))


def _uniform_belief(
    Ue: np.ndarray, si: int, sup: tuple[tuple[int, ...], ...], pos: dict[tuple[int, ...], int]
) -> tuple[Fraction, ...] | None:
    """The uniform belief on ``sup`` when row ``si`` is a best response to it (integer column
    sums, no Fractions needed), else ``None``."""
    if not sup or not all(p in pos for p in sup):
        return None
    vals = Ue[:, [pos[p] for p in sup]].sum(axis=1)
    if vals[si] < max(vals):
        return None
    y = [Fraction(0)] * len(pos)
    for p in sup:
        y[pos[p]] = Fraction(1, len(sup))
    return tuple(y)


#: beliefs found so far, by (player, strategy): probability of each opponent profile
Known = dict[tuple[int, int], dict[tuple[int, ...], Fraction]]


def _known_belief(
    Ue: np.ndarray, si: int, known: Mapping[tuple[int, ...], Fraction] | None,
    pos: dict[tuple[int, ...], int],
) -> tuple[Fraction, ...] | None:
    """A belief found before, when its profiles all survive and it still verifies."""
    if not known or not all(p in pos for p in known):
        return None
    y = [Fraction(0)] * len(pos)
    for p, w in known.items():
        y[pos[p]] = w
    return tuple(y) if best_response(Ue, si, y) else None


def _rounded_mixture(Ue: np.ndarray, U: np.ndarray | None, si: int) -> np.ndarray | None:
    """The float margin LP's mixture against row ``si`` when one of its roundings dominates
    row ``si`` exactly (cheap evidence of domination before any exact solve), else ``None``."""
    if Ue.shape[0] < 2:
        return None
    _val, sigma, _ = dominance_lp(lp_floats(Ue - Ue[si]) if U is None else U, si, strict=True)
    ok = exact_mixture(Ue, si, sigma, strict=True, exact_fallback=False)
    return None if ok is None else sigma


def _belief_for(
    Ue: np.ndarray, U: np.ndarray | None, si: int, sup: tuple[tuple[int, ...], ...],
    uniform: bool, known: Mapping[tuple[int, ...], Fraction] | None,
    pos: dict[tuple[int, ...], int],
) -> tuple[tuple[Fraction, ...] | None, np.ndarray | None]:
    """``(belief, None)`` for row ``si``, or ``(None, σ)`` when it is strictly dominated
    (``σ``: a float mixture whose rounding dominates it, or ``None`` when that is to be
    solved exactly). Cheapest first: the cleared uniform belief, one found before, rounding
    the belief LP, rounding the margin LP's mixture, and only then the exact solve."""
    b = _uniform_belief(Ue, si, sup, pos) if uniform else None
    if b is None:
        b = _known_belief(Ue, si, known, pos)
    if b is None:
        b = exact_belief(Ue, si, U, exact_fallback=False)
    if b is not None:
        return b, None
    sigma = _rounded_mixture(Ue, U, si)
    if sigma is not None:
        return None, sigma
    return exact_belief(Ue, si, U), None


def _rationalise(
    game: Game, alive: Alive, cleared: Cleared, known: Known | None = None
) -> tuple[Rationalisation | None, tuple[int, int, np.ndarray | None] | None]:
    """Exact beliefs for every survivor: the cleared uniform one or one found before (in
    ``known``, which is updated) when it still verifies, else one from the belief LP. When a
    survivor has none (it is strictly dominated after all: Pearce's lemma),
    ``(None, (player, strategy, σ))`` with a float dominating mixture ``σ`` when one rounds
    to a verified one (else ``None``: the mixture is solved exactly)."""
    beliefs: Beliefs = {}
    known = {} if known is None else known
    for i in range(game.n_players):
        Ue = game.player_matrix(i, alive, exact=True)
        U = game.lp_matrix(i, alive)
        profs = game.opponent_profiles(i, alive)
        pos = {p: t for t, p in enumerate(profs)}
        for si, s in enumerate(alive[i]):
            sup, uniform = cleared.get((i, s), ((), False))
            b, sigma = _belief_for(Ue, U, si, sup, uniform, known.get((i, s)), pos)
            if b is None:
                return None, (i, s, sigma)
            beliefs[(i, s)] = b
            known[(i, s)] = {profs[t]: w for t, w in enumerate(b) if w}
    return Rationalisation(game, alive, beliefs), None


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
    :class:`DominanceElimination`; quantity ``eliminated`` counts the steps.

    Float answers are only ever hints: a mixture that does not verify is solved exactly
    (:func:`coherence._exact.find_point` finds one whenever one exists), and a survivor
    without a verified belief is then shown strictly dominated exactly and eliminated, so
    near ties, margins of 10⁻⁹ and payoffs of 10⁹ or 10³⁰⁰ get verified certificates too.

    Cost per LP: HiGHS on ``n_i × Π_{j≠i} n_j``; at most ``Σ n_i`` eliminations.

    Raises:
        CertificationError: never on valid input (it would mean a bug): both sides of each
            decision are solved exactly when floats mislead.

    >>> g = Game.bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]])
    >>> v = eliminate_dominated(g)  # row 3 is dominated by the 1/2-1/2 mixture of rows 1, 2
    >>> v.coherent, v.certificate.steps[0].mixture_labels(g)
    (False, {'s1': Fraction(1, 2), 's2': Fraction(1, 2)})
    """
    run = _Run(game, game.full())
    known: Known = {}
    while True:
        run.settle()
        survivors, pending = _rationalise(game, run.alive, run.cleared, known)
        if survivors is not None:
            break
        assert pending is not None
        if not run.eliminate(*pending):
            raise CertificationError(
                "a surviving strategy has neither a belief nor a dominating mixture"
            )
    if not run.steps:
        return Verdict.certify(survivors, "game", eliminated=0)
    cert = DominanceElimination(game, tuple(run.steps), survivors)
    return Verdict.certify(cert, "game", eliminated=len(run.steps))


def check_game(game: Game) -> Verdict:
    """``check(Game)``: :func:`eliminate_dominated`.

    >>> check_game(Game.bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])).status
    'coherent'
    """
    return eliminate_dominated(game)
