"""Benchmark: random-utility coherence of binary choice probabilities (``coherence.check`` with
its exact certificate and its verification) for n = 6, 8, 10 items, coherent and incoherent,
and the triad conditions at n = 2,000; prefgraph's random-utility column generation
(``prefgraph.test_rum_consistency``, floats, no certificate) and a numpy floor in the same run.

Run: ``python benchmarks/stochastic.py [--quick | --triads]`` (prefgraph optional). Prints a
Markdown table. Coherent data are mixtures of 6 random linear orders with integer weights;
incoherent data are the same mixture stretched away from ½ (``½ + λ(P − ½)``, clamped) by the
smallest ``λ = 1 + k/20`` that leaves the polytope (a slight violation; here always caught by a
triangle inequality). The numpy floor for the exact check is one float LP (HiGHS) over the
orders the column generation ended with, the least an LP approach solves; for the triads it is
the WST boolean matrix product (float32 BLAS). Peak memory is the tracemalloc peak of the timed
call (numpy allocations included). Setup (building the ``StochasticChoice``) is not timed.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

from coherence import check
from coherence.stochastic import PairRecord, StochasticChoice, check_triads


def measure(fn, repeat=3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak, out


def mixture(n: int, coherent: bool, seed: int = 0, orders: int = 6) -> StochasticChoice:
    rng = np.random.default_rng(seed + n)
    ranks = [np.argsort(rng.permutation(n)) for _ in range(orders)]
    w = rng.integers(1, 5, orders)
    total = int(w.sum())
    P = [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i != j:
                P[i][j] = Fraction(int(sum(k for r, k in zip(ranks, w) if r[i] < r[j])), total)
    d = StochasticChoice.from_matrix(P)
    if coherent:
        return d
    for k in range(1, 50):  # the smallest stretch away from ½ that leaves the polytope
        lam = 1 + Fraction(k, 20)
        Q = [[min(Fraction(1), max(Fraction(0), Fraction(1, 2) + lam * (x - Fraction(1, 2))))
              for x in row] for row in P]
        d = StochasticChoice.from_matrix(Q)
        if not check(d).coherent:
            return d
    raise AssertionError("no incoherent perturbation found")


def check_and_verify(d: StochasticChoice):
    v = check(d)
    assert v.certificate.verify()
    return v


def lp_floor(d: StochasticChoice, v) -> float:
    """One float LP (HiGHS) over the orders of the certificate (or n orders for separation)."""
    cert = v.certificate
    orders = getattr(cert, "orders", None) or [tuple((x,) for x in range(d.n))]
    coords = d.triples()[::2]
    X = np.array([[1.0 if [b for blk in o for b in blk].index(a)
                   < [b for blk in o for b in blk].index(c) else 0.0
                   for (a, c, _) in coords] for o in orders]).T
    p = np.array([float(q) for _, _, q in coords])
    A = np.vstack([X, np.ones((1, X.shape[1]))])
    t = time.perf_counter()
    linprog(np.zeros(X.shape[1]), A_eq=A, b_eq=np.r_[p, 1], bounds=(0, None), method="highs")
    return time.perf_counter() - t


def prefgraph_time(d: StochasticChoice, budget: float = 60.0) -> str:
    try:
        from prefgraph import StochasticChoiceLog, test_rum_consistency
    except ImportError:
        return "not installed"
    menus, freqs = [], []
    for r in d.records:
        den = r.p_a.denominator
        menus.append(frozenset((r.a, r.b)))
        freqs.append({r.a: int(r.p_a * den), r.b: int(r.p_b * den)})
    log = StochasticChoiceLog(menus=menus, choice_frequencies=freqs)
    t = time.perf_counter()
    res = test_rum_consistency(log)
    dt = time.perf_counter() - t
    return f"{dt:.3f} s ({'consistent' if res.is_rum_consistent else 'inconsistent'})"


def big(n: int, kind: str, seed: int = 0) -> StochasticChoice:
    """n items: a mixture of 5 orders (weights add up to 20) or random multiples of 1/20."""
    rng = np.random.default_rng(seed)
    if kind == "mixture":
        ranks = [np.argsort(rng.permutation(n)) for _ in range(5)]
        C = np.zeros((n, n), dtype=np.int64)
        for r, k in zip(ranks, (4, 3, 5, 6, 2), strict=True):
            C += k * (r[:, None] < r[None, :])
    else:
        C = rng.integers(0, 21, size=(n, n))
    iu = np.triu_indices(n, 1)
    halves = [Fraction(k, 20) for k in range(21)]
    recs = [PairRecord(int(i), int(j), halves[k], halves[20 - k])
            for i, j, k in zip(iu[0], iu[1], C[iu].tolist(), strict=True)]
    return StochasticChoice(range(n), recs)


def main() -> None:
    quick = "--quick" in sys.argv
    print("| case | coherence (check + verify) | peak memory | numpy floor | prefgraph |")
    print("|---|---|---|---|---|")
    sizes = () if "--triads" in sys.argv else (6, 8) if quick else (6, 8, 10)
    for n in sizes:
        for coherent in (True, False):
            d = mixture(n, coherent)
            t, peak, v = measure(lambda d=d: check_and_verify(d), repeat=1 if n == 10 else 3)
            kind = v.certificate.kind
            if kind == "separating_inequality" and len(v.certificate.terms) == 3:
                kind += ", a triangle"
            pg = prefgraph_time(d) if n <= 8 else "not run (n = 10)"
            print(f"| n = {n}, {'coherent' if coherent else 'incoherent'} ({kind}) | "
                  f"{t:.3f} s | {peak / 2**20:.1f} MiB | {lp_floor(d, v):.4f} s | {pg} |")
    for kind in ("mixture", "random"):
        d = big(2000, kind)
        t0 = time.perf_counter()
        out = check_triads(d)  # cold: includes reading the two million exact fractions
        cold = time.perf_counter() - t0
        t, peak, out = measure(lambda d=d: check_triads(d), repeat=1)
        P = d.matrix()
        t0 = time.perf_counter()
        R = (P >= 0.5).astype(np.float32)
        _ = R @ R
        floor = time.perf_counter() - t0
        held = ", ".join(f"{c.condition.split('_')[0]} {'holds' if c.holds else 'fails'}"
                         for c in out)
        print(f"| triads n = 2,000, {kind} ({held}) | {cold:.2f} s (again {t:.2f} s) | "
              f"{peak / 2**20:.0f} MiB | "
              f"{floor:.2f} s | — |")


if __name__ == "__main__":
    main()
