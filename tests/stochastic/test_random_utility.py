"""Random-utility coherence: exact certificates either way, checked against brute force."""

from __future__ import annotations

import itertools
import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import coherence
from coherence.errors import CertificationError, InputError
from coherence.stochastic import (
    RandomUtility,
    SeparatingInequality,
    StochasticChoice,
    check_random_utility,
)
from coherence.strategies import stochastic_choices
from coherence.verdict import Verdict, from_json
from tests.stochastic.tampering import TAMPER_RULES

fast = settings(max_examples=30, deadline=None, database=None)


def _matrix(orders: list[list[int]], weights: list[int], n: int) -> list[list[Fraction]]:
    total = sum(weights)
    P = [[Fraction(0)] * n for _ in range(n)]
    for order, w in zip(orders, weights, strict=True):
        for x in range(n):
            for y in range(x + 1, n):
                P[order[x]][order[y]] += Fraction(w, total)
    return P


@st.composite
def mixtures(draw: st.DrawFn, max_items: int = 6) -> list[list[Fraction]]:
    n = draw(st.integers(1, max_items))
    k = draw(st.integers(1, 6))
    orders = [draw(st.permutations(range(n))) for _ in range(k)]
    weights = [draw(st.integers(1, 9)) for _ in range(k)]
    return _matrix([list(o) for o in orders], weights, n)


def _all_orders_lp(P: list[list[Fraction]]) -> bool:
    """Is P in the convex hull of all n! linear orders? (an independent float LP)"""
    n = len(P)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    if not pairs:
        return True
    cols = []
    for perm in itertools.permutations(range(n)):
        r = {v: k for k, v in enumerate(perm)}
        cols.append([1.0 if r[i] < r[j] else 0.0 for i, j in pairs])
    A = np.vstack([np.array(cols).T, np.ones(len(cols))])
    b = [float(P[i][j]) for i, j in pairs] + [1.0]
    return linprog(np.zeros(len(cols)), A_eq=A, b_eq=b, bounds=(0, None),
                   method="highs").status == 0


@fast
@given(mixtures())
def test_every_mixture_is_certified_exactly(P: list[list[Fraction]]) -> None:
    data = StochasticChoice.from_matrix(P)
    v = check_random_utility(data)
    cert = v.certificate
    assert v.coherent and isinstance(cert, RandomUtility) and cert.verify()
    assert sum(cert.weights) == 1
    for i, j, p in data.triples():
        assert sum(w for o, w in zip(cert.orders, cert.weights, strict=True)
                   if [b[0] for b in o].index(i) < [b[0] for b in o].index(j)) == p


def _brute_max(cert: SeparatingInequality) -> Fraction:
    W = cert.weight_matrix()
    n = len(cert.items)
    return max(sum((W[p[x]][p[y]] for x in range(n) for y in range(x + 1, n)), Fraction(0))
               for p in itertools.permutations(range(n)))


@fast
@given(stochastic_choices(random_utility=False, max_items=5))
def test_separating_inequalities_hold_for_every_order(data: StochasticChoice) -> None:
    cert = check_random_utility(data).certificate
    assert isinstance(cert, SeparatingInequality)
    assert _brute_max(cert) <= cert.bound < cert.data_value()


@fast
@given(st.integers(2, 5), st.data())
def test_free_data_inequalities_against_brute_force(n: int, data: st.DataObject) -> None:
    vals = data.draw(st.lists(st.integers(0, 6), min_size=n * (n - 1) // 2,
                              max_size=n * (n - 1) // 2))
    P = [[Fraction(0)] * n for _ in range(n)]
    for (i, j), v in zip(itertools.combinations(range(n), 2), vals, strict=True):
        P[i][j], P[j][i] = Fraction(v, 6), 1 - Fraction(v, 6)
    v = check_random_utility(StochasticChoice.from_matrix(P))
    assert v.coherent == _all_orders_lp(P)
    if isinstance(v.certificate, SeparatingInequality):
        assert _brute_max(v.certificate) <= v.certificate.bound


@pytest.mark.parametrize("seed", range(6))
def test_verdict_agrees_with_lp_over_all_orders_n6(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 6
    P = _matrix([list(rng.permutation(n)) for _ in range(10)],
                [int(w) for w in rng.integers(1, 9, 10)], n)
    if seed % 2:  # perturb one pair, which may or may not leave the polytope
        P[0][3] = min(Fraction(1), P[0][3] + Fraction(int(rng.integers(1, 30)), 100))
        P[3][0] = 1 - P[0][3]
    v = check_random_utility(StochasticChoice.from_matrix(P))
    assert v.coherent == _all_orders_lp(P)


def _timed(n: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    P = _matrix([list(rng.permutation(n)) for _ in range(15)],
                [int(w) for w in rng.integers(1, 9, 15)], n)
    data = StochasticChoice.from_matrix(P)
    t = time.perf_counter()
    assert coherence.check(data).coherent
    return time.perf_counter() - t


def test_performance_n6_and_n8() -> None:
    # a guard against blow-ups (an exponential slip), with room for a loaded machine; the
    # measured times are in benchmarks/stochastic.py and docs/benchmarks.md
    _timed(4, 0)  # imports and solver start-up
    assert min(_timed(6, s) for s in range(3)) <= 2
    assert min(_timed(8, s) for s in range(2)) <= 30


def test_triangle_witness_and_story() -> None:
    d = StochasticChoice.from_probabilities({("a", "b"): 0.9, ("b", "c"): 0.9, ("c", "a"): 0.9})
    v = coherence.check(d)
    cert = v.certificate
    assert isinstance(cert, SeparatingInequality)
    assert cert.bound == 2 and cert.data_value() == Fraction(27, 10)
    assert "bet" in cert.explain() and v.exit_code == 1


def test_ternary_data_use_weak_orders() -> None:
    d = StochasticChoice.from_records([
        {"item_a": "x", "item_b": "y", "n_a": 1, "n_b": 1, "n_indifferent": 2},
        {"item_a": "y", "item_b": "z", "n_a": 2, "n_b": 0, "n_indifferent": 2},
        {"item_a": "x", "item_b": "z", "n_a": 2, "n_b": 0, "n_indifferent": 2}])
    v = check_random_utility(d)
    assert v.coherent and v.certificate.weak  # type: ignore[union-attr]
    bad = StochasticChoice.from_records([
        {"item_a": "x", "item_b": "y", "n_a": 3, "n_b": 0, "n_indifferent": 1},
        {"item_a": "y", "item_b": "z", "n_a": 3, "n_b": 0, "n_indifferent": 1},
        {"item_a": "z", "item_b": "x", "n_a": 3, "n_b": 0, "n_indifferent": 1}])
    cert = check_random_utility(bad).certificate
    assert isinstance(cert, SeparatingInequality) and cert.weak and cert.verify()


@fast
@given(stochastic_choices())
def test_json_round_trip_and_tampering(data: StochasticChoice) -> None:
    v = check_random_utility(data)
    cert = v.certificate
    back = from_json(cert.to_json())
    assert back.to_json() == cert.to_json() and isinstance(back, type(cert))
    assert back.verify() is True  # type: ignore[union-attr]
    for rule in TAMPER_RULES[cert.kind]:
        bad = rule(cert)
        assert bad.verify() is False
        with pytest.raises(CertificationError):
            Verdict.certify(bad, v.subject)


@pytest.mark.parametrize("build", [
    lambda: StochasticChoice.from_matrix([[0, 1.2], [-0.2, 0]]),
    lambda: StochasticChoice.from_matrix([[0, 0.5], [0.6, 0]]),
    lambda: StochasticChoice.from_counts([[0, -1], [2, 0]]),
    lambda: StochasticChoice.from_counts([[0, 1.5], [2, 0]]),
    lambda: StochasticChoice.from_probabilities({("a", "b"): 0.5, ("b", "a"): 0.5}),
    lambda: StochasticChoice.from_records([{"item_a": "a", "item_b": "b"}]),
])
def test_bad_input_is_an_input_error(build: object) -> None:
    with pytest.raises(InputError):
        build()  # type: ignore[operator]
