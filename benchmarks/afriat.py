"""Afriat numbers by construction: ``coherence.check`` on Cobb–Douglas data, with its floor.

Run ``python benchmarks/afriat.py`` (``--sizes 500 1000`` for fewer rows). Each row times the
public ``coherence.check(BudgetData)`` — relations, GARP, the Afriat numbers and their exact
verification (once: the verdict reuses the check made when the numbers were built) — next to
``garp_holds``, the test
alone and PrefGraph's batch GARP engine (the peer, when installed; neither builds a
certificate), on the same data in the same process (best of ``--repeat``). Peak memory is the
largest traced allocation during one ``check`` (``tracemalloc``, numpy buffers included), in
a separate run so that tracing does not slow the timed ones. Two Cobb–Douglas families, both
of which satisfy GARP: ``demand`` (``x = a·w / p`` at random prices and incomes, floats) and
``gradient`` (integer bundles, prices the utility's gradient there, so ties occur); and
``random`` (independent prices and bundles), which violates GARP, so ``check`` returns the
shortest violating cycle, verified exactly. ``--cli`` also times the command line,
``coherence budgets FILE.csv --format json`` (every index: CCEI, Houtman–Maks, Varian, MPI),
on the same data written to a CSV, in a fresh process (start-up included), cut off after
``--cli-timeout`` seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _budget_data import gradient_data, prefgraph_garp, random_data, timed

from coherence import BudgetData, check, garp_holds


def demand_data(T: int, K: int = 5, seed: int = 0) -> BudgetData:
    rng = np.random.default_rng(seed)
    a = rng.dirichlet(np.ones(K))
    P = rng.uniform(0.5, 2, (T, K))
    return BudgetData(P, a[None, :] * rng.uniform(1, 3, (T, 1)) / P)


def peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def cli_seconds(d: BudgetData, timeout: float) -> str:
    """Wall time of ``coherence budgets`` on ``d`` written to a CSV (``> timeout`` if cut)."""
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "data.csv"
        K = d.K
        head = [f"p_{k}" for k in range(K)] + [f"x_{k}" for k in range(K)]
        rows = np.hstack([d.prices, d.quantities]).tolist()
        f.write_text("\n".join([",".join(head)] + [",".join(map(repr, r)) for r in rows]) + "\n")
        start = time.perf_counter()
        try:
            subprocess.run([sys.executable, "-m", "coherence", "budgets", str(f), "--format",
                            "json"], capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return f"> {timeout:.0f}"
        return f"{time.perf_counter() - start:.2f}"


def peak_rss_mib(kind: str, T: int, K: int) -> float:
    """Peak resident memory of a fresh process that builds the data and runs ``check`` once
    (interpreter and imports included): for sizes where tracing would double a long run.
    Read from the process's own high-water mark (``VmHWM``; ``ru_maxrss`` of a process
    started from this one counts this one's memory too, on Linux)."""
    here = str(Path(__file__).parent)
    code = (f"import resource, sys; sys.path.insert(0, {here!r}); import afriat; "
            "from coherence import check; "
            "d = {'demand': afriat.demand_data, 'gradient': afriat.gradient_data, "
            f"'random': afriat.random_data}}[{kind!r}]({T}, {K}); check(d); "
            "from pathlib import Path; s = Path('/proc/self/status'); "
            "hwm = [l.split()[1] for l in s.read_text().splitlines() if l.startswith('VmHWM')]"
            " if s.exists() else []; "
            "print(hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.split()[-1]) / 1024


def row(name: str, d: BudgetData, repeat: int, cli: float | None = None, *,
        peer_max: int = 20_000, trace_max: int = 20_000) -> str:
    size = d.T
    big = size > trace_max
    t_floor, holds = timed(lambda: garp_holds(d), 1 if big else repeat)
    t_check, v = timed(lambda: check(d), 1 if big else repeat)
    t_peer, peer = (0.0, None) if size > peer_max else timed(lambda: prefgraph_garp(d), repeat)
    assert peer in (None, holds)
    cert = v.certificate
    assert v.coherent == holds and cert.verify()
    lam = [float(m) for m in cert.multipliers] if v.coherent else [0.0]
    mu = max(m * s for m, s in zip(lam, d.own_expenditure(), strict=False))
    mem = peak_rss_mib(name, d.T, d.K) if big else peak_mib(lambda: check(d))
    shown = "—" if peer is None else f"{t_peer:.3f}"
    cli_s = "" if cli is None else f" {cli_seconds(d, cli)} |"
    return (f"| {name} | {d.T:,} | {holds} | {t_floor:.3f} | {shown} | {t_check:.3f} | "
            f"{t_check / t_floor:.1f} | {mem:.0f} | {mu:.3g} |{cli_s}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 3000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--goods", type=int, default=5)
    ap.add_argument("--cli", action="store_true", help="also time the command line")
    ap.add_argument("--cli-timeout", type=float, default=120.0)
    ap.add_argument("--peer-max", type=int, default=20_000,
                    help="largest T given to PrefGraph (its engine holds dense T × T floats)")
    ap.add_argument("--trace-max", type=int, default=20_000,
                    help="largest T whose peak memory is traced; beyond it one timed run and "
                         "the peak resident memory of a separate process")
    args = ap.parse_args()
    check(demand_data(50, args.goods))  # warm up imports and caches
    cli = args.cli_timeout if args.cli else None
    extra = (" CLI s |", " ---: |") if args.cli else ("", "")
    print("| data | T | GARP | garp_holds s | prefgraph GARP s | check s | ratio | peak MiB "
          f"| max λ·p·x |{extra[0]}")
    print(f"| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |{extra[1]}")
    for T in args.sizes:
        makers = (("demand", demand_data), ("gradient", gradient_data), ("random", random_data))
        for name, make in makers:
            print(row(name, make(T, args.goods), args.repeat, cli, peer_max=args.peer_max,
                      trace_max=args.trace_max), flush=True)


if __name__ == "__main__":
    main()
