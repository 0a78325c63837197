"""Hypothesis strategies for preference relations and willingness-to-pay matrices.

Every strategy draws the number of items first, then one small integer per pair, and relabels
with a permutation last, so failing examples shrink to few items, few preferences and the
identity labelling: ``find(preference_relations(), has_pump)`` gives a 3-item cycle.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from coherence.graphs import transitive_closure
from coherence.relations import PreferenceRelation, WillingnessToPay
from coherence.strategies._args import integer_arg

__all__ = [
    "linear_orders",
    "preference_relations",
    "strict_partial_orders",
    "tournaments",
    "weak_orders",
    "willingness_to_pay",
]

# pair codes: 0 incomparable, 1 lower rank ≻ higher rank, 2 indifferent, 3 the reverse
_INCOMP, _FWD, _INDIFF, _BWD = 0, 1, 2, 3


def _check_sizes(min_items: int, max_items: int | None, floor: int = 1) -> int:
    integer_arg(min_items, "min_items", min_value=floor)
    if max_items is None:
        max_items = max(min_items, 8)
    integer_arg(max_items, "max_items", min_value=min_items)
    return max_items


def _reflexive_closure(R: np.ndarray) -> np.ndarray:
    """Reflexive-transitive closure: the transitive closure with the diagonal set."""
    return transitive_closure(R) | np.eye(R.shape[0], dtype=bool)


def _relabel(draw: st.DrawFn, R: np.ndarray) -> PreferenceRelation:
    n = R.shape[0]
    perm = np.array(draw(st.permutations(range(n))), dtype=np.int64)
    inv = np.argsort(perm)
    return PreferenceRelation(tuple(range(n)), R[np.ix_(inv, inv)])


def _from_codes(n: int, codes: dict[tuple[int, int], int], rank: np.ndarray) -> np.ndarray:
    """Build R from pair codes; FWD means the item of smaller ``rank`` is strictly better."""
    R = np.eye(n, dtype=bool)
    for (i, j), c in codes.items():
        a, b = (i, j) if rank[i] < rank[j] else (j, i)
        if c == _FWD:
            R[a, b] = True
        elif c == _BWD:
            R[b, a] = True
        elif c == _INDIFF:
            R[a, b] = R[b, a] = True
    return R


def _is_complete(R: np.ndarray) -> bool:
    return bool((R | R.T).all())


def _is_transitive(R: np.ndarray) -> bool:
    return not bool((((R.astype(np.int64) @ R.astype(np.int64)) > 0) & ~R).any())


def _items_needed(
    max_items: int, complete: bool | None, transitive: bool | None, acyclic: bool | None
) -> int:
    """The fewest items the requested properties allow; refuses impossible settings."""
    if transitive is True and acyclic is False:
        raise InvalidArgument("a transitive relation cannot have a strict cycle")
    need = 1
    if acyclic is False or transitive is False:
        need = 3
    elif complete is False:
        need = 2
    if max_items < need:
        raise InvalidArgument(f"max_items={max_items} is too small: this needs {need} items")
    return need


def _transitive_matrix(
    draw: st.DrawFn, min_items: int, max_items: int, complete: bool | None
) -> np.ndarray:
    """A reflexive transitive relation: ranks with ties when complete, else the closure of
    random bits (with the last item cut off when it must be incomplete)."""
    n = draw(st.integers(min_items, max_items))
    if complete is True:
        ranks = np.array(draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n)))
        return ranks[:, None] <= ranks[None, :]  # rank 0 is best
    bits = draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))
    R = _reflexive_closure(np.array(bits, dtype=bool).reshape(n, n))
    if complete is False and _is_complete(R):
        # make the last item incomparable to everything (keeps transitivity)
        R[n - 1, :] = False
        R[:, n - 1] = False
        R[n - 1, n - 1] = True
    return R


def _planted(
    draw: st.DrawFn, n: int, complete: bool | None, transitive: bool | None,
    acyclic: bool | None,
) -> tuple[np.ndarray, dict[tuple[int, int], int]]:
    """The ranks and the forced pair codes that make a required failure happen.

    ``acyclic=False`` plants the strict cycle ``0 ≻ 1 ≻ … ≻ k-1 ≻ 0`` (k drawn, shrinking to
    3); ``transitive=False`` plants an intransitive triple on items 0, 1, 2.
    """
    rank = np.arange(n)
    forced: dict[tuple[int, int], int] = {}
    if acyclic is False:
        k = draw(st.integers(3, n))
        for t in range(k):  # t ≻ t+1 (mod k); pairs stored as (min, max)
            a, b = t, (t + 1) % k
            forced[(min(a, b), max(a, b))] = _FWD if a < b else _BWD
    elif transitive is False:
        if acyclic is True:
            # 0 ~ 1, 1 ≻ 2, and 2 ≻ 0 (complete) or 0 ∥ 2; strict edges follow the
            # order 1, 2, 0 (codes are in rank terms: FWD = the better-ranked item wins)
            rank = np.array([2, 0, 1, *range(3, n)])
            forced[(0, 1)] = _INDIFF
            forced[(1, 2)] = _FWD
            forced[(0, 2)] = _FWD if complete else _INCOMP
            if complete is None and draw(st.booleans()):
                forced[(0, 2)] = _FWD
        else:
            forced[(0, 1)] = _FWD
            forced[(1, 2)] = _FWD
            forced[(0, 2)] = _BWD if complete is True else _INCOMP
    return rank, forced


def _coded_matrix(
    draw: st.DrawFn, min_items: int, max_items: int, complete: bool | None,
    transitive: bool | None, acyclic: bool | None,
) -> np.ndarray:
    """A reflexive relation from one code per pair, with the required failures planted."""
    # The first option is what pairs shrink to: "earlier item ≻ later item", so shrunk
    # examples are close to a linear order (where every cycle has a 3-item sub-cycle).
    options = [_FWD, _INDIFF, _INCOMP] if acyclic is True else [_FWD, _INDIFF, _INCOMP, _BWD]
    if complete is True:
        options.remove(_INCOMP)
    # Each item carries a key and a row of codes indexed by the other items' keys (packed into
    # one integer, base len(options)), so deleting an item leaves every other pair unchanged:
    # the shrinker can drop items off a pump one by one.
    base = len(options)
    entries = draw(
        st.lists(
            st.tuples(st.integers(0, max_items - 1), st.integers(0, base**max_items - 1)),
            min_size=min_items,
            max_size=max_items,
            unique_by=lambda e: e[0],
        )
    )
    n = len(entries)
    rank, forced = _planted(draw, n, complete, transitive, acyclic)
    codes = {
        (i, j): forced.get((i, j), options[(entries[i][1] // base ** entries[j][0]) % base])
        for j in range(n)
        for i in range(j)
    }
    R = _from_codes(n, codes, rank)
    if complete is False and _is_complete(R):
        # turn one free pair incomparable; if none is free, retract via Hypothesis
        free = [p for p in codes if p not in forced]
        assume(bool(free))
        i, j = free[draw(st.integers(0, len(free) - 1))]
        R[i, j] = R[j, i] = False
    if transitive is False:
        assume(not _is_transitive(R))
    return R


@st.composite
def preference_relations(
    draw: st.DrawFn,
    *,
    min_items: int = 1,
    max_items: int | None = None,
    complete: bool | None = None,
    transitive: bool | None = None,
    acyclic: bool | None = None,
) -> PreferenceRelation:
    """Reflexive weak preference relations on items ``0..n-1``.

    Each of ``complete``, ``transitive`` and ``acyclic`` (of strict preference) is ``True``
    (required), ``False`` (required to fail) or ``None`` (either). Impossible settings raise
    ``InvalidArgument``: ``transitive=True`` with ``acyclic=False`` (a transitive relation has
    an acyclic strict part), or too few items for a required failure (intransitivity and
    strict cycles need 3 items, incompleteness 2).

    Shrinks towards fewer items, the linear order ``0 ≻ 1 ≻ …`` on the remaining pairs,
    shorter planted cycles and the identity labelling; ``find`` on "has a money pump" gives a
    3-item cycle. A strict cycle is always a money pump:

    >>> from hypothesis import given, settings
    >>> from coherence.relations import check_relation
    >>> @settings(max_examples=20, database=None)
    ... @given(preference_relations(max_items=5, acyclic=False))
    ... def test_strict_cycles_are_pumps(rel):
    ...     assert not check_relation(rel).coherent
    >>> test_strict_cycles_are_pumps()
    """
    max_items = _check_sizes(min_items, max_items)
    need = _items_needed(max_items, complete, transitive, acyclic)
    lo = max(min_items, need)
    if transitive is True:
        R = _transitive_matrix(draw, lo, max_items, complete)
    else:
        R = _coded_matrix(draw, lo, max_items, complete, transitive, acyclic)
    return _relabel(draw, R)


@st.composite
def linear_orders(draw: st.DrawFn, *, min_items: int = 1, max_items: int | None = None
                  ) -> PreferenceRelation:
    """Strict total orders (complete, transitive, antisymmetric). Shrinks towards fewer items
    and the order ``0 ≻ 1 ≻ … ≻ n-1``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(linear_orders(max_items=5))
    ... def test_every_pair_is_strict(rel):
    ...     assert len(rel.pairs(strict_only=True)) == rel.n * (rel.n - 1) // 2
    >>> test_every_pair_is_strict()
    """
    max_items = _check_sizes(min_items, max_items)
    n = draw(st.integers(min_items, max_items))
    R = np.arange(n)[:, None] <= np.arange(n)[None, :]
    return _relabel(draw, R)


@st.composite
def weak_orders(draw: st.DrawFn, *, min_items: int = 1, max_items: int | None = None
                ) -> PreferenceRelation:
    """Complete, transitive relations (rankings with ties). Shrinks towards fewer items, all
    tied.

    >>> from hypothesis import given, settings
    >>> from coherence.relations import check_relation
    >>> @settings(max_examples=20, database=None)
    ... @given(weak_orders(max_items=5))
    ... def test_rankings_are_coherent(rel):
    ...     assert (rel.weak | rel.weak.T).all() and check_relation(rel).coherent
    >>> test_rankings_are_coherent()
    """
    max_items = _check_sizes(min_items, max_items)
    n = draw(st.integers(min_items, max_items))
    ranks = np.array(draw(st.lists(st.integers(0, n - 1), min_size=n, max_size=n)))
    return _relabel(draw, ranks[:, None] <= ranks[None, :])


@st.composite
def strict_partial_orders(draw: st.DrawFn, *, min_items: int = 1, max_items: int | None = None
                          ) -> PreferenceRelation:
    """Strict partial orders (irreflexive, transitive strict part; no indifference), as
    reflexive relations whose strict part is the order. Shrinks towards the empty order
    (everything incomparable) on few items.

    >>> from hypothesis import given, settings
    >>> from coherence.relations import check_transitive
    >>> @settings(max_examples=20, database=None)
    ... @given(strict_partial_orders(max_items=5))
    ... def test_no_indifference(rel):
    ...     assert not rel.indifferent.any() and check_transitive(rel).coherent
    >>> test_no_indifference()
    """
    max_items = _check_sizes(min_items, max_items)
    n = draw(st.integers(min_items, max_items))
    P = np.zeros((n, n), dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            P[i, j] = draw(st.booleans())
    R = _reflexive_closure(P)
    return _relabel(draw, R)


@st.composite
def tournaments(draw: st.DrawFn, *, min_items: int = 1, max_items: int | None = None
                ) -> PreferenceRelation:
    """Tournaments: complete, antisymmetric relations (every pair strictly ordered one way).
    Shrinks towards fewer items and the transitive tournament ``0 ≻ 1 ≻ …``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None)
    ... @given(tournaments(max_items=5))
    ... def test_one_way_only(rel):
    ...     assert (rel.strict | rel.strict.T).sum() == rel.n * (rel.n - 1)
    >>> test_one_way_only()
    """
    max_items = _check_sizes(min_items, max_items)
    n = draw(st.integers(min_items, max_items))
    R = np.eye(n, dtype=bool)
    for i in range(n):
        for j in range(i + 1, n):
            if draw(st.booleans()):
                R[j, i] = True
            else:
                R[i, j] = True
    return _relabel(draw, R)


def _wtp_entry(code: int) -> float | None:
    """Entry code → payment: 0 is ``None`` (never), then 0, 1/2, −1/2, 1, −1, … (codes
    shrink towards small payments). O(1)."""
    if code == 0:
        return None
    h = code // 2
    return h / 2 if code % 2 == 0 or h == 0 else -h / 2


@st.composite
def willingness_to_pay(
    draw: st.DrawFn,
    *,
    min_items: int = 2,
    max_items: int | None = None,
    coherent: bool | None = None,
    max_value: int = 10,
) -> WillingnessToPay:
    """Willingness-to-pay matrices with integer (or half-integer) entries; ``-inf`` = never.

    ``coherent=True`` draws a money utility ``u`` and entries ``W[i, j] ≤ u[j] − u[i]``;
    ``coherent=False`` plants a cycle with positive total payment. Shrinks towards two items,
    refused swaps, and a 2-cycle paying 1 in all.

    >>> from hypothesis import given, settings
    >>> from coherence.relations import check_willingness_to_pay
    >>> @settings(max_examples=20, database=None)
    ... @given(willingness_to_pay(max_items=4, coherent=False))
    ... def test_planted_pumps_are_found(wtp):
    ...     assert check_willingness_to_pay(wtp).certificate.total > 0
    >>> test_planted_pumps_are_found()
    """
    max_items = _check_sizes(min_items, max_items, floor=2)
    integer_arg(max_value, "max_value", min_value=1)
    if coherent is True:
        n = draw(st.integers(min_items, max_items))
        W = np.full((n, n), -np.inf)
        u = np.array(draw(st.lists(st.integers(-max_value, max_value), min_size=n, max_size=n)))
        for i in range(n):
            for j in range(n):
                if i != j and draw(st.booleans()):
                    slack = draw(st.integers(0, max_value))
                    W[i, j] = (u[j] - u[i]) - slack
        return WillingnessToPay(tuple(range(n)), W)
    # The planted cycle comes first (its length and payments), then keyed rows (see
    # preference_relations): deleting an item keeps every other entry, so pumps shrink to
    # two items. Each entry is one integer code: 0 is "never", others small (half-)integers.
    plant = coherent is False or (coherent is None and not draw(st.booleans(), label="free"))
    cycle: list[int] = []
    if plant:
        k = draw(st.integers(2, max_items), label="cycle length")
        cycle = [draw(st.integers(-max_value, max_value)) for _ in range(k - 1)]
        cycle.append(1 - sum(cycle) + draw(st.integers(0, max_value)))  # the pump gains ≥ 1
    codes = st.lists(st.integers(0, 4 * max_value + 1), min_size=max_items, max_size=max_items)
    entries = draw(
        st.lists(
            st.tuples(st.integers(0, max_items - 1), codes),
            min_size=max(min_items, len(cycle)),
            max_size=max_items,
            unique_by=lambda e: e[0],
        )
    )
    n = len(entries)
    W = np.full((n, n), -np.inf)
    for i in range(n):
        for j in range(n):
            v = _wtp_entry(entries[i][1][entries[j][0]])
            if i != j and v is not None:
                W[i, j] = v
    if plant:
        k = len(cycle)
        for t in range(k):
            W[t, (t + 1) % k] = cycle[t]
        perm = np.array(draw(st.permutations(range(n))), dtype=np.int64)
        inv = np.argsort(perm)
        W = W[np.ix_(inv, inv)]
    return WillingnessToPay(tuple(range(n)), W)
