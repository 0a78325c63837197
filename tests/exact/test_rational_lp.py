"""The exact LP: a point whenever one exists, ``None`` only when none does, from any start.

Cross-checked against the dense Fraction simplex (:func:`coherence._exact.simplex.simplex`
on the standard form, Bland's rule) on small systems, against planted points on larger ones,
and on data from 10⁻³⁰⁰ to 10³⁰⁰ that a float solver cannot even represent.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coherence._exact import LinearSystem, find_point, gordan
from coherence._exact.rational_lp import exact_point, float_model, integer_form
from coherence._exact.simplex import exact_solve
from coherence._exact.tableau import Tableau

MAGS = [Fraction(1), Fraction(10**9), Fraction(1, 10**9), Fraction(10**300),
        Fraction(1, 10**300)]


@st.composite
def systems(draw: st.DrawFn, max_n: int = 4, max_rows: int = 5) -> LinearSystem:
    """Small systems with entries of mixed magnitudes, strict rows, equalities and bounds."""
    n = draw(st.integers(1, max_n))
    k = draw(st.integers(0, max_rows))
    e = draw(st.integers(0, 2))
    mag = draw(st.sampled_from(MAGS))

    def val() -> Fraction:
        return draw(st.integers(-3, 3)) * (mag if draw(st.booleans()) else Fraction(1))

    A = [[val() for _ in range(n)] for _ in range(k)]
    b = [val() for _ in range(k)]
    Ae = [[val() for _ in range(n)] for _ in range(e)]
    be = [val() for _ in range(e)]
    strict = [draw(st.booleans()) for _ in range(k)]
    lb = tuple(draw(st.sampled_from([None, 0, -1, Fraction(1, 3)])) for _ in range(n))
    ub = tuple(draw(st.sampled_from([None, 2, 5])) for _ in range(n))
    return LinearSystem(n, A_ub=A or None, b_ub=b, A_eq=Ae or None, b_eq=be, lb=lb, ub=ub,
                        strict=strict)


@settings(max_examples=300)
@given(systems(), st.none() | st.lists(st.floats(-3, 3), min_size=4, max_size=4))
def test_exact_point_agrees_with_the_dense_simplex(system, hint):
    ref = exact_solve(system)
    h = None if hint is None else np.array(hint[: system.n])
    x = exact_point(system, h)
    assert (x is None) == (ref is None)
    assert x is None or system.satisfied(x)
    y = find_point(system)
    assert (y is None) == (ref is None) and (y is None or system.satisfied(y))


@st.composite
def planted(draw: st.DrawFn) -> tuple[LinearSystem, list[Fraction]]:
    """A system built around a rational point that satisfies it (strict rows with a margin),
    with near-degenerate rows (many tight at the point)."""
    n = draw(st.integers(1, 8))
    k = draw(st.integers(1, 12))
    x = [Fraction(draw(st.integers(-5, 5)), draw(st.integers(1, 4))) for _ in range(n)]
    mag = draw(st.sampled_from(MAGS))
    A = [[draw(st.integers(-4, 4)) * mag for _ in range(n)] for _ in range(k)]
    strict = [draw(st.booleans()) for _ in range(k)]
    slack = [Fraction(draw(st.sampled_from([0, 1]))) * mag / 10**9 for _ in range(k)]
    b = [sum((a * v for a, v in zip(row, x, strict=True)), Fraction(0)) + s + (mag if t else 0)
         * Fraction(1, 10**10) for row, s, t in zip(A, slack, strict, strict=True)]
    eq = draw(st.integers(0, 2))
    Ae = [[draw(st.integers(-4, 4)) for _ in range(n)] for _ in range(eq)]
    be = [sum((a * v for a, v in zip(row, x, strict=True)), Fraction(0)) for row in Ae]
    return LinearSystem(n, A_ub=A, b_ub=b, A_eq=Ae or None, b_eq=be, strict=strict), x


@settings(max_examples=80)
@given(planted())
def test_a_feasible_system_always_gets_a_point(case):
    system, x0 = case
    assert system.satisfied(x0)
    x = find_point(system)
    assert x is not None and system.satisfied(x)
    x = exact_point(system)
    assert x is not None and system.satisfied(x)


@pytest.mark.slow
@settings(max_examples=3_000)
@given(planted())
def test_a_feasible_system_always_gets_a_point_slow(case):
    system, _ = case
    x = find_point(system)
    assert x is not None and system.satisfied(x)


def test_a_margin_below_float_resolution():
    # 10¹² + x < 10¹² + 10⁻⁹ and x > 0: HiGHS sees one row 10¹² + x ≤ 10¹²
    s = LinearSystem(1, A_ub=[[1], [-1]], b_ub=[Fraction(1, 10**9), 0], strict=[True, True])
    x = find_point(s)
    assert x is not None and 0 < x[0] < Fraction(1, 10**9)
    s = LinearSystem(2, A_ub=[[10**12, 1], [-(10**12), -1]],
                     b_ub=[10**24 + Fraction(1, 10**9), -(10**24)], strict=[True, False],
                     lb=(0, 0))
    x = find_point(s)
    assert x is not None and s.satisfied(x)


def test_values_across_the_float_range_and_beyond():
    tiny = Fraction(1, 10**300)
    s = LinearSystem(2, A_ub=[[10**300, -tiny], [-(10**400), 1]], b_ub=[1, 0],
                     strict=[True, True], lb=(0, 0))
    assert np.abs(float_model(s).A_ub).max() < 2.0
    x = find_point(s)
    assert x is not None and s.satisfied(x)
    infeasible = LinearSystem(1, A_ub=[[10**400], [-(10**400)]], b_ub=[-1, 0])
    assert find_point(infeasible) is None


def test_the_integer_form_keeps_the_constraints():
    s = LinearSystem(2, A_ub=[[Fraction(1, 2), Fraction(1, 3)]], b_ub=[1], strict=[True],
                     A_eq=[[1, -1]], b_eq=[0], lb=(0, None))
    f = integer_form(s)
    assert f.A.tolist() == [[3, 2, 1, 6], [1, -1, 0, 0]] and f.b == [6, 0]
    assert f.lo == [0, None, 0, None] and f.hi == [None, None, None, 1]


def test_tableau_entries_are_minors():
    A = np.array([[2, 1, 1], [1, 3, 2], [1, 0, 0]], dtype=object)
    t = Tableau(A, [4, 5, 6])
    for r, c in ((0, 0), (1, 1), (2, 2)):
        t.pivot(r, c)
    assert round(np.linalg.det(A.astype(float))) == t.D
    x = [Fraction(t.T[i, -1], t.D) for i in range(3)]
    assert (A.dot(np.array(x, dtype=object)) == [4, 5, 6]).all()


def test_redundant_and_inconsistent_equations():
    s = LinearSystem(2, A_eq=[[1, 1], [2, 2], [3, 3]], b_eq=[1, 2, 3], lb=(0, 0))
    x = exact_point(s)
    assert x is not None and s.satisfied(x)
    s = LinearSystem(2, A_eq=[[1, 1], [2, 2]], b_eq=[1, 3], lb=(0, 0))
    assert exact_point(s) is None and find_point(s) is None


def test_degenerate_vertices_do_not_cycle():
    # Beale's cycling example (Beale 1955), as a feasibility problem with a strict row
    A = [[Fraction(1, 4), -8, -1, 9], [Fraction(1, 2), -12, Fraction(-1, 2), 3], [0, 0, 1, 0],
         [Fraction(-3, 4), 20, Fraction(-1, 2), 6]]
    s = LinearSystem(4, A_ub=A, b_ub=[0, 0, 1, Fraction(-1, 10**6)], strict=[False] * 3 + [True],
                     lb=(0,) * 4)
    x = exact_point(s)
    assert x is not None and s.satisfied(x)


@settings(max_examples=100)
@given(st.integers(1, 4), st.integers(1, 4), st.sampled_from(MAGS), st.data())
def test_gordan_across_magnitudes(k, m, mag, data):
    vals = data.draw(st.lists(st.integers(-3, 3), min_size=k * m, max_size=k * m))
    G = np.array([Fraction(v) * mag for v in vals], dtype=object).reshape(k, m)
    res = gordan(G)
    assert res is not None
    if res.stakes is not None:
        assert all(v < 0 for v in G.dot(np.array(res.stakes, dtype=object)))
    else:
        y = np.array(res.weights, dtype=object)
        assert all(v >= 0 for v in y) and sum(y) == 1 and all(v == 0 for v in y.dot(G))
