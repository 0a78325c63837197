"""The exact LP layer: parsing, exact points, Gordan's alternative against brute force."""

from decimal import Decimal
from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence._exact import (
    LinearSystem,
    as_fraction,
    find_point,
    gordan,
    solve_linear_exact,
)
from coherence.errors import InputError


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1/3", Fraction(1, 3)), ("0.25", Fraction(1, 4)), (" -2 ", Fraction(-2)), (3, Fraction(3)),
     (0.5, Fraction(1, 2)), (Decimal("0.1"), Fraction(1, 10)), ("1e-3", Fraction(1, 1000)),
     (np.int64(4), Fraction(4))],
)
def test_as_fraction_parses_exactly(raw, expected):
    assert as_fraction(raw) == expected


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "nan", "abc", "1/0", True, None, [1]])
def test_as_fraction_rejects(bad):
    with pytest.raises(InputError):
        as_fraction(bad)


def test_solve_linear_exact_and_inconsistent():
    assert solve_linear_exact([[1, 1], [1, -1]], [3, 1]) == [2, 1]
    assert solve_linear_exact([[1, 1], [2, 2]], [1, 3]) is None
    # free variable pinned
    x = solve_linear_exact([[1, 1]], [1], {1: Fraction(1, 3)})
    assert x == [Fraction(2, 3), Fraction(1, 3)]


def test_find_point_equalities_with_awkward_denominators():
    # x + y + z = 1, 3x = 7y, x, y, z ≥ 0, z = 1/997
    A_eq = np.array([[1, 1, 1], [3, -7, 0], [0, 0, 1]], dtype=object)
    b_eq = np.array([1, 0, Fraction(1, 997)], dtype=object)
    sys_ = LinearSystem(n=3, A_eq=A_eq, b_eq=b_eq, lb=(Fraction(0),) * 3)
    x = find_point(sys_)
    assert x is not None and sys_.satisfied(x)
    assert x[2] == Fraction(1, 997) and 3 * x[0] == 7 * x[1]


def test_find_point_strict_rows():
    # x > 0, y > 0, x + y < 1/1000
    sys_ = LinearSystem(
        n=2, A_ub=np.array([[-1, 0], [0, -1], [1, 1]], dtype=object),
        b_ub=np.array([0, 0, Fraction(1, 1000)], dtype=object), strict=[True, True, True],
    )
    x = find_point(sys_)
    assert x is not None and sys_.satisfied(x) and x[0] > 0 and x[0] + x[1] < Fraction(1, 1000)


def test_find_point_infeasible_returns_none():
    sys_ = LinearSystem(n=1, A_ub=np.array([[1], [-1]], dtype=object),
                        b_ub=np.array([0, -1], dtype=object))
    assert find_point(sys_) is None


def test_linear_system_shape_errors():
    with pytest.raises(InputError):
        LinearSystem(n=2, A_ub=np.zeros((2, 3), dtype=object), b_ub=np.zeros(2, dtype=object))


def _brute_gordan_exploit(G):
    """Is there s ∈ {−2..2}^m with G s < 0? (sufficient for small integer matrices)."""
    k, m = G.shape
    for s in product(range(-2, 3), repeat=m):
        if all(sum(G[i, j] * s[j] for j in range(m)) < 0 for i in range(k)):
            return True
    return False


@settings(max_examples=60)
@given(st.integers(1, 3), st.integers(1, 3), st.data())
def test_gordan_exactly_one_side_verified(k, m, data):
    vals = data.draw(st.lists(st.integers(-3, 3), min_size=k * m, max_size=k * m))
    G = np.array([Fraction(v) for v in vals], dtype=object).reshape(k, m)
    res = gordan(G)
    assert res is not None
    if res.stakes is not None:
        vals_ = G.dot(np.array(res.stakes, dtype=object))
        assert all(v < 0 for v in vals_) and res.margin > 0
    else:
        y = res.weights
        assert all(v >= 0 for v in y) and sum(y) == 1
        assert all(v == 0 for v in np.array(y, dtype=object).dot(G))
        assert not _brute_gordan_exploit(G)


def test_exact_simplex_fallback_is_verified():
    from coherence._exact.simplex import exact_solve

    sys_ = LinearSystem(
        n=2, A_ub=np.array([[1, 1]], dtype=object), b_ub=np.array([Fraction(1, 3)], dtype=object),
        A_eq=np.array([[1, -2]], dtype=object), b_eq=np.array([0], dtype=object),
        lb=(Fraction(0), Fraction(0)), strict=[True],
    )
    x = exact_solve(sys_)
    assert x is not None and sys_.satisfied(x)


def test_from_type_resolves_registered_types():
    from hypothesis import find

    from coherence.beliefs import Credences
    from coherence.decisions import Game

    assert isinstance(find(st.from_type(Credences), lambda c: True), Credences)
    assert isinstance(find(st.from_type(Game), lambda g: True), Game)


def test_exact_simplex_infeasible_and_unbounded():
    from coherence._exact.simplex import simplex

    one, zero = Fraction(1), Fraction(0)
    assert simplex([[one, one]], [-one], [zero, zero]) is None  # x + y = −1, x, y ≥ 0
    assert simplex([[one, -one]], [zero], [-one, zero]) is None  # min −x, x = y: unbounded
    assert simplex([[one, one]], [one], [one, Fraction(2)]) == [one, zero]


def test_active_set_snaps_a_rounded_vertex():
    from coherence._exact.simplex import active_set_solve

    # x + y + z = 1, x = 2y, float hint off by 1e-8: the exact vertex is found
    sys_ = LinearSystem(n=3, A_eq=np.array([[1, 1, 1], [1, -2, 0]], dtype=object),
                        b_eq=np.array([1, 0], dtype=object), lb=(Fraction(0),) * 3)
    x = active_set_solve(sys_, np.array([2 / 3 + 1e-8, 1 / 3 - 1e-8, 0.0]))
    assert x is not None and sys_.satisfied(x) and x[2] == 0
