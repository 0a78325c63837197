"""Benchmark: Dutch-book check (12 states × 500 priced events) and iterated elimination of
mixed-strategy-dominated strategies in a 100 × 100 bimatrix game, and weak dominance on games
of full-precision random floats (read as rationals: large coprime denominators), each with exact
verification; pygambit (pure-strategy elimination only) and the numpy floor in the same run.

Run: ``python benchmarks/beliefs_games.py`` (pygambit optional). Prints a Markdown table.
The numpy floor for credences is forming the 12 × 500 payoff matrix and one float LP solve
(``scipy.optimize.linprog``, HiGHS); for the game it is the vectorised pure-dominance test
(all pairs of rows against all columns, O(n³)) that any elimination must at least do.
"""

from __future__ import annotations

import time
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

from coherence import Credences, Game, check
from coherence.decisions import eliminate_weakly_dominated


def best_of(fn, repeat=3):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def credences_case(coherent: bool, seed: int = 0, loss: Fraction = Fraction(1, 50)) -> Credences:
    rng = np.random.default_rng(seed)
    n, m = 12, 500
    w = rng.integers(1, 20, n)
    pi = [Fraction(int(v), int(w.sum())) for v in w]
    E = rng.random((n, m)) < 0.5
    bets = []
    for j in range(m):
        ev = [f"s{i}" for i in range(n) if E[i, j]]
        bets.append((ev, sum((pi[i] for i in range(n) if E[i, j]), Fraction(0))))
    if not coherent:
        ev, p = bets[7]
        bets[7] = (ev, p + loss)
    return Credences([f"s{i}" for i in range(n)], bets)


def planted_game(n: int = 100, frac: float = 0.3, seed: int = 0, margin: float = 1.0) -> Game:
    """Random integer payoffs; the last 30% of each player's strategies are the average of
    two others minus ``margin`` (dominated by a 50/50 mixture, rarely by a pure strategy)."""
    rng = np.random.default_rng(seed)
    A = rng.integers(0, 100, (n, n)) * 2
    B = rng.integers(0, 100, (n, n)) * 2
    k = int(n * frac)
    for r in range(n - k, n):
        a, b = rng.choice(n - k, 2, replace=False)
        A[r] = (A[a] + A[b]) // 2
        c1, c2 = rng.choice(n - k, 2, replace=False)
        B[:, r] = (B[:, c1] + B[:, c2]) // 2
    A, B = A.astype(float), B.astype(float)
    A[n - k :] -= margin
    B[:, n - k :] -= margin
    return Game.bimatrix(A, B)


def float_lp_floor(c: Credences) -> float:
    t = time.perf_counter()
    G = np.vectorize(float, otypes=[float])(c.payoff_matrix)
    k, m = G.shape
    linprog(np.r_[np.zeros(m), -1.0], A_ub=np.hstack([G, np.ones((k, 1))]), b_ub=np.zeros(k),
            bounds=[(-1, 1)] * m + [(None, 1)], method="highs")
    return time.perf_counter() - t


def pure_floor(g: Game) -> float:
    A = g._floats[..., 0]
    t = time.perf_counter()
    (A[:, None, :] > A[None, :, :]).all(axis=2)
    return time.perf_counter() - t


def pygambit_elimination(g: Game, strict: bool = True) -> tuple[float, int] | None:
    try:
        import pygambit as gbt
    except ImportError:
        return None
    gg = g.to_pygambit()
    t = time.perf_counter()
    prof = gg.strategy_support_profile()
    while True:
        nxt = gbt.supports.undominated_strategies_solve(prof, strict=strict)
        if len(list(nxt)) == len(list(prof)):
            break
        prof = nxt
    el = sum(len(p.strategies) for p in gg.players) - len(list(prof))
    return time.perf_counter() - t, el


def main() -> None:
    rows = []
    for coherent in (False, True):
        c = credences_case(coherent)
        t, v = best_of(lambda c=c: check(c))
        assert v.verify() and v.coherent == coherent
        what = "probability measure" if coherent else (
            f"book, {len(v.certificate.support)} bets ({v.quantities['book_size']})"
        )
        rows.append((f"credences 12×500 ({'coherent' if coherent else 'incoherent'})",
                     "coherence", t, what))
        rows.append(("", "float LP floor (no certificate)", float_lp_floor(c), "-"))
    c = credences_case(False, loss=Fraction(1, 10**12))
    t, v = best_of(lambda c=c: check(c))
    assert v.verify() and not v.coherent
    rows.append(("credences 12×500 (sure loss 10⁻¹²: exact path)", "coherence", t,
                 f"book, {len(v.certificate.support)} bets ({v.quantities['book_size']})"))
    rows.append(("", "float LP floor (no certificate)", float_lp_floor(c), "-"))
    g = planted_game(margin=1e-9)
    t, v = best_of(lambda: check(g), repeat=2)
    assert v.verify()
    rows.append(("game 100×100, 60 planted with margin 10⁻⁹", "coherence (mixed + pure)", t,
                 f"{v.quantities['eliminated']} eliminated"))
    g = planted_game()
    t, v = best_of(lambda: check(g), repeat=2)
    assert v.verify()
    mixed = sum(1 for s in v.certificate.steps if sum(1 for w in s.mixture if w) > 1)
    rows.append(("game 100×100, 60 planted", "coherence (mixed + pure)", t,
                 f"{v.quantities['eliminated']} eliminated ({mixed} by mixtures)"))
    pg = pygambit_elimination(g)
    if pg is not None:
        rows.append(("", "pygambit (pure only)", pg[0], f"{pg[1]} eliminated"))
    rows.append(("", "numpy floor (one pure-dominance pass)", pure_floor(g), "-"))
    rng = np.random.default_rng(3)
    g2 = Game.bimatrix(rng.integers(0, 100, (100, 100)), rng.integers(0, 100, (100, 100)))
    t, v = best_of(lambda: check(g2), repeat=2)
    rows.append(("game 100×100, random", "coherence (mixed + pure)", t,
                 f"{v.quantities['eliminated']} eliminated"))
    pg = pygambit_elimination(g2)
    if pg is not None:
        rows.append(("", "pygambit (pure only)", pg[0], f"{pg[1]} eliminated"))
    for n in (20, 40):
        rng = np.random.default_rng(1)
        g3 = Game.bimatrix(rng.uniform(0, 1, (n, n)), rng.uniform(0, 1, (n, n)))
        t, v = best_of(lambda g3=g3: eliminate_weakly_dominated(g3), repeat=2)
        assert v.verify()
        rows.append((f"game {n}×{n}, full-precision random floats, weak dominance",
                     "coherence (mixed + pure, both orders)", t,
                     f"{v.quantities['eliminated']} eliminated"))
        pg = pygambit_elimination(g3, strict=False)
        if pg is not None:
            rows.append(("", "pygambit (pure only)", pg[0], f"{pg[1]} eliminated"))
    print("| case | implementation | seconds | result |")
    print("| --- | --- | ---: | --- |")
    for case, impl, secs, res in rows:
        print(f"| {case} | {impl} | {secs:.3f} | {res} |")


if __name__ == "__main__":
    main()
