"""Bridge metrics on one NVIDIA GPU: a correctness check against the CPU, then n = 10³, 10⁴, 10⁵.

Run: ``python benchmarks/bridge_gpu.py [--out table.md|table.json]``. One prepared run, under
8 minutes on one H100:

1. **Correctness.** A 300-item matrix is audited on the CPU and on the GPU; every metric must
   agree (exact counts equal, floats to 1e-9 relative, pumps verified exactly on the CPU).
2. **Timing.** For n = 10³, 10⁴, 10⁵ a matrix ``σ(uᵢ − uⱼ + κ(aᵢbⱼ − bᵢaⱼ))`` is generated on
   the device in float32 (n = 10⁵: 40 GB, generated in row blocks) and each metric is timed
   with CUDA events (model forward passes are not part of any timing). Metrics stream ``P``
   in row blocks, so nothing else ``n × n`` is allocated except the dense Fisher weights of
   the fits when they fit in 1 GiB. Stages that would run past the time budget are skipped
   and reported as such; a failure (e.g. out of memory) is reported in its cell.

Without CUDA it exits with status 2 and one line on stderr (``--allow-cpu`` runs the same
code on the CPU with small sizes, for testing the script itself).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

SIZES = (1_000, 10_000, 100_000)
BUDGET_S = 450.0  # stop starting new stages after this many seconds (8-minute limit)


def fail(msg: str) -> None:
    print(f"bridge_gpu: {msg}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="also write the table (.json or .md)")
    ap.add_argument("--sizes", type=str, default=",".join(map(str, SIZES)))
    ap.add_argument("--allow-cpu", action="store_true", help="run on the CPU (script testing)")
    ap.add_argument("--budget", type=float, default=BUDGET_S)
    args = ap.parse_args()
    try:
        import torch
    except ImportError:
        fail('PyTorch is not installed: pip install "coherence[torch]"')
    if not torch.cuda.is_available() and not args.allow_cpu:
        fail("CUDA is not available on this machine; this benchmark needs an NVIDIA GPU "
             "(use benchmarks/bridge_cpu.py for the CPU figures)")
    import coherence.bridge as B
    from coherence.bridge.probabilities import row_blocks

    dev = torch.device("cuda" if torch.cuda.is_available() and not args.allow_cpu else "cpu")
    cuda = dev.type == "cuda"
    sizes = [int(s) for s in args.sizes.split(",") if s]
    t_start = time.perf_counter()
    card = torch.cuda.get_device_name(dev) if cuda else "CPU (script test)"
    print(f"# Bridge metrics on {card}")
    print(f"torch {torch.__version__}; sizes {sizes}\n")

    def make_P(n: int, kappa: float, dtype, seed: int = 0):
        g = torch.Generator(device="cpu").manual_seed(seed)
        u = (torch.randn(n, generator=g, dtype=torch.float64) * 2).to(dev)
        a = torch.randn(n, generator=g, dtype=torch.float64).to(dev)
        b = torch.randn(n, generator=g, dtype=torch.float64).to(dev)
        P = torch.empty((n, n), dtype=dtype, device=dev)
        for sl in row_blocks(n):
            L = (u[sl, None] - u[None, :]
                 + kappa * (a[sl, None] * b[None, :] - b[sl, None] * a[None, :]))
            P[sl] = torch.sigmoid(L).to(dtype)
        P.fill_diagonal_(0.5)
        return P

    def sync():
        if cuda:
            torch.cuda.synchronize(dev)

    def timed(fn):
        sync()
        if cuda:
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            out = fn()
            e.record()
            torch.cuda.synchronize(dev)
            return s.elapsed_time(e) / 1000.0, out
        t0 = time.perf_counter()
        out = fn()
        return time.perf_counter() - t0, out

    # ------------------------------------------------------------------ 1. correctness
    n0 = 300
    Pc = make_P(n0, 0.5, torch.float64, seed=7).cpu()
    Pg = Pc.to(dev)
    checks = []

    def agree(name, a, b, rel=1e-9):
        ok = (a == b) if isinstance(a, int | bool | tuple | None) else math.isclose(
            a, b, rel_tol=rel, abs_tol=1e-12)
        checks.append((name, ok, a, b))

    agree("expected cyclic triads", B.expected_cyclic_triads(Pc), B.expected_cyclic_triads(Pg))
    hc, hg = B.hard_cyclic_triads(Pc), B.hard_cyclic_triads(Pg)
    agree("hard cyclic triads", hc.count, hg.count)
    tc = B.transitivity_violations(Pc, method="exact")
    tg = B.transitivity_violations(Pg, method="exact")
    agree("WST/MST/SST (exact)", (tc.weak, tc.moderate, tc.strong),
          (tg.weak, tg.moderate, tg.strong))
    agree("majority triad", B.find_majority_triad(Pc), B.find_majority_triad(Pg))
    vc, vg = B.majority_pump(Pc), B.majority_pump(Pg)
    agree("majority pump verified", True, vc.verify() and vg.verify())
    lc, _, _ = B.max_mean_cycle_torch(Pc)
    lg, _, _ = B.max_mean_cycle_torch(Pg)
    agree("log-odds max-mean cycle", lc, lg)
    eg = B.log_odds_exploitability(Pg, max_items=10)
    agree("log-odds pump verified (device path)", True, eg.verify())
    agree("residual incoherence", B.residual_incoherence(Pc).share,
          B.residual_incoherence(Pg).share)
    bc, bg = B.bradley_terry(Pc), B.bradley_terry(Pg)
    agree("Bradley–Terry utilities", 0.0, float(abs(bc.utility - bg.utility).max()), rel=0)
    checks[-1] = (checks[-1][0], checks[-1][3] < 1e-6, 0.0, checks[-1][3])
    pr = torch.rand(64, 20, 3, dtype=torch.float64) + 0.5
    qu = torch.rand(64, 20, 3, dtype=torch.float64)
    rc, rg = B.garp_ccei(pr, qu, device="cpu"), B.garp_ccei(pr, qu, device=dev)
    agree("GARP batched (64 subjects)", tuple(rc.garp.tolist()), tuple(rg.garp.tolist()))
    agree("CCEI batched (64 subjects)", 0.0, float(abs(rc.ccei - rg.ccei).max()), rel=0)
    checks[-1] = (checks[-1][0], checks[-1][3] < 1e-12, 0.0, checks[-1][3])
    print("## Correctness: GPU vs CPU on n = 300\n")
    print("| check | agrees |")
    print("| --- | --- |")
    for name, ok, a, b in checks:
        print(f"| {name} | {'yes' if ok else f'NO: cpu {a} vs gpu {b}'} |")
    print()
    if not all(ok for _, ok, _, _ in checks):
        print("bridge_gpu: GPU results differ from the CPU; timings not run", file=sys.stderr)
        sys.exit(1)
    del Pc, Pg

    # ------------------------------------------------------------------ 2. timings
    def naive_sampled(P, samples=1000, seed=0):
        rng = random.Random(seed)
        n = P.shape[0]
        tot = 0.0
        for _ in range(samples):
            i, j, k = rng.sample(range(n), 3)
            tot += float(P[i, j] * P[j, k] * P[k, i] + P[i, k] * P[k, j] * P[j, i])
        return tot / samples

    stages = [
        ("generate P (float32)", None),
        ("validate P", lambda P: B.prob_matrix(P)),
        ("expected cyclic triads (exact)", lambda P: B.expected_cyclic_triads(P, validate=False)),
        ("hard cyclic triads + ζ", lambda P: B.hard_cyclic_triads(P, validate=False)),
        ("WST/MST/SST rates", lambda P: B.transitivity_violations(P, validate=False)),
        ("majority pump (triad lemma), verified",
         lambda P: B.majority_pump(P, validate=False, max_items=0)),
        ("residual incoherence (Hodge)", lambda P: B.residual_incoherence(P, validate=False)),
        ("log-odds max-mean cycle, verified",
         lambda P: B.log_odds_exploitability(P, validate=False)),
        ("Bradley–Terry (Newton-CG)", lambda P: B.bradley_terry(P, validate=False)),
        ("Thurstone Case V", lambda P: B.thurstonian(P, validate=False)),
        ("sampled triads ×1,000, Python loop", lambda P: naive_sampled(P)),
        ("sampled triads ×1,000, vectorised",
         lambda P: B.sampled_triad_estimate(P, samples=1000)),
    ]
    table: dict[str, dict[int, str]] = {name: {} for name, _ in stages}
    extras: dict[int, dict[str, float]] = {}
    for n in sizes:
        if cuda:
            free, _ = torch.cuda.mem_get_info(dev)
            if n * n * 4 * 1.1 > free:
                for name, _ in stages:
                    table[name][n] = f"skipped: P needs {n * n * 4 / 2**30:.0f} GiB"
                continue
        try:
            sec, P = timed(lambda n=n: make_P(n, 0.3, torch.float32))
        except RuntimeError as exc:  # out of memory
            for name, _ in stages:
                table[name][n] = f"failed: {str(exc).splitlines()[0][:60]}"
            continue
        table[stages[0][0]][n] = f"{sec:.3f}"
        total = 0.0
        for name, fn in stages[1:]:
            left = args.budget - (time.perf_counter() - t_start)
            heavy = name.startswith(("Bradley", "Thurstone")) and n >= 50_000
            if left <= 0 or (heavy and left < 150):
                table[name][n] = "skipped (time budget)"
                continue
            try:
                sec, out = timed(lambda fn=fn, P=P: fn(P))
                table[name][n] = f"{sec:.3f}"
                if not name.startswith("sampled"):
                    total += sec
                if name.startswith("expected"):
                    extras.setdefault(n, {})["cycle_probability"] = out / math.comb(n, 3)
                if hasattr(out, "verify"):
                    assert out.verify(), f"{name}: certificate failed exact verification"
            except (RuntimeError, ValueError, AssertionError) as exc:
                table[name][n] = f"failed: {str(exc).splitlines()[0][:60]}"
            if cuda:
                torch.cuda.empty_cache()
        extras.setdefault(n, {})["total_s"] = total
        del P
        if cuda:
            torch.cuda.empty_cache()

    head = "| metric | " + " | ".join(f"n = {n:,}" for n in sizes) + " |"
    lines = [f"## Seconds per metric on {card} (CUDA events; P resident in float32)\n", head,
             "| --- |" + " ---: |" * len(sizes)]
    for name, _ in stages:
        lines.append(f"| {name} | " + " | ".join(table[name].get(n, "") for n in sizes) + " |")
    lines.append("| **all metrics (excl. generation and sampled estimates)** | "
                 + " | ".join(f"**{extras.get(n, {}).get('total_s', float('nan')):.3f}**"
                              for n in sizes) + " |")
    text = "\n".join(lines)
    print(text)
    print(f"\nwall time {time.perf_counter() - t_start:.1f} s")
    if args.out:
        if args.out.suffix == ".json":
            doc = {"device": card, "torch": torch.__version__, "sizes": sizes,
                   "seconds": table, "extras": {str(k): v for k, v in extras.items()},
                   "correctness": [(c[0], bool(c[1])) for c in checks]}
            args.out.write_text(json.dumps(doc, indent=2))
        else:
            args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
