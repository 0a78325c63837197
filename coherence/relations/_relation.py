"""Finite preference relations: ``x ≽ y`` ("x is at least as good as y").

A :class:`PreferenceRelation` stores the weak relation ``R`` as an ``n × n`` boolean matrix
over labelled items. Everything else is derived from it:

* strict preference ``x ≻ y``  iff ``x ≽ y`` and not ``y ≽ x``;
* indifference ``x ~ y``        iff ``x ≽ y`` and ``y ≽ x``;
* incomparability ``x ∥ y``     iff neither ``x ≽ y`` nor ``y ≽ x``.

The relation is read as trading behaviour: holding ``y`` and offered ``x``, the agent accepts
the swap for free when ``x ≽ y`` and pays a positive fee when ``x ≻ y``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coherence.errors import InputError
from coherence.validation import (
    check_mapping,
    check_real,
    check_square,
    check_type,
    index_of,
    validate_items,
)
from coherence.verdict import label_from_json, label_to_json

__all__ = ["PreferenceRelation"]




def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=bool, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class PreferenceRelation:
    """A weak preference relation over finitely many labelled items (immutable).

    Args:
        items: distinct hashable labels, in a fixed order.
        weak: ``n × n`` boolean matrix, ``weak[i, j]`` iff ``items[i] ≽ items[j]``.

    Raises:
        InputError: empty or duplicate/unhashable labels, a non-square or non-boolean matrix,
            or a matrix whose size differs from the number of items.
    """

    items: tuple[Hashable, ...]
    weak: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        items = validate_items(self.items)
        w = check_square(self.weak, "relation matrix", size=len(items))
        if w.dtype != bool and (w.dtype.kind not in "biu" or not np.isin(w, (0, 1)).all()):
            raise InputError("relation matrix must be boolean (or 0/1 integers)")
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "weak", _readonly(w))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_matrix(
        cls, matrix: Any, items: Iterable[Hashable] | None = None
    ) -> PreferenceRelation:
        """From a boolean matrix ``M[i, j]`` iff item i ≽ item j; items default to ``0..n-1``."""
        m = check_square(matrix, "relation matrix")
        labels = tuple(range(m.shape[0])) if items is None else tuple(items)
        return cls(labels, m)

    @classmethod
    def from_pairs(
        cls,
        pairs: Iterable[tuple[Hashable, Hashable]],
        items: Iterable[Hashable] | None = None,
        *,
        reflexive: bool = False,
    ) -> PreferenceRelation:
        """From pairs ``(better, worse)`` meaning ``better ≽ worse``; unlisted pairs are absent.

        A pair listed in both orders is an indifference. Items default to the labels in order
        of first appearance; with ``items`` given, a pair naming another label is an error.
        ``reflexive=True`` adds ``x ≽ x`` for every item. O(n² + |pairs|).
        """
        plist = []
        for p in pairs:
            try:
                a, b = p
            except (TypeError, ValueError):
                raise InputError(f"each pair must be (better, worse), got {p!r}") from None
            plist.append((a, b))
        if items is None:
            seen: dict[Hashable, None] = {}
            for a, b in plist:
                for x in (a, b):
                    try:
                        seen.setdefault(x, None)
                    except TypeError:
                        raise InputError(f"label {x!r} is unhashable") from None
            labels = tuple(seen)
        else:
            labels = validate_items(items)
        idx = index_of(labels) if labels else {}
        n = len(labels)
        w = np.zeros((n, n), dtype=bool)
        for a, b in plist:
            try:
                w[idx[a], idx[b]] = True
            except KeyError as exc:
                raise InputError(f"pair {(a, b)!r} names unknown item {exc.args[0]!r}") from None
            except TypeError:
                raise InputError(f"pair {(a, b)!r} has an unhashable label") from None
        if reflexive:
            np.fill_diagonal(w, True)
        return cls(labels, w)

    @classmethod
    def from_utility(
        cls, utility: Mapping[Hashable, Any] | Callable[[Hashable], Any],
        items: Iterable[Hashable] | None = None,
    ) -> PreferenceRelation:
        """The complete, transitive relation ``x ≽ y`` iff ``u(x) ≥ u(y)``.

        ``utility`` is a mapping label → number, or a callable with ``items`` given. Numbers are
        compared exactly as given (ints, Fractions or floats; NaN rejected). O(n²).
        """
        if isinstance(utility, Mapping):
            labels = validate_items(utility.keys() if items is None else items)
            try:
                values = [utility[x] for x in labels]
            except KeyError as exc:
                raise InputError(f"utility has no value for item {exc.args[0]!r}") from None
        else:
            if items is None:
                raise InputError("items are required when utility is a callable")
            labels = validate_items(items)
            values = [utility(x) for x in labels]
        for x, v in zip(labels, values, strict=True):
            check_real(v, f"utility of {x!r}", allow_infinity=True)
        n = len(labels)
        order = sorted(range(n), key=lambda i: values[i])
        rank = np.empty(n, dtype=np.int64)
        r = -1
        prev: Any = object()
        for pos, i in enumerate(order):
            if pos == 0 or values[i] != prev:
                r += 1
                prev = values[i]
            rank[i] = r
        return cls(labels, rank[:, None] >= rank[None, :])

    @classmethod
    def from_comparison(
        cls, compare: Callable[[Hashable, Hashable], bool], items: Iterable[Hashable]
    ) -> PreferenceRelation:
        """Ask ``compare(x, y)`` ("is x at least as good as y?") for every ordered pair x ≠ y.

        The diagonal is set reflexive. ``compare`` must return a bool (numpy bools accepted).
        O(n²) calls.
        """
        labels = validate_items(items)
        n = len(labels)
        w = np.eye(n, dtype=bool)
        for i, x in enumerate(labels):
            for j, y in enumerate(labels):
                if i != j:
                    ans = check_type(compare(x, y), (bool, np.bool_), f"compare({x!r}, {y!r})")
                    w[i, j] = bool(ans)
        return cls(labels, w)

    @classmethod
    def from_networkx(cls, graph: Any) -> PreferenceRelation:
        """From a ``networkx.DiGraph`` whose edge ``x → y`` means ``x ≽ y`` (nodes are items).

        Self-loops set reflexivity. O(n + m).
        """
        try:
            nodes = list(graph.nodes)
            edges = list(graph.edges)
        except AttributeError:
            raise InputError("expected a networkx graph with .nodes and .edges") from None
        if not getattr(graph, "is_directed", lambda: False)():
            raise InputError("the graph must be directed (an edge x → y means x ≽ y)")
        labels = validate_items(nodes)
        idx = index_of(labels)
        w = np.zeros((len(labels), len(labels)), dtype=bool)
        for a, b, *_ in edges:
            w[idx[a], idx[b]] = True
        return cls(labels, w)

    def to_json(self) -> dict[str, Any]:
        """``{"items": [...], "weak": ["1101", ...]}``: row ``i`` of the matrix as a 0/1 string.

        Labels go through :func:`~coherence.verdict.label_to_json`. Read back with
        :meth:`from_json`. O(n²).

        >>> PreferenceRelation.from_pairs([("a", "b")], reflexive=True).to_json()
        {'items': ['a', 'b'], 'weak': ['11', '01']}
        """
        n = self.n
        text = (self.weak.view(np.uint8) + ord("0")).tobytes().decode("ascii")
        return {
            "items": [label_to_json(x) for x in self.items],
            "weak": [text[i * n : (i + 1) * n] for i in range(n)],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> PreferenceRelation:
        """Read a relation back from :meth:`to_json`; list labels become tuples. O(n²).

        >>> r = PreferenceRelation.from_pairs([(("a", 1), "b")])
        >>> PreferenceRelation.from_json(r.to_json()) == r
        True
        """
        check_mapping(doc, "a relation document", required=("items", "weak"))
        items = tuple(label_from_json(x) for x in check_type(doc["items"], list, "'items'"))
        rows = check_type(doc["weak"], list, "'weak'")
        n = len(items)
        if len(rows) != n or not all(isinstance(r, str) and len(r) == n for r in rows):
            raise InputError(f"'weak' must be {n} strings of {n} characters 0 or 1")
        text = "".join(rows)
        if text.strip("01"):
            raise InputError("'weak' rows may hold only the characters 0 and 1")
        w = (np.frombuffer(text.encode("ascii"), dtype=np.uint8) == ord("1")).reshape(n, n)
        return cls(items, w)

    def to_networkx(self) -> Any:
        """A ``networkx.DiGraph`` with an edge ``x → y`` for every ``x ≽ y``, ``x ≠ y``; each
        edge has ``strict=True`` when ``x ≻ y``. Needs networkx. O(n²)."""
        try:
            import networkx as nx
        except ImportError:
            raise InputError("to_networkx needs networkx: pip install networkx") from None
        G = nx.DiGraph()
        G.add_nodes_from(self.items)
        R = self.weak.copy()
        np.fill_diagonal(R, False)
        P = self.strict
        G.add_edges_from(
            (self.items[i], self.items[j], {"strict": bool(P[i, j])})
            for i, j in zip(*np.nonzero(R), strict=True)
        )
        return G

    # ------------------------------------------------------------------ derived relations
    @property
    def n(self) -> int:
        """Number of items."""
        return len(self.items)

    @property
    def strict(self) -> np.ndarray:
        """``strict[i, j]`` iff ``items[i] ≻ items[j]`` (a new array)."""
        return self.weak & ~self.weak.T

    @property
    def indifferent(self) -> np.ndarray:
        """``indifferent[i, j]`` iff ``items[i] ~ items[j]``, off the diagonal (a new array)."""
        m = self.weak & self.weak.T
        np.fill_diagonal(m, False)
        return m

    @property
    def incomparable(self) -> np.ndarray:
        """``incomparable[i, j]`` iff neither item is weakly preferred, off the diagonal."""
        m = ~self.weak & ~self.weak.T
        np.fill_diagonal(m, False)
        return m

    def index(self, item: Hashable) -> int:
        """Position of ``item``; raises :class:`InputError` for an unknown label."""
        try:
            return self._index[item]
        except KeyError:
            raise InputError(f"unknown item {item!r}") from None
        except TypeError:
            raise InputError(f"item {item!r} is unhashable") from None

    @property
    def _index(self) -> dict[Hashable, int]:
        cache = self.__dict__.get("_index_cache")
        if cache is None:
            cache = index_of(self.items)
            object.__setattr__(self, "_index_cache", cache)
        return cache

    def prefers(self, x: Hashable, y: Hashable) -> bool:
        """``x ≻ y``."""
        i, j = self.index(x), self.index(y)
        return bool(self.weak[i, j] and not self.weak[j, i])

    def weakly_prefers(self, x: Hashable, y: Hashable) -> bool:
        """``x ≽ y``."""
        return bool(self.weak[self.index(x), self.index(y)])

    def pairs(self, *, strict_only: bool = False) -> list[tuple[Hashable, Hashable]]:
        """All ``(x, y)`` with ``x ≽ y`` (or ``x ≻ y``), x ≠ y, in matrix order."""
        m = self.strict if strict_only else self.weak.copy()
        np.fill_diagonal(m, False)
        return [(self.items[i], self.items[j]) for i, j in zip(*np.nonzero(m), strict=True)]

    def restrict(self, items: Iterable[Hashable]) -> PreferenceRelation:
        """The relation on a subset of the items (in the given order)."""
        labels = validate_items(items)
        ix = [self.index(x) for x in labels]
        return PreferenceRelation(labels, self.weak[np.ix_(ix, ix)])

    def relabel(self, mapping: Mapping[Hashable, Hashable]) -> PreferenceRelation:
        """The same relation with labels replaced through ``mapping`` (missing keys kept)."""
        return PreferenceRelation(tuple(mapping.get(x, x) for x in self.items), self.weak)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PreferenceRelation):
            return NotImplemented
        if set(self.items) != set(other.items) or self.n != other.n:
            return False
        ix = [other.index(x) for x in self.items]
        return bool(np.array_equal(self.weak, other.weak[np.ix_(ix, ix)]))

    def __hash__(self) -> int:
        return hash((frozenset(self.items), self.n, int(self.weak.sum())))

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """Hypothesis's (and IPython's) pretty printer shows the same text as ``repr``."""
        p.text(repr(self))

    def __repr__(self) -> str:
        """The items, the strict pairs and the indifferent ones (``a~b``: each at least as
        good as the other), at most 6 of each; O(n²)."""
        strict = self.pairs(strict_only=True)
        shown = ", ".join(f"{a!r}≻{b!r}" for a, b in strict[:6])
        more = "" if len(strict) <= 6 else ", ..."
        both = np.triu(self.weak & self.weak.T, 1)
        ties = [(self.items[i], self.items[j]) for i, j in zip(*np.nonzero(both), strict=True)]
        tied = ", ".join(f"{a!r}~{b!r}" for a, b in ties[:6]) + ("" if len(ties) <= 6 else ", ...")
        return (f"PreferenceRelation(items={self.items!r}, strict=[{shown}{more}]"
                + (f", indifferent=[{tied}])" if ties else ")"))
