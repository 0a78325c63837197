"""Bridge metrics on the CPU: every metric at n = 2,000, and the sampled-triad estimate.

Run: ``python benchmarks/bridge_cpu.py [--n 2000] [--threads K]``. Prints markdown tables:

1. seconds per metric for one choice-probability matrix (a utility plus a low-rank cyclic
   component), the total for :func:`coherence.bridge.audit_matrix`, and the numpy floor (the
   exact cyclic-triad formula written directly in numpy: two row sums);
2. the published-style sampled-triad estimate (1,000 random triads, a plain Python loop as a
   straightforward reimplementation would write it) next to the exact O(n²) value, and how
   the estimate behaves as the true cycle rate gets small.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time

import numpy as np
import torch

from coherence.bridge import (
    audit_matrix,
    bradley_terry,
    cycle_probability,
    expected_cyclic_triads,
    find_majority_triad,
    hard_cyclic_triads,
    log_odds_exploitability,
    majority_pump,
    prob_matrix,
    residual_incoherence,
    sampled_triad_estimate,
    thurstonian,
    transitivity_violations,
)


def synthetic_P(n: int, kappa: float, seed: int = 0) -> np.ndarray:
    """``σ(uᵢ − uⱼ + κ(aᵢbⱼ − bᵢaⱼ))``: a utility plus a rank-2 cyclic part of strength κ."""
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n) * 2
    a, b = rng.normal(size=n), rng.normal(size=n)
    L = u[:, None] - u[None, :] + kappa * (a[:, None] * b[None, :] - b[:, None] * a[None, :])
    P = 1 / (1 + np.exp(-L))
    np.fill_diagonal(P, 0.5)
    return P


def naive_sampled_triads(P: np.ndarray, samples: int = 1000, seed: int = 0) -> float:
    """A straightforward reimplementation of the sampled-triad estimate: a Python loop."""
    rng = random.Random(seed)
    n = len(P)
    total = 0.0
    for _ in range(samples):
        i, j, k = rng.sample(range(n), 3)
        total += P[i, j] * P[j, k] * P[k, i] + P[i, k] * P[k, j] * P[j, i]
    return total / samples


def numpy_floor(P: np.ndarray) -> float:
    D = P.copy()
    np.fill_diagonal(D, 0)
    r = D.sum(axis=1)
    q = (D * D).sum(axis=1)
    n = len(P)
    return math.comb(n, 3) - 0.5 * float((r * r - q).sum())


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch default)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    n = args.n
    P = synthetic_P(n, kappa=0.3)
    t = prob_matrix(P)
    print(f"# Bridge metrics on the CPU, n = {n}")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    rows = [
        ("validate P (P + Pᵀ = 1, range, finite)", lambda: prob_matrix(P)),
        ("expected cyclic triads, exact O(n²)", lambda: expected_cyclic_triads(t, validate=False)),
        ("numpy floor: same formula in numpy", lambda: numpy_floor(P)),
        ("hard cyclic triads + Kendall ζ", lambda: hard_cyclic_triads(t, validate=False)),
        ("WST/MST/SST rates (WST exact, MST/SST 2·10⁵ samples)",
         lambda: transitivity_violations(t, validate=False)),
        ("majority 3-cycle search (device lemma)", lambda: find_majority_triad(t, validate=False)),
        ("shortest majority pump, verified", lambda: majority_pump(t, validate=False)),
        ("log-odds max-mean cycle, verified", lambda: log_odds_exploitability(t, validate=False)),
        ("residual incoherence (Hodge)", lambda: residual_incoherence(t, validate=False)),
        ("Bradley–Terry (Newton-CG)", lambda: bradley_terry(t, validate=False)),
        ("Thurstone Case V (Fisher scoring)", lambda: thurstonian(t, validate=False)),
        ("sampled-triad estimate, 1,000 triads, Python loop", lambda: naive_sampled_triads(P)),
        ("sampled-triad estimate, 1,000 triads, vectorised",
         lambda: sampled_triad_estimate(t, samples=1000)),
    ]
    print("| metric | seconds |")
    print("| --- | ---: |")
    for name, fn in rows:
        sec, _ = best_of(fn, args.repeat)
        print(f"| {name} | {sec:.3f} |")
    sec, rep = best_of(lambda: audit_matrix(P, device="cpu"), 1)
    exact_only = sum(v for k, v in rep.timings.items() if k not in ("bradley_terry", "thurstone"))
    print(f"| **all metrics (audit_matrix), total** | **{sec:.3f}** |")
    print(f"| all metrics without the two fits | {exact_only:.3f} |")
    print()
    print("## Sampled-triad estimate vs the exact all-triad cycle probability\n")
    print("20 independent estimates of 1,000 triads each (soft: mean of PᵢⱼPⱼₖPₖᵢ + PᵢₖPₖⱼPⱼᵢ;")
    print("hard: share of sampled triads on which the majority relation cycles).\n")
    print("| κ | exact soft rate | sampled soft mean ± sd | exact hard rate "
          "| sampled hard mean ± sd | hard runs reporting 0 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    m = min(n, 600)
    for kappa in (1.0, 0.3, 0.1, 0.03, 0.01):
        Q = synthetic_P(m, kappa=kappa, seed=1)
        Qt = prob_matrix(Q)
        exact = cycle_probability(Qt, validate=False)
        hard = hard_cyclic_triads(Qt, validate=False).rate
        soft_s = [sampled_triad_estimate(Qt, samples=1000, seed=s)[0] for s in range(20)]
        hard_s = [sampled_triad_estimate(Qt, samples=1000, seed=s, hard=True)[0]
                  for s in range(20)]
        zeros = sum(h == 0 for h in hard_s)
        print(f"| {kappa} | {exact:.3e} | {np.mean(soft_s):.3e} ± {np.std(soft_s):.1e} | "
              f"{hard:.3e} | {np.mean(hard_s):.3e} ± {np.std(hard_s):.1e} | {zeros}/20 |")


if __name__ == "__main__":
    main()
