"""Dutch-book sizes are labelled truthfully: "fewest" only when no smaller book exists,
"irreducible" only when no bet can be dropped, "unminimised" when nothing is claimed.

Oracle (independent of the LP layer): a set of bets admits no book iff some probability
prices each at its expected payoff 0 (Gordan); over a few states that polytope is checked
vertex by vertex, in Fractions.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import Credences
from coherence.beliefs import check_credences
from coherence.beliefs._small_books import small_book


def _solve(rows: list[list[Fraction]], rhs: list[Fraction], n: int) -> list[Fraction] | None:
    """The unique solution of ``rows · x = rhs`` in ``n`` unknowns, or ``None`` (none, or
    not unique). Gaussian elimination in Fractions."""
    M = [[*r, b] for r, b in zip(rows, rhs, strict=True)]
    piv_cols, r = [], 0
    for c in range(n):
        p = next((i for i in range(r, len(M)) if M[i][c] != 0), None)
        if p is None:
            return None  # a free unknown: not a vertex
        M[r], M[p] = M[p], M[r]
        M[r] = [v / M[r][c] for v in M[r]]
        for i in range(len(M)):
            if i != r and M[i][c] != 0:
                f = M[i][c]
                M[i] = [a - f * b for a, b in zip(M[i], M[r], strict=True)]
        piv_cols.append(c)
        r += 1
    if any(row[-1] != 0 for row in M[r:]):
        return None  # inconsistent
    return [M[i][-1] for i in range(n)]


def measure_exists(G: np.ndarray, bets: list[int]) -> bool:
    """Some probability π on the states with ``π · G[:, j] = 0`` for every ``j`` in ``bets``:
    the polytope is non-empty iff it has a vertex, and a vertex is the unique solution on its
    support."""
    k = G.shape[0]
    for size in range(1, k + 1):
        for T in itertools.combinations(range(k), size):
            rows = [[Fraction(1)] * size] + [[G[w, j] for w in T] for j in bets]
            rhs = [Fraction(1)] + [Fraction(0)] * len(bets)
            pi = _solve(rows, rhs, size)
            if pi is not None and all(v >= 0 for v in pi):
                return True
    return False


def fewest_bets(c: Credences, below: int) -> int | None:
    """The size of the smallest book with fewer than ``below`` bets, else ``None``."""
    G = c.payoff_matrix
    for r in range(1, below):
        for S in itertools.combinations(range(c.n_bets), r):
            if not measure_exists(G, list(S)):
                return r
    return None


EPS = [Fraction(0), Fraction(0), Fraction(1, 10**11), Fraction(-1, 10**11),
       Fraction(1, 10**10), Fraction(1, 10), Fraction(-1, 10)]


@st.composite
def near_credences(draw, max_states: int = 3, max_bets: int = 6) -> Credences:
    """Prices of random events under a random prior, some moved by a tiny or a large ε: books
    of every size, some with sure losses near 10⁻¹¹."""
    n = draw(st.integers(1, max_states))
    w = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    pi = [Fraction(v, sum(w)) for v in w]
    m = draw(st.integers(1, max_bets))
    events = draw(st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=m,
                           max_size=m))
    moves = draw(st.lists(st.sampled_from(EPS), min_size=m, max_size=m))
    forms = draw(st.lists(st.sampled_from(["fraction", "float", "string"]), min_size=m,
                          max_size=m))
    bets = []
    for ev, eps, form in zip(events, moves, forms, strict=True):
        states = [i for i in range(n) if ev[i]]
        price = sum((pi[i] for i in states), Fraction(0)) + eps
        bets.append((states, float(price) if form == "float" else str(price)
                     if form == "string" else price))
    return Credences(list(range(n)), bets)


def assert_book_size_is_true(c: Credences) -> None:
    v = check_credences(c)
    assert v.verify()
    G = c.payoff_matrix
    assert v.coherent == measure_exists(G, list(range(c.n_bets)))
    if v.coherent:
        return
    sup = list(v.certificate.support)
    label = v.quantities["book_size"]
    assert label in ("fewest", "irreducible")
    assert v.quantities["bets_in_book"] == len(sup) <= c.n_states
    for j in sup:  # both labels claim irreducibility
        assert measure_exists(G, [i for i in sup if i != j])
    if label == "fewest":
        assert fewest_bets(c, len(sup)) is None


@settings(max_examples=200, deadline=None)
@given(near_credences())
def test_book_sizes_are_true(c):
    assert_book_size_is_true(c)


@pytest.mark.slow
@pytest.mark.parametrize("states", [2, 3])
def test_book_sizes_are_true_slow(states):
    """10⁴ examples in all, in two runs of 5,000 (each well under a minute)."""

    @settings(max_examples=5_000, deadline=None)
    @given(near_credences(max_states=states, max_bets=5))
    def run(c):
        assert_book_size_is_true(c)

    run()


@settings(max_examples=100, deadline=None)
@given(near_credences())
def test_unminimised_books_say_so(c):
    v = check_credences(c, minimise=False)
    assert v.verify()
    if not v.coherent:
        assert v.quantities["book_size"] == "unminimised"


@pytest.mark.parametrize(
    "bets",
    [
        # once labelled "fewest" with 3 bets: {1, 2} at a price 7·10⁻¹² too high is a book
        [([2], "6/35"), ([1, 2], "450000000007/700000000000"), ([0], "5/14"), ([1], "4/7")],
        [([1], "2/5"), ([0, 1], "50000000001/100000000000"), ([2], "1/2"), ([1, 2], "4/5"),
         ([0, 1], "50000000001/100000000000")],
    ],
)
def test_fewest_is_never_claimed_when_a_smaller_book_exists(bets):
    c = Credences([0, 1, 2], bets)
    v = check_credences(c)
    assert not v.coherent and v.quantities["book_size"] == "fewest"
    assert len(v.certificate.support) == 2
    assert fewest_bets(c, 2) is None


def test_a_tiny_sure_loss_gets_a_small_book_with_a_documented_label():
    """Once ``book_size="none"`` with four bets on two states: the floats saw no book at
    all. Paying 10⁻¹⁰ for a bet on the empty event is already one."""
    c = Credences([0, 1], [([0, 1], 1.0), ([1], 0.62500000003), ([], 1e-10),
                           ([1], 0.6249999999), ([1], 0.6250000001)])
    v = check_credences(c)
    assert v.quantities["book_size"] == "fewest" and v.certificate.support == (2,)
    assert v.certificate.sure_loss == Fraction(1, 10**10)


def test_floats_read_as_decimals_are_coherent():
    """0.8 and 0.2 are 4/5 and 1/5: no book (once a sure loss of 2⁻⁵⁴ in binary)."""
    v = check_credences(Credences(["a", "b"], [({"a"}, 0.8), ({"b"}, 0.2)]))
    assert v.coherent and v.verify()


def test_an_unaffordable_search_says_irreducible_truthfully():
    """With no budget for the exhaustive search a three-bet book is only irreducible."""
    c = Credences([0, 1, 2], [([0], "2/5"), ([1], "2/5"), ([2], "2/5")])
    G = c.payoff_matrix
    book, label = small_book(G, [Fraction(1)] * 3, budget=0)
    assert label == "irreducible" and all(s != 0 for s in book)
    assert check_credences(c).quantities["book_size"] == "fewest"  # affordable here
    for j in range(3):
        assert measure_exists(G, [i for i in range(3) if i != j])



def test_a_wide_book_is_reduced_to_one_with_at_most_a_bet_per_state(monkeypatch):
    """On a sure loss of 10⁻¹² the decisive LP stakes most of 500 bets; the book is reduced
    to a basic one with the same payoffs (at most |Ω| bets) before pruning, so the exact
    solves number O(|Ω|), not one per bet (once 449 solves and 17 s)."""
    from coherence.beliefs import _small_books as sb

    rng = np.random.default_rng(0)
    n, m = 12, 500
    w = rng.integers(1, 20, n)
    pi = [Fraction(int(v), int(w.sum())) for v in w]
    E = rng.random((n, m)) < 0.5
    bets = [([i for i in range(n) if E[i, j]], sum((pi[i] for i in range(n) if E[i, j]),
             Fraction(0))) for j in range(m)]
    ev, p = bets[7]
    bets[7] = (ev, p + Fraction(1, 10**12))
    calls = []
    real = sb._Search.book_on
    monkeypatch.setattr(
        sb._Search, "book_on", lambda self, cols: calls.append(1) or real(self, cols)
    )
    v = check_credences(Credences(list(range(n)), bets))
    assert not v.coherent and v.verify()
    assert len(v.certificate.support) <= n
    assert v.quantities["book_size"] in ("fewest", "irreducible")
    assert len(calls) <= 2 * n + 1


def test_basic_keeps_the_payoffs():
    F = Fraction
    G = np.array([[F(-1), F(-1), F(-2)], [F(-1), F(0), F(-1)], [F(0), F(-1), F(-1)]])
    from coherence.beliefs._small_books import _basic

    s = [F(1), F(2), F(3)]
    G2 = np.hstack([G, G[:, :1] + G[:, 1:2]])  # a fourth bet, the sum of the first two
    b = _basic(G2, [*s, F(5)])
    assert len([x for x in b if x]) <= 3
    before = G2.dot(np.array([*s, F(5)], dtype=object))
    assert list(G2.dot(np.array(b, dtype=object))) == list(before)
