"""BudgetData validation and readers."""

from __future__ import annotations

import numpy as np
import pytest

from coherence import BudgetData, BudgetPanel, InputError, budgets_from_csv
from coherence.budgets import (
    BudgetShapeError,
    NegativeQuantityError,
    NonFiniteError,
    NonPositivePriceError,
    ZeroExpenditureError,
)


@pytest.mark.parametrize(
    ("prices", "quantities", "error"),
    [
        ([[1, np.nan]], [[1, 1]], NonFiniteError),
        ([[1, 1]], [[np.inf, 1]], NonFiniteError),
        ([[0, 1]], [[1, 1]], NonPositivePriceError),
        ([[-1, 1]], [[1, 1]], NonPositivePriceError),
        ([[1, 1]], [[-1, 1]], NegativeQuantityError),
        ([[1, 1]], [[0, 0]], ZeroExpenditureError),
        ([[1, 1]], [[1, 1, 1]], BudgetShapeError),
        ([1, 1], [1, 1], BudgetShapeError),
        (np.zeros((0, 2)), np.zeros((0, 2)), BudgetShapeError),
        (np.zeros((2, 0)), np.zeros((2, 0)), BudgetShapeError),
        ([["a", 1]], [[1, 1]], BudgetShapeError),
    ],
)
def test_bad_input_is_typed(prices, quantities, error):
    with pytest.raises(error) as info:
        BudgetData(prices, quantities)
    assert isinstance(info.value, InputError) and "\n" not in str(info.value)


def test_data_are_immutable_copies():
    p = np.array([[1.0, 2.0]])
    d = BudgetData(p, [[1, 1]])
    p[0, 0] = 5
    assert d.prices[0, 0] == 1
    with pytest.raises(ValueError):
        d.prices[0, 0] = 3
    assert d.T == 1 and d.K == 2 and d.goods == ("0", "1")
    assert float(d.exact_cost(0, 0)) == 3.0


def test_csv_panel_and_single(tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("subject,p_a,p_b,x_a,x_b,note\n1,1,2,1,2,z\n1,2,1,2,1,z\n2,1,1,1,0,\n2,1,1,0,1,\n")
    panel = budgets_from_csv(f)
    assert panel.subjects == ("1", "2") and panel["1"].goods == ("a", "b")
    assert BudgetPanel.from_csv(f)["2"].T == 2
    assert BudgetData.from_csv(f, subject="2").T == 2
    with pytest.raises(InputError):
        BudgetData.from_csv(f)
    with pytest.raises(InputError):
        BudgetData.from_csv(f, subject="9")


@pytest.mark.parametrize(
    "text",
    [
        "p_a,x_b\n1,1\n",
        "x_a,x_b\n1,1\n",
        "p_a,x_a\n1\n",
        "p_a,x_a\n1,\n",
        "p_a,x_a\nq,1\n",
        "p_a,x_a\n0,1\n",
        "p_a,x_a\n",
        "",
    ],
)
def test_bad_csv(tmp_path, text):
    f = tmp_path / "b.csv"
    f.write_text(text)
    with pytest.raises(InputError):
        budgets_from_csv(f)


def test_missing_file():
    with pytest.raises(InputError):
        budgets_from_csv("/nonexistent/file.csv")


def test_pandas_and_numpy_readers():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"subject": [1, 1, 2, 2], "p_a": [1, 2, 1, 1], "p_b": [2, 1, 1, 1],
                       "x_a": [1, 2, 1, 0], "x_b": [2, 1, 0, 1]})
    panel = BudgetPanel.from_pandas(df)
    assert panel.subjects == ("1", "2")
    d = BudgetData.from_pandas(df[df.subject == 1])
    assert d.T == 2 and d.goods == ("a", "b")
    d2 = BudgetData.from_pandas(df, prices=["p_a", "p_b"], quantities=["x_a", "x_b"])
    assert d2.T == 4
    with pytest.raises(InputError):
        BudgetData.from_pandas(df.drop(columns=["x_b"]))
    assert BudgetData.from_numpy(d.prices, d.quantities, ["a", "b"]).goods == ("a", "b")
    with pytest.raises(InputError):
        BudgetPanel({})
