"""Decomposing a strict partial order into a unanimity committee of linear orders.

Every strict partial order ``P`` is the intersection of its linear extensions (Szpilrajn
1930); a family of linear extensions whose intersection is ``P`` is a *realizer*, and the
fewest orders in a realizer is the *order dimension* of ``P`` (Dushnik & Miller 1941). A
realizer read as a committee that trades only on unanimous approval has exactly ``P`` as its
relation: the subagents that the incomplete preference is made of.

Algorithms:

* **Exact dimension** (default up to 16 items): the ordered incomparable pairs ``(x, y)``
  that some order must place with ``x`` above ``y`` can be restricted to the *critical pairs*
  (Trotter 1992, Lemma 1.3.5: a family of linear extensions is a realizer iff it reverses every
  critical pair). A set of such requirements fits in one linear extension iff adding them to
  ``P`` creates no cycle, so the dimension is the least number of colours in a colouring of
  the critical pairs with each colour class acyclic together with ``P``. Depth-first search
  over colourings (most-constrained pair first, with symmetric colours collapsed), increasing
  the number of colours from the lower bound: the first success is the dimension.
* **Heuristic** (large orders, or when the search exceeds its budget): randomised first-fit
  colourings of the critical pairs, improved by a one-second run of the same colouring search
  below the first-fit size, or the chain-partition realizer with ``width(P)`` orders (Dilworth
  1950), whichever is smaller — so the result never exceeds the width. A conflict-graph
  2-colouring (alternating cycles of length 2) decides dimension 2 in O(c²) first when it can.

Either way the realizer is verified exactly (every order is a linear extension of ``P`` and
their intersection is ``P``) before it is returned.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from coherence.errors import CertificationError, InputError
from coherence.graphs import transitive_closure
from coherence.relations import PreferenceRelation
from coherence.subagents.committee import Committee, label_from_json
from coherence.subagents.members import OrderMember
from coherence.subagents.rules import Unanimity
from coherence.validation import check_type
from coherence.verdict import Certificate, label_to_json, verified

__all__ = [
    "Decomposition",
    "critical_pairs",
    "decompose",
    "strict_partial_order",
    "width",
]

EXACT_MAX_ITEMS = 16


def strict_partial_order(relation: PreferenceRelation, *, close: bool = False) -> np.ndarray:
    """The strict part of ``relation`` after checking it is a strict partial order.

    With ``close=True`` an acyclic strict part is first replaced by its transitive closure.

    Raises:
        InputError: the relation has an indifference, a strict cycle (it is pumpable) or is
            not transitive. O(n³) via one boolean matrix product.

    >>> rel = PreferenceRelation.from_pairs([("a", "b"), ("b", "c")])
    >>> strict_partial_order(rel, close=True).astype(int).tolist()
    [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
    """
    check_type(relation, PreferenceRelation, "relation")
    if relation.indifferent.any():
        i, j = np.argwhere(relation.indifferent)[0]
        raise InputError(
            f"{relation.items[i]!r} and {relation.items[j]!r} are indifferent; decomposition "
            "applies to strict partial orders (merge indifferent items first)"
        )
    P = relation.strict.copy()
    np.fill_diagonal(P, False)
    if close:
        C = transitive_closure(P)
        if np.diag(C).any():
            raise InputError("the relation has a strict cycle (it is pumpable), so no committee "
                             "of linear orders realises it")
        P = C
    P2 = (P.astype(np.int64) @ P.astype(np.int64)) > 0
    if (P2 & P2.T).any() or np.diag(P2).any():
        raise InputError("the relation has a strict cycle (it is pumpable), so no committee of "
                         "linear orders realises it")
    if (P2 & ~P).any():
        i, j = np.argwhere(P2 & ~P)[0]
        raise InputError(
            f"the relation is not transitive ({relation.items[i]!r} is above "
            f"{relation.items[j]!r} through another item but not directly); decompose its "
            "transitive closure"
        )
    return P


def critical_pairs(P: np.ndarray) -> list[tuple[int, int]]:
    """Ordered incomparable pairs ``(x, y)`` with ``D(x) ⊆ D(y)`` and ``U(y) ⊆ U(x)``, where
    ``D``/``U`` are strict down/up-sets: some order of a realizer must put ``x`` above ``y``.
    O(n³) vectorised.

    >>> P = strict_partial_order(PreferenceRelation.from_pairs([("a", "b"), ("c", "d")]))
    >>> critical_pairs(P)  # b above c and d above a: two orders are needed
    [(1, 2), (3, 0)]
    """
    Pi = P.astype(np.int64)
    inc = ~P & ~P.T
    np.fill_diagonal(inc, False)
    # D(x) ⊆ D(y): no z with x ≻ z and not y ≻ z
    down_sub = (Pi @ (~P).T.astype(np.int64)) == 0
    # U(y) ⊆ U(x): no z with z ≻ y and not z ≻ x
    up_sub = (P.T.astype(np.int64) @ (~P).astype(np.int64)).T == 0
    crit = inc & down_sub & up_sub
    return [(int(x), int(y)) for x, y in np.argwhere(crit)]


def width(P: np.ndarray) -> tuple[int, list[list[int]]]:
    """Width of a strict partial order and a minimum chain partition (Dilworth 1950;
    Fulkerson 1956: ``n`` minus a maximum matching of ``x → y`` for ``x ≻ y``).
    O(m·√n) with Hopcroft–Karp in scipy. Chains are listed top first.

    >>> width(strict_partial_order(PreferenceRelation.from_pairs([("a", "b"), ("c", "d")])))
    (2, [[0, 1], [2, 3]])
    """
    n = P.shape[0]
    match = maximum_bipartite_matching(csr_matrix(P.astype(np.int8)), perm_type="column")
    nxt = {int(x): int(y) for x, y in enumerate(match) if y >= 0}
    has_pred = set(nxt.values())
    chains = []
    for x in range(n):
        if x not in has_pred:
            chain = [x]
            while chain[-1] in nxt:
                chain.append(nxt[chain[-1]])
            chains.append(chain)
    return len(chains), chains


# ---------------------------------------------------------------- colour classes as bitsets
def _base_down(P: np.ndarray) -> list[int]:
    return [sum(1 << int(j) for j in np.flatnonzero(P[i])) for i in range(P.shape[0])]


def _add(down: list[int], x: int, y: int) -> list[int] | None:
    """Closure ``down`` plus "x above y"; ``None`` if that closes a cycle. O(n)."""
    if down[x] >> y & 1:
        return down
    if x == y or down[y] >> x & 1:
        return None
    new = down[y] | (1 << y)
    out = list(down)
    for u in range(len(down)):
        if u == x or down[u] >> x & 1:
            out[u] |= new
    return out


def _order_from(down: list[int]) -> list[int]:
    """A linear extension (best first) of a transitively closed order given as down-sets."""
    return sorted(range(len(down)), key=lambda u: -bin(down[u]).count("1"))


class _Budget(Exception):
    pass


def _colour(
    pairs: list[tuple[int, int]], base: list[int], d: int, budget: list[int], deadline: float
) -> list[list[int]] | None:
    """Colour ``pairs`` with ``d`` acyclic classes; the classes' closures or ``None``."""

    def rec(classes: list[list[int]], todo: list[tuple[int, int]]) -> list[list[int]] | None:
        budget[0] -= 1
        if budget[0] < 0 or (budget[0] % 512 == 0 and time.monotonic() > deadline):
            raise _Budget
        # drop requirements already implied; find the most constrained pair
        best: tuple[int, int] | None = None
        best_opts: list[int] = []
        rest = []
        for x, y in todo:
            if any(c[x] >> y & 1 for c in classes):
                continue
            opts = [k for k, c in enumerate(classes) if not (c[y] >> x & 1)]
            if len(classes) < d:
                opts.append(len(classes))  # one fresh colour (fresh colours are symmetric)
            if not opts:
                return None
            rest.append((x, y))
            if best is None or len(opts) < len(best_opts):
                best, best_opts = (x, y), opts
        if best is None:
            return classes
        x, y = best
        remaining = [p for p in rest if p != best]
        for k in best_opts:
            if k == len(classes):
                cand = _add(base, x, y)
                assert cand is not None
                new = [*classes, cand]
            else:
                cand = _add(classes[k], x, y)
                if cand is None:
                    continue
                new = [*classes[:k], cand, *classes[k + 1 :]]
            got = rec(new, remaining)
            if got is not None:
                return got
        return None

    return rec([], list(pairs))


def _two_colouring(
    pairs: list[tuple[int, int]], base: list[int], P: np.ndarray
) -> tuple[bool, list[list[int]] | None]:
    """Fast path for dimension 2.

    Two requirements "x above y" and "u above v" cannot share a linear extension when
    ``y ⪰ u`` and ``v ⪰ x`` in ``P`` (an alternating cycle of length 2), so the graph of such
    conflicts must be 2-coloured by any realizer of size 2. Returns ``(False, None)`` when it
    has an odd cycle (dimension ≥ 3 is then proven), else ``(True, classes)`` with the two
    colour classes' closures when both are acyclic with ``P`` (dimension 2 found), or
    ``(True, None)`` when undecided. O(c²) for c critical pairs.
    """
    geq = P | np.eye(P.shape[0], dtype=bool)
    X = np.array([x for x, _ in pairs])
    Y = np.array([y for _, y in pairs])
    G = geq[np.ix_(Y, X)]  # G[i, j]: y_i ⪰ x_j
    conflict = G & G.T  # x_i ≻ y_i ⪰ x_j ≻ y_j ⪰ x_i would close a cycle
    np.fill_diagonal(conflict, False)
    colour = np.full(len(pairs), -1)
    for s in range(len(pairs)):
        if colour[s] >= 0:
            continue
        colour[s] = 0
        stack = [s]
        while stack:
            i = stack.pop()
            for j in np.flatnonzero(conflict[i]):
                if colour[j] < 0:
                    colour[j] = 1 - colour[i]
                    stack.append(int(j))
                elif colour[j] == colour[i]:
                    return False, None
    classes: list[list[int]] = []
    for c in (0, 1):
        down: list[int] | None = base
        for k in np.flatnonzero(colour == c):
            down = _add(down, *pairs[int(k)]) if down is not None else None
        if down is None:
            return True, None
        classes.append(down)
    return True, classes


def _first_fit(pairs: list[tuple[int, int]], base: list[int]) -> list[list[int]]:
    classes: list[list[int]] = []
    for x, y in pairs:
        for k, c in enumerate(classes):
            cand = _add(c, x, y)
            if cand is not None:
                classes[k] = cand
                break
        else:
            cand = _add(base, x, y)
            assert cand is not None
            classes.append(cand)
    return classes


def _chain_realizer(P: np.ndarray, chains: list[list[int]]) -> list[list[int]]:
    """One linear extension per chain ``C``: each ``x ∈ C`` below everything incomparable to
    it (the extension used in the proof of dim ≤ width)."""
    n = P.shape[0]
    inc = ~P & ~P.T
    np.fill_diagonal(inc, False)
    orders = []
    for chain in chains:
        above = P.copy()  # above[u, v]: u placed above v
        for x in chain:
            above[inc[x], x] = True
        # topological order (best first) by repeatedly taking a maximal element
        remaining = np.ones(n, dtype=bool)
        order = []
        for _ in range(n):
            cand = np.flatnonzero(remaining & ~(above[remaining].any(axis=0)))
            if cand.size == 0:
                raise CertificationError("chain extension is cyclic")
            order.append(int(cand[0]))
            remaining[cand[0]] = False
        orders.append(order)
    return orders


@dataclass(frozen=True, eq=False)
class Decomposition(Certificate):
    """A realizer of a strict partial order: linear orders whose intersection is the order.

    A coherence certificate: the unanimity committee of the orders has exactly the relation
    as its trading relation, and a unanimity committee of utility maximisers is never pumped
    (the sum of its members' utilities rises along every accepted trade).

    Attributes:
        relation: the decomposed relation.
        orders: linear orders, each a tuple of items best first.
        exact: ``True`` when ``len(orders)`` is proven to be the order dimension.
        lower_bound: a proven lower bound on the dimension.
        method: ``"exact search"`` or the heuristic used.
        bound: why the size is bounded (for heuristic results).
    """

    relation: PreferenceRelation
    orders: tuple[tuple[Hashable, ...], ...]
    exact: bool
    lower_bound: int
    method: str
    bound: str

    kind: ClassVar[str] = "realizer"
    exploit: ClassVar[bool] = False

    @property
    def size(self) -> int:
        """Number of orders (committee members)."""
        return len(self.orders)

    @property
    def dimension(self) -> int | None:
        """The order dimension when proven, else ``None``."""
        return self.size if self.exact else None

    @property
    def committee(self) -> Committee:
        """The unanimity committee of the orders (its relation is the decomposed order)."""
        return Committee(
            tuple(OrderMember.linear(o, name=f"order {k}") for k, o in enumerate(self.orders)),
            Unanimity(), self.relation.items,
        )

    def verify(self) -> bool:
        """Exact check that the unanimity committee of the orders has the relation as its own.

        Each order lists every item once and extends the strict part ``P``; ``x ≻ y`` in ``P``
        iff every order puts ``x`` above ``y``; and the committee's weak relation equals the
        input's off the diagonal (so the input has no indifference either). O(d·n²).
        """
        rel = self.relation
        n = rel.n
        P = rel.strict & ~np.eye(n, dtype=bool)
        all_above = np.ones((n, n), dtype=bool)
        if not self.orders:
            return False
        for order in self.orders:
            if len(order) != n or set(order) != set(rel.items):
                return False
            pos = np.zeros(n, dtype=np.int64)
            for r, x in enumerate(order):
                pos[rel.index(x)] = r
            above = pos[:, None] < pos[None, :]
            if (P & ~above).any():
                return False
            all_above &= above
        if not np.array_equal(all_above, P):
            return False
        C = self.committee.relation()
        ix = [C.index(x) for x in rel.items]
        off = ~np.eye(n, dtype=bool)
        return bool(np.array_equal(C.weak[np.ix_(ix, ix)] & off, rel.weak & off))

    def explain(self) -> str:
        """The orders, best first, and why their unanimity committee cannot be pumped."""
        size = f"{self.size} linear order" + ("" if self.size == 1 else "s")
        how = "the order dimension" if self.exact else f"not proven minimal: {self.bound}"
        lines = [
            f"No money pump: the strict partial order on {self.relation.n} items is the "
            f"intersection of {size} ({how}; {self.method}). A committee of these orders that "
            "trades only on unanimous approval has exactly this relation, and the sum of its "
            "members' utilities rises along every accepted trade."
        ]
        for k, order in enumerate(self.orders[:12]):
            shown = " > ".join(repr(x) for x in order[:16])
            lines.append(f"  order {k}: {shown}{' > …' if len(order) > 16 else ''}")
        if self.size > 12:
            lines.append(f"  … and {self.size - 12} more orders")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The orders, the bounds, and the relation itself (``items`` and its ``pairs``)."""
        rel = self.relation
        return {
            "kind": self.kind,
            "items": [label_to_json(x) for x in rel.items],
            "pairs": [
                [label_to_json(rel.items[i]), label_to_json(rel.items[j])]
                for i, j in np.argwhere(rel.weak).tolist()
            ],
            "orders": [[label_to_json(x) for x in o] for o in self.orders],
            "size": self.size,
            "exact": self.exact,
            "lower_bound": self.lower_bound,
            "method": self.method,
            "bound": self.bound,
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> Decomposition:
        items = [label_from_json(x) for x in doc["items"]]
        pairs = [(label_from_json(a), label_from_json(b)) for a, b in doc["pairs"]]
        return cls(
            PreferenceRelation.from_pairs(pairs, items),
            tuple(tuple(label_from_json(x) for x in o) for o in doc["orders"]),
            bool(doc["exact"]), int(doc["lower_bound"]), str(doc["method"]), str(doc["bound"]),
        )


def _exact_classes(
    pairs: list[tuple[int, int]], base: list[int], P: np.ndarray, w: int,
    want_exact: bool, max_nodes: int, time_limit: float,
) -> tuple[list[list[int]] | None, bool, int, str]:
    """Colour classes proven minimal, or ``None``; with whether proven, the lower bound and
    the method. Dimension 1 and 2 first, then the budgeted exact search when wanted."""
    if not pairs:
        return [base], True, 1, "exact search"
    two_possible, two = _two_colouring(pairs, base, P)
    if two is not None:  # a chain has no critical pairs, so dim ≥ 2: proven
        return two, True, 2, "2-colouring of the conflict graph"
    lower = 2 if two_possible else 3
    if not want_exact:
        return None, False, lower, "exact search"
    budget = [max_nodes]
    deadline = time.monotonic() + time_limit
    try:
        for d in range(lower, w + 1):
            got = _colour(pairs, base, d, budget, deadline)
            if got is not None:
                return got, True, d, "exact search"
            lower = d + 1
    except _Budget:
        pass
    return None, False, lower, "exact search"


def _heuristic_orders(
    pairs: list[tuple[int, int]], base: list[int], P: np.ndarray, chains: list[list[int]],
    lower: int, *, restarts: int, seed: int, max_nodes: int, time_limit: float,
) -> tuple[list[list[int]], bool, int, str]:
    """Randomised first-fit colourings improved by a one-second search below their size, or
    the chain-partition realizer when that is smaller; with whether the size is proven."""
    rng = np.random.default_rng(seed)
    best = _first_fit(pairs, base)
    for _ in range(restarts):
        perm = rng.permutation(len(pairs))
        got = _first_fit([pairs[int(i)] for i in perm], base)
        if len(got) < len(best):
            best = got
    method = "first-fit colouring of critical pairs"
    deadline = time.monotonic() + min(time_limit, 1.0)
    d = len(best) - 1
    while d >= lower:  # descending: each success is a smaller realizer
        try:
            cand = _colour(pairs, base, d, [max_nodes], deadline)
        except _Budget:
            break
        if cand is None:
            lower = d + 1  # exhausted without success: dimension > d
            break
        best, method = cand, "budgeted colouring search"
        d = len(best) - 1
    if len(best) <= len(chains):
        orders = [_order_from(c) for c in best]
    else:
        orders, method = _chain_realizer(P, chains), "chain-partition realizer"
    return orders, len(orders) == lower, lower, method


def decompose(
    relation: PreferenceRelation,
    *,
    close: bool = False,
    exact: bool | None = None,
    max_nodes: int = 200_000,
    time_limit: float = 5.0,
    restarts: int = 20,
    seed: int = 0,
) -> Decomposition:
    """A realizer of the strict partial order ``relation`` as a unanimity committee.

    Args:
        relation: a strict partial order (indifference, cycles and intransitivity are errors).
        close: decompose the transitive closure of an acyclic relation instead (the
            realizer's committee then has the closure as its relation).
        exact: ``True`` forces the exact search, ``False`` the heuristic; ``None`` searches
            exactly up to 16 items.
        max_nodes: node budget of the exact search; when exceeded the heuristic answer is
            returned with ``exact=False`` and the lower bound proven so far.
        time_limit: seconds allowed for the exact search, with the same fallback.
        restarts: random first-fit orders tried by the heuristic.
        seed: seed of the heuristic's shuffles.

    Complexity: critical pairs O(n³); the exact search is exponential in the worst case (the
    dimension problem is NP-complete for dimension ≥ 3, Yannakakis 1982) but small in
    practice for n ≤ 16; the heuristic is O(restarts · c · n) for c critical pairs plus the
    O(n² √n) matching. The realizer is verified exactly before it is returned.

    >>> rel = PreferenceRelation.from_pairs([("a", "b"), ("c", "d")])
    >>> dec = decompose(rel)
    >>> dec.dimension, dec.orders, dec.verify()
    (2, (('a', 'b', 'c', 'd'), ('c', 'd', 'a', 'b')), True)
    """
    P = strict_partial_order(relation, close=close)
    if close:
        relation = PreferenceRelation(relation.items, P | np.eye(relation.n, dtype=bool))
    pairs = critical_pairs(P)
    base = _base_down(P)
    w, chains = width(P)
    want_exact = (relation.n <= EXACT_MAX_ITEMS) if exact is None else exact
    classes, proven, lower, method = _exact_classes(
        pairs, base, P, w, want_exact, max_nodes, time_limit
    )
    if classes is not None:
        orders_idx = [_order_from(c) for c in classes]
    else:
        orders_idx, proven, lower, method = _heuristic_orders(
            pairs, base, P, chains, lower,
            restarts=restarts, seed=seed, max_nodes=max_nodes, time_limit=time_limit,
        )
    bound = (
        f"dimension = {len(orders_idx)} (every smaller number of orders was ruled out)"
        if proven else
        f"size ≤ width = {w} (Dilworth 1950); dimension ≥ {lower}"
    )
    items = relation.items
    dec = Decomposition(
        relation, tuple(tuple(items[i] for i in o) for o in orders_idx), proven,
        len(orders_idx) if proven else lower, method, bound,
    )
    return verified(dec, "decompose")
