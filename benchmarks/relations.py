"""Benchmark: ordinal money-pump check on dense relations (n up to 5,000) and cardinal
max-mean cycle (n = 1,000), side by side with networkx and the numpy floor in one run.

Run: ``python benchmarks/relations.py [--nx-timeout SECONDS]`` (needs networkx). Prints a
Markdown table. Columns:

* ``coherence.check``: the full check, certificate search and exact verification included;
* ``networkx``: building the ``DiGraph`` from the matrix, then its fastest answer to the
  easier question "is there *some* cycle" — ``nx.is_directed_acyclic_graph``, and
  ``nx.find_cycle`` only when there is one (not a shortest cycle through a strict trade) —
  run in a subprocess and cut off after ``--nx-timeout`` seconds;
* ``numpy floor``: one vectorised pass over the matrix (forming the strict part ``R & ~R.T``
  for relations, the row maxima for willingness to pay), a lower bound for reading the input.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import time

import numpy as np

from coherence import PreferenceRelation, WillingnessToPay, check


def best_of(fn, repeat=3):
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def _nx_job(R: np.ndarray, q: mp.Queue) -> None:
    import networkx as nx

    A = R.T.copy()
    np.fill_diagonal(A, False)
    t = time.perf_counter()
    G = nx.DiGraph()
    G.add_nodes_from(range(A.shape[0]))
    G.add_edges_from(zip(*np.nonzero(A), strict=True))
    if not nx.is_directed_acyclic_graph(G):
        with contextlib.suppress(nx.NetworkXNoCycle):
            nx.find_cycle(G)
    q.put(time.perf_counter() - t)


def networkx_time(R: np.ndarray, timeout: float) -> str:
    q: mp.Queue = mp.Queue()
    p = mp.Process(target=_nx_job, args=(R, q))
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.kill()
        p.join()
        return f"> {timeout:.0f}"
    return f"{q.get():.3f}"


def relations(n: int, rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    u = rng.permutation(n)
    linear = u[:, None] >= u[None, :]
    reversal = linear.copy()
    lo, hi = int(np.argmin(u)), int(np.argmax(u))
    reversal[lo, hi], reversal[hi, lo] = True, False  # the worst item now beats the best
    t = np.triu(rng.random((n, n)) < 0.5, 1)  # i beats j (i < j) where True, else j beats i
    tournament = t | np.tril(~t.T, -1) | np.eye(n, dtype=bool)  # complete, no ties
    ties = rng.integers(0, 50, n)
    weak = ties[:, None] >= ties[None, :]
    return [("linear order", linear), ("weak order, 50 tie classes", weak),
            ("linear order + one reversal", reversal), ("random tournament", tournament)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nx-timeout", type=float, default=60.0)
    ap.add_argument("--sizes", default="1000,5000")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print("| case | coherence.check (s) | verdict | networkx build + find_cycle (s) "
          "| numpy floor (s) |")
    print("|---|---|---|---|---|")
    for n in [int(s) for s in args.sizes.split(",")]:
        for name, R in relations(n, rng):
            rel = PreferenceRelation.from_matrix(R)
            floor, _ = best_of(lambda R=R: R & ~R.T)
            ours, v = best_of(lambda rel=rel: check(rel))
            verdict = "coherent" if v.coherent else f"pump of {len(v.certificate.cycle)} trades"
            nxt = networkx_time(R, args.nx_timeout)
            print(f"| ordinal, n={n}, {name} | {ours:.3f} | {verdict} | {nxt} | {floor:.4f} |",
                  flush=True)
    n = 1000
    uu = rng.normal(size=n)
    W = (uu[None, :] - uu[:, None]) - rng.uniform(0, 1, size=(n, n))
    W[rng.random((n, n)) < 0.5] = -np.inf
    W2 = W.copy()
    W2[3, 7] = uu[7] - uu[3] + 2.0
    W2[7, 3] = uu[3] - uu[7] - 1.0
    for name, M in [("coherent", W), ("planted pump", W2)]:
        wtp = WillingnessToPay.from_matrix(M)
        floor, _ = best_of(lambda M=M: M.max(axis=1))
        ours, v = best_of(lambda wtp=wtp: check(wtp))
        verdict = ("coherent" if v.coherent else
                   f"pump, {float(v.quantities['exploitability']):.3f} per trade")
        print(f"| cardinal max-mean cycle, n={n}, {name} | {ours:.3f} | {verdict} | — "
              f"| {floor:.4f} |", flush=True)


if __name__ == "__main__":
    main()
