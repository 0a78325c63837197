"""Benchmark: probing agents (``coherence.probe``) and the overhead of a guarded agent call.

Run: ``python benchmarks/probe.py``. Prints two tables:

1. per-call cost of asking an agent ``prefers(a, b)``: a direct Python call (the floor);
   guarded calls in a worker process (``isolation="process"``, the default: one round trip
   per call, killed at its time limit) and in this process (``isolation="none"``: without a
   limit, with the interval timer as inside ``probe``, with the timer set up per call, and on
   the worker-thread fallback used off the main thread); and starting a worker;
2. finding a planted 3-cycle among n items: the whole ``probe`` (elicitation, repeated
   questions, relation check, certificate, the pump asked again), in a worker process and
   in-process, against the same elicitation done with bare calls plus networkx's
   ``find_cycle`` (a peer that finds *a* cycle, not a shortest one and without a
   certificate), the numpy floor (the relation matrix of a utility agent built vectorised),
   and a stateful trader with the same planted cycle.
"""

from __future__ import annotations

import threading
import time
from fractions import Fraction

import numpy as np

from coherence import PreferenceRelation, check_relation, probe
from coherence.agents import adapt
from coherence.agents._limits import limit_session


def planted(n: int) -> tuple[list[str], object, object]:
    items = [f"x{i:03d}" for i in range(n)]
    rank = {x: i for i, x in enumerate(items)}
    a, b, c = items[n // 5], items[n // 2], items[4 * n // 5]
    cyc = {(a, b), (b, c), (c, a)}  # a ≻ b ≻ c ≻ a against the ranking on those three

    class Comparer:
        def prefers(self, x: str, y: str) -> bool:
            if (x, y) in cyc:
                return True
            if (y, x) in cyc:
                return False
            return rank[x] > rank[y]

    class Trader:
        def accept(self, holding: str, offered: str, price: Fraction) -> bool:
            return Comparer().prefers(offered, holding) and price <= 1

    return items, Comparer(), Trader


def best_of(fn, repeat: int = 5) -> float:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return min(out)


def per_call_table() -> None:
    items, agent, _ = planted(50)
    pairs = [(x, y) for x in items for y in items if x != y]
    direct = agent.prefers
    isolated = adapt(agent, timeout=1.0)
    timed = adapt(agent, timeout=1.0, isolation="none")
    untimed = adapt(agent, timeout=None, isolation="none")

    def run(f) -> None:
        for x, y in pairs:
            f(x, y)

    rows = [
        ("direct call (floor)", best_of(lambda: run(direct))),
        ("worker process, 1 s limit (default)", best_of(lambda: run(isolated.prefers))),
        ("in-process, no time limit", best_of(lambda: run(untimed.prefers))),
        ("in-process, 1 s limit (timer per call)", best_of(lambda: run(timed.prefers))),
    ]
    with limit_session():  # as inside probe(): the alarm handler is held for the whole run
        rows.append(("in-process, 1 s limit (inside probe)",
                     best_of(lambda: run(timed.prefers))))
    box: dict[str, float] = {}

    def off_main() -> None:
        box["t"] = best_of(lambda: run(timed.prefers), repeat=2)

    t = threading.Thread(target=off_main)
    t.start()
    t.join()
    rows.append(("in-process, 1 s limit (worker thread)", box["t"]))
    isolated.close()
    print(f"per-call cost of prefers(a, b), {len(pairs)} calls")
    print(f"| {'call':38} | {'µs / call':>10} | {'overhead µs':>11} |")
    print(f"|{'-' * 40}|{'-' * 12}|{'-' * 13}|")
    base = rows[0][1] / len(pairs) * 1e6
    for name, secs in rows:
        us = secs / len(pairs) * 1e6
        print(f"| {name:38} | {us:10.2f} | {us - base:11.2f} |")
    start = best_of(lambda: adapt(agent).close(), repeat=5)
    print(f"\nstarting a worker process and sending it the agent: {start * 1e3:.0f} ms")
    print()


def planted_table() -> None:
    try:
        import networkx as nx
    except ImportError:  # pragma: no cover
        nx = None
    print("finding a planted 3-cycle among n items (seconds, best of 3)")
    print(f"| {'n':>4} | {'probe (comparer)':>16} | {'in-process':>10} | "
          f"{'bare calls + nx':>15} | {'numpy floor':>11} | {'check_relation':>14} | "
          f"{'probe (trader)':>14} |")
    print(f"|{'-' * 6}|{'-' * 18}|{'-' * 12}|{'-' * 17}|{'-' * 13}|{'-' * 16}|{'-' * 16}|")
    for n in (50, 100, 200):
        items, agent, trader = planted(n)
        verdict = probe(agent, items=items, seed=0)
        assert verdict.status == "exploitable" and len(verdict.certificate.cycle) == 3
        t_probe = best_of(lambda items=items, agent=agent: probe(agent, items=items, seed=0), 3)
        t_here = best_of(lambda items=items, agent=agent: probe(
            agent, items=items, seed=0, isolation="none"), 3)

        def bare(items=items, agent=agent) -> None:
            m = np.array([[x != y and agent.prefers(x, y) for y in items] for x in items])
            if nx is not None:
                nx.find_cycle(nx.from_numpy_array(m.T, create_using=nx.DiGraph))

        t_bare = best_of(bare, 3)
        rank = np.arange(n)
        t_floor = best_of(lambda rank=rank: rank[:, None] > rank[None, :], 3)
        weak = np.array([[x == y or agent.prefers(x, y) for y in items] for x in items])
        rel = PreferenceRelation(tuple(items), weak)
        t_check = best_of(lambda rel=rel: check_relation(rel), 3)
        if n <= 100:
            tv = probe(trader, items=items, seed=0, max_examples=50)
            assert tv.status == "exploitable" and len(tv.certificate.loop) == 3
            t_trader = best_of(lambda items=items, trader=trader: probe(
                trader, items=items, seed=0, max_examples=50), 1)
            trader_cell = f"{t_trader:14.3f}"
        else:
            trader_cell = f"{'-':>14}"
        print(f"| {n:4d} | {t_probe:16.3f} | {t_here:10.3f} | {t_bare:15.3f} | "
              f"{t_floor:11.6f} | {t_check:14.4f} | {trader_cell} |")


if __name__ == "__main__":
    import os

    print(f"machine: {os.cpu_count()} cores\n")
    per_call_table()
    planted_table()
