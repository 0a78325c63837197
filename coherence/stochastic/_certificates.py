"""The two certificates of random-utility coherence for binary choice frequencies.

* :class:`RandomUtility` (coherence): orders with exact positive weights adding up to 1 whose
  mixture reproduces every observed choice probability — a population of utility maximisers
  (Block & Marschak 1960; McFadden & Richter 1990): for forced choice a point of the linear
  ordering polytope written as a convex combination of its vertices; for ternary data a
  mixture of weak orders, "indifferent" being the share of orders that tie the pair.
* :class:`SeparatingInequality` (exploit): coefficients ``c`` on "``better`` chosen over
  ``worse``" and a bound ``b`` with ``c·π ≤ b`` for the choice vector ``π`` of every linear
  (for ternary data, weak) order, and ``c·P > b`` for the data. Its check maximises ``c·π``
  over all orders exactly, by dynamic programming over subsets in O(2ⁿn²) (O(3ⁿn) for weak
  orders): :mod:`coherence._exact.linear_ordering`.

Both hold the data they speak about (``items`` and the probabilities ``data`` as
``(better, worse, p)`` triples, both directions of each observed pair), so each is checked on
its own.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from coherence._exact import as_fraction
from coherence._exact.linear_ordering import best_linear_order, best_weak_order
from coherence.errors import InputError
from coherence.verdict import Certificate, label_from_json, label_to_json

__all__ = ["RandomUtility", "SeparatingInequality"]

Triple = tuple[int, int, Fraction]
Order = tuple[tuple[int, ...], ...]


def _data_json(items: Sequence[Hashable], data: Sequence[Triple]) -> list[dict[str, Any]]:
    return [{"better": label_to_json(items[a]), "worse": label_to_json(items[b]), "p": str(p)}
            for a, b, p in data]


def _index(items: Sequence[Hashable]) -> dict[Hashable, int]:
    return {x: i for i, x in enumerate(items)}


def _read_data(doc: Mapping[str, Any], idx: Mapping[Hashable, int]) -> tuple[Triple, ...]:
    return tuple((idx[label_from_json(t["better"])], idx[label_from_json(t["worse"])],
                  as_fraction(t["p"], what="p")) for t in doc["data"])


def _ranks(order: Order, n: int) -> list[int] | None:
    """The block index of every item, or ``None`` when ``order`` is not a weak order of
    ``range(n)``."""
    rank = [-1] * n
    for k, block in enumerate(order):
        if not block:
            return None
        for v in block:
            if not 0 <= v < n or rank[v] != -1:
                return None
            rank[v] = k
    return rank if all(r >= 0 for r in rank) else None


@dataclass(frozen=True)
class RandomUtility(Certificate):
    """A mixture of orders reproducing the choice probabilities exactly (coherence).

    ``orders`` are weak orders of the item indices, blocks best first (linear orders have
    blocks of one); ``weights`` are positive Fractions adding up to 1. ``verify`` recomputes
    every ``P(better over worse)`` as the weight of the orders ranking ``better`` strictly
    above ``worse``, in Fractions. O(orders · pairs).
    """

    items: tuple[Hashable, ...]
    data: tuple[Triple, ...]
    orders: tuple[Order, ...]
    weights: tuple[Fraction, ...]
    weak: bool = False

    kind: ClassVar[str] = "random_utility"
    exploit: ClassVar[bool] = False

    def verify(self) -> bool:
        n = len(self.items)
        if len(self.orders) != len(self.weights) or not self.orders:
            return False
        if any(not isinstance(w, Fraction | int) or w <= 0 for w in self.weights):
            return False
        if sum(self.weights, Fraction(0)) != 1:
            return False
        ranks = [_ranks(o, n) for o in self.orders]
        if any(r is None or (not self.weak and len(o) != n)
               for r, o in zip(ranks, self.orders, strict=True)):
            return False
        for a, b, p in self.data:
            got = sum((w for r, w in zip(ranks, self.weights, strict=True)
                       if r is not None and r[a] < r[b]), Fraction(0))
            if got != p:
                return False
        return True

    def order_labels(self, k: int) -> list[Any]:
        """Order ``k`` as labels, best first; tied items in a nested list."""
        return [label_to_json(self.items[b[0]]) if len(b) == 1
                else [label_to_json(self.items[v]) for v in b] for b in self.orders[k]]

    def explain(self) -> str:
        lines = [f"The choice frequencies are those of a population of {len(self.orders)} "
                 "kind(s) of utility maximiser (a random utility model):"]
        for k, w in enumerate(self.weights):
            shown = " > ".join(str(x) if not isinstance(x, list) else "~".join(map(str, x))
                               for x in self.order_labels(k))
            lines.append(f"  share {w}: {shown}")
        lines.append("Each P(a over b) is the share of members ranking a above b, so no bet "
                     "that every utility maximiser honours gains against these frequencies.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind,
                "orders": [self.order_labels(k) for k in range(len(self.orders))],
                "weights": [str(w) for w in self.weights],
                "items": [label_to_json(x) for x in self.items],
                "data": _data_json(self.items, self.data),
                "weak": self.weak}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> RandomUtility:
        items = tuple(label_from_json(x) for x in doc["items"])
        idx = _index(items)

        def block(x: Any) -> tuple[int, ...]:
            return tuple(idx[label_from_json(v)] for v in x) if isinstance(x, list) else (
                idx[label_from_json(x)],)

        orders = tuple(tuple(block(x) for x in o) for o in doc["orders"])
        weights = tuple(as_fraction(w, what="weight") for w in doc["weights"])
        return cls(items, _read_data(doc, idx), orders, weights, bool(doc.get("weak", False)))


@dataclass(frozen=True)
class SeparatingInequality(Certificate):
    """``Σ c · P(better over worse) ≤ bound`` for every linear (``weak``: weak) order, broken
    by the data (exploit). ``terms`` are ``(better, worse, c)`` with item indices.

    ``verify`` checks ``c·P > bound`` exactly and ``max_π c·π ≤ bound`` by an exact
    maximisation over all orders (O(2ⁿn²), weak orders O(3ⁿn)).
    """

    items: tuple[Hashable, ...]
    data: tuple[Triple, ...]
    terms: tuple[Triple, ...]
    bound: Fraction
    weak: bool = False

    kind: ClassVar[str] = "separating_inequality"
    exploit: ClassVar[bool] = True

    def weight_matrix(self) -> list[list[Fraction]]:
        """``W[a][b]``: the coefficient on ``a`` ranked above ``b``."""
        n = len(self.items)
        W = [[Fraction(0)] * n for _ in range(n)]
        for a, b, c in self.terms:
            W[a][b] += c
        return W

    def data_value(self) -> Fraction | None:
        """``c·P`` for the data, or ``None`` when a term names an unobserved pair."""
        P = {(a, b): p for a, b, p in self.data}
        if any((a, b) not in P for a, b, _ in self.terms):
            return None
        return sum((c * P[a, b] for a, b, c in self.terms), Fraction(0))

    def best_order_value(self) -> tuple[Fraction, Order]:
        """The largest ``c·π`` over all orders, and an order attaining it. Exact."""
        W = self.weight_matrix()
        if self.weak:
            return best_weak_order(W)
        v, order = best_linear_order(W)
        return v, tuple((x,) for x in order)

    def verify(self) -> bool:
        n = len(self.items)
        if not self.terms or any(not (0 <= a < n and 0 <= b < n) or a == b
                                 for a, b, _ in self.terms):
            return False
        value = self.data_value()
        if value is None or value <= self.bound:
            return False
        return self.best_order_value()[0] <= self.bound

    def explain(self) -> str:
        value = self.data_value()
        lines = ["No population of utility maximisers chooses with these frequencies. A bet "
                 "on the population's choices shows it: for each pair below, the bettor pays "
                 "the coefficient whenever the first item is chosen over the second,"]
        for a, b, c in self.terms:
            lines.append(f"  {c} × [{self.items[a]} chosen over {self.items[b]}]")
        kind = "weak order" if self.weak else "linear order"
        lines.append(f"and receives {self.bound} in return. Every {kind} (every utility "
                     f"maximiser) makes the bettor pay at most {self.bound}, so every "
                     "population does; these frequencies make them pay "
                     f"{value} on average, a gain of "
                     f"{None if value is None else value - self.bound} per round to whoever "
                     "takes the other side.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind,
                "terms": [{"better": label_to_json(self.items[a]),
                           "worse": label_to_json(self.items[b]), "coefficient": str(c)}
                          for a, b, c in self.terms],
                "bound": str(self.bound),
                "items": [label_to_json(x) for x in self.items],
                "data": _data_json(self.items, self.data),
                "weak": self.weak}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> SeparatingInequality:
        items = tuple(label_from_json(x) for x in doc["items"])
        idx = _index(items)
        if len(idx) != len(items):
            raise InputError("the items of a separating inequality must be distinct")
        terms = tuple((idx[label_from_json(t["better"])], idx[label_from_json(t["worse"])],
                       as_fraction(t["coefficient"], what="coefficient")) for t in doc["terms"])
        return cls(items, _read_data(doc, idx), terms, as_fraction(doc["bound"], what="bound"),
                   bool(doc.get("weak", False)))
