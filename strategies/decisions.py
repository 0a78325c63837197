"""Hypothesis strategies for decision problems and policies.

Outcomes are small integers drawn state by state; a dominated policy is built as an act that
gives up a non-negative amount of another act's outcome (positive in one state), so failing
examples shrink to one state, two acts and a loss of 1.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from coherence.decisions import DecisionProblem
from coherence.strategies._args import integer_arg

__all__ = ["decision_problems", "policies"]


def _check(min_states: int, max_states: int, min_acts: int, max_acts: int) -> None:
    integer_arg(min_states, "min_states", min_value=1)
    integer_arg(max_states, "max_states", min_value=min_states)
    integer_arg(min_acts, "min_acts", min_value=1)
    integer_arg(max_acts, "max_acts", min_value=min_acts)


def _problem(draw: st.DrawFn, n: int, m: int, max_outcome: int) -> list[list[int]]:
    return [draw(st.lists(st.integers(0, max_outcome), min_size=m, max_size=m))
            for _ in range(n)]


def _labelled(U: list[list[int]]) -> DecisionProblem:
    """States ``w0, …`` and acts ``a0, …`` around the states × acts matrix ``U``."""
    n, m = len(U), len(U[0])
    return DecisionProblem(
        tuple(f"w{i}" for i in range(n)),
        tuple(f"a{j}" for j in range(m)),
        np.array(U, dtype=object),
    )


def decision_problems(
    *,
    min_states: int = 1,
    max_states: int = 4,
    min_acts: int = 1,
    max_acts: int = 4,
    max_outcome: int = 10,
) -> st.SearchStrategy[DecisionProblem]:
    """Decision problems with states ``"w0", …``, acts ``"a0", …`` and integer outcomes in
    ``[0, max_outcome]``. Shrinks towards one state, one act, outcome 0.

    >>> from hypothesis import find, settings
    >>> p = find(decision_problems(), lambda p: p.n_acts > 1, settings=settings(database=None))
    >>> p.states, p.acts, p.outcomes.tolist()
    (('w0',), ('a0', 'a1'), [[Fraction(0, 1), Fraction(0, 1)]])
    """
    _check(min_states, max_states, min_acts, max_acts)

    @st.composite
    def build(draw: st.DrawFn) -> DecisionProblem:
        n = draw(st.integers(min_states, max_states))
        m = draw(st.integers(min_acts, max_acts))
        U = _problem(draw, n, m, max_outcome)
        return _labelled(U)

    return build()


def policies(
    *,
    dominated: bool | None = None,
    mixed: bool = False,
    min_states: int = 1,
    max_states: int = 4,
    max_acts: int = 4,
    max_outcome: int = 10,
) -> st.SearchStrategy[tuple[DecisionProblem, Any]]:
    """``(problem, policy)`` pairs. ``dominated=True``: act ``a0`` is ``a1``'s outcomes minus a
    non-negative loss (positive somewhere) and the policy plays ``a0`` (mixed with others
    when ``mixed``); ``dominated=False``: the policy is Bayes-optimal for a drawn strictly
    positive prior (so admissible); ``None``: either. Dominated examples shrink to one state,
    two acts and a loss of 1.

    >>> from hypothesis import given, settings
    >>> from coherence import check
    >>> seen = set()
    >>> @settings(max_examples=5, database=None, deadline=None)
    ... @given(policies(dominated=True))
    ... def record(pp):
    ...     seen.add(check(*pp).status)
    >>> record()
    >>> seen
    {'exploitable'}
    """
    _check(min_states, max_states, 2 if dominated else 1, max(max_acts, 2 if dominated else 1))

    @st.composite
    def bad(draw: st.DrawFn) -> tuple[DecisionProblem, Any]:
        n = draw(st.integers(min_states, max_states))
        m = draw(st.integers(2, max(2, max_acts)))
        U = _problem(draw, n, m, max_outcome)
        loss = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
        w = draw(st.integers(0, n - 1))
        loss[w] = max(loss[w], 1)
        for i in range(n):
            U[i][0] = U[i][1] - loss[i]
        P = _labelled(U)
        if mixed and m > 2:
            k = draw(st.integers(1, 3))
            return P, {"a0": Fraction(k, k + 1), "a2": Fraction(1, k + 1)}
        return P, "a0"

    @st.composite
    def good(draw: st.DrawFn) -> tuple[DecisionProblem, Any]:
        n = draw(st.integers(min_states, max_states))
        m = draw(st.integers(1, max_acts))
        U = _problem(draw, n, m, max_outcome)
        prior = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
        ev = [sum(prior[i] * U[i][a] for i in range(n)) for a in range(m)]
        best = [a for a in range(m) if ev[a] == max(ev)]
        P = _labelled(U)
        if mixed and len(best) > 1:
            return P, {f"a{a}": Fraction(1, len(best)) for a in best}
        return P, f"a{best[0]}"

    if dominated is None:
        return st.one_of(bad(), good())
    return bad() if dominated else good()
