"""Expected utility and Dutch books never fail on valid input: near ties in the probabilities
(10⁻⁹, 10⁻¹⁰, 10⁻³⁰⁰) and prices within 10⁻¹² of coherent ones get verified certificates,
and preferences built from a utility are always found coherent."""

from __future__ import annotations

from fractions import Fraction
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import check
from coherence.beliefs import (
    Credences,
    Lottery,
    LotteryPreferences,
    check_lottery_preferences,
)
from coherence.errors import CoherenceError

HALF = Fraction(1, 2)


def _near_half(eps: Fraction) -> Lottery:
    return Lottery({"a": HALF + eps, "b": HALF - eps})


@pytest.mark.parametrize("eps", [Fraction(1, 10**9), Fraction(1, 10**10), Fraction(1, 10**300)])
def test_a_reversal_of_a_near_tie_is_caught(eps):
    # p ≻ q, which differ by eps, and yet the mixtures with a common r are ranked the other way
    p, q, r = _near_half(eps), _near_half(Fraction(0)), Lottery.sure("c")
    a = Fraction(1, 3)
    prefs = LotteryPreferences.from_pairs(
        [(p, q), (Lottery.mixture(a, q, r), Lottery.mixture(a, p, r))]
    )
    v = check_lottery_preferences(prefs)
    assert v.verify() and not v.coherent


@pytest.mark.parametrize("eps", [Fraction(1, 10**9), Fraction(1, 10**10), Fraction(1, 10**300)])
def test_a_utility_over_near_ties_is_found(eps):
    lots = [_near_half(k * eps) for k in range(4)]
    prefs = LotteryPreferences.from_utility({"a": 1, "b": 0}, lots)
    v = check_lottery_preferences(prefs)
    assert v.coherent and v.verify()


def test_credences_within_a_trillionth_of_coherent():
    third = Fraction(1, 3)
    bets = [(["a"], third + Fraction(1, 10**12)), (["b"], third), (["c"], third),
            (["a", "b"], 2 * third)]
    v = check(Credences(["a", "b", "c"], bets))
    assert not v.coherent and v.verify()
    v = check(Credences(["a", "b", "c"], [*bets[1:], (["a"], third)]))
    assert v.coherent and v.verify()


def test_credences_of_ten_to_the_minus_300():
    v = check(Credences(["a", "b"], [(["a"], 1e-300), (["b"], "1")]))
    assert not v.coherent and v.verify()
    rest = Fraction(1) - Fraction(1, 10**300)
    v = check(Credences(["a", "b"], [(["a"], "1e-300"), (["b"], rest)]))
    assert v.coherent and v.verify()


# -- generated near ties ----------------------------------------------------------------------

EPS = [Fraction(0), Fraction(1, 10**9), Fraction(1, 10**10), Fraction(-1, 10**9),
       Fraction(1, 10**300), Fraction(1, 7)]
OUTCOMES = ("a", "b", "c")


@cache
def _lottery(w: tuple[int, ...], eps: Fraction, i: int, j: int) -> Lottery:
    p = [Fraction(v, sum(w)) for v in w]
    eps = max(min(eps, p[j]), -p[i])
    p[i] += eps
    p[j] -= eps
    return Lottery(dict(zip(OUTCOMES, p, strict=True)))


@st.composite
def near_lotteries(draw: st.DrawFn) -> Lottery:
    """A lottery on three outcomes with integer weights, then weight moved by a tiny ε."""
    w = tuple(draw(st.integers(1, 6)) for _ in OUTCOMES)
    eps = draw(st.sampled_from(EPS))
    i = draw(st.integers(0, 2))
    return _lottery(w, eps, i, (i + draw(st.integers(1, 2))) % 3)


@st.composite
def near_preferences(draw: st.DrawFn, sizes: tuple[int, int] = (2, 6)) -> tuple[
    LotteryPreferences, bool
]:
    """Expected-utility preferences over near-tied lotteries, sometimes with one comparison
    reversed. Returns ``(preferences, built from a utility unchanged)``."""
    lots = list(dict.fromkeys(draw(st.lists(near_lotteries(), min_size=sizes[0],
                                            max_size=sizes[1]))))
    u = [draw(st.integers(0, 10)) for _ in OUTCOMES]
    util = dict(zip(OUTCOMES, u, strict=True))
    ev = {L: L.expected(util) for L in lots}
    pairs = [(p, q) for p in lots for q in lots if p != q and ev[p] >= ev[q]]
    flip = bool(pairs) and draw(st.booleans())
    if flip:
        k = draw(st.integers(0, len(pairs) - 1))
        pairs[k] = (pairs[k][1], pairs[k][0])
    return LotteryPreferences.from_pairs(pairs, lots), not flip


def _eu_case(case: tuple[LotteryPreferences, bool]) -> None:
    prefs, coherent = case
    v = check_lottery_preferences(prefs)
    assert v.verify()
    if coherent:
        assert v.coherent


@st.composite
def near_credences(draw: st.DrawFn, states: tuple[int, int] = (1, 4)) -> Credences | None:
    """Prices of random events under a random prior, each moved by a tiny ε (or not)."""
    n = draw(st.integers(*states))
    w = [draw(st.integers(1, 9)) for _ in range(n)]
    pi = [Fraction(v, sum(w)) for v in w]
    bets = []
    for _ in range(draw(st.integers(1, 6))):
        ev = [i for i in range(n) if draw(st.booleans())]
        price = sum((pi[i] for i in ev), Fraction(0)) + draw(st.sampled_from(EPS))
        form = draw(st.sampled_from(["fraction", "float", "string"]))
        bets.append((ev, float(price) if form == "float" else str(price) if form == "string"
                     else price))
    try:
        return Credences(list(range(n)), bets)
    except CoherenceError:
        return None


def _credences_case(c: Credences | None) -> None:
    if c is not None:
        assert check(c).verify()


@settings(max_examples=200)
@given(near_preferences())
def test_expected_utility_never_fails(case):
    _eu_case(case)


@settings(max_examples=200)
@given(near_credences())
def test_credences_never_fail(c):
    _credences_case(c)


# the slow lane: 10⁴ examples per checker, in two halves of 5,000 (small and larger inputs)


@pytest.mark.slow
@pytest.mark.parametrize("sizes", [(2, 3), (4, 6)])
def test_expected_utility_never_fails_slow(sizes):
    @settings(max_examples=5_000)
    @given(near_preferences(sizes))
    def run(case):
        _eu_case(case)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("states", [(1, 2), (3, 4)])
def test_credences_never_fail_slow(states):
    @settings(max_examples=5_000)
    @given(near_credences(states))
    def run(c):
        _credences_case(c)

    run()
