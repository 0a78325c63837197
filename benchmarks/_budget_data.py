"""What the budget-data benchmarks share: best-of-n timing, and rational and random data."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from coherence import BudgetData


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls of ``fn`` and the last result."""
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def gradient_data(T: int, K: int = 5, seed: int = 0) -> BudgetData:
    """Integer bundles priced at the Cobb–Douglas gradient: rationalisable, with ties."""
    rng = np.random.default_rng(seed)
    X = rng.integers(1, 50, (T, K)).astype(float)
    a = rng.integers(1, 5, K).astype(float)
    return BudgetData(a[None, :] / X, X)


def random_data(T: int, K: int = 5, seed: int = 0) -> BudgetData:
    """Independent uniform prices and bundles: GARP fails for all but tiny T."""
    rng = np.random.default_rng(seed)
    return BudgetData(rng.uniform(0.5, 2, (T, K)), rng.uniform(0, 1, (T, K)))


def prefgraph_garp(d: BudgetData) -> bool | None:
    """PrefGraph's batch GARP engine (its fastest route; no certificate), or None without it."""
    try:
        import prefgraph as pg
    except ImportError:  # the peer is optional: pip install prefgraph
        return None
    arrays = [(np.array(d.prices), np.array(d.quantities))]
    return bool(pg.Engine(metrics=["garp"]).analyze_arrays(arrays)[0].is_garp)
