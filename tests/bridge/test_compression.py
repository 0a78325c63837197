"""The compression view: stiff directions move a net's preferences, flat ones do not; the bits
of its confident preferences; the stiff subspace kept and compared; the CLI contract."""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coherence.bridge import (  # noqa: E402
    EXACT_BITS_MAX,
    compare_preferences,
    compression_audit,
    description_length,
    flip_curves,
    hessian_operator,
    lanczos,
    load_subspace,
    perturbed,
    preference_bits,
    stiff_subspace,
    stiff_threshold,
    subspace_overlap,
)
from coherence.cli import main  # noqa: E402
from coherence.errors import InputError  # noqa: E402
from coherence.subagents import count_linear_extensions as COUNT  # noqa: E402

torch.set_num_threads(1)

N_ITEMS = 8


def planted(d: int = 12, seed: int = 0):
    """A linear scorer on ``d`` features whose items vary only in the first two: the loss's
    curvature lives in those two coordinates, and every other direction is exactly flat."""
    g = torch.Generator().manual_seed(seed)
    X = torch.zeros(N_ITEMS, d, dtype=torch.float64)
    X[:, :2] = torch.randn(N_ITEMS, 2, generator=g, dtype=torch.float64)
    w_true = torch.tensor([1.5, -1.0], dtype=torch.float64)
    u = X[:, :2] @ w_true
    i, j = torch.triu_indices(N_ITEMS, N_ITEMS, 1)
    y = torch.sigmoid(3 * (u[i] - u[j]))
    model = torch.nn.Linear(d, 1, bias=False).double()
    with torch.no_grad():
        model.weight.copy_(0.3 * torch.randn(1, d, generator=g, dtype=torch.float64))
    scorer = model  # a module whose forward takes one batch: a scorer
    opt = torch.optim.LBFGS(model.parameters(), max_iter=200, line_search_fn="strong_wolfe")

    def loss():
        z = model(X).squeeze(-1)
        return torch.nn.functional.binary_cross_entropy_with_logits(z[i] - z[j], y)

    def closure():
        opt.zero_grad()
        v = loss()
        v.backward()
        return v

    opt.step(closure)
    return model, scorer, loss, X


class MLP(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.Tanh(),
                                       torch.nn.Linear(8, 1))

    def forward(self, a):
        return self.net(a).squeeze(-1)


def trained_mlp(seed: int):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(100)
    X = torch.randn(N_ITEMS, 3, generator=g, dtype=torch.float64)
    u = X[:, 0] - 0.7 * X[:, 1] + 0.4 * X[:, 2]
    i, j = torch.triu_indices(N_ITEMS, N_ITEMS, 1)
    y = torch.sigmoid(4 * (u[i] - u[j]))
    model = MLP().double()
    opt = torch.optim.Adam(model.parameters(), lr=0.03)

    def loss():
        z = model(X)
        return torch.nn.functional.binary_cross_entropy_with_logits(z[i] - z[j], y)

    for _ in range(300):
        opt.zero_grad()
        loss().backward()
        opt.step()
    return model, loss, X


def test_stiff_direction_flips_more_than_flat_on_planted_example():
    model, scorer, loss, X = planted()
    H = hessian_operator(model, loss)
    eig = lanczos(H, 2)
    assert eig.values[0] > 0 and eig.values[1] > 0
    # the stiff directions live in the two coordinates the items use
    assert float(eig.vectors[2:].abs().max()) < 1e-8
    norms = [0.1, 0.5, 1.0, 3.0]
    fc = flip_curves(scorer, X, eig.vectors, norms, hessian=H, flat=2, device="cpu",
                     counter=COUNT)
    stiff, flat = fc.curve("stiff"), fc.curve("flat")
    assert [t for t, _ in stiff] == norms
    assert all(f == 0.0 for _, f in flat)  # exactly flat: no utility moves
    assert stiff[-1][1] > flat[-1][1]
    assert max(abs(c) for c in fc.flat_curvature) < 1e-10
    np.testing.assert_allclose(fc.stiff_curvature, eig.values, rtol=1e-8)
    # along the stiff direction flips grow with the norm, bits are lost with them
    assert stiff[0][1] <= stiff[-1][1]
    assert fc.stiff[-1].bits_lost is not None and fc.stiff[-1].bits_lost > 0
    assert fc.flat[-1].bits_lost == 0.0


def test_stiff_flips_more_than_flat_on_trained_net():
    model, loss, X = trained_mlp(0)
    H = hessian_operator(model, loss)
    eig = lanczos(H, 3)
    R = float(torch.cat([p.detach().reshape(-1) for p in model.parameters()]).norm())
    fc = flip_curves(model, X, eig.vectors, [0.05 * R, 0.2 * R], hessian=H, flat=4,
                     device="cpu")
    assert fc.stiff[-1].flipped > fc.flat[-1].flipped
    assert min(fc.stiff_curvature) > max(fc.flat_curvature)


def test_preference_bits():
    n = 5
    chain = np.full((n, n), 0.5)
    chain[np.triu_indices(n, 1)] = 0.95
    chain[np.tril_indices(n, -1)] = 0.05
    b = preference_bits(chain, COUNT)
    assert b.exact and math.isclose(b.bits, math.log2(math.factorial(n)))
    assert b.confident_pairs == 10 and math.isclose(b.max_bits, b.bits)
    assert preference_bits(np.full((n, n), 0.5), COUNT).bits == 0.0
    assert preference_bits(chain, None).bits is None  # no counter, no bits
    rps = [[0.5, 0.9, 0.1], [0.1, 0.5, 0.9], [0.9, 0.1, 0.5]]
    assert preference_bits(rps, COUNT).bits is None
    # above the exact limit: the estimate, exact on a chain (one extension)
    m = EXACT_BITS_MAX + 4
    big = np.full((m, m), 0.5)
    big[np.triu_indices(m, 1)] = 0.9
    big[np.tril_indices(m, -1)] = 0.1
    est = preference_bits(big, COUNT)
    assert not est.exact and math.isclose(est.bits, math.log2(math.factorial(m)))
    # a looser margin counts more pairs as confident, never fewer bits
    P = np.array([[0.5, 0.7, 0.9], [0.3, 0.5, 0.8], [0.1, 0.2, 0.5]])
    loose, strict = (preference_bits(P, COUNT, margin=m).bits for m in (0.1, 0.35))
    assert loose >= strict
    with pytest.raises(InputError):
        preference_bits(P, COUNT, margin=0.6)
    with pytest.raises(InputError):
        preference_bits([[0.5, 0.5], [0.5, 0.5]], COUNT)


def test_compare_preferences_counts_what_changed():
    P0 = np.array([[0.5, 0.9, 0.9], [0.1, 0.5, 0.9], [0.1, 0.1, 0.5]])
    same = compare_preferences(P0, P0, counter=COUNT)
    assert (same.flipped, same.bits_lost, same.delta_hard_cyclic_triads) == (0.0, 0.0, 0)
    cyc = np.array([[0.5, 0.9, 0.1], [0.1, 0.5, 0.9], [0.9, 0.1, 0.5]])
    ch = compare_preferences(P0, cyc, counter=COUNT)
    assert math.isclose(ch.flipped, 1 / 3) and ch.delta_hard_cyclic_triads == 1
    assert ch.delta_expected_cyclic_triads > 0
    # the cyclic net still holds 0 ≻ 1 and 1 ≻ 2 confidently: their closure is the whole order
    assert ch.bits_lost == 0.0
    gone = compare_preferences(P0, np.full((3, 3), 0.5), counter=COUNT)
    assert math.isclose(gone.bits_lost, math.log2(6)) and gone.flipped == 1.0
    assert compare_preferences(P0, cyc).bits_lost is None  # no counter


def test_perturbed_restores_parameters_exactly():
    model, _, _ = trained_mlp(1)
    before = [p.detach().clone() for p in model.parameters()]
    N = sum(p.numel() for p in before)
    with pytest.raises(RuntimeError, match="inside"), \
            perturbed(model, torch.ones(N, dtype=torch.float64), 2.0):
        assert any(not torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
        raise RuntimeError("inside")
    assert all(torch.equal(a, p) for a, p in zip(before, model.parameters(), strict=True))
    with pytest.raises(InputError, match="entries"), perturbed(model, torch.ones(3), 1.0):
        pass


def test_stiff_subspace_kept_and_compared_across_seeds(tmp_path):
    subs = []
    for seed in (0, 1):
        model, loss, _ = trained_mlp(seed)
        eig = lanczos(hessian_operator(model, loss), 6)
        sub = stiff_subspace(model, eig, 0.0)
        assert sub.dimension == int((eig.values > 0).sum()) and 0 <= sub.captured <= 1
        subs.append(sub)
    path = tmp_path / "stiff.npz"
    subs[0].save(path)
    back = load_subspace(path)
    assert back.names == subs[0].names and back.shapes == subs[0].shapes
    np.testing.assert_array_equal(back.basis, subs[0].basis)
    assert math.isclose(subspace_overlap(back, subs[0]), 1.0, rel_tol=1e-9)
    across = subspace_overlap(subs[0], subs[1])
    assert 0.0 <= across < 1.0
    with pytest.raises(InputError):
        load_subspace(tmp_path / "missing.npz")


def test_description_length_on_planted_example():
    model, scorer, loss, X = planted()
    eig = lanczos(hessian_operator(model, loss), 2)
    R = float(model.weight.detach().norm())
    dl = description_length(scorer, X, eig.vectors[:, :1])
    assert 0 < dl.precision[0] < R and dl.bits[0] > 0 and dl.total == sum(dl.bits)
    # a flat direction keeps every preference at any size: no bits needed
    flat = torch.zeros(model.weight.numel(), 1, dtype=torch.float64)
    flat[5, 0] = 1.0
    assert description_length(scorer, X, flat).bits == (0.0,)


def test_stiff_threshold():
    assert stiff_threshold(0.5, 0.1, 0.01) == 1.0
    with pytest.raises(InputError):
        stiff_threshold(0.5, 0.0)


def test_compression_audit_report():
    model, loss, X = trained_mlp(0)
    rep = compression_audit(model, loss, X, k=4, flat=2, stiff_used=2, precision_directions=2,
                            norms=[0.1, 1.0], trace_matvecs=12, density_steps=10,
                            counter=COUNT)
    doc = rep.to_json()
    json.dumps(doc)
    assert doc["hessian_top"] == sorted(doc["hessian_top"], reverse=True)
    assert len(doc["hessian_top"]) == 4 and len(doc["ggn_top"]) == 4
    assert [t for t, _ in doc["flips"]["stiff"]] == [0.1, 1.0]
    assert all(0 <= f <= 1 for _, f in doc["flips"]["flat"])
    assert doc["stiff_directions"] == rep.subspace.dimension
    assert doc["preference_bits"] is not None and doc["preference_bits"] > 0
    assert doc["status"] == "coherent"  # a scorer: its majority relation has a utility
    assert "Hessian top 4" in rep.explain()


FACTORY = textwrap.dedent("""
    import torch

    def make():
        torch.manual_seed(0)
        X = torch.linspace(-1, 1, 7).unsqueeze(1)
        net = torch.nn.Sequential(torch.nn.Linear(1, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
        i, j = torch.triu_indices(7, 7, 1)
        y = torch.sigmoid(5 * (X[i, 0] - X[j, 0]))
        def loss():
            z = net(X).squeeze(-1)
            return torch.nn.functional.binary_cross_entropy_with_logits(z[i] - z[j], y)
        opt = torch.optim.Adam(net.parameters(), lr=0.05)
        for _ in range(150):
            opt.zero_grad(); loss().backward(); opt.step()
        return net, loss

    def not_a_pair():
        return torch.nn.Linear(1, 1)
""")


def test_cli_contract(tmp_path, capsys):
    py = tmp_path / "net.py"
    py.write_text(FACTORY)
    items = tmp_path / "items.npy"
    np.save(items, np.linspace(-1, 1, 7)[:, None])
    code = main(["compression", f"{py}:make", "--items", str(items), "--top", "3", "--json",
                 "--no-ggn", "--device", "cpu"])
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert code == 0 and out.count("\n") == 1
    assert len(doc["hessian_top"]) == 3 and doc["ggn_top"] is None
    for key in ("stiff_directions", "preference_bits"):
        assert key in doc
    assert set(doc["flips"]) == {"stiff", "flat"}
    assert all(len(row) == 2 for row in doc["flips"]["stiff"])
    # bad input: exit 2 with one line on stderr
    for argv in ([f"{py}:not_a_pair"], [f"{py}:make", "--top", "1000"], [f"{py}:missing"]):
        code = main(["compression", *argv, "--items", str(items), "--device", "cpu"])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err


def test_what_the_factory_and_the_loss_print_stays_out_of_the_json(tmp_path, capsys):
    py = tmp_path / "net.py"
    py.write_text(FACTORY + textwrap.dedent("""

        print("importing")

        def chatty():
            print("training...")
            model, loss = make()

            def noisy():
                print("loss called")
                return loss()

            return model, noisy
        """))
    items = tmp_path / "items.npy"
    np.save(items, np.linspace(-1, 1, 7)[:, None])
    code = main(["compression", f"{py}:chatty", "--items", str(items), "--top", "2", "--json",
                 "--no-ggn", "--device", "cpu"])
    out = capsys.readouterr().out
    assert code == 0 and out.count("\n") == 1 and json.loads(out)["hessian_top"]


def test_the_html_report_draws_the_spectrum_and_the_flip_curves(tmp_path):
    from coherence.cli import main

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "r.html"
    code = main(["compression", f"{root}/examples/nets/compression_net.py:make", "--items",
                 f"{root}/examples/data/compression_items.json", "--top", "3", "--quiet",
                 "--report", str(out)])
    html = out.read_text()
    assert code in (0, 1)
    assert "Curvature spectrum" in html and "Flip curves" in html
    assert html.count("<polyline") == 2 and html.count('class="bar"') >= 3
