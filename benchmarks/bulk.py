"""Bulk runs: a synthetic panel with every index, serially and on a local Dask cluster.

Run ``python benchmarks/bulk.py [--subjects 100000] [--observations 25] [--workers 2]``
(needs the ``dask`` extra). Rows: ``panel_report`` inline (the serial run, the same code path
as ``coherence budgets``), on a process pool and on ``W`` local Dask workers (after their
first tasks, which import the library), and the CLI end to end, ``--workers W --output``
(cluster start included) against the serial ``--format csv``, whose files must be
identical; the numpy floor is one batched pass forming every subject's
``E = P Xᵀ`` (the least any revealed-preference check must do). Printed: seconds, seconds per
subject, parallel efficiency (serial / (W × parallel)), the driver's peak resident memory,
and the arithmetic for 100 nodes of the same speed.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from coherence.budgets import BudgetData, BudgetPanel, panel_report
from coherence.bulk import local_cluster


def synthetic(subjects: int, T: int, seed: int = 0) -> tuple[BudgetPanel, np.ndarray, np.ndarray]:
    """Near-rational Cobb–Douglas demands with noise (some subjects violate GARP)."""
    rng = np.random.default_rng(seed)
    P = rng.uniform(1, 10, size=(subjects, T, 3)).round(2)
    w = rng.dirichlet(np.ones(3), size=subjects)[:, None, :]
    income = rng.uniform(50, 100, size=(subjects, T, 1))
    X = (w * income / P * rng.lognormal(0, 0.15, size=(subjects, T, 3))).round(2) + 0.01
    panel = BudgetPanel({f"s{s:06d}": BudgetData(P[s], X[s]) for s in range(subjects)})
    return panel, P, X


def write_csv(path: Path, P: np.ndarray, X: np.ndarray) -> None:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["subject", "p_a", "p_b", "p_c", "x_a", "x_b", "x_c"])
        for s in range(P.shape[0]):
            for t in range(P.shape[1]):
                w.writerow([f"s{s:06d}", *P[s, t].tolist(), *X[s, t].tolist()])


def serial_csv(path: Path, out: Path) -> tuple[float, int]:
    t = time.perf_counter()
    with out.open("w") as fh:
        proc = subprocess.run([sys.executable, "-m", "coherence", "budgets", str(path),
                               "--format", "csv", "--quiet"], stdout=fh, text=True)
    return time.perf_counter() - t, proc.returncode


def peak_rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subjects", type=int, default=100_000)
    ap.add_argument("--observations", type=int, default=25)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--chunk-size", type=int, default=500)
    ap.add_argument("--no-cli", action="store_true")
    a = ap.parse_args()
    S, T, W = a.subjects, a.observations, a.workers
    panel, P, X = synthetic(S, T)
    print(f"{S} subjects x {T} observations x 3 goods, every index; {os.cpu_count()} cores")

    t = time.perf_counter()
    np.einsum("stk,suk->stu", P, X)
    floor = time.perf_counter() - t
    print(f"numpy floor (E = P X^T, batched)       {floor:9.2f} s")

    t = time.perf_counter()
    serial = panel_report(panel, chunk_size=a.chunk_size)
    ts = time.perf_counter() - t
    print(f"panel_report, serial                   {ts:9.2f} s   {1e3 * ts / S:7.3f} ms/subject")

    with ProcessPoolExecutor(W) as ex:
        list(ex.map(abs, range(2 * W)))  # the workers started
        t = time.perf_counter()
        pool = panel_report(panel, executor=ex, chunk_size=a.chunk_size)
        tq = time.perf_counter() - t
    assert pool == serial
    print(f"panel_report, {W}-process pool          {tq:9.2f} s   efficiency {ts / (W * tq):.2f}")

    with local_cluster(W) as ex:
        t = time.perf_counter()
        panel_report(BudgetPanel({k: panel[k] for k in list(panel)[:W * 50]}), executor=ex,
                     chunk_size=50)  # the workers import the library
        warm = time.perf_counter() - t
        t = time.perf_counter()
        par = panel_report(panel, executor=ex, chunk_size=a.chunk_size)
        tp = time.perf_counter() - t
    assert par == serial
    eff = ts / (W * tp)
    print(f"panel_report, {W} Dask workers (warm)   {tp:9.2f} s   efficiency {eff:.2f}"
          f"   (first tasks: {warm:.1f} s)")
    violators = sum(not r["garp"] for r in serial)
    print(f"  {violators} of {S} subjects violate GARP; results identical to the serial run")
    print(f"driver peak resident memory            {peak_rss_mib():9.0f} MiB")

    if not a.no_cli:
        with tempfile.TemporaryDirectory() as d:
            data = Path(d) / "panel.csv"
            write_csv(data, P, X)
            out = Path(d) / "out.csv"
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "coherence", "budgets", str(data), "--workers", str(W),
                 "--chunk-size", str(a.chunk_size), "--output", str(out), "--quiet"],
                capture_output=True, text=True)
            tc = time.perf_counter() - t
            print(f"CLI --workers {W} --output (end to end)  {tc:9.2f} s   exit {proc.returncode}")
            ser, code = serial_csv(data, Path(d) / "serial.csv")
            same = (Path(d) / "serial.csv").read_bytes() == out.read_bytes()
            print(f"CLI serial --format csv (end to end)   {ser:9.2f} s   exit {code}; "
                  f"files identical: {same}")

    per = ts / S
    print(f"100 nodes x {W} workers at this speed and efficiency: 10^7 subjects in about "
          f"{1e7 * per / (100 * W * eff) / 60:.1f} min (per-subject {1e3 * per:.2f} ms)")


if __name__ == "__main__":
    main()
