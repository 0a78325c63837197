"""Sample tests on counts: the fits against brute force, the p-values' behaviour, the seed,
the verdict's quantities and the CLI's ``tests`` beside the certificate."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import check
from coherence.errors import InputError
from coherence.stochastic import StochasticChoice, check_random_utility, sample_test
from coherence.stochastic._sampling import _Projection

TVERSKY = (Path(__file__).resolve().parents[2].parent / "shared" / "data" / "stochastic"
           / "tversky1969_counts.csv")


def _cycle(k: int, of: int) -> StochasticChoice:
    return StochasticChoice.from_counts([[0, k, of - k], [of - k, 0, k], [k, of - k, 0]])


def _g2_pair(k: int, total: int, q: float) -> float:
    out = 0.0
    for c, p in ((k, q), (total - k, 1 - q)):
        if c:
            out += c * math.log(c / total / p)
    return 2 * out


def test_cycle_statistic_is_the_projection_onto_the_triangle_facet() -> None:
    t = sample_test(_cycle(18, 20), bootstrap=0)
    # P = 0.9 on each arc; the projection lowers each by 0.7/3 onto Σ = 2
    assert t.statistic == pytest.approx(3 * _g2_pair(18, 20, 0.9 - 0.7 / 3), rel=1e-6)
    assert t.p_value == 1.0 and t.trials == 60


def test_significance_grows_with_the_sample() -> None:
    small = sample_test(_cycle(3, 4), bootstrap=100)
    big = sample_test(_cycle(90, 100), bootstrap=100)
    assert small.p_value > 0.05 and big.p_value < 0.02
    assert 0 < small.p_value <= 1


def test_seed_fixes_the_p_value_and_is_named() -> None:
    d = _cycle(14, 20)
    a, b = sample_test(d, bootstrap=60, seed=7), sample_test(d, bootstrap=60, seed=7)
    assert a == b and "seed 7" in a.method and "60 samples" in a.method
    assert a.to_json()["seed"] == 7


def test_coherent_counts_have_p_value_one() -> None:
    d = StochasticChoice.from_counts([[0, 12, 11], [8, 0, 12], [9, 8, 0]])
    for hyp in ("random_utility", "weak_stochastic_transitivity"):
        t = sample_test(d, hypothesis=hyp)
        assert (t.statistic, t.p_value) == (0.0, 1.0)


def _wst_brute(N: np.ndarray) -> float:
    n = len(N)
    best = math.inf
    for order in itertools.permutations(range(n)):
        rank = {v: k for k, v in enumerate(order)}
        g = 0.0
        for a, b in itertools.combinations(range(n), 2):
            hi, lo = (a, b) if rank[a] < rank[b] else (b, a)
            tot = N[hi, lo] + N[lo, hi]
            if tot and N[hi, lo] / tot < 0.5:
                g += _g2_pair(int(N[hi, lo]), int(tot), 0.5)
        best = min(best, g)
    return best


@settings(max_examples=25, deadline=None, database=None)
@given(st.integers(3, 5), st.data())
def test_wst_fit_is_the_maximum_likelihood_over_all_boxes(n: int, data: st.DataObject) -> None:
    N = np.zeros((n, n), dtype=int)
    for a, b in itertools.combinations(range(n), 2):
        k = data.draw(st.integers(0, 6))
        N[a, b], N[b, a] = k, 6 - k
    t = sample_test(StochasticChoice.from_counts(N), hypothesis="weak_stochastic_transitivity",
                    bootstrap=0)
    assert t.statistic == pytest.approx(_wst_brute(N), abs=1e-9)


@settings(max_examples=15, deadline=None, database=None)
@given(st.data())
def test_column_generation_projection_matches_all_orders(data: st.DataObject) -> None:
    n = 5
    N = np.zeros((n, n), dtype=int)
    for a, b in itertools.combinations(range(n), 2):
        k = data.draw(st.integers(0, 10))
        N[a, b], N[b, a] = k, 10 - k
    d = StochasticChoice.from_counts(N)
    totals = np.full(len(d.records), 10)
    p = np.array([float(r.p_a) for r in d.records])
    full = _Projection(d, totals)
    assert full.exhaustive
    cg = _Projection(d, totals)
    cg.exhaustive = False
    cg.cols = full.cols[:, :2]
    cg.seen = {tuple(c) for c in cg.cols.T}

    def dist(pi: np.ndarray) -> float:
        return float(np.sum(10 * (pi - p) ** 2))

    assert dist(cg.fit(p)) == pytest.approx(dist(full.fit(p)), abs=1e-7)


def test_ternary_counts_are_tested_against_weak_orders() -> None:
    z = [[0, 1, 1], [1, 0, 1], [1, 1, 0]]
    d = StochasticChoice.from_counts([[0, 17, 1], [1, 0, 17], [17, 1, 0]], indifferent=z)
    t = sample_test(d, bootstrap=40)
    assert t.statistic > 0 and t.p_value < 0.1
    with pytest.raises(InputError, match="forced choice"):
        sample_test(d, hypothesis="weak_stochastic_transitivity")


def test_bad_requests_are_input_errors() -> None:
    probs = StochasticChoice.from_probabilities({("a", "b"): 0.5})
    with pytest.raises(InputError, match="counts"):
        sample_test(probs)
    with pytest.raises(InputError, match="hypothesis"):
        sample_test(_cycle(3, 4), hypothesis="strong")
    with pytest.raises(InputError, match="bootstrap"):
        sample_test(_cycle(3, 4), bootstrap=-1)


def test_verdict_separates_violation_from_significance() -> None:
    few = check(_cycle(3, 4))
    assert not few.coherent and few.quantities["p_value"] > 0.05
    assert "bootstrap" in few.quantities["test"]
    many = check_random_utility(_cycle(90, 100), bootstrap=50)
    assert not many.coherent and many.quantities["p_value"] < 0.05
    assert "p_value" not in check_random_utility(_cycle(3, 4), bootstrap=None).quantities
    ok = check(StochasticChoice.from_counts([[0, 3], [1, 0]]))
    assert ok.coherent and ok.quantities["p_value"] == 1.0


@pytest.mark.slow
@pytest.mark.skipif(not TVERSKY.exists(), reason="the shared data sets are not here")
def test_cli_reports_tests_beside_the_certificate() -> None:
    r = subprocess.run([sys.executable, "-m", "coherence", "stochastic", str(TVERSKY), "--json",
                        "--bootstrap", "30", "--seed", "3"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 1, r.stderr
    rows = {s["subject"]: s for s in json.loads(r.stdout)["subjects"]}
    for row in rows.values():
        hyps = [t["hypothesis"] for t in row["tests"]]
        assert hyps == ["random_utility", "weak_stochastic_transitivity"]
        assert all(t["seed"] == 3 and t["bootstrap"] == 30 for t in row["tests"])
        assert row["coherent"] == (row["tests"][0]["statistic"] == 0)
    text = subprocess.run([sys.executable, "-m", "coherence", "stochastic", str(TVERSKY),
                           "--bootstrap", "10"], capture_output=True, text=True, check=False)
    assert "random utility: G² = " in text.stdout and "p = " in text.stdout
    bad = subprocess.run([sys.executable, "-m", "coherence", "stochastic", str(TVERSKY),
                          "--bootstrap", "-2"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_projection_on_a_degenerate_pool_is_the_nearest_point() -> None:
    # all 120 orders of 5 items, many giving the same projection: NNLS with one penalty
    # weight once stopped 0.0013 above the distance two orders reach
    n = 5
    N = np.zeros((n, n), dtype=int)
    for (a, b), k in zip(itertools.combinations(range(n), 2), [0, 0, 0, 0, 6, 5, 0, 2, 4, 8],
                         strict=True):
        N[a, b], N[b, a] = k, 10 - k
    d = StochasticChoice.from_counts(N)
    totals = np.full(len(d.records), 10)
    p = np.array([float(r.p_a) for r in d.records])
    full = _Projection(d, totals)
    assert float(np.sum(10 * (full.fit(p) - p) ** 2)) == pytest.approx(0.3, abs=1e-9)
