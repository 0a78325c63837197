"""``screen_panel``: the vectorised axiom counts and CCEI of a panel, subject by subject equal to
the exact single-subject functions, on generated panels full of ties and on the data files."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence.budgets import (
    BudgetData,
    budgets_from_csv,
    ccei_fraction,
    efficiency_fraction,
    screen_panel,
    violation_counts,
)
from coherence.strategies import budget_data
from tests.budgets.test_revealed import float_budgets
from tests.cli.test_cli_budgets_data import CKMS, CKMS_ARGS, needs_data, run

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "ckms2014_sample.csv"

subjects = st.one_of(
    budget_data(min_observations=1, max_observations=6, goods=2),
    budget_data(min_observations=2, max_observations=5, goods=3),
    float_budgets(max_t=6),
)
efficiencies = st.sampled_from([Fraction(1), Fraction(9, 10), Fraction(3, 4), 0.95])


def assert_exact(panel, e=1):
    screens = screen_panel(panel, e)
    assert list(screens) == list(panel)
    for name, d in panel.items():
        s = screens[name]
        assert dict(s.counts) == violation_counts(d, e), name
        assert s.ccei_fraction == ccei_fraction(d), name
        assert s.ccei == float(s.ccei_fraction)
    return screens


@settings(max_examples=150)
@given(st.lists(subjects, min_size=1, max_size=8), efficiencies)
def test_screen_equals_the_exact_single_subject_answers(ds, e):
    assert_exact({f"s{i}": d for i, d in enumerate(ds)}, efficiency_fraction(e))


@settings(max_examples=60)
@given(st.lists(st.integers(0, 2**32 - 1), min_size=2, max_size=6))
def test_generic_floats_are_settled_by_the_batch(seeds):
    panel = {}
    for s in seeds:
        rng = np.random.default_rng(s)
        panel[str(s)] = BudgetData(rng.uniform(0.5, 2, (7, 3)), rng.uniform(0.1, 1, (7, 3)))
    screens = assert_exact(panel)
    assert all(v.batched for v in screens.values())


def test_ties_and_repeated_bundles_are_decided_exactly():
    # x_1 lies exactly on budget line 0 and the same bundle is chosen twice: band pairs
    d = BudgetData([[1, 1], [1, 2], [2, 1], [1, 1]], [[1, 1], [2, 0], [0, 2], [1, 1]])
    e = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])
    assert_exact({"tie": d, "plain": e, "again": d})
    assert_exact({"tie": d}, Fraction(3, 4))


def test_extreme_magnitudes_go_to_the_exact_path():
    # quantities 600 orders of magnitude apart: scaled costs underflow, floats cannot decide
    huge = BudgetData([[1, 3], [2, 1]], [[1e300, 0], [0, 1e-300]])
    ordinary = BudgetData([[1, 2], [3, 1]], [[1, 3], [3, 1]])
    screens = assert_exact({"huge": huge, "ordinary": ordinary})
    assert not screens["huge"].batched and screens["ordinary"].batched


def test_the_shipped_sample_matches():
    panel = budgets_from_csv(SAMPLE)
    screens = assert_exact(panel)
    assert sum(v.batched for v in screens.values()) >= len(panel) - 1


@needs_data
@pytest.mark.slow
def test_the_whole_ckms_panel_matches():
    panel = budgets_from_csv(CKMS, subject="id_member", observation="round",
                             intercepts="x_intercept,y_intercept",
                             quantities="x_choice,y_choice")
    screens = assert_exact(panel)
    assert np.mean([v.ccei for v in screens.values()]) == pytest.approx(0.8808, abs=1e-4)


def test_cli_indices_select_what_is_computed():
    code, out, _ = run(SAMPLE, "--format", "json")
    every = json.loads(out)
    code2, out2, err = run(SAMPLE, "--format", "json", "--indices", "ccei")
    some = json.loads(out2)
    assert code == code2 and not err
    for a, b in zip(every["subjects"], some["subjects"], strict=True):
        assert b["ccei"] == a["ccei"] and b["garp_violations"] == a["garp_violations"]
        assert b["cycle"] == a["cycle"]
        for k in ("houtman_maks", "varian", "mpi_max", "mpi_min", "varian_exact"):
            assert b[k] is None
    assert some["summary"]["mean_ccei"] == every["summary"]["mean_ccei"]
    assert some["summary"]["mean_varian"] is None
    assert some["summary"]["mean_varian_exact"] is None
    assert every["summary"]["mean_varian_exact"] is True
    code3, out3, _ = run(SAMPLE, "--indices", "mpi,houtman-maks", "--format", "csv")
    assert code3 == code
    header, first = out3.splitlines()[:2]
    row = dict(zip(header.split(","), first.split(","), strict=True))
    assert row["ccei"] == "" and row["varian"] == "" and row["mpi_max"] and row["houtman_maks"]


def test_cli_indices_refuses_unknown_names(capsys):
    code, out, err = run(SAMPLE, "--indices", "ccei,gini")
    captured = capsys.readouterr()
    lines = (err + captured.err).strip().splitlines()
    assert code == 2 and not out and len(lines) == 1 and "gini" in lines[0]


@needs_data
def test_cli_on_the_ckms_file_with_ccei_only():
    code, out, err = run(CKMS, *CKMS_ARGS, "--indices", "ccei")
    assert code == 1 and not err
    assert out.rstrip().endswith("231 satisfy GARP, 951 violate it; mean CCEI 0.8808, "
                                 "median 0.9303")


def test_cli_indices_names_all_none_and_case():
    _, every, _ = run(SAMPLE, "--format", "json")
    _, mixed, _ = run(SAMPLE, "--format", "json", "--indices", "CCEI,all")
    assert json.loads(mixed) == json.loads(every)
    _, none, err = run(SAMPLE, "--format", "json", "--indices", "none")
    rows = json.loads(none)["subjects"]
    assert not err and all(r["ccei"] is None and r["mpi_max"] is None for r in rows)
    assert [r["garp_violations"] for r in rows] == [
        r["garp_violations"] for r in json.loads(every)["subjects"]]
    _, out, _ = run(SAMPLE, "--indices", "none")
    assert "mean CCEI" not in out.splitlines()[-1]


@pytest.mark.parametrize("value", ["", ",", " , "])
def test_cli_indices_refuses_an_empty_list(value, capsys):
    code, out, err = run(SAMPLE, "--indices", value)
    lines = (err + capsys.readouterr().err).strip().splitlines()
    assert code == 2 and not out and len(lines) == 1 and "at least one index" in lines[0]


@pytest.mark.parametrize("value", ["all,bogus", "none,ccei", "all,none"])
def test_cli_indices_refuses_unknown_names_beside_all_or_none(value, capsys):
    code, out, err = run(SAMPLE, "--indices", value)
    lines = (err + capsys.readouterr().err).strip().splitlines()
    assert code == 2 and not out and len(lines) == 1


def test_large_subjects_and_bad_values():
    rng = np.random.default_rng(1)
    big = BudgetData(rng.uniform(0.5, 2, (80, 2)), rng.uniform(0, 1, (80, 2)))
    screens = assert_exact({"big": big, "small": BudgetData([[1, 2], [3, 1]], [[1, 3], [3, 1]])})
    assert not screens["big"].batched and screens["small"].batched
    from coherence.errors import InputError

    with pytest.raises(InputError, match="expected BudgetData"):
        screen_panel({"a": [[1, 2]]})
    with pytest.raises(InputError, match="mapping"):
        screen_panel([big])


def test_exact_bundles_and_integers_beyond_float_precision():
    # bundles that differ by 10⁻³⁰ are different bundles; integers above 2⁵³ stay exact
    tiny = Fraction(1, 10**30)
    d = BudgetData([[1, 1], [1, 1]], [[Fraction(1, 3), 1], [Fraction(1, 3) + tiny, 1 - tiny]])
    n = 10**17
    big = BudgetData([[1, 1], [1, 2]], [[n + 1, 0], [0, n // 2 - 1]])
    same = BudgetData([[1, 1], [1, 2]], [[Fraction(n + 1), 0], [0, Fraction(n // 2 - 1)]])
    arr = BudgetData(np.array([[1, 1], [1, 2]]), np.array([[n + 1, 0], [0, n // 2 - 1]]))
    assert big.exact_given and arr.exact_given
    assert violation_counts(big) == violation_counts(same) == violation_counts(arr)
    screens = assert_exact({"d": d, "big": big})
    assert screens["d"].counts["sarp"] == 2 and screens["d"].counts["warp"] == 1
