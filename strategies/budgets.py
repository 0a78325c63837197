"""Hypothesis strategies for budget data (prices and chosen bundles).

Free data are a list with one element per observation (its prices and bundle, small
integers), so the shrinker deletes observations one at a time and failures shrink to few
observations and small numbers. ``rationalizable=True`` builds data from a random concave utility —
Cobb–Douglas, CES (elasticity ½), Leontief, or Cobb–Douglas plus a linear part — by choosing
integer bundles and setting prices to the utility's gradient there (Leontief: bundles on the
kinks' ray at any prices), so every bundle is optimal on its budget and GARP holds exactly.
``rationalizable=False`` embeds the smallest violation (two observations that each could
have bought the other's bundle for less) when free data happen to satisfy GARP, so failing
examples shrink to that two-observation cycle.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence.budgets import BudgetData, garp_holds
from coherence.strategies._args import integer_arg

__all__ = ["budget_data"]

FAMILIES = ("cobb_douglas", "ces", "leontief", "mixture")


def _sizes(min_observations: int, max_observations: int | None, goods: int) -> int:
    integer_arg(min_observations, "min_observations", min_value=1)
    if max_observations is None:
        max_observations = max(min_observations, 10)
    integer_arg(max_observations, "max_observations", min_value=min_observations)
    integer_arg(goods, "goods", min_value=1)
    return max_observations


def _ints(draw: st.DrawFn, shape: tuple[int, int], lo: int, hi: int) -> np.ndarray:
    n = shape[0] * shape[1]
    vals = draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n))
    return np.array(vals, dtype=np.float64).reshape(shape)


def _rational(draw: st.DrawFn, T: int, K: int) -> tuple[np.ndarray, np.ndarray]:
    family = draw(st.integers(0, len(FAMILIES) - 1))
    a = _ints(draw, (1, K), 1, 5)[0]
    if FAMILIES[family] == "leontief":
        scale = _ints(draw, (T, 1), 1, 6)
        X = scale * a[None, :]
        P = _ints(draw, (T, K), 1, 9)
        return P, X
    X = _ints(draw, (T, K), 1, 9)
    if FAMILIES[family] == "cobb_douglas":  # u = Σ a_k log x_k
        P = a[None, :] / X
    elif FAMILIES[family] == "ces":  # u = −Σ a_k / x_k (CES with elasticity 1/2)
        P = a[None, :] / X**2
    else:  # u = Σ a_k log x_k + Σ c_k x_k
        c = _ints(draw, (1, K), 0, 3)[0]
        P = a[None, :] / X + c[None, :]
    return P, X


def _violation(K: int) -> tuple[np.ndarray, np.ndarray]:
    """Two observations, each strictly able to afford the other's bundle."""
    P = np.ones((2, K))
    X = np.zeros((2, K))
    P[0, :2] = (1, 2)
    P[1, :2] = (2, 1)
    X[0, :2] = (1, 2)
    X[1, :2] = (2, 1)
    return P, X


@st.composite
def budget_data(
    draw: st.DrawFn,
    *,
    min_observations: int = 1,
    max_observations: int | None = None,
    goods: int = 2,
    rationalizable: bool | None = None,
) -> BudgetData:
    """Budget data with ``min_observations..max_observations`` observations of ``goods`` goods.

    ``rationalizable``: ``True`` for data from a concave utility (GARP holds), ``False`` for
    data violating GARP, ``None`` for either. Shrinks towards few observations, prices 1 and
    quantities 0/1; violating examples shrink to a two-observation cycle. Raises
    ``InvalidArgument`` for impossible settings (a violation needs two goods and two
    observations).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, derandomize=True, database=None)
    ... @given(budget_data(max_observations=5, rationalizable=True),
    ...        budget_data(max_observations=5, rationalizable=False))
    ... def test_garp(good, bad):
    ...     assert garp_holds(good) and not garp_holds(bad)
    >>> test_garp()
    """
    hi = _sizes(min_observations, max_observations, goods)
    if rationalizable is False and (goods < 2 or hi < 2):
        raise InvalidArgument("a GARP violation needs at least two goods and two observations")
    lo = max(min_observations, 2) if rationalizable is False else min_observations
    K = goods
    if rationalizable:
        T = draw(st.integers(lo, hi))
        P, X = _rational(draw, T, K)
    else:  # one list element per observation, so deleting an observation is one deletion
        rows = draw(st.lists(
            st.tuples(st.lists(st.integers(1, 9), min_size=K, max_size=K),
                      st.lists(st.integers(0, 9), min_size=K, max_size=K)),
            min_size=lo, max_size=hi,
        ))
        T = len(rows)
        P = np.array([p for p, _ in rows], dtype=np.float64).reshape(T, K)
        X = np.array([x for _, x in rows], dtype=np.float64).reshape(T, K)
        empty = ~(X > 0).any(axis=1)
        X[empty, 0] = 1
        if rationalizable is False and garp_holds(BudgetData(P, X)):
            Pv, Xv = _violation(K)
            P[:2], X[:2] = Pv, Xv
    # relabel observations last
    perm = np.array(draw(st.permutations(range(T))), dtype=np.int64)
    return BudgetData(P[perm], X[perm])
