"""The pytest plugin's start-up cost in a project that does not use coherence.

Run ``python benchmarks/plugin.py [--runs 15]``. A temporary project outside this repository
holds 50 trivial tests; pytest runs it ``--runs`` times with the plugin (installed with
coherence, so loaded automatically) and as many times with ``-p no:coherence``, interleaved,
in fresh processes. Prints the medians and their difference: what every pytest run of every
project pays for having coherence installed. The floor is the run without the plugin. Whole
runs are noisy on a shared machine, so it also times what the plugin adds inside a process
that has pytest and Hypothesis loaded already: ``import coherence.pytest_plugin`` (median of
``--runs`` fresh processes).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(folder: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra],
                   cwd=folder, check=True, capture_output=True)
    return time.perf_counter() - start


_IMPORT = ("import pytest, hypothesis, time; t = time.perf_counter(); "
           "import coherence.pytest_plugin; print(time.perf_counter() - t)")


def import_seconds() -> float:
    out = subprocess.run([sys.executable, "-c", _IMPORT], check=True, capture_output=True,
                         text=True).stdout
    return float(out.strip())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tests = "\n".join(f"def test_{k}():\n    assert {k} + 1 > {k}\n" for k in range(50))
        (folder / "test_plain.py").write_text(tests)
        run(folder)  # warm the file system caches
        with_plugin, without = [], []
        for _ in range(args.runs):
            with_plugin.append(run(folder))
            without.append(run(folder, "-p", "no:coherence"))
    a, b = statistics.median(with_plugin), statistics.median(without)
    imp = statistics.median(import_seconds() for _ in range(args.runs))
    print("| pytest on 50 trivial tests | median s |")
    print("| --- | ---: |")
    print(f"| with the coherence plugin | {a:.3f} |")
    print(f"| with `-p no:coherence` (the floor) | {b:.3f} |")
    print(f"| plugin overhead (difference of medians) | {1000 * (a - b):.0f} ms |")
    print(f"| loading the plugin after pytest and Hypothesis | {1000 * imp:.1f} ms |")


if __name__ == "__main__":
    main()
