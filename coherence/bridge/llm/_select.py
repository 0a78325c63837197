"""Which pairs to ask: all of them, a random sample, or the uncertain and under-sampled first.

Dense asks every unordered pair (O(n²) prompts); sampled asks ``m`` pairs drawn uniformly
(threaded on a random Hamiltonian path first, so the comparison graph is connected);
active asks in rounds, each round the pairs with the highest priority
``(½ − |P̂ − ½| + 0.05) / √(1 + answers)`` (Utility Engineering, Mazeika et al. 2025,
selects pairs by the same two criteria), where ``P̂`` is the observed frequency or, for a pair
not yet asked, the Bradley–Terry prediction from the pairs asked so far.
"""

from __future__ import annotations

import itertools

import numpy as np

from coherence.errors import InputError

__all__ = ["bt_complete", "dense_pairs", "priority_pairs", "sampled_pairs"]


def dense_pairs(n: int) -> list[tuple[int, int]]:
    """Every unordered pair ``(i, j)``, ``i < j``. O(n²).

    >>> dense_pairs(3)
    [(0, 1), (0, 2), (1, 2)]
    """
    return [(i, j) for i in range(n) for j in range(i + 1, n)]


def sampled_pairs(n: int, m: int, rng: np.random.Generator,
                  exclude: set[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """``m`` distinct unordered pairs: first the ``n − 1`` edges of a random Hamiltonian path
    (so every item is compared and the graph is connected), then uniform draws among the
    rest, never one in ``exclude``. O(n² ) at worst.

    >>> sorted(sampled_pairs(4, 6, np.random.default_rng(0))) == dense_pairs(4)
    True
    """
    total = n * (n - 1) // 2
    done = set(exclude or ())
    m = min(m, total - len(done))
    if m < 0:
        raise InputError(f"cannot draw {m} pairs")
    out: list[tuple[int, int]] = []
    perm = rng.permutation(n)
    for a, b in itertools.pairwise(perm):
        p = (int(min(a, b)), int(max(a, b)))
        if len(out) < m and p not in done:
            out.append(p)
            done.add(p)
    rest = [p for p in dense_pairs(n) if p not in done]
    if len(out) < m:
        pick = rng.choice(len(rest), size=m - len(out), replace=False)
        out.extend(rest[int(k)] for k in sorted(pick))
    return out


def bt_complete(P: np.ndarray, weight: np.ndarray, iters: int = 500) -> np.ndarray:
    """``P`` with every pair of zero ``weight`` replaced by its Bradley–Terry prediction
    ``σ(uᵢ − uⱼ)`` fitted on the weighted pairs (Hunter's MM, with a pseudo-count of 0.01
    draws on every pair so the fit exists for any graph). O(iters · n²).

    >>> P = np.array([[.5, .8, 0], [.2, .5, .8], [0, .2, .5]])
    >>> w = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> round(float(bt_complete(P, w)[0, 2]), 2)
    0.94
    """
    n = P.shape[0]
    real = np.where(weight > 0, weight, 0.0)
    np.fill_diagonal(real, 0.0)
    W = real + 0.01  # the pseudo-draws: 0.01 on every pair, half won by each side
    np.fill_diagonal(W, 0.0)
    wins = (real * np.where(weight > 0, P, 0.0)).sum(axis=1) + 0.005 * (n - 1)
    lp = np.zeros(n)
    for _ in range(iters):
        pi = np.exp(lp)
        denom = (W / (pi[:, None] + pi[None, :])).sum(axis=1)
        new = np.log(wins / denom)
        new -= new.mean()
        if np.max(np.abs(new - lp)) < 1e-10:
            lp = new
            break
        lp = new
    fit = 1.0 / (1.0 + np.exp(-(lp[:, None] - lp[None, :])))
    out = np.where(weight > 0, P, fit)
    np.fill_diagonal(out, 0.5)
    return out


def priority_pairs(P: np.ndarray, answers: np.ndarray, m: int,
                   allowed: np.ndarray | None = None) -> list[tuple[int, int]]:
    """The ``m`` unordered pairs of highest priority ``(½ − |Pᵢⱼ − ½| + 0.05) / √(1 +
    answersᵢⱼ)`` among ``allowed`` (default: all), ties broken by index. O(n² log n).

    >>> P = np.array([[.5, .9, .55], [.1, .5, .7], [.45, .3, .5]])
    >>> priority_pairs(P, np.ones((3, 3)), 1)
    [(0, 2)]
    """
    n = P.shape[0]
    iu, ju = np.triu_indices(n, 1)
    pri = (0.5 - np.abs(P[iu, ju] - 0.5) + 0.05) / np.sqrt(1.0 + answers[iu, ju])
    if allowed is not None:
        pri = np.where(allowed[iu, ju], pri, -np.inf)
    order = np.lexsort((np.arange(len(pri)), -pri))
    picked = [k for k in order[:m] if np.isfinite(pri[k])]
    return [(int(iu[k]), int(ju[k])) for k in picked]
