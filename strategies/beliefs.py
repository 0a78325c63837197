"""Hypothesis strategies for credences (priced bets on events of a finite state space).

Integers come first (state count, probability weights, event masks, price numerators) and the
labels ``"w0", "w1", …`` last, so a failing example shrinks to one state and few bets; an
incoherent example shrinks to a single bet with a sure loss (the impossible event priced
1/2), and never needs more than two bets in its smallest Dutch book.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence.beliefs import Credences
from coherence.strategies._args import integer_arg

__all__ = ["credences"]


def _sizes(min_states: int, max_states: int, min_bets: int, max_bets: int) -> None:
    integer_arg(min_states, "min_states", min_value=1)
    integer_arg(max_states, "max_states", min_value=min_states)
    integer_arg(min_bets, "min_bets", min_value=0)
    integer_arg(max_bets, "max_bets", min_value=min_bets)


def credences(
    *,
    coherent: bool | None = None,
    min_states: int = 1,
    max_states: int = 5,
    min_bets: int = 0,
    max_bets: int = 6,
    max_weight: int = 6,
) -> st.SearchStrategy[Credences]:
    """Credences, coherent (every price the probability of its event under one measure),
    incoherent (a bet on an event and one on its complement whose prices do not add up to 1,
    or one bet on the impossible or the sure event priced off 0 or 1), or either
    (``coherent=None``).

    Incoherent examples need ``max_bets ≥ 1``. Shrinks towards one state, few bets, price
    perturbation 1; an incoherent example to one state and the single bet ``(∅, 1/2)``
    (de Finetti 1937: a price off the probability of an impossible event is a sure loss).
    Each draw is O(n·k) for n states and k bets.

    >>> from hypothesis import given, settings
    >>> from coherence.beliefs import check_credences
    >>> seen = []
    >>> @settings(max_examples=5, database=None, deadline=None)
    ... @given(credences(coherent=False, max_states=2, max_bets=3))
    ... def run(c):
    ...     seen.append(check_credences(c).coherent)
    >>> run(); set(seen)
    {False}
    """
    _sizes(min_states, max_states, min_bets, max_bets)
    if coherent is False and max_bets < 1:
        raise InvalidArgument("incoherent credences need max_bets ≥ 1")
    integer_arg(max_weight, "max_weight", min_value=1)
    if coherent is None and max_bets >= 1:
        return st.one_of(
            _credences(True, min_states, max_states, min_bets, max_bets, max_weight),
            _credences(False, min_states, max_states, min_bets, max_bets, max_weight),
        )
    return _credences(coherent is not False, min_states, max_states, min_bets, max_bets, max_weight)


def _credences(
    coherent: bool, min_states: int, max_states: int, min_bets: int, max_bets: int,
    max_weight: int,
) -> st.SearchStrategy[Credences]:
    @st.composite
    def build(draw: st.DrawFn) -> Credences:
        n = draw(st.integers(min_states, max_states))
        weights = draw(st.lists(st.integers(0, max_weight), min_size=n, max_size=n))
        if sum(weights) == 0:
            weights[0] = 1
        total = sum(weights)
        pi = [Fraction(w, total) for w in weights]
        bad = [] if coherent else _sure_loss(draw, n, pi, total, max_weight, max_bets)
        lo = max(min_bets - len(bad), 0)
        k = draw(st.integers(lo, max(lo, max_bets - len(bad))))
        masks = draw(st.lists(st.integers(0, 2**n - 1), min_size=k, max_size=k))
        bets = list(bad)
        for m in masks:
            ev = [i for i in range(n) if m >> i & 1]
            bets.append((ev, sum((pi[i] for i in ev), Fraction(0))))
        labels = [f"w{i}" for i in range(n)]
        return Credences(labels, [([labels[i] for i in ev], p) for ev, p in bets])

    return build()


def _sure_loss(
    draw: st.DrawFn, n: int, pi: list[Fraction], total: int, max_weight: int, max_bets: int
) -> list[tuple[list[int], Fraction]]:
    """The incoherent core: a bet on an event priced off its probability, plus a bet on the
    complement at the complement's probability unless the event is impossible or sure (then
    the one bet is a sure loss on its own). O(n)."""
    full = 2**n - 1
    m = draw(st.integers(0, full) if max_bets >= 2 else st.sampled_from((0, full)))
    ev = [i for i in range(n) if m >> i & 1]
    comp = [i for i in range(n) if not m >> i & 1]
    p = sum((pi[i] for i in ev), Fraction(0))
    delta = draw(st.integers(1, 2 * max_weight)) * draw(st.sampled_from((1, -1)))
    bad = [(ev, p + Fraction(delta, 2 * total))]
    if 0 < m < full:
        bad.append((comp, 1 - p))
    return bad
