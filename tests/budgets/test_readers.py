"""Reading budget data as it comes: wide, long and intercept layouts, named and patterned
columns, subjects keyed by several columns, goods per subject, exact cells, and errors that
name the line and the column."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from coherence.budgets import BudgetData, BudgetPanel, budgets_from_csv
from coherence.errors import (
    BudgetShapeError,
    InputError,
    NegativeQuantityError,
    NonFiniteError,
    NonPositivePriceError,
    ZeroExpenditureError,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
AM = DATA / "andreoni_miller_2002" / "am2002_long.csv"
CKMS = DATA / "ckms2014" / "ckms2014_long.csv"
TOYS = DATA / "revealedprefs_toy" / "revealedPrefs_toy_long.csv"
needs_data = pytest.mark.skipif(not AM.exists(), reason="the shared data sets are not here")


def write(tmp_path: Path, text: str, name: str = "b.csv") -> Path:
    f = tmp_path / name
    f.write_text(text)
    return f


# -- the shared data sets, as they are ------------------------------------------------------


@needs_data
def test_andreoni_miller_reads_with_a_two_column_key_and_patterns():
    panel = budgets_from_csv(AM, subject="experiment,subject", observation="budget",
                             prices="price_*", quantities="*_points")
    assert len(panel) == 176
    e1 = [s for s in panel.subjects if s.startswith("E1/")]
    e2 = [s for s in panel.subjects if s.startswith("E2/")]
    assert len(e1) == 142 and len(e2) == 34
    assert {panel[s].T for s in e1} == {8} and {panel[s].T for s in e2} == {11}
    d = panel["E1/1"]
    assert d.goods == ("hold", "pass")
    # 0.3333333333333333 in the file is the 1/3 it was written for
    assert d.exact_prices(0) == (Fraction(1, 3), Fraction(1))
    assert d.exact_cost(0, 0) == 40  # m_tokens
    assert panel.observation_labels("E2/1") == tuple(str(b) for b in range(1, 12))


@needs_data
def test_ckms_intercepts_are_exact_prices_with_income_one():
    panel = budgets_from_csv(CKMS, subject="id_member", observation="round",
                             intercepts="x_intercept,y_intercept",
                             quantities="x_choice,y_choice")
    assert len(panel) == 1182 and {d.T for d in panel.values()} == {25}
    d = panel["6502"]
    # intercepts 93.6 and 92.2: prices exactly 10/936 and 10/922
    assert d.exact_prices(0) == (Fraction(10, 936), Fraction(10, 922))
    assert d.exact_quantities(0) == (Fraction(46), Fraction(469, 10))
    assert d.goods == ("x_choice", "y_choice")


@needs_data
def test_ckms_intercepts_by_pattern(tmp_path):
    part = write(tmp_path, "\n".join(CKMS.read_text().splitlines()[:51]) + "\n")
    same = budgets_from_csv(part, subject="id_member", intercepts="*_intercept",
                            quantities="*_choice")
    assert same.subjects == ("6502", "11501") and same["6502"].goods == ("x", "y")
    assert same["6502"].exact_prices(3) == (Fraction(10, 768), Fraction(10, 902))


@needs_data
def test_revealedprefs_toys_read_long_with_goods_per_subject():
    panel = budgets_from_csv(TOYS, subject="dataset", observation="obs", good="good",
                             price="p", quantity="x")
    assert panel.subjects == ("noAxiom", "noGarp", "noSarp", "noWarp", "okSarp")
    assert {s: panel[s].K for s in panel.subjects} == {
        "noAxiom": 3, "noGarp": 3, "noSarp": 6, "noWarp": 3, "okSarp": 3}
    d = panel["noAxiom"]
    assert d.goods == ("1", "2", "3")
    assert d.quantities.tolist() == [[2, 2, 10], [4, 6, 6], [4, 2, 9]]
    assert d.prices.tolist() == [[4, 1, 3], [2, 5, 2], [4, 9, 7]]


@needs_data
def test_pandas_frames_of_the_shared_data_match_the_csv_reader():
    pd = pytest.importorskip("pandas")
    spec = {"subject": ["experiment", "subject"], "observation": "budget",
            "prices": ["price_hold", "price_pass"], "quantities": ["hold_points", "pass_points"]}
    frame = BudgetPanel.from_dataframe(pd.read_csv(AM), **spec)
    text = BudgetPanel.from_dataframe(pd.read_csv(AM, dtype=str), **spec)
    csv = budgets_from_csv(AM, **spec)
    assert frame.subjects == text.subjects == csv.subjects
    for s in ("E1/1", "E2/34"):
        for p in (frame, text):
            assert p[s].exact_prices(0) == csv[s].exact_prices(0)
            assert np.array_equal(p[s].quantities, csv[s].quantities)
        assert frame.observation_labels(s) == csv.observation_labels(s)


# -- layouts ----------------------------------------------------------------------------------


def test_two_patterns_pair_goods_by_name(tmp_path):
    f = write(tmp_path, "id,price_b,price_a,a_qty,b_qty\n1,2,1,3,0\n1,1,2,0,3\n")
    d = budgets_from_csv(f, subject="id", prices="price_*", quantities="*_qty")["1"]
    assert d.goods == ("a", "b")
    assert d.prices.tolist() == [[1, 2], [2, 1]] and d.quantities.tolist() == [[3, 0], [0, 3]]
    # lists pair by position and name the goods after the quantity columns
    d = budgets_from_csv(f, subject="id", prices="price_a,price_b",
                         quantities=["a_qty", "b_qty"])["1"]
    assert d.goods == ("a_qty", "b_qty") and d.prices.tolist() == [[1, 2], [2, 1]]


def test_default_columns_and_no_subject_column(tmp_path):
    f = write(tmp_path, "p_a,p_b,x_a,x_b,note\n1,2,1,2,z\n2,1,2,1,\n")
    panel = budgets_from_csv(f)
    assert panel.subjects == ("1",) and panel["1"].goods == ("a", "b")
    assert panel.observation_labels("1") == ("1", "2")
    assert BudgetPanel.from_csv(f, subject=None)["1"].T == 2
    with pytest.raises(BudgetShapeError, match="no column 'subject'"):
        budgets_from_csv(f, require_subject=True)


def test_wide_subjects_with_different_goods(tmp_path):
    f = write(tmp_path, "s,p_1,p_2,p_3,x_1,x_2,x_3\n"
                        "a,1,2,,1,2,\na,2,1,,2,1,\n"
                        "b,1,1,1,1,0,1\nb,1,2,3,0,1,1\n")
    panel = budgets_from_csv(f, subject="s")
    assert panel["a"].goods == ("1", "2") and panel["b"].goods == ("1", "2", "3")
    # a good with a cell filled in some rows and empty in others is an error at that cell
    g = write(tmp_path, "s,p_1,p_2,x_1,x_2\na,1,2,1,2\na,2,,2,1\n", "g.csv")
    with pytest.raises(InputError, match=r"line 3, column p_2: missing value"):
        budgets_from_csv(g, subject="s")


def test_long_layout_checks_every_observation_has_every_good(tmp_path):
    f = write(tmp_path, "id,t,g,p,q\n1,1,a,1,2\n1,1,b,2,1\n1,2,a,2,1\n")
    with pytest.raises(BudgetShapeError, match=r"line 4: subject 1, observation '2' has no row "
                                               "for good 'b'"):
        budgets_from_csv(f, subject="id", observation="t", good="g", price="p", quantity="q")
    f = write(tmp_path, "id,t,g,p,q\n1,1,a,1,2\n1,1,a,2,1\n")
    with pytest.raises(InputError, match=r"line 3: .* good 'a' twice \(also line 2\)"):
        budgets_from_csv(f, subject="id", observation="t", good="g", price="p", quantity="q")


def test_long_rows_may_come_in_any_order(tmp_path):
    f = write(tmp_path, "id,t,g,p,q\n1,2,b,1,2\n1,1,a,1,2\n1,2,a,2,1\n1,1,b,2,1\n")
    d = budgets_from_csv(f, subject="id", observation="t", good="g", price="p", quantity="q")
    assert d["1"].goods == ("b", "a") and d.observation_labels("1") == ("2", "1")
    assert d["1"].prices.tolist() == [[1, 2], [2, 1]]
    assert d["1"].quantities.tolist() == [[2, 1], [1, 2]]


def test_duplicate_observation_labels_name_both_lines(tmp_path):
    f = write(tmp_path, "s,t,p_a,x_a\n1,1,1,1\n1,1,2,1\n")
    with pytest.raises(InputError, match=r"line 3, column t: subject 1 has observation '1' twice "
                                         r"\(also line 2\)"):
        budgets_from_csv(f, subject="s", observation="t")


def test_keys_of_several_columns_never_collide(tmp_path):
    f = write(tmp_path, "a,b,p_x,x_x\nu/v,w,1,1\nu,v/w,1,1\n")
    with pytest.raises(InputError, match="line 3: the subject key 'u/v/w'"):
        budgets_from_csv(f, subject="a,b")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"good": "g"}, "--good/good= needs --price/price= and --quantity/quantity="),
        ({"good": "g", "price": "p", "quantity": "q"}, "needs --observation"),
        ({"good": "g", "price": "p", "quantity": "q", "observation": "t", "prices": "p"},
         "not --prices"),
        ({"price": "p", "quantity": "q"}, "go with --good"),
        ({"prices": "p_*"}, "give both"),
        ({"intercepts": "p_*"}, "needs --quantities"),
        ({"intercepts": "p_*", "prices": "p_*", "quantities": "x_*"}, "not both"),
        ({"prices": "q_*", "quantities": "x_*"}, "no column matches --prices/prices= 'q_\\*'"),
        ({"prices": "p_a,p_c", "quantities": "x_a,x_b"}, "no column 'p_c'"),
        ({"prices": "p_a", "quantities": "x_a,x_b"}, "1 prices column"),
        ({"prices": "p_a,p_a", "quantities": "x_a,x_b"}, "names a column twice"),
    ],
)
def test_layout_mistakes_are_named(tmp_path, kwargs, message):
    f = write(tmp_path, "t,p_a,p_b,x_a,x_b\n1,1,2,1,2\n2,2,1,2,1\n")
    with pytest.raises(InputError, match=message):
        budgets_from_csv(f, **kwargs)


def test_without_names_the_message_says_how_to_name_columns(tmp_path):
    f = write(tmp_path, "a,b\n1,2\n")
    with pytest.raises(BudgetShapeError, match=r"no price columns \(p_<good>\) among a, b; "
                                               "name the columns with --prices"):
        budgets_from_csv(f)


# -- cells ------------------------------------------------------------------------------------


def test_cells_are_read_through_the_number_policy(tmp_path):
    f = write(tmp_path, "p_a,p_b,x_a,x_b\n0.1,0.3333333333333333,1,2\n0.2,1,0.5,1\n")
    d = budgets_from_csv(f)["1"]
    assert d.exact_prices(0) == (Fraction(1, 10), Fraction(1, 3))
    b = budgets_from_csv(f, numbers="binary")["1"]
    assert b.exact_prices(0)[0] == Fraction(0.1)


def test_intercepts_follow_the_reading_of_floats(tmp_path):
    f = write(tmp_path, "xi,yi,x,y\n93.6,92.2,46.0,46.9\n19.1,66.4,16.2,10\n")
    d = budgets_from_csv(f, intercepts="xi,yi", quantities="x,y")["1"]
    assert d.exact_prices(0) == (Fraction(5, 468), Fraction(5, 461))
    b = budgets_from_csv(f, intercepts="xi,yi", quantities="x,y", numbers="binary")["1"]
    assert b.exact_prices(0)[0] == 1 / Fraction(93.6)


@pytest.mark.parametrize(
    ("cell", "error", "message"),
    [
        ("", InputError, "missing value"),
        ("abc", InputError, "not a number: 'abc'"),
        ("1_0", InputError, "not a number"),
        ("nan", NonFiniteError, "not finite"),
        ("-inf", NonFiniteError, "not finite"),
        ("1e400", NonFiniteError, "beyond the range of a float: '1e400'"),
        ("9" * 400, NonFiniteError, "beyond the range of a float"),
        ("1e-400", NonFiniteError, "below the range of a float"),
        ("0", NonPositivePriceError, "a price must be positive, got '0'"),
        ("-2", NonPositivePriceError, "a price must be positive"),
        ("1e200", NonFiniteError, "make costs reach about 2e\\+200"),
        ("1e-200", NonFiniteError, "make costs fall to about 1e-200"),
    ],
)
def test_bad_price_cells_name_line_and_column(tmp_path, cell, error, message):
    f = write(tmp_path, f"s,p_a,p_b,x_a,x_b\n1,1,2,1,1\n1,{cell},1,1,1\n")
    with pytest.raises(error, match="line 3, column p_a: .*" + message):
        budgets_from_csv(f, subject="s")


def test_bad_quantities_and_empty_bundles(tmp_path):
    f = write(tmp_path, "p_a,p_b,x_a,x_b\n1,2,1,1\n1,1,-1,1\n")
    with pytest.raises(NegativeQuantityError, match="line 3, column x_a: a quantity must be "
                                                    "non-negative, got '-1'"):
        budgets_from_csv(f)
    f = write(tmp_path, "p_a,p_b,x_a,x_b\n1,2,1,1\n1,1,0,0.0\n")
    with pytest.raises(ZeroExpenditureError, match="line 3: subject 1 buys nothing"):
        budgets_from_csv(f)
    f = write(tmp_path, "xi,yi,x,y\n0,1,1,1\n")
    with pytest.raises(NonPositivePriceError, match="column xi: an intercept must be positive"):
        budgets_from_csv(f, intercepts="xi,yi", quantities="x,y")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        ("p_a,x_a\n", "no observations"),
        ("p_a,x_a\n1,2,3\n", "line 2: 3 fields, the header has 2"),
        ("p_a,x_a\n" + "1" * 140_000 + ",1\n", "malformed CSV: field larger than field limit"),
        ("p_a,p_a,x_a\n1,1,1\n", "column 'p_a' more than once"),
        ("p_a,x_a\n1,\"2\n\n", "malformed CSV|fields"),
    ],
)
def test_malformed_files(tmp_path, text, message):
    with pytest.raises(InputError, match=message) as info:
        budgets_from_csv(write(tmp_path, text))
    assert "\n" not in str(info.value)


def test_binary_junk_and_odd_names_give_one_line(tmp_path):
    f = tmp_path / "junk.csv"
    f.write_bytes(b"p_a,x_a\n\xff\xfe\x00\x01,1\n")
    with pytest.raises(InputError, match="not UTF-8"):
        budgets_from_csv(f)
    f = write(tmp_path, '"p_a","x\na"\n1,1\n')
    with pytest.raises(InputError) as info:
        budgets_from_csv(f)
    assert "\n" not in str(info.value)


# -- data frames ------------------------------------------------------------------------------


def test_from_dataframe_long_and_wide():
    pd = pytest.importorskip("pandas")
    long = pd.DataFrame({"id": [1, 1, 1, 1], "t": [1, 1, 2, 2], "g": ["a", "b", "a", "b"],
                         "p": [1.0, 2.0, 2.0, 1.0], "q": [2, 1, 1, 2]})
    panel = BudgetPanel.from_dataframe(long, subject="id", observation="t", good="g", price="p",
                                       quantity="q")
    assert panel.subjects == ("1",) and panel["1"].goods == ("a", "b")
    wide = pd.DataFrame({"subject": ["u", "u"], "p_a": [1, 2], "x_a": [1.5, 1]})
    assert BudgetPanel.from_dataframe(wide)["u"].exact_quantities(0) == (Fraction(3, 2),)
    assert BudgetPanel.from_pandas(wide).subjects == ("u",)
    with pytest.raises(BudgetShapeError, match="no column 'who'"):
        BudgetPanel.from_pandas(wide, subject="who")


def test_from_dataframe_keeps_exact_values_and_names_rows():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"p_a": [Fraction(1, 3), Fraction(1, 2)], "x_a": [1, 2]},
                         index=["first", "second"])
    d = BudgetData.from_pandas(frame)
    assert d.exact_prices(0) == (Fraction(1, 3),) and d.exact_given
    bad = pd.DataFrame({"p_a": [1.0, float("nan")], "x_a": [1, 2]}, index=["r1", "r2"])
    with pytest.raises(InputError, match="data frame: row 'r2', column p_a: missing value"):
        BudgetData.from_pandas(bad)
    with pytest.raises(InputError, match="expected a data frame"):
        BudgetPanel.from_dataframe([[1, 2]])


def test_from_dataframe_reads_polars():
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({"who": ["a", "a", "b", "b"], "price_x": [1.0, 2.0, 1.0, 1.0],
                          "price_y": [2.0, 1.0, 1.0, None], "x_bought": [1, 2, 1, 0],
                          "y_bought": [2, 1, 0, None]})
    with pytest.raises(InputError, match="row 3, column price_y: missing value"):
        BudgetPanel.from_dataframe(frame, subject="who", prices="price_*",
                                   quantities="*_bought")
    ok = frame.fill_null(1)
    panel = BudgetPanel.from_dataframe(ok, subject="who", prices="price_*",
                                       quantities="*_bought")
    assert panel["a"].goods == ("x", "y") and panel["b"].T == 2


def test_panel_labels_are_checked():
    d = BudgetData([[1], [2]], [[1], [1]])
    assert BudgetPanel({"a": d}, {"a": ("r1", "r2")}).observation_labels("a") == ("r1", "r2")
    with pytest.raises(BudgetShapeError, match="1 labels for 2 observations"):
        BudgetPanel({"a": d}, {"a": ("r1",)})
    with pytest.raises(BudgetShapeError, match="no data"):
        BudgetPanel({"a": d}, {"b": ("r1", "r2")})
