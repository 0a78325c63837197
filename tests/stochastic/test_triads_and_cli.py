"""Triad conditions against brute force, the CSV reader and ``coherence stochastic``."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence.stochastic import StochasticChoice, check_triads, stochastic_from_csv

#: the shared data folder beside the repository (as a fresh clone sees it)
TVERSKY = (Path(__file__).resolve().parents[2].parent / "shared" / "data" / "stochastic"
           / "tversky1969_counts.csv")
needs_data = pytest.mark.skipif(not TVERSKY.exists(), reason="the shared data sets are not here")


def _brute(d: StochasticChoice) -> dict[str, int]:
    n, half = d.n, Fraction(1, 2)
    p = d.probability
    out = dict.fromkeys(("weak_stochastic_transitivity", "moderate_stochastic_transitivity",
                         "strong_stochastic_transitivity", "triangle_inequality"), 0)
    for a, b, c in itertools.permutations(range(n), 3):
        pab, pbc, pac, pca = p(a, b), p(b, c), p(a, c), p(c, a)
        out["triangle_inequality"] += pab + pbc + pca > 2
        if pab >= half and pbc >= half:
            out["weak_stochastic_transitivity"] += pac < half
            out["moderate_stochastic_transitivity"] += pac < min(pab, pbc)
            out["strong_stochastic_transitivity"] += pac < max(pab, pbc)
    return out


@settings(max_examples=40, deadline=None, database=None)
@given(st.integers(3, 6), st.data())
def test_triad_counts_match_brute_force(n: int, data: st.DataObject) -> None:
    m = n * (n - 1) // 2
    vals = data.draw(st.lists(st.integers(0, 4), min_size=m, max_size=m))
    P = [[Fraction(0)] * n for _ in range(n)]
    for (i, j), v in zip(itertools.combinations(range(n), 2), vals, strict=True):
        P[i][j], P[j][i] = Fraction(v, 4), 1 - Fraction(v, 4)
    d = StochasticChoice.from_matrix(P)
    want = _brute(d)
    for t in check_triads(d):
        assert t.violations == want[t.condition] and t.holds == (t.violations == 0)
        assert (t.witness is None) == t.holds


@needs_data
def test_tversky_file_reads_as_it_is() -> None:
    panel = stochastic_from_csv(str(TVERSKY))
    assert sorted(panel) == [str(k) for k in range(1, 9)]
    d = panel["1"]
    assert d.n == 5 and d.probability("a", "b") == Fraction(3, 4)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coherence", "stochastic", *args],
                          capture_output=True, text=True, check=False)


@pytest.mark.slow
@needs_data
def test_cli_json_contract_on_tversky() -> None:
    r = _cli(str(TVERSKY), "--json")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    rows = {s["subject"]: s for s in doc["subjects"]}
    assert [rows[k]["coherent"] for k in sorted(rows)] == [False] * 6 + [True] * 2
    bad, good = rows["2"]["certificate"], rows["8"]["certificate"]
    assert bad["kind"] == "separating_inequality" and bad["bound"] == "2"
    assert {(t["better"], t["worse"]) for t in bad["terms"]} == {("b", "c"), ("d", "b"),
                                                                ("c", "d")}
    assert good["kind"] == "random_utility"
    assert sum(Fraction(w) for w in good["weights"]) == 1
    assert all(len(o) == 5 for o in good["orders"])


@pytest.mark.slow
def test_cli_exit_codes(tmp_path: Path) -> None:
    ok = tmp_path / "ok.csv"
    ok.write_text("item_a,item_b,p\na,b,0.6\nb,c,3/5\na,c,0.7\n")
    assert _cli(str(ok)).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("item_a,item_b,p\na,b,1.5\n")
    r = _cli(str(bad))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    counts = tmp_path / "c.csv"
    counts.write_text("subject,item_a,item_b,n_a,n_b\ns,a,b,-1,3\n")
    assert _cli(str(counts)).returncode == 2


@settings(max_examples=40, deadline=None, database=None)
@given(st.integers(3, 7), st.sampled_from([4, 6, 20]), st.data())
def test_uncounted_existence_matches_brute_force(n: int, K: int, data: st.DataObject) -> None:
    m = n * (n - 1) // 2
    vals = data.draw(st.lists(st.integers(0, K), min_size=m, max_size=m))
    P = [[Fraction(0)] * n for _ in range(n)]
    for (i, j), v in zip(itertools.combinations(range(n), 2), vals, strict=True):
        P[i][j], P[j][i] = Fraction(v, K), 1 - Fraction(v, K)
    d = StochasticChoice.from_matrix(P)
    want = _brute(d)
    for t in check_triads(d, count=False):
        assert t.holds == (want[t.condition] == 0) and (t.witness is None) == t.holds
        if t.condition != "weak_stochastic_transitivity":
            assert t.violations is None


def test_triangle_scan_without_a_grid() -> None:
    # probabilities with a large common denominator take the scan, not the max-plus product
    P = [[Fraction(0)] * 4 for _ in range(4)]
    vals = [Fraction(97, 101), Fraction(96, 101), Fraction(1, 103), Fraction(50, 107),
            Fraction(1, 2), Fraction(95, 101)]
    for (i, j), v in zip(itertools.combinations(range(4), 2), vals, strict=True):
        P[i][j], P[j][i] = v, 1 - v
    d = StochasticChoice.from_matrix(P)
    want = _brute(d)
    for t in check_triads(d, count=False):
        assert t.holds == (want[t.condition] == 0)


@pytest.mark.parametrize("kind", ["mixture", "random", "fine"])
def test_existence_agrees_with_counting_at_80_items(kind: str) -> None:
    import numpy as np

    n, rng = 80, np.random.default_rng(5)
    if kind == "mixture":  # the triangle inequality holds; the max-plus product proves it
        ranks = [np.argsort(rng.permutation(n)) for _ in range(4)]
        N = sum(k * (r[:, None] < r[None, :]) for r, k in zip(ranks, (5, 7, 3, 5), strict=True))
    else:
        N = rng.integers(0, 21 if kind == "random" else 1000, size=(n, n))
    d = StochasticChoice.from_counts(np.asarray(N).tolist())
    full = check_triads(d, count=True)
    fast = check_triads(d, count=False)
    for a, b in zip(full, fast, strict=True):
        assert a.holds == b.holds and (b.witness is None) == b.holds
    assert full[3].holds == (kind == "mixture")
