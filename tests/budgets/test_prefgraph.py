"""Side-by-side checks against PrefGraph (skipped when it is not installed)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from coherence import BudgetData, ccei, garp_holds, houtman_maks, mpi_bounds

pg = pytest.importorskip("prefgraph")


def session(d: BudgetData):
    return pg.ConsumerSession(prices=np.array(d.prices), quantities=np.array(d.quantities))


@pytest.mark.parametrize(("T", "seed"), [(5, 0), (10, 1), (30, 2), (100, 3), (300, 4)])
def test_garp_and_ccei_agree_on_random_data(T, seed):
    rng = np.random.default_rng(seed)
    d = BudgetData(rng.uniform(0.5, 2, (T, 5)), rng.uniform(0, 1, (T, 5)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = session(d)
        assert pg.check_garp(s).is_consistent == garp_holds(d)
        assert pg.compute_aei(s).efficiency_index == pytest.approx(ccei(d), abs=1e-9)


@pytest.mark.parametrize(("T", "seed"), [(5, 0), (10, 1), (20, 2)])
def test_mpi_bounds_agree_on_random_data(T, seed):
    rng = np.random.default_rng(seed)
    d = BudgetData(rng.uniform(0.5, 2, (T, 5)), rng.uniform(0, 1, (T, 5)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        b = pg.compute_mpi_bounds(session(d))
    lo, hi = mpi_bounds(d)
    assert b.maximum_mpi == pytest.approx(hi, abs=1e-6)
    assert b.minimum_mpi == pytest.approx(lo, abs=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_garp_agrees_on_rationalizable_data(seed):
    rng = np.random.default_rng(seed)
    T, K = 40, 3
    X = rng.integers(1, 10, (T, K)).astype(float)
    a = rng.integers(1, 5, K).astype(float)
    d = BudgetData(a[None, :] / X, X)  # Cobb–Douglas gradients: GARP holds exactly
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert pg.check_garp(session(d)).is_consistent and garp_holds(d)
        assert pg.compute_aei(session(d)).efficiency_index == pytest.approx(1.0)
    assert ccei(d) == 1.0


def test_houtman_maks_removal_sets_are_checked_by_the_definition():
    """Where the two disagree, the removal set must restore GARP (ours always does)."""
    rng = np.random.default_rng(1)
    for T in (10, 20):
        P, X = rng.uniform(0.5, 2, (T, 5)), rng.uniform(0, 1, (T, 5))
        d = BudgetData(P, X)
        ours = houtman_maks(d)
        assert garp_holds(d.subset([t for t in range(T) if t not in ours.removed]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = pg.compute_houtman_maks_index(session(d))
        removed = list(theirs.removed_observations)
        if len(removed) < ours.index:
            # fewer removals than our exact optimum can only leave a violation
            assert not garp_holds(d.subset([t for t in range(T) if t not in removed]))
