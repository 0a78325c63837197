"""Budget-data indices at scale: Houtman–Maks, CCEI, MPI and the CKMS panel with all indices.

Run ``python benchmarks/budget_indices.py`` (PrefGraph is optional: ``pip install prefgraph``).
Rows: the public entry points (``houtman_maks`` and ``varian_bounds`` with their default time
limits, ``ccei``, ``money_pump_index``; on the CKMS 2014 panel the reader, ``screen_panel``,
each index and the CLI end to end) beside PrefGraph's batch engine on the same indices
(``--peer-all`` adds its engine with every index the CLI computes, about 5 minutes) and a
numpy floor (one pass forming ``E = P Xᵀ``), with peak traced memory.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _budget_data import random_data

from coherence.budgets import (
    budgets_from_csv,
    ccei,
    houtman_maks,
    money_pump_index,
    mpi_bounds,
    screen_panel,
    varian_bounds,
    varian_index,
)

CKMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ckms2014" / "ckms2014_long.csv"


def measure(fn):
    """Seconds (a plain run), peak traced MiB (a second run under tracemalloc, which slows
    allocation-heavy code by a large factor; only when the plain run took under 3 s, else
    NaN) and the result."""
    t = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t
    peak = float("nan")
    if dt < 3:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return dt, peak, out


def floor(d):
    return measure(lambda: (d.prices @ d.quantities.T).sum())[0]


def prefgraph(arrays, metrics):
    try:
        import prefgraph as pg
    except ImportError:
        return None
    return measure(lambda: pg.Engine(metrics=metrics).analyze_arrays(arrays))[0]


def row(name, dt, mb, result, peer, fl):
    peer_s = "—" if peer is None else f"{peer:.2f}"
    mb_s = "—" if mb != mb else f"{mb:.0f}"
    print(f"| {name} | {dt:.2f} | {mb_s} | {result} | {peer_s} | {fl:.3f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hm", type=int, nargs="*", default=[300, 1000])
    ap.add_argument("--ccei", type=int, nargs="*", default=[3_000, 10_000])
    ap.add_argument("--peer-max", type=int, default=3_000,
                    help="largest T at which PrefGraph's CCEI runs (it grows like T³: "
                         "25 s at 3,000, about 15 minutes at 10,000)")
    ap.add_argument("--mpi", type=int, default=3_000)
    ap.add_argument("--varian", type=int, nargs="*", default=[300, 10_000])
    ap.add_argument("--no-panel", action="store_true")
    ap.add_argument("--peer-all", action="store_true",
                    help="also run PrefGraph's engine with every index the CLI computes "
                         "(GARP, CCEI, MPI, HM, VEI) on the CKMS panel: about 5 minutes")
    a = ap.parse_args()
    print("| entry point | s | peak MiB | result | PrefGraph s | floor s |")
    print("|---|---|---|---|---|---|")
    for T in a.hm:
        d = random_data(T)
        dt, mb, hm = measure(lambda d=d: houtman_maks(d))
        row(f"`houtman_maks` random T={T}", dt, mb,
            f"{hm.index} removed, lower {hm.lower}, exact {hm.exact}",
            None, floor(d))  # PrefGraph's greedy HM: 857 removals in 2 s at T=1,000
    for T in a.ccei:
        d = random_data(T)
        dt, mb, c = measure(lambda d=d: ccei(d))
        peer = (prefgraph([(d.prices, d.quantities)], ["garp", "ccei"])
                if a.peer_max >= T else None)
        row(f"`ccei` random T={T}", dt, mb, f"{c:.4f}", peer, floor(d))
    d = random_data(a.mpi)
    dt, mb, m = measure(lambda: money_pump_index(d, "max"))
    row(f"`money_pump_index(max)` random T={a.mpi}", dt, mb, f"{float(m):.4f}",
        prefgraph([(d.prices, d.quantities)], ["garp", "mpi"]), floor(d))
    for T in a.varian:
        d = random_data(T)
        dt, mb, vb = measure(lambda d=d: varian_bounds(d))
        row(f"`varian_bounds` random T={T}", dt, mb,
            f"{vb.index:.4f} ≤ optimum ≤ {vb.upper:.4f}, exact {vb.exact}", None, floor(d))
    if a.no_panel or not CKMS.exists():
        return
    panel_rows(a.peer_all)


def cli_seconds(*extra: str) -> float:
    """Wall seconds of ``coherence budgets`` on the CKMS file in a fresh interpreter (start-up,
    reading, every selected index, CSV written), best of two."""
    cmd = [sys.executable, "-m", "coherence", "budgets", str(CKMS), "--subject", "id_member",
           "--observation", "round", "--intercepts", "x_intercept,y_intercept",
           "--quantities", "x_choice,y_choice", "--format", "csv", *extra]
    best = np.inf
    for _ in range(2):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False)
        best = min(best, time.perf_counter() - t)
    return best


def panel_rows(peer_all: bool) -> None:
    panel = budgets_from_csv(CKMS, subject="id_member", observation="round",
                             intercepts="x_intercept,y_intercept", quantities="x_choice,y_choice")
    items = list(panel.items())
    arr = [(dd.prices, dd.quantities) for _, dd in items]
    fl = sum(floor(dd) for _, dd in items)
    n = len(items)
    dt, mb, _ = measure(lambda: budgets_from_csv(
        CKMS, subject="id_member", observation="round", intercepts="x_intercept,y_intercept",
        quantities="x_choice,y_choice"))
    row(f"CKMS panel ({n} subjects), reading the file", dt, mb, "—", None, fl)
    dt, mb, _ = measure(lambda: screen_panel(panel))
    row("CKMS panel, `screen_panel` (GARP/SARP/WARP counts, exact CCEI)", dt, mb, "—",
        prefgraph(arr, ["garp", "ccei"]), fl)
    dt, mb, _ = measure(lambda: [money_pump_index(dd, "max") for _, dd in items])
    row("CKMS panel, MPI max (one subject at a time)", dt, mb, "—",
        prefgraph(arr, ["garp", "mpi"]), fl)

    def every_index():
        screen_panel(panel)
        for _, dd in items:
            houtman_maks(dd)
            varian_index(dd)
            mpi_bounds(dd)

    same = ["garp", "ccei", "mpi", "hm", "vei"]
    dt, mb, _ = measure(every_index)
    row("CKMS panel, every index (exact Houtman–Maks and Varian)", dt, mb, "—",
        prefgraph(arr, same) if peer_all else None, fl)
    for name, fn in (("Houtman–Maks", houtman_maks), ("Varian", varian_index),
                     ("MPI min and max", mpi_bounds)):
        dt, mb, _ = measure(lambda fn=fn: [fn(dd) for _, dd in items])
        row(f"CKMS panel, {name} only", dt, mb, "—", None, fl)
    for extra in ((), ("--indices", "ccei"), ("--indices", "ccei,mpi")):
        label = " ".join(extra) or "every index"
        row(f"CLI `coherence budgets` on the CKMS file, {label}", cli_seconds(*extra),
            float("nan"), "—", None, fl)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
