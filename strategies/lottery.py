"""Hypothesis strategies for lotteries and preferences over them.

Probabilities are drawn as small integer weights (then normalised exactly), utilities as
small integers; incoherent preferences are built around one common-consequence /
common-ratio reversal, so they shrink to the two-comparison witness over three lotteries.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence.beliefs import Lottery, LotteryPreferences
from coherence.strategies._args import integer_arg

__all__ = ["lotteries", "lottery_preferences"]


def _lottery(draw: st.DrawFn, outcomes: tuple, max_weight: int) -> Lottery:
    w = draw(st.lists(st.integers(0, max_weight), min_size=len(outcomes),
                      max_size=len(outcomes)))
    if sum(w) == 0:
        w[0] = 1
    t = sum(w)
    return Lottery({x: Fraction(v, t) for x, v in zip(outcomes, w, strict=True)})


def lotteries(
    *, outcomes: tuple = ("a", "b", "c"), max_weight: int = 6
) -> st.SearchStrategy[Lottery]:
    """Lotteries over ``outcomes`` with probabilities ``w_i / Σ w`` for integer weights
    ``0 ≤ w_i ≤ max_weight``. Shrinks towards the sure first outcome.

    >>> from hypothesis import given, settings
    >>> seen = []
    >>> @settings(max_examples=10, database=None, deadline=None)
    ... @given(lotteries(outcomes=("x", "y")))
    ... def run(L):
    ...     seen.append(sum(p for _, p in L.probabilities) == 1 and set(L.outcomes) <= {"x", "y"})
    >>> run(); set(seen)
    {True}
    """
    outcomes = tuple(outcomes)
    if not outcomes:
        raise InvalidArgument("outcomes must not be empty")
    integer_arg(max_weight, "max_weight", min_value=1)

    @st.composite
    def build(draw: st.DrawFn) -> Lottery:
        return _lottery(draw, outcomes, max_weight)

    return build()


def lottery_preferences(
    *,
    expected_utility: bool | None = None,
    outcomes: tuple = ("a", "b", "c"),
    min_lotteries: int = 2,
    max_lotteries: int = 6,
    max_utility: int = 10,
    max_weight: int = 6,
) -> st.SearchStrategy[LotteryPreferences]:
    """Preferences over lotteries: expected-utility ones (complete, from integer utilities),
    ones with an independence reversal (``p ≻ q`` but ``α q + (1−α) r ≻ α p + (1−α) r``),
    or either (``None``). Reversals shrink to three lotteries and two comparisons: the sure
    first outcome over the sure second, and ``9/10·first + 1/10·second`` over the sure first
    (the common consequence is the preferred lottery itself, so ``α p + (1−α) r = p``), which
    no expected utility allows (von Neumann & Morgenstern 1944, independence). Each draw is
    O(k·|outcomes|) for k lotteries, plus the expected-utility relation, O(k²).

    >>> from hypothesis import given, settings
    >>> from coherence.beliefs import check_lottery_preferences
    >>> seen = []
    >>> @settings(max_examples=10, database=None, deadline=None)
    ... @given(lottery_preferences(expected_utility=False))
    ... def run(prefs):
    ...     seen.append(check_lottery_preferences(prefs).coherent)
    >>> run(); set(seen)
    {False}
    """
    outcomes = tuple(outcomes)
    if len(outcomes) < 2:
        raise InvalidArgument("need at least two outcomes")
    integer_arg(min_lotteries, "min_lotteries", min_value=1)
    integer_arg(max_lotteries, "max_lotteries", min_value=min_lotteries)

    @st.composite
    def eu(draw: st.DrawFn) -> LotteryPreferences:
        u = draw(st.lists(st.integers(0, max_utility), min_size=len(outcomes),
                          max_size=len(outcomes)))
        k = draw(st.integers(min_lotteries, max_lotteries))
        lots: list[Lottery] = []
        for _ in range(k):
            L = _lottery(draw, outcomes, max_weight)
            if L not in lots:
                lots.append(L)
        return LotteryPreferences.from_utility(dict(zip(outcomes, u, strict=True)), lots)

    @st.composite
    def reversal(draw: st.DrawFn) -> LotteryPreferences:
        p = _lottery(draw, outcomes, max_weight)
        q = _lottery(draw, outcomes, max_weight)
        if p == q:
            q = Lottery.sure(outcomes[1]) if p != Lottery.sure(outcomes[1]) else Lottery.sure(
                outcomes[0])
        r = _lottery(draw, outcomes, max_weight)
        a = Fraction(draw(st.integers(1, 9)), 10)
        pm, qm = Lottery.mixture(a, p, r), Lottery.mixture(a, q, r)
        return LotteryPreferences.from_pairs([(p, q), (qm, pm)])

    if expected_utility is None:
        return st.one_of(eu(), reversal())
    return eu() if expected_utility else reversal()
