"""Near ties in games: a dominance margin of 10⁻⁹ is settled by rounding the float LPs'
answers and verifying them exactly, without long runs of exact simplex pivots."""

from __future__ import annotations

import numpy as np
import pytest

from coherence import Game, check
from coherence._exact import tableau
from coherence.decisions import _strict, eliminate_weakly_dominated


def planted_game(n: int = 30, margin: float = 1e-9, seed: int = 0) -> Game:
    """Random even payoffs; the last 30% of each player's strategies are the average of two
    others minus ``margin`` (strictly dominated by that 50/50 mixture)."""
    rng = np.random.default_rng(seed)
    A = rng.integers(0, 100, (n, n)) * 2
    B = rng.integers(0, 100, (n, n)) * 2
    k = int(n * 0.3)
    for r in range(n - k, n):
        a, b = rng.choice(n - k, 2, replace=False)
        A[r] = (A[a] + A[b]) // 2
        c1, c2 = rng.choice(n - k, 2, replace=False)
        B[:, r] = (B[:, c1] + B[:, c2]) // 2
    Af, Bf = A.astype(float), B.astype(float)
    Af[n - k:] -= margin
    Bf[:, n - k:] -= margin
    return Game.bimatrix(Af, Bf)


@pytest.fixture
def pivots(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    count = [0]
    original = tableau.Tableau.pivot

    def counted(self: tableau.Tableau, r: int, c: int) -> None:
        count[0] += 1
        original(self, r, c)

    monkeypatch.setattr(tableau.Tableau, "pivot", counted)
    return count


def _planted_removed(v: object, n: int = 30) -> bool:
    k = int(n * 0.3)
    alive = v.certificate.survivors.alive  # type: ignore[attr-defined]
    return all(s < n - k for a in alive for s in a)


@pytest.mark.parametrize("margin", [1e-9, 1.0])
def test_planted_game_eliminated_with_few_pivots(margin: float, pivots: list[int]) -> None:
    v = check(planted_game(margin=margin))
    assert not v.coherent and v.verify()
    assert v.quantities["eliminated"] == 18 and _planted_removed(v)
    assert pivots[0] <= 20


def test_survivor_check_finds_dominated_strategies_cheaply(
    monkeypatch: pytest.MonkeyPatch, pivots: list[int]
) -> None:
    # without the margin LPs every planted strategy reaches the survivors' beliefs: each is
    # shown dominated by a rounded mixture, not by an exact proof that it has no belief
    monkeypatch.setattr(_strict._Run, "remove_mixed", lambda self, i: False)
    v = check(planted_game())
    assert not v.coherent and v.verify()
    assert v.quantities["eliminated"] == 18 and _planted_removed(v)
    assert pivots[0] <= 20


def test_rationalise_returns_a_rounded_mixture() -> None:
    g = planted_game()
    beliefs, pending = _strict._rationalise(g, g.full(), {})
    assert beliefs is None and pending is not None
    i, s, sigma = pending
    assert (i, s >= 21) == (0, True) and sigma is not None


@pytest.mark.parametrize("seed", [1, 2])
def test_weak_dominance_on_full_precision_floats_needs_no_exact_simplex(
    seed: int, pivots: list[int]
) -> None:
    # random floats read as rationals have coprime 50-bit denominators: a common multiple
    # made every entry thousands of digits long, and the exact simplex took 80 s; the face of
    # HiGHS's point, solved in rationals, settles every tight column
    rng = np.random.default_rng(seed)
    g = Game.bimatrix(rng.uniform(0, 1, (20, 20)), rng.uniform(0, 1, (20, 20)))
    v = eliminate_weakly_dominated(g)
    assert not v.coherent and v.verify()
    assert pivots[0] == 0
