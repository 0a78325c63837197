"""The whole-table reading of plain wide files equals the cell-by-cell reading: the same
floats, the same exact numbers (prices, ``1/intercept``, quantities), the same labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coherence.budgets import _readers, budgets_from_csv

decimals = st.one_of(
    st.integers(1, 999).map(str),
    st.tuples(st.integers(0, 99), st.integers(1, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.floats(1e-6, 1e6).map(repr),
    st.sampled_from(["1e-3", "2.5E2", "0.1", "0.30000000000000004", "1e20", "7"]),
)
quantities = st.one_of(st.just("0"), decimals)


def both(path: Path, monkeypatch: pytest.MonkeyPatch, **kw):
    fast = budgets_from_csv(path, **kw)
    with monkeypatch.context() as m:
        m.setattr(_readers, "_read_wide_plain", lambda *a, **k: None)
        slow = budgets_from_csv(path, **kw)
    return fast, slow


def same(fast, slow) -> None:
    assert list(fast) == list(slow)
    for k in fast:
        a, b = fast[k], slow[k]
        assert a.prices.tolist() == b.prices.tolist()
        assert a.quantities.tolist() == b.quantities.tolist()
        assert a.exact_given == b.exact_given
        assert fast.observation_labels(k) == slow.observation_labels(k)
        for t in range(a.T):
            assert a.exact_prices(t) == b.exact_prices(t)
            assert a.exact_quantities(t) == b.exact_quantities(t)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from("ab"), decimals, decimals, quantities, decimals),
                min_size=1, max_size=12),
       st.booleans(), st.sampled_from([None, "binary"]))
def test_plain_files_read_alike(tmp_path_factory, monkeypatch, rows, intercepts, numbers):
    path = tmp_path_factory.mktemp("plain") / "d.csv"
    head = "subject,obs,i_x,i_y,x_x,x_y" if intercepts else "subject,obs,p_x,p_y,x_x,x_y"
    lines = [head] + [f"{s},{n},{p},{q},{x},{y}" for n, (s, p, q, x, y) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n")
    kw = {"observation": "obs", "numbers": numbers}
    if intercepts:
        kw |= {"intercepts": "i_x,i_y", "quantities": "x_x,x_y"}
    fast, slow = both(path, monkeypatch, **kw)
    same(fast, slow)


def test_cells_that_are_not_plain_take_the_cell_reading(tmp_path, monkeypatch):
    path = tmp_path / "d.csv"
    path.write_text("subject,p_x,p_y,x_x,x_y\na,1,2,3,4\na,2,1,1_0,1\n")
    with pytest.raises(Exception, match="line 3, column x_x: not a number"):
        budgets_from_csv(path)
    path.write_text("subject,p_x,p_y,x_x,x_y\na,1,2,3,4\na,2,1,1e-400,1\n")
    with pytest.raises(Exception, match="below the range of a float"):
        budgets_from_csv(path)
