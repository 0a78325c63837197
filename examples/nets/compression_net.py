"""A small scorer trained on pairwise comparisons, for ``coherence compression``.

``make()`` trains the net (a few hundred Adam steps, under a second on a CPU) and returns
``(model, loss)``: the model as ``coherence audit-net`` takes it, and the zero-argument
training loss at its current parameters. The items it was trained on are in
``examples/data/compression_items.json``.

Run: ``coherence compression examples/nets/compression_net.py:make
--items examples/data/compression_items.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

ITEMS = Path(__file__).resolve().parents[1] / "data" / "compression_items.json"


def make(seed: int = 0):
    torch.manual_seed(seed)
    X = torch.tensor(json.loads(ITEMS.read_text())["items"], dtype=torch.float64)
    n = X.shape[0]
    # the hidden preference: a utility of the first two features
    u = X[:, 0] - 0.5 * X[:, 1]
    i, j = torch.triu_indices(n, n, 1)
    target = torch.sigmoid(4.0 * (u[i] - u[j]))
    net = torch.nn.Sequential(torch.nn.Linear(X.shape[1], 8), torch.nn.Tanh(),
                              torch.nn.Linear(8, 1)).double()

    def loss():
        z = net(X).squeeze(-1)
        return torch.nn.functional.binary_cross_entropy_with_logits(z[i] - z[j], target)

    opt = torch.optim.Adam(net.parameters(), lr=0.03)
    for _ in range(400):
        opt.zero_grad()
        loss().backward()
        opt.step()
    return net, loss
