"""Brute-force references in exact arithmetic, straight from the definitions (small T only)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from coherence.budgets import BudgetData


def exact_E(d: BudgetData) -> list[list[Fraction]]:
    P = [d.exact_prices(t) for t in range(d.T)]
    X = [d.exact_quantities(t) for t in range(d.T)]
    return [[sum((a * b for a, b in zip(p, x, strict=True)), Fraction(0)) for x in X] for p in P]


def relations(d: BudgetData, e: Fraction = Fraction(1)):
    E = exact_E(d)
    T = d.T
    R0 = [[i != j and e * E[i][i] >= E[i][j] for j in range(T)] for i in range(T)]
    P0 = [[i != j and e * E[i][i] > E[i][j] for j in range(T)] for i in range(T)]
    return R0, P0


def closure(R):
    T = len(R)
    C = [row[:] for row in R]
    for k in range(T):
        for i in range(T):
            if C[i][k]:
                for j in range(T):
                    if C[k][j]:
                        C[i][j] = True
    return C


def same(d: BudgetData, i: int, j: int) -> bool:
    return bool(np.array_equal(d.quantities[i], d.quantities[j]))


def counts(d: BudgetData, e: Fraction = Fraction(1)) -> dict[str, int]:
    R0, P0 = relations(d, e)
    Rs = closure(R0)
    T = d.T
    pairs = [(i, j) for i in range(T) for j in range(T) if i != j]
    return {
        "garp": sum(Rs[i][j] and P0[j][i] for i, j in pairs),
        "sarp": sum(Rs[i][j] and R0[j][i] and not same(d, i, j) for i, j in pairs),
        "warp": sum(R0[i][j] and R0[j][i] and not same(d, i, j) for i, j in pairs if i < j),
        "wgarp": sum(R0[i][j] and R0[j][i] and (P0[i][j] or P0[j][i]) for i, j in pairs if i < j),
    }


def garp(d: BudgetData, e: Fraction = Fraction(1), keep=None) -> bool:
    R0, P0 = relations(d, e)
    idx = list(range(d.T)) if keep is None else list(keep)
    R = [[R0[i][j] for j in idx] for i in idx]
    P = [[P0[i][j] for j in idx] for i in idx]
    Rs = closure(R)
    n = len(idx)
    return not any(Rs[i][j] and P[j][i] for i in range(n) for j in range(n) if i != j)


def ccei(d: BudgetData) -> Fraction:
    """inf {e : GARP(e) fails} ∩ [0, 1], scanning candidates and the gaps between them."""
    E = exact_E(d)
    T = d.T
    ratios = {E[i][j] / E[i][i] for i in range(T) for j in range(T) if i != j}
    cands = sorted(ratios | {Fraction(1)})
    cands = [c for c in cands if c <= 1]
    prev = Fraction(0)
    for c in cands:
        if not garp(d, (prev + c) / 2):
            return prev
        if not garp(d, c):
            return c
        prev = c
    return Fraction(1)


def houtman_maks(d: BudgetData) -> int:
    T = d.T
    for k in range(T + 1):
        for drop in itertools.combinations(range(T), k):
            if garp(d, keep=[t for t in range(T) if t not in drop]):
                return k
    raise AssertionError


def simple_cycles(R):
    T = len(R)
    out = []
    for start in range(T):
        stack = [(start, [start])]
        while stack:
            v, path = stack.pop()
            for w in range(T):
                if not R[v][w]:
                    continue
                if w == start and len(path) >= 2:
                    out.append(path[:])
                elif w > start and w not in path:
                    stack.append((w, [*path, w]))
    return out


def cycle_mpi(E, cyc) -> Fraction:
    n = len(cyc)
    leak = sum((E[cyc[s]][cyc[s]] - E[cyc[s]][cyc[(s + 1) % n]] for s in range(n)), Fraction(0))
    return leak / sum((E[c][c] for c in cyc), Fraction(0))


def mpi_bounds(d: BudgetData) -> tuple[Fraction, Fraction]:
    if garp(d):
        return Fraction(0), Fraction(0)
    E = exact_E(d)
    R0, P0 = relations(d)
    hi = max((cycle_mpi(E, c) for c in simple_cycles(R0)), default=Fraction(0))
    Rm = [[R0[i][j] and not same(d, i, j) for j in range(d.T)] for i in range(d.T)]
    lo = min((cycle_mpi(E, c) for c in simple_cycles(Rm)
              if any(P0[c[s]][c[(s + 1) % len(c)]] for s in range(len(c)))),  # violating
             default=Fraction(0))
    return min(lo, hi), hi


def mean_mpi(d: BudgetData) -> Fraction:
    E = exact_E(d)
    R0, P0 = relations(d)
    R0 = [[R0[i][j] and not same(d, i, j) for j in range(d.T)] for i in range(d.T)]
    vals = [cycle_mpi(E, c) for c in simple_cycles(R0)
            if any(P0[c[s]][c[(s + 1) % len(c)]] for s in range(len(c)))]
    return sum(vals, Fraction(0)) / len(vals) if vals else Fraction(0)


def varian_vector_sum(d: BudgetData) -> Fraction:
    """max Σ v over v_i ∈ {ratios of row i} ∪ {1} with no cycle of edges E_ij < v_i E_ii."""
    E = exact_E(d)
    T = d.T
    opts = [sorted({E[i][j] / E[i][i] for j in range(T) if j != i and E[i][j] < E[i][i]}
                   | {Fraction(1)}) for i in range(T)]
    best = Fraction(-1)
    for v in itertools.product(*opts):
        R = [[i != j and E[i][j] < v[i] * E[i][i] for j in range(T)] for i in range(T)]
        C = closure(R)
        if not any(C[i][i] for i in range(T)):
            best = max(best, sum(v, Fraction(0)))
    return best


def harp(d: BudgetData) -> bool:
    E = exact_E(d)
    R = [[i != j for j in range(d.T)] for i in range(d.T)]
    for c in simple_cycles(R):
        prod = Fraction(1)
        for s in range(len(c)):
            i, j = c[s], c[(s + 1) % len(c)]
            prod *= E[i][j] / E[i][i]
        if prod < 1:
            return False
    return True
