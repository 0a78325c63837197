"""Top-20 Hessian eigenpairs of a ~10⁶-parameter MLP, and the floors beside them.

Run: ``python benchmarks/compression.py [--hidden 1000] [--k 20] [--threads K] [--arpack]
[--device cuda] [--skip-small]`` (``--hidden 7000 --device cuda``: about 5·10⁷ parameters).
Prints markdown tables:

1. :func:`coherence.bridge.lanczos` on :func:`coherence.bridge.hessian_operator` for an MLP
   ``64 → h → h → 1`` (``h = 1000``: 1,067,001 parameters) trained for a few steps on a
   regression batch of 256: seconds, Lanczos steps, Hessian-vector products, the time of the
   products alone (the floor any matrix-free method pays per product), peak resident memory;
   with ``--arpack``, SciPy's ARPACK (``eigsh``) on the same products, as the peer;
2. on a small MLP (a few thousand parameters), the dense floor: the Hessian by
   ``torch.autograd.functional.hessian`` and numpy's ``eigvalsh``, against Lanczos, with the
   largest relative difference of the top-``k`` eigenvalues.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import torch

from coherence.bridge import hessian_operator, lanczos, model_parameters


def mlp(d: int, h: int, seed: int = 0) -> torch.nn.Module:
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.Tanh(), torch.nn.Linear(h, h),
                               torch.nn.Tanh(), torch.nn.Linear(h, 1))


def problem(h: int, d: int = 64, batch: int = 256, steps: int = 30, dtype=torch.float32,
            device: str = "cpu"):
    g = torch.Generator().manual_seed(1)
    X = torch.randn(batch, d, generator=g).to(dtype=dtype, device=device)
    y = torch.sin(X[:, :3].sum(1, keepdim=True))
    net = mlp(d, h).to(dtype=dtype, device=device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def loss():
        return torch.nn.functional.mse_loss(net(X), y)

    for _ in range(steps):
        opt.zero_grad()
        loss().backward()
        opt.step()
    return net, loss


def peak_mib() -> float:
    """Peak resident memory of this process, and on CUDA the peak device memory, in MiB."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if torch.cuda.is_available():
        return rss + torch.cuda.max_memory_allocated() / 2**20
    return rss


def large(h: int, k: int, arpack: bool, device: str) -> None:
    net, loss = problem(h, device=device)
    N = sum(p.numel() for _, p in model_parameters(net))
    v = torch.randn(N, device=device)
    modes: dict[str, str] = {}
    for mode in ("forward", "reverse"):
        op = hessian_operator(net, loss, mode=mode)
        try:
            op(v)  # warm-up
        except RuntimeError as exc:  # torch.func cannot push a tangent through some graphs
            modes[mode] = f"fails ({str(exc).splitlines()[0][:60]})"
            continue
        t0 = time.perf_counter()
        for _ in range(5):
            op(v)
        per = (time.perf_counter() - t0) / 5
        modes[mode] = f"{per:.3f} s"
    print(f"per Hessian-vector product: reverse-over-reverse {modes['reverse']}, "
          f"forward-over-reverse {modes['forward']}\n")
    t0 = time.perf_counter()
    eig = lanczos(op, k, tol=1e-6)
    t = time.perf_counter() - t0
    print("| method | parameters | k | seconds | steps | products | products alone (s) "
          "| peak RSS (MiB) |\n|---|---|---|---|---|---|---|---|")
    print(f"| coherence `lanczos` (tol 1e-6) | {N:,} | {k} | {t:.1f} | {eig.iterations} | "
          f"{eig.matvecs} | {per * eig.matvecs:.1f} | {peak_mib():.0f} |")
    if arpack:
        from scipy.sparse.linalg import LinearOperator, eigsh

        calls = [0]

        def mv(x: np.ndarray) -> np.ndarray:
            calls[0] += 1
            t = torch.as_tensor(x.ravel(), dtype=torch.float32, device=device)
            return op(t).cpu().numpy().astype(np.float64)

        A = LinearOperator((N, N), matvec=mv, dtype=np.float64)
        t0 = time.perf_counter()
        vals = eigsh(A, k=k, which="LA", tol=1e-6, return_eigenvectors=False)
        ta = time.perf_counter() - t0
        diff = np.max(np.abs(np.sort(vals)[::-1] - eig.values) / np.abs(eig.values))
        print(f"| SciPy ARPACK `eigsh` (tol 1e-6) | {N:,} | {k} | {ta:.1f} | – | {calls[0]} | "
              f"{per * calls[0]:.1f} | {peak_mib():.0f} |")
        print(f"\nlargest relative difference of the top-{k} eigenvalues, ARPACK against "
              f"coherence: {diff:.1e}; λ₁ = {eig.values[0]:.4g}, λ_{k} = {eig.values[-1]:.4g}")


def small(h: int, k: int) -> None:
    net, loss = problem(h, d=16, dtype=torch.float64)
    named = model_parameters(net)
    N = sum(p.numel() for _, p in named)
    theta = torch.cat([p.detach().reshape(-1) for _, p in named])
    g = torch.Generator().manual_seed(1)
    X = torch.randn(256, 16, generator=g).double()
    y = torch.sin(X[:, :3].sum(1, keepdim=True))

    def f(flat):
        params, s = {}, 0
        for n, p in named:
            params[n] = flat[s: s + p.numel()].view_as(p)
            s += p.numel()
        return torch.nn.functional.mse_loss(torch.func.functional_call(net, params, (X,)), y)

    t0 = time.perf_counter()
    H = torch.autograd.functional.hessian(f, theta, vectorize=True)
    t_h = time.perf_counter() - t0
    t0 = time.perf_counter()
    dense = np.linalg.eigvalsh(H.numpy())[::-1][:k]
    t_e = time.perf_counter() - t0
    t0 = time.perf_counter()
    eig = lanczos(hessian_operator(net, loss), k)
    t_l = time.perf_counter() - t0
    rel = float(np.max(np.abs(eig.values - dense) / np.abs(dense)))
    print(f"\n| {N:,} parameters, top {k} | seconds |\n|---|---|")
    print(f"| dense Hessian (`torch.autograd.functional.hessian`, vectorised) | {t_h:.2f} |")
    print(f"| numpy `eigvalsh` of it | {t_e:.2f} |")
    print(f"| coherence `lanczos` ({eig.matvecs} products) | {t_l:.2f} |")
    print(f"\nlargest relative difference of the top-{k} eigenvalues: {rel:.1e}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hidden", type=int, default=1000)
    ap.add_argument("--small-hidden", type=int, default=40)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--arpack", action="store_true")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (the large MLP only)")
    ap.add_argument("--skip-small", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    card = torch.cuda.get_device_name() if a.device.startswith("cuda") else "CPU"
    print(f"torch {torch.__version__}, {a.threads} thread(s), {card}\n")
    large(a.hidden, a.k, a.arpack, a.device)
    if not a.skip_small:
        small(a.small_hidden, a.k)


if __name__ == "__main__":
    main()
