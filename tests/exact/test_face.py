"""Points on the face of a float optimum, solved in rationals (the step between rounding and
the exact simplex): they keep the face's equations exactly, and the search they shortcut
still finds a point."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coherence._exact import LinearSystem
from coherence._exact.face import face_points
from coherence._exact.feasible import find_point, highs_solve


@st.composite
def degenerate(draw: st.DrawFn) -> LinearSystem:
    """``x ∈ Δ`` with ``xᵀ(A − A_s) ≥ 0`` in every column and ``> 0`` in their sum: the
    weak-dominance system, its optimum tight in the columns where the mixture ties."""
    r = draw(st.integers(3, 7))
    c = draw(st.integers(2, 7))
    den = draw(st.sampled_from([7, 10**6 + 3, 2**61 - 1]))
    A = [[Fraction(draw(st.integers(0, 10 * den)), den) for _ in range(c)] for _ in range(r)]
    # row 0 is the average of rows 1 and 2 in some columns (ties), lower elsewhere
    for t in range(c):
        A[0][t] = (A[1][t] + A[2][t]) / 2 - (Fraction(1, den) if draw(st.booleans()) else 0)
    D = [[A[k][t] - A[0][t] for t in range(c)] for k in range(r)]
    A_ub = [[-D[k][t] for k in range(r)] for t in range(c)]
    A_ub.append([-sum(D[k]) for k in range(r)])
    return LinearSystem(r, A_ub=A_ub, b_ub=[0] * (c + 1), strict=[False] * c + [True],
                        A_eq=[[1] * r], b_eq=[1], lb=(0,) * r,
                        ub=(Fraction(0),) + (None,) * (r - 1))


@settings(max_examples=150, deadline=None)
@given(degenerate())
def test_the_face_of_highs_point_holds_exactly(system: LinearSystem) -> None:
    res, x = highs_solve(system)
    A_ub, b_ub, _, _ = system.floats
    # a point HiGHS holds feasible only up to its tolerance may sit on no exact face
    assume(res is not None and res.x[-1] > 1e-9 and (A_ub @ x <= b_ub).all())
    pts = list(face_points(system, x))
    # the face step is a shortcut: rows tight only to within 10⁻⁹ may make the face empty or
    # its points infeasible, and the exact simplex behind it still finds a point
    found = find_point(system)
    assert found is not None and system.satisfied(found)
    for p in pts:  # every yielded point is on the face: the equations hold exactly
        assert sum(p) == 1 and p[0] == 0


def test_inconsistent_or_non_finite_faces_yield_nothing() -> None:
    s = LinearSystem(1, A_eq=[[1], [1]], b_eq=[0, 1])
    assert list(face_points(s, np.array([0.5]))) == []
    big = LinearSystem(1, A_ub=[[10**400]], b_ub=[1])
    assert list(face_points(big, np.array([0.0]))) == []


def test_the_face_settles_a_tied_mixture_that_rounding_breaks() -> None:
    # σ = (0, 1/3, 2/3) ties row 0 in the first column: the face keeps the tie exactly
    third = Fraction(1, 3)
    A = [[third, 1], [0, 4], [Fraction(1, 2), 0]]
    D = [[A[k][t] - A[0][t] for t in range(2)] for k in range(3)]
    system = LinearSystem(3, A_ub=[[-D[k][t] for k in range(3)] for t in range(2)]
                          + [[-sum(D[k]) for k in range(3)]],
                          b_ub=[0, 0, 0], strict=[False, False, True], A_eq=[[1, 1, 1]],
                          b_eq=[1], lb=(0, 0, 0), ub=(Fraction(0), None, None))
    x = np.array([0.0, 1 / 3, 2 / 3])
    pts = [p for p in face_points(system, x) if system.satisfied(p)]
    assert pts and pts[0] == [0, third, 2 * third]
