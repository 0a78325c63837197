"""Tiny nets trained inside the tests on synthetic comparisons.

Items are points on a circle with a utility coordinate. The hidden preference has log-odds
``u(a) − u(b) + κ·sin(θ_a − θ_b)``: a utility plus a planted rock–paper–scissors component.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")
# one thread: the nets are tiny, and on a loaded machine more threads only contend
torch.set_num_threads(1)

N_ITEMS = 9
KAPPA = 4.0


def item_features(n: int = N_ITEMS) -> np.ndarray:
    theta = 2 * math.pi * np.arange(n) / n
    z = np.linspace(-1.0, 1.0, n)[np.random.default_rng(3).permutation(n)]
    return np.stack([np.cos(theta), np.sin(theta), z], axis=1).astype(np.float32)


def hidden_logit(xa: np.ndarray, xb: np.ndarray, kappa: float = KAPPA) -> np.ndarray:
    """Log-odds that a is preferred to b: utility 0.5·z plus κ·sin(θa − θb)."""
    util = 0.5 * (xa[..., 2] - xb[..., 2])
    cyc = kappa * (xa[..., 1] * xb[..., 0] - xa[..., 0] * xb[..., 1])
    return util + cyc


def hidden_P(X: np.ndarray, kappa: float = KAPPA) -> np.ndarray:
    L = hidden_logit(X[:, None, :], X[None, :, :], kappa)
    P = 1 / (1 + np.exp(-L))
    np.fill_diagonal(P, 0.5)
    return P


class PairNet(torch.nn.Module):
    """A comparator ``f(a, b) → logit``; not antisymmetric by construction."""

    def __init__(self, d: int = 3, h: int = 32) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(2 * d, h), torch.nn.Tanh(), torch.nn.Linear(h, h), torch.nn.Tanh(),
            torch.nn.Linear(h, 1),
        )

    def forward(self, a, b):
        return self.net(torch.cat([a, b], dim=-1)).squeeze(-1)


class ScoreNet(torch.nn.Module):
    """A scorer ``f(a) → utility``."""

    def __init__(self, d: int = 3, h: int = 16) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(d, h), torch.nn.Tanh(), torch.nn.Linear(h, 1)
        )

    def forward(self, a):
        return self.net(a).squeeze(-1)


def _pairs(X: np.ndarray):
    """Every ordered pair of items with its hidden choice probability as a soft label."""
    i, j = np.nonzero(~np.eye(len(X), dtype=bool))
    target = 1 / (1 + np.exp(-hidden_logit(X[i], X[j])))
    return (torch.as_tensor(X[i]), torch.as_tensor(X[j]),
            torch.as_tensor(target, dtype=torch.float32))


def train_comparator(X: np.ndarray, steps: int = 150, seed: int = 0) -> PairNet:
    torch.manual_seed(seed)
    net = PairNet(X.shape[1])
    a, b, y = _pairs(X)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(net(a, b), y)
        loss.backward()
        opt.step()
    return net.eval()


def train_scorer(X: np.ndarray, steps: int = 150, seed: int = 0) -> ScoreNet:
    """Bradley–Terry training of a scorer on the same (partly cyclic) comparisons."""
    torch.manual_seed(seed)
    net = ScoreNet(X.shape[1])
    a, b, y = _pairs(X)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(net(a) - net(b), y)
        loss.backward()
        opt.step()
    return net.eval()


@pytest.fixture(scope="session")
def items() -> np.ndarray:
    return item_features()


@pytest.fixture(scope="session")
def comparator(items):
    return train_comparator(items)


@pytest.fixture(scope="session")
def scorer(items):
    return train_scorer(items)


def random_P(rng: np.random.Generator, n: int, *, ties: bool = False) -> np.ndarray:
    """A random matrix with ``P + Pᵀ = 1``; with ``ties`` some entries are exactly 0, ½ or 1."""
    U = rng.random((n, n))
    if ties:
        U = np.where(rng.random((n, n)) < 0.3, rng.choice([0.0, 0.5, 1.0], (n, n)), U)
    P = np.triu(U, 1)
    P = P + np.tril(1 - P.T, -1)
    np.fill_diagonal(P, 0.5)
    return P
