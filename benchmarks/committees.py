"""Benchmark: majority analysis of large elections, exact decomposition, linear extensions.

Run: ``python benchmarks/committees.py``. Prints one table per task; peers (pref_voting) and
the numpy floor are measured in the same run on the same data.

1. Majority relation and Condorcet analysis (margins, Condorcet winner, weak Condorcet
   winners, a shortest majority cycle) for 10^5 voters × 20 alternatives drawn uniformly
   (impartial culture), against pref_voting's ``Profile`` (margin matrix + Condorcet winner)
   and a bare numpy tally (the floor: one comparison pass per alternative).
2. Exact order dimension of 10-item strict partial orders (random and the standard example).
3. Exact and estimated numbers of linear extensions.
"""

from __future__ import annotations

import time

import numpy as np

import coherence
from coherence import PreferenceRelation
from coherence.subagents import Committee, Majority, count_linear_extensions, decompose


def timed(fn, repeat=3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def majority_benchmark(voters=100_000, n=20, seed=0):
    rng = np.random.default_rng(seed)
    orders = np.argsort(rng.random((voters, n)), axis=1)  # each row: a ranking, best first
    scores = np.empty_like(orders)
    scores[np.arange(voters)[:, None], orders] = n - np.arange(n)[None, :]

    def ours():
        c = Committee.from_ranks(scores, Majority())
        return (c.margins(), c.condorcet_winner(), c.weak_condorcet_winners(),
                c.majority_cycle())

    small = scores.astype(np.int8)

    def floor():
        F = np.zeros((n, n), dtype=np.int64)
        for i in range(n):
            F[i] = np.count_nonzero(small[:, i : i + 1] > small, axis=0)
        M = F - F.T
        return M, np.flatnonzero(((M > 0) | np.eye(n, dtype=bool)).all(axis=1))

    rows = []
    t_ours, (M, cw, _wcw, cyc) = timed(ours)
    rows.append(("coherence (margins + Condorcet + cycle)", t_ours))
    t_floor, (Mf, _) = timed(floor)
    rows.append(("numpy floor (tally + winner)", t_floor))
    assert np.array_equal(M, Mf)
    try:
        from pref_voting.profiles import Profile

        def peer():
            p = Profile(orders.tolist())
            return p.margin_matrix, p.condorcet_winner()

        timed(lambda: Profile(orders[:50].tolist()).margin_matrix, repeat=1)  # JIT warm-up
        t_pv, (Mp, cw_p) = timed(peer, repeat=1)
        rows.append(("pref_voting Profile (margins + Condorcet)", t_pv))
        assert np.array_equal(np.asarray(Mp), M)
        assert (cw_p is None and cw is None) or cw_p == cw
    except ImportError:
        rows.append(("pref_voting (not installed)", float("nan")))
    t_check, v = timed(
        lambda: coherence.check(Committee.from_ranks(scores, Majority())), repeat=1)
    rows.append(("coherence.check from scratch (verified pump + votes)", t_check))
    print(f"\nMajority analysis, {voters:,} voters × {n} alternatives (impartial culture)")
    print(f"  Condorcet winner: {cw}; shortest majority cycle: {cyc}; verdict: {v.status}")
    print(f"  {'method':52s} {'seconds':>9s}")
    for name, t in rows:
        print(f"  {name:52s} {t:9.3f}")


def random_poset(n, p, rng):
    M = np.triu(rng.random((n, n)) < p, 1)
    for k in range(n):
        M |= M[:, [k]] & M[[k], :]
    perm = rng.permutation(n)
    return PreferenceRelation.from_matrix((M | np.eye(n, dtype=bool))[np.ix_(perm, perm)])


def decomposition_benchmark(n=10, trials=30, seed=1):
    rng = np.random.default_rng(seed)
    print(f"\nExact order dimension, {n}-item strict partial orders")
    print(f"  {'order':34s} {'dim':>4s} {'max s':>8s} {'mean s':>8s}")
    for p in (0.1, 0.2, 0.3, 0.5):
        times, dims = [], []
        for _ in range(trials):
            rel = random_poset(n, p, rng)
            t, d = timed(lambda rel=rel: decompose(rel), repeat=1)
            assert d.exact and d.verify()
            times.append(t)
            dims.append(d.size)
        print(f"  {'random, p = ' + str(p):34s} {max(dims):4d} {max(times):8.3f} "
              f"{np.mean(times):8.3f}")
    k = n // 2
    items = [f"a{i}" for i in range(k)] + [f"b{i}" for i in range(k)]
    pairs = [(f"b{j}", f"a{i}") for i in range(k) for j in range(k) if i != j]
    rel = PreferenceRelation.from_pairs(pairs, items)
    t, d = timed(lambda: decompose(rel), repeat=1)
    print(f"  {'standard example S_' + str(k):34s} {d.size:4d} {t:8.3f} {t:8.3f}")


def extensions_benchmark(seed=2):
    rng = np.random.default_rng(seed)
    print("\nLinear extensions")
    print(f"  {'order':28s} {'method':10s} {'count':>14s} {'± 1.96 se':>12s} {'bits':>7s} "
          f"{'s':>7s}")
    for n, p in ((16, 0.15), (20, 0.15), (60, 0.05)):
        rel = random_poset(n, p, rng)
        modes = ("exact", "estimate") if n <= 20 else ("estimate",)
        for mode in modes:
            t, c = timed(lambda rel=rel, mode=mode: count_linear_extensions(
                rel, exact=(mode == "exact")), repeat=1)
            err = "" if c.exact else f"{1.96 * c.stderr:.3g}"
            print(f"  {f'random n={n}, p={p}':28s} {mode:10s} {float(c.value):14.4g} {err:>12s} "
                  f"{c.bits:7.2f} {t:7.3f}")


if __name__ == "__main__":
    majority_benchmark()
    decomposition_benchmark()
    extensions_benchmark()
