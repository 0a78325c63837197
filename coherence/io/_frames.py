"""pandas data frames → budget data (needs pandas: ``pip install "coherence[pandas]"``).

Thin wrappers over :meth:`coherence.budgets.BudgetData.from_pandas` and
:meth:`coherence.budgets.BudgetPanel.from_pandas`. The examples run with or without pandas:
without it they check that the import fails for pandas and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coherence.budgets import BudgetData, BudgetPanel

__all__ = ["budgets_from_pandas", "panel_from_pandas"]


def budgets_from_pandas(
    frame: Any, *, prices: Sequence[str] | None = None, quantities: Sequence[str] | None = None
) -> BudgetData:
    """One decision-maker's budget data from a DataFrame with columns ``p_<good>`` and
    ``x_<good>`` (or the columns named by ``prices`` and ``quantities``, in the same order).
    O(rows × goods).

    >>> try:
    ...     import pandas as pd
    ... except ImportError as exc:  # pandas is an optional extra
    ...     ok = exc.name == "pandas"
    ... else:
    ...     frame = pd.DataFrame({"p_a": [1, 2], "p_b": [2, 1], "x_a": [3, 0], "x_b": [0, 3]})
    ...     data = budgets_from_pandas(frame)
    ...     ok = (data.T, data.goods) == (2, ("a", "b"))
    >>> ok
    True
    """
    return BudgetData.from_pandas(frame, prices=prices, quantities=quantities)


def panel_from_pandas(frame: Any, *, subject: str = "subject") -> BudgetPanel:
    """Budget data of several subjects from a long DataFrame (``subject``, ``p_<good>``,
    ``x_<good>``), split by subject in order of appearance. O(rows × goods).

    >>> try:
    ...     import pandas as pd
    ... except ImportError as exc:  # pandas is an optional extra
    ...     ok = exc.name == "pandas"
    ... else:
    ...     frame = pd.DataFrame({"subject": ["u", "u", "v"], "p_a": [1, 2, 1],
    ...                           "x_a": [1, 1, 2]})
    ...     panel = panel_from_pandas(frame)
    ...     ok = (panel.subjects, panel["u"].T) == (("u", "v"), 2)
    >>> ok
    True
    """
    return BudgetPanel.from_pandas(frame, subject=subject)
