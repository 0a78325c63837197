"""Batched GARP/CCEI against brute force and the CPU budget-data module."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coherence.bridge import batched_closure, garp_ccei  # noqa: E402


def _brute_garp(p, x, e=1.0):
    E = p @ x.T
    own = np.diag(E)
    R = e * own[:, None] >= E
    P0 = e * own[:, None] > E
    T = len(p)
    C = R | np.eye(T, dtype=bool)
    for k in range(T):  # Floyd–Warshall closure
        C = C | (C[:, [k]] & C[[k], :])
    return not (C & P0.T).any()


def _brute_ccei(p, x):
    E = p @ x.T
    own = np.diag(E)
    if _brute_garp(p, x):
        return 1.0
    r = np.unique((E / own[:, None]).ravel())
    r = np.concatenate([[0.0], r[(r > 0) & (r < 1)], [1.0]])
    best = 0.0
    for a, b in itertools.pairwise(r):
        if _brute_garp(p, x, (a + b) / 2):
            best = b
        else:
            break
    return best


def _data(S=40, T=6, K=3, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.5, 2.0, (S, T, K))
    x = rng.uniform(0.0, 2.0, (S, T, K))
    # make half the subjects rational: Cobb–Douglas demand on their budgets
    a = rng.dirichlet(np.ones(K), S)
    m = (p * x).sum(-1, keepdims=True)
    x[: S // 2] = (a[:, None, :] * m / p)[: S // 2]
    return p, x


def test_garp_and_ccei_match_brute_force():
    p, x = _data()
    res = garp_ccei(p, x, device="cpu")
    for s in range(p.shape[0]):
        assert res.garp[s] == _brute_garp(p[s], x[s])
        assert res.ccei[s] == pytest.approx(_brute_ccei(p[s], x[s]), abs=1e-12)
    assert res.garp[: p.shape[0] // 2].all()
    assert 0 < res.pass_rate < 1


def test_matches_cpu_budget_module():
    revealed = pytest.importorskip("coherence.budgets")
    indices = pytest.importorskip("coherence.budgets")
    from coherence.budgets import BudgetData

    p, x = _data(S=20, T=7, seed=1)
    res = garp_ccei(p, x, device="cpu")
    for s in range(p.shape[0]):
        data = BudgetData.from_numpy(p[s], x[s])
        assert bool(res.garp[s]) == revealed.garp_holds(data)
        assert res.ccei[s] == pytest.approx(indices.ccei(data), abs=1e-9)


def test_closure_is_transitive():
    rng = np.random.default_rng(2)
    R = torch.as_tensor(rng.random((5, 9, 9)) < 0.15)
    C = batched_closure(R).numpy()
    for s in range(5):
        Cb = C[s].astype(int)
        assert ((Cb @ Cb > 0) <= C[s]).all()
        assert (R.numpy()[s] <= C[s]).all()


@pytest.mark.parametrize(
    "p, x, msg",
    [
        (np.ones((2, 3, 2)), np.ones((2, 4, 2)), "must both be"),
        (-np.ones((1, 3, 2)), np.ones((1, 3, 2)), "positive"),
        (np.ones((1, 3, 2)), -np.ones((1, 3, 2)), "non-negative"),
        (np.full((1, 3, 2), np.nan), np.ones((1, 3, 2)), "finite"),
        (np.ones((1, 3, 2)), np.zeros((1, 3, 2)), "positive cost"),
    ],
)
def test_bad_budget_input(p, x, msg):
    with pytest.raises(ValueError, match=msg):
        garp_ccei(p, x, device="cpu")
