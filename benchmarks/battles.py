"""Battles: 10⁶ arena rows over 100 contestants, from the CSV to the verified verdict.

Run: ``python benchmarks/battles.py [--rows 1000000] [--models 100] [--bootstrap 200]``
(``OPENBLAS_NUM_THREADS=1`` on a loaded machine: the Newton solves are 100 × 100).
Writes two synthetic arena tables (Bradley–Terry strengths 0.5 apart, 10 % ties, 5 % both
bad; in the second, three contestants of equal strength play rock–paper–scissors, so the
verdict is a pump) to a temporary folder and prints a markdown table of seconds per stage,
each on the public entry points:

* ``read_battles`` (the CSV to encoded battles), next to the floor of the C ``csv`` reader
  alone (``list(csv.reader(fh))``); and on the table with four more columns (judge, turn,
  language, time stamp), next to pandas reading only the three columns it needs;
* ``battle_counts``, ``battle_strengths`` (Newton on the counts), ``bootstrap_strengths``;
* ``audit_battles`` (fit, bootstrap, the matrix metrics, the verdict and its exact check);
* the certificate's ``verify()`` again, on its own;
* the command ``coherence battles FILE --json`` end to end in a fresh process (interpreter
  and torch import included) with its peak resident memory;
* the peer: ``choix.ilsr_pairwise_dense`` on the same counts (alpha 0), with the largest
  difference of the centred log-strengths.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from coherence.bridge import (
    audit_battles,
    battle_counts,
    battle_strengths,
    bootstrap_strengths,
    read_battles,
)


def write_table(path: Path, rows: int, models: int, cycle: bool, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    # strengths 0.5 apart: far enough that sampling noise (about 200 battles a pair) leaves
    # the majority relation transitive, so the coherent table gets a utility certificate
    u = rng.permutation(np.linspace(-models / 4, models / 4, models))
    a = rng.integers(0, models, rows)
    b = (a + rng.integers(1, models, rows)) % models
    z = u[a] - u[b]
    if cycle:  # contestants 0, 1, 2 at equal strength, each beating the next
        u[:3] = u[:3].mean()
        z = u[a] - u[b]
        for x, y in ((0, 1), (1, 2), (2, 0)):
            z = z + 2.0 * (((a == x) & (b == y)).astype(float) - ((a == y) & (b == x)))
    r = rng.random(rows)
    win_a = rng.random(rows) < 1 / (1 + np.exp(-z))
    winner = np.where(r < 0.10, "tie", np.where(r < 0.15, "tie (bothbad)",
                                                 np.where(win_a, "model_a", "model_b")))
    names = np.array([f"model-{i:03d}" for i in range(models)])
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("question_id", "model_a", "model_b", "winner"))
        w.writerows(zip(range(rows), names[a], names[b], winner))


def widen(path: Path, out: Path) -> None:
    """The table with four more columns of the kinds arena exports carry (a judge id, a turn,
    a language, a unique time stamp): ``read_battles`` parses every column, so that a row
    with more fields than the header is refused."""
    with path.open(newline="", encoding="utf-8") as src, \
            out.open("w", newline="", encoding="utf-8") as dst:
        r, w = csv.reader(src), csv.writer(dst, lineterminator="\n")
        w.writerow([*next(r), "judge", "turn", "language", "tstamp"])
        for k, row in enumerate(r):
            w.writerow([*row, f"arena_user_{k % 5000}", 1, "English",
                        f"{1.7e9 + 0.37 * k:.2f}"])


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--models", type=int, default=100)
    ap.add_argument("--bootstrap", type=int, default=200)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for cycle in (False, True):
            path = Path(tmp) / f"battles_{int(cycle)}.csv"
            write_table(path, args.rows, args.models, cycle)
            run(path, args, cycle)


def run(path: Path, args: argparse.Namespace, cycle: bool) -> None:
    mb = path.stat().st_size / 1e6

    def floor():
        with path.open(newline="", encoding="utf-8") as fh:
            return list(csv.reader(fh))

    t_floor, _ = timed(floor)
    t_read, battles = timed(lambda: read_battles(str(path)))
    wide = path.with_name(path.stem + "_wide.csv")
    widen(path, wide)
    t_wide, _ = timed(lambda: read_battles(str(wide)))
    try:
        import pandas as pd

        t_usecols, _ = timed(lambda: pd.read_csv(  # the three columns alone: the floor
            wide, usecols=[1, 2, 3], dtype="category", keep_default_na=False,
            na_filter=False, engine="c"))
    except ImportError:
        t_usecols = float("nan")
    t_count, counts = timed(lambda: battle_counts(battles))
    t_bt, fit = timed(lambda: battle_strengths(counts))
    t_boot, iv = timed(lambda: bootstrap_strengths(counts, replicates=args.bootstrap, fit=fit))
    t_audit, result = timed(lambda: audit_battles(battles, bootstrap=args.bootstrap))
    t_verify, ok = timed(lambda: result.verdict.certificate.verify())
    assert ok
    env = dict(os.environ, COHERENCE_PROGRESS="never")
    cmd = [sys.executable, "-m", "coherence", "battles", str(path), "--json",
           "--bootstrap", str(args.bootstrap)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t_cli, proc = timed(lambda: subprocess.run(cmd, capture_output=True, text=True, env=env))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    doc = json.loads(proc.stdout)
    assert proc.returncode == (1 if cycle else 0), proc.stderr
    try:
        import choix

        t_choix, uc = timed(lambda: choix.ilsr_pairwise_dense(counts.points, alpha=0.0,
                                                              tol=1e-12, max_iter=10_000))
        diff = float(np.abs((uc - uc.mean()) - fit.log_strength).max())
    except ImportError:
        t_choix, diff = float("nan"), float("nan")
    label = "planted 3-cycle" if cycle else "Bradley–Terry (coherent)"
    print(f"\n### {args.rows:,} rows, {args.models} contestants, {label} ({mb:.0f} MB CSV)\n")
    print(f"verdict: {doc['status']}" + (f", pump {doc['certificate']['cycle']}" if cycle
                                           else "") +
          f"; Newton steps {fit.iterations}; bootstrap failed {iv.failed}/{iv.replicates}\n")
    print("| stage | seconds |")
    print("| --- | ---: |")
    for name, t in (
        ("floor: `list(csv.reader(fh))` alone", t_floor),
        ("`read_battles` (CSV → encoded battles)", t_read),
        ("`read_battles`, the table with 4 more columns", t_wide),
        ("floor: pandas reading only the 3 columns of that table", t_usecols),
        ("`battle_counts`", t_count),
        ("`battle_strengths` (Bradley–Terry, Newton)", t_bt),
        (f"`bootstrap_strengths` ({args.bootstrap} replicates)", t_boot),
        ("`audit_battles` (fit, bootstrap, metrics, verdict)", t_audit),
        ("certificate `verify()` again (exact)", t_verify),
        ("**`coherence battles FILE --json`** (fresh process)", t_cli),
        ("peer: `choix.ilsr_pairwise_dense` on the same counts", t_choix),
    ):
        print(f"| {name} | {t:.3f} |")
    print(f"\nread + audit in process: {t_read + t_audit:.2f} s; the command's peak resident "
          f"memory {peak / 1024:.0f} MB (before: {before / 1024:.0f} MB); largest difference "
          f"from choix's log-strengths {diff:.2e}")


if __name__ == "__main__":
    main()
