"""Revealed preference on budget data: coherence side by side with PrefGraph and the numpy floor.

Run ``python benchmarks/revealed.py`` (PrefGraph is optional: ``pip install prefgraph``).
Every row times both libraries on the same data in the same process; the floor is forming
``E = P Xᵀ`` and ``R0 = diag(E)[:, None] ≥ E``, which any GARP test must do. Random data:
prices uniform on [0.5, 2], quantities uniform on [0, 1], K = 5 goods (violations abound);
"rational" data: Cobb–Douglas demands, which satisfy GARP.
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from _budget_data import gradient_data as rational_data
from _budget_data import random_data, timed

from coherence import BudgetData, ccei, garp_holds, houtman_maks, money_pump_index

try:
    import prefgraph as pg
except ImportError:  # pragma: no cover - the peer is optional
    pg = None

warnings.filterwarnings("ignore")


def floor(d: BudgetData) -> None:
    E = d.prices @ d.quantities.T
    own = np.einsum("ij,ij->i", d.prices, d.quantities)
    _ = own[:, None] >= E


def session(d: BudgetData) -> Any:
    return pg.ConsumerSession(prices=np.array(d.prices), quantities=np.array(d.quantities))


def engine(metric: str, d: BudgetData) -> Any:
    """PrefGraph's batch engine (its Rust backend when installed): its fastest route."""
    arrays = [(np.array(d.prices), np.array(d.quantities))]
    return pg.Engine(metrics=[metric]).analyze_arrays(arrays)[0]


def rows(quick: bool) -> list[tuple[str, int, str, Callable, Callable | None, int]]:
    big = 3000 if quick else 10_000
    out: list[tuple[str, int, str, Callable, Callable | None, int]] = []
    for T in (1000, big):
        d = random_data(T)
        out.append(("GARP", T, "random", lambda d=d: garp_holds(d),
                    lambda d=d: engine("garp", d).is_garp, 3))
    for T in (1000, big):
        d = rational_data(T)
        out.append(("GARP", T, "rational", lambda d=d: garp_holds(d),
                    lambda d=d: engine("garp", d).is_garp, 1))
    for T in (1000, 3000, big):
        d = random_data(T, seed=1)
        peer = (lambda d=d: engine("ccei", d).ccei) if T <= 3000 else None
        out.append(("CCEI", T, "random", lambda d=d: ccei(d), peer, 1))
    d = random_data(1000, seed=2)
    out.append(("MPI max", 1000, "random", lambda d=d: money_pump_index(d, "max"),
                lambda d=d: engine("mpi", d).mpi, 1))
    d = random_data(100, seed=3)
    out.append(("HM exact", 100, "random", lambda d=d: houtman_maks(d).index,
                lambda d=d: pg.compute_houtman_maks_index(session(d)).num_removed, 1))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="largest T = 3000 instead of 10,000")
    ap.add_argument("--no-peer", action="store_true", help="skip PrefGraph")
    args = ap.parse_args()
    use_peer = pg is not None and not args.no_peer
    print(f"PrefGraph: {pg.__version__ if pg is not None else 'not installed'}")
    head = f"{'task':9} {'T':>6} {'data':8} {'floor s':>8} {'coherence s':>12} {'PrefGraph s':>12}"
    print(head + "  results (coherence / PrefGraph)")
    print("-" * (len(head) + 34))
    for name, T, kind, ours, peer, rep in rows(args.quick):
        d_floor = random_data(T)
        tf, _ = timed(lambda d=d_floor: floor(d), 3) if name == "GARP" else (float("nan"), None)
        to, ro = timed(ours, rep)
        if use_peer and peer is not None:
            tp, rp = timed(peer, 1)
            peer_s, peer_r = f"{tp:12.3f}", rp
        else:
            peer_s, peer_r = f"{'—':>12}", "—"
        fl = f"{tf:8.3f}" if tf == tf else f"{'':8}"
        print(f"{name:9} {T:>6} {kind:8} {fl} {to:12.3f} {peer_s}  {ro} / {peer_r}", flush=True)


if __name__ == "__main__":
    main()
