"""Dominance, games and decision problems never fail on valid input.

Near ties, margins of 10⁻⁹ or 10⁻¹⁰, payoffs of 10⁹, offsets of 10¹² and values from 10⁻³⁰⁰
to 10³⁰⁰ are valid input: every check returns a verified certificate (a float LP that misleads
costs time, never the answer), and a planted exact domination is always found.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence import check
from coherence.decisions import (
    DecisionProblem,
    Game,
    check_policy,
    eliminate_dominated,
    eliminate_weakly_dominated,
)
from coherence.decisions._mixtures import exact_belief, exact_mixture
from coherence.errors import CoherenceError

# -- the cases that used to raise CertificationError (or worse) --------------------------------

ZEROS = [[0, 0], [0, 0], [0, 0]]


@pytest.mark.parametrize(
    "A",
    [
        [[3, 0], [0, 3], [1.5 - 1e-9, 1.5 - 1e-9]],  # a dominance margin of 10⁻⁹
        [[1e16, 0], [0, 1e16], [4e15, 4e15]],  # beyond HiGHS's matrix-value limit (10¹⁵)
        [[1e300, 0], [0, 1e300], [4e299, 4e299]],
        [[1e-300, 0], [0, 1e-300], [4e-301, 4e-301]],
        [[1e300, 1e-300], [1e-300, 1e300], [4e299, 4e299]],  # an int beyond the float range
        [[1e9, 1e9 + 2], [1e9 + 2, 1e9], [1e9 + 1 - 1e-6, 1e9 + 1 - 1e-6]],  # payoffs near 10⁹
    ],
)
def test_mixed_dominations_of_any_magnitude(A):
    v = eliminate_dominated(Game.bimatrix(A, ZEROS))
    assert v.status == "exploitable" and v.verify()
    (step,) = v.certificate.steps
    assert step.strategy == 2 and sum(1 for w in step.mixture if w) == 2


def test_exact_payoffs_beyond_the_float_range():
    big = Fraction(10**400)
    A = [[big, 0], [0, big], [big / 10, big / 10]]
    for v in (eliminate_dominated(Game.bimatrix(A, ZEROS)),
              eliminate_weakly_dominated(Game.bimatrix(A, ZEROS))):
        assert not v.coherent and v.verify()
    P = DecisionProblem(["a", "b"], ["x", "y", "z"], [[big, 0, big / 10], [0, big, big / 10]])
    assert not check_policy(P, "z").coherent
    assert check_policy(P, "x").coherent


def test_a_mixture_that_ties_exactly_is_no_domination():
    v = eliminate_dominated(Game.bimatrix([[1e9, 1e9 + 2], [1e9 + 2, 1e9], [1e9 + 1] * 2], ZEROS))
    assert v.coherent and v.verify()


def test_weak_dominance_near_ten_to_the_nine():
    A = [[-1e-09, 9e9, 8e9], [0.0, 9e9, 8e9], [9e9, 1e9, 0.0]]
    B = [[1e9, 3e9, 9e9], [9e9, 1e9, 6e9], [1e9, 5e9, 1e9]]
    v = eliminate_weakly_dominated(Game.bimatrix(A, B))
    assert v.status == "exploitable" and v.verify()
    assert (v.certificate.run.steps[0].player, v.certificate.run.steps[0].strategy) == (0, 0)


def test_strict_elimination_with_payoffs_near_ten_to_the_twelve():
    rng = np.random.default_rng(5)
    A = (10**12 + 1000 * rng.integers(0, 9, (5, 5))).tolist()
    A[0] = [(a + b) // 2 - 1 for a, b in zip(A[1], A[2], strict=True)]
    v = eliminate_dominated(Game.bimatrix(A, rng.integers(0, 9, (5, 5)).tolist()))
    assert not v.coherent and v.verify()
    assert any(st.player == 0 and st.strategy == 0 for st in v.certificate.steps)


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        ([[1, 0, 0.5 - 1e-10], [0, 1, 0.5 - 1e-10]], "exploitable"),  # a margin of 10⁻¹⁰
        ([[1, 0, 0.5 + 1e-10], [0, 1, 0.5 - 1e-10]], "coherent"),
        ([[1e12 + 1, 1e12, 1e12 + 0.4], [1e12, 1e12 + 1, 1e12 + 0.4]], "exploitable"),
        ([[1e12 + 1, 1e12, 1e12 + 0.5], [1e12, 1e12 + 1, 1e12 + 0.5]], "coherent"),
        ([[1e300, 0, 4e299], [0, 1e300, 4e299]], "exploitable"),
        ([[1e-300, 0, 5e-301], [0, 1e-300, 5e-301]], "coherent"),
    ],
)
def test_policies_with_tiny_margins_and_large_offsets(outcomes, status):
    v = check_policy(DecisionProblem(["a", "b"], ["x", "y", "z"], outcomes), "z")
    assert v.status == status and v.verify()


def test_policy_with_outcomes_of_ten_to_the_twelve():
    U = [[3e12, 5e12, 1e12, 1e12], [4.5e12, 3e12, 6e12, 1e12], [2e12, 1e12, 3e12, 2e12],
         [4e12, 4e12, 1e13, 7e12]]
    P = DecisionProblem([f"w{i}" for i in range(4)], [f"a{j}" for j in range(4)], U)
    v = check_policy(P, "a0")
    assert not v.coherent and v.verify()


def test_exact_mixture_and_belief_are_complete():
    # float hints that point the wrong way: the exact answers still come out
    U = np.array([[2 * 10**12, 0], [0, 2 * 10**12], [10**12 - 1, 10**12 - 1]], dtype=object)
    assert exact_mixture(U, 2, np.array([1.0, 0.0, 0.0]), strict=True) is not None
    assert exact_belief(U, 2) is None
    U[2] = [10**12, 10**12]
    assert exact_mixture(U, 2, np.array([0.5, 0.5, 0.0]), strict=True) is None
    assert exact_mixture(U, 2, None, strict=False) is None
    assert exact_belief(U, 2) == (Fraction(1, 2), Fraction(1, 2))


# -- generated near ties over nine orders of magnitude -----------------------------------------

EPS = [Fraction(0), Fraction(1), Fraction(1, 10**6), Fraction(1, 10**9), Fraction(1, 10**10),
       Fraction(-1, 10**9)]
OFFSETS = [0, 10**9, -(10**9), 10**12]


def _as_input(v: Fraction, form: str) -> object:
    return float(v) if form == "float" else str(v) if form == "string" else v


@st.composite
def hard_matrices(draw: st.DrawFn, rows: tuple[int, int], cols: tuple[int, int]) -> tuple:
    """An integer matrix with row 0 planted near another row or a 50/50 mixture of two,
    scaled by 10⁻⁹…10⁹ and shifted; exact when the form is not ``float``.
    Returns ``(matrix, planted margin or None, form)``."""
    r = draw(st.integers(*rows))
    c = draw(st.integers(*cols))
    flat = draw(st.lists(st.integers(0, 9), min_size=r * c, max_size=r * c))
    M = [[Fraction(v) for v in flat[i * c:(i + 1) * c]] for i in range(r)]
    plant = draw(st.sampled_from(["none", "pure", "mixed"] if r >= 3 else ["none", "pure"]))
    eps = draw(st.sampled_from(EPS))
    if plant == "pure":
        M[0] = [v - eps for v in M[1]]
    elif plant == "mixed":
        M[0] = [(a + b) / 2 - eps for a, b in zip(M[1], M[2], strict=True)]
    scale = Fraction(10) ** draw(st.integers(-9, 9))
    offset = draw(st.sampled_from(OFFSETS))
    form = draw(st.sampled_from(["float", "fraction", "string"]))
    out = [[_as_input(offset + scale * v, form) for v in row] for row in M]
    return out, (eps if plant != "none" else None), form


def _game_case(case: tuple, strict: bool) -> None:
    A, eps, form = case
    B = [[0] * len(A[0]) for _ in A]
    try:
        g = Game.bimatrix(A, B)
    except CoherenceError:
        return  # not valid input (the reading of a float, say): nothing to check
    v = eliminate_dominated(g) if strict else eliminate_weakly_dominated(g)
    assert v.verify()
    if form != "float" and eps is not None and eps > 0:
        assert not v.coherent  # the planted domination is exact, so it must be found


def _policy_case(case: tuple, mixed: bool) -> None:
    U, _, _ = case
    n = len(U[0])
    P = DecisionProblem([f"w{i}" for i in range(len(U))], [f"a{j}" for j in range(n)],
                        [[U[i][j] for j in range(n)] for i in range(len(U))])
    policy = {"a0": "1/2", f"a{n - 1}": "1/2"} if mixed and n > 1 else "a0"
    v = check_policy(P, policy)
    assert v.verify()


def _transposed(case: tuple) -> tuple:
    """States × acts from an acts × states matrix (row 0 is the planted act)."""
    M, eps, form = case
    return [list(col) for col in zip(*M, strict=True)], eps, form


@settings(max_examples=200)
@given(hard_matrices((2, 4), (1, 4)))
def test_strict_elimination_never_fails(case):
    _game_case(case, strict=True)


@settings(max_examples=200)
@given(hard_matrices((2, 4), (1, 4)))
def test_weak_elimination_never_fails(case):
    _game_case(case, strict=False)


@settings(max_examples=200)
@given(hard_matrices((2, 4), (1, 4)), st.booleans())
def test_policies_never_fail(case, mixed):
    _policy_case(_transposed(case), mixed)


# the slow lane: 10⁴ examples per checker, in two halves of 5,000 (fewer and more rows)
HALVES = [(2, 3), (3, 4)]


@pytest.mark.slow
@pytest.mark.parametrize("rows", HALVES)
def test_strict_elimination_never_fails_slow(rows):
    @settings(max_examples=5_000)
    @given(hard_matrices(rows, (1, 4)))
    def run(case):
        _game_case(case, strict=True)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("rows", HALVES)
def test_weak_elimination_never_fails_slow(rows):
    @settings(max_examples=5_000)
    @given(hard_matrices(rows, (1, 4)))
    def run(case):
        _game_case(case, strict=False)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("rows", HALVES)
def test_policies_never_fail_slow(rows):
    @settings(max_examples=5_000)
    @given(hard_matrices(rows, (1, 4)), st.booleans())
    def run(case, mixed):
        _policy_case(_transposed(case), mixed)

    run()


@settings(max_examples=60)
@given(
    st.lists(st.lists(st.integers(0, 9), min_size=2, max_size=2), min_size=3, max_size=3),
    st.integers(-300, 300),
)
def test_magnitudes_to_the_float_range(M, k):
    scale = Fraction(10) ** k
    A = [[float(scale * v) for v in row] for row in M]
    v = check(Game.bimatrix(A, [[0, 0]] * 3))
    assert v.verify()


def test_subnormal_and_huge_payoffs_together():
    # a belief weight below the normal float range once made the filtered best-response test
    # trust a float product off by 10⁻¹⁵ (the survivors then had "neither a belief nor a
    # dominating mixture")
    from coherence.decisions import eliminate_dominated, eliminate_weakly_dominated

    Z = [[0, 0, 0], [0, 0, 0]]
    v = eliminate_dominated(Game.bimatrix(Z, [[0, 1, -1e300], [5e-324, 0, 1e-300]]))
    assert v.verify()
    g = Game.bimatrix([[1e-300, 1e-300, 5e-324], [0, -1e300, 1e300]],
                      [[0, 5e-324, 1.7976931348623157e308], [1.7976931348623157e308, 1e-300, 0]])
    assert eliminate_weakly_dominated(g).verify()
