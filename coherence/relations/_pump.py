"""Money pumps ⇄ weak utilities for ordinal preference relations.

Duality (the finite "coherence theorem" for relations): an agent that trades by a relation
``≽`` (accepting ``y → x`` for free when ``x ≽ y`` and for a small fee ``ε > 0`` when ``x ≻ y``)
can be money-pumped iff the accepted-trade graph has a cycle containing a strict edge; when it
has none, the topological layering of its condensation is an integer weak utility ``u`` with
``u(x) ≥ u(y)`` whenever ``x ≽ y`` and ``u(x) > u(y)`` whenever ``x ≻ y`` (Szpilrajn 1930;
see also Gustafsson, *Money-Pump Arguments*, 2022). Both certificates verify exactly.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence._exact.display import shown as number_text
from coherence.errors import CertificationError, InputError
from coherence.graphs import (
    condensation,
    shortest_cycle_through,
    strongly_connected_components,
    topological_layers,
)
from coherence.relations._relation import PreferenceRelation
from coherence.validation import check_integer, check_mapping, check_type, validate_items
from coherence.verdict import Certificate, Verdict, label_from_json, label_to_json

__all__ = [
    "MoneyPump",
    "Trade",
    "WeakUtility",
    "check_relation",
    "shortest_strict_cycle",
]

EPSILON = Fraction(1)


@dataclass(frozen=True)
class Trade:
    """One step of a pump: holding ``holding``, the agent accepts ``offered`` and pays ``fee``."""

    holding: Hashable
    offered: Hashable
    fee: Fraction
    strict: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "holding": label_to_json(self.holding),
            "offered": label_to_json(self.offered),
            "fee": str(self.fee),
            "strict": self.strict,
        }


def _cycle_trades(
    doc: Any, what: str, fields: tuple[str, ...]
) -> tuple[tuple[Hashable, ...], list[Mapping[str, Any]]]:
    """The items of a pump document's ``cycle`` and its ``trades``, each trade checked to have
    ``fields`` and to go from one item of the cycle to the next. Shared by every pump read
    back from JSON; raises :class:`~coherence.errors.InputError`. O(k) for k trades."""
    check_mapping(doc, f"a {what} document", required=("cycle", "trades"))
    items = validate_items(
        (label_from_json(x) for x in check_type(doc["cycle"], list, "'cycle'")),
        what="pump cycle",
    )
    trades = check_type(doc["trades"], list, "'trades'")
    k = len(items)
    if len(trades) != k:
        raise InputError(f"a pump through {k} items needs {k} trades, got {len(trades)}")
    for t, tr in enumerate(trades):
        check_mapping(tr, f"trade {t}", required=fields)
        h, o = label_from_json(tr["holding"]), label_from_json(tr["offered"])
        if (h, o) != (items[t], items[(t + 1) % k]) or k < 2:
            raise InputError(f"trade {t} does not follow the cycle")
    return items, trades


@dataclass(frozen=True, eq=False)
class MoneyPump(Certificate):
    """A cycle of trades the agent accepts that returns it to its start, poorer.

    ``cycle`` lists item positions in trade order: holding ``cycle[t]`` the agent accepts
    ``cycle[t+1]`` (and finally ``cycle[0]``). Each strict trade costs the agent ``ε`` (one unit
    of its smallest accepted fee), each indifferent trade nothing.
    """

    relation: PreferenceRelation
    cycle: tuple[int, ...]

    kind: ClassVar[str] = "money_pump"
    exploit: ClassVar[bool] = True

    @property
    def labels(self) -> tuple[Hashable, ...]:
        """The items of the cycle, in trade order."""
        return tuple(self.relation.items[i] for i in self.cycle)

    @property
    def trades(self) -> tuple[Trade, ...]:
        """The trades of one loop."""
        R = self.relation.weak
        out = []
        k = len(self.cycle)
        for t in range(k):
            h, o = self.cycle[t], self.cycle[(t + 1) % k]
            strict = bool(R[o, h] and not R[h, o])
            out.append(
                Trade(self.relation.items[h], self.relation.items[o],
                      EPSILON if strict else Fraction(0), strict)
            )
        return tuple(out)

    @property
    def extracted(self) -> Fraction:
        """Money extracted per loop, in units of ``ε``."""
        return sum((t.fee for t in self.trades), Fraction(0))

    def verify(self) -> bool:
        """Every trade is accepted (``offered ≽ holding``), fees are charged only on strict
        trades, and the loop extracts a positive amount. Exact (booleans and Fractions)."""
        R = self.relation.weak
        k = len(self.cycle)
        if k < 2 or len(set(self.cycle)) != k:
            return False
        if not all(0 <= i < self.relation.n for i in self.cycle):
            return False
        for t in range(k):
            h, o = self.cycle[t], self.cycle[(t + 1) % k]
            if not R[o, h]:
                return False
        total = Fraction(0)
        for tr in self.trades:
            i, j = self.relation.index(tr.offered), self.relation.index(tr.holding)
            if tr.fee > 0 and not (R[i, j] and not R[j, i]):
                return False
            total += tr.fee
        return total > 0

    def explain(self) -> str:
        lines = [f"Money pump in {len(self.cycle)} trades:"]
        for t in self.trades:
            if t.strict:
                lines.append(
                    f"  holding {t.holding!r}, the agent pays ε to trade for {t.offered!r} "
                    f"(it strictly prefers {t.offered!r} to {t.holding!r})"
                )
            else:
                lines.append(
                    f"  holding {t.holding!r}, it swaps for {t.offered!r} for free "
                    f"(it finds {t.offered!r} at least as good)"
                )
        n_strict = sum(t.strict for t in self.trades)
        lines.append(
            f"  back to {self.labels[0]!r}, it has paid {n_strict}ε; "
            "repeat the loop to extract as much as you like."
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "cycle": [label_to_json(x) for x in self.labels],
            "trades": [self._trade_json(t, tr) for t, tr in enumerate(self.trades)],
            "extracted_per_loop": str(self.extracted),
            "fee_unit": "epsilon",
        }

    def _trade_json(self, t: int, trade: Trade) -> dict[str, Any]:
        """A trade's JSON; one the relation refuses says so, so it never reads back accepted."""
        doc = trade.to_json()
        k = len(self.cycle)
        h, o = self.cycle[t], self.cycle[(t + 1) % k]
        if not self.relation.weak[o, h]:
            doc["accepted"] = False
        return doc

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> MoneyPump:
        """Rebuild the pump on the relation its trades reveal among the cycle's items.

        Holding ``h`` and accepting ``o`` shows ``o ≽ h``; a free trade also shows ``h ≽ o``.
        Those are exactly the preferences :meth:`verify` checks. O(k²) for k trades.
        """
        items, trades = _cycle_trades(doc, "money pump", ("holding", "offered", "fee", "strict"))
        k = len(items)
        R = np.eye(k, dtype=bool)
        strict = []
        for t, tr in enumerate(trades):
            strict.append(check_type(tr["strict"], bool, f"trade {t} 'strict'"))
            R[(t + 1) % k, t] = check_type(tr.get("accepted", True), bool, f"trade {t} 'accepted'")
            R[t, (t + 1) % k] |= not strict[-1]
        pump = cls(PreferenceRelation(items, R), tuple(range(k)))
        for t, (made, s) in enumerate(zip(pump.trades, strict, strict=True)):
            if made.strict != s or Fraction(trades[t]["fee"]) != made.fee:
                raise InputError(f"trade {t}: strictness and fee contradict the other trades")
        return pump


@dataclass(frozen=True, eq=False)
class WeakUtility(Certificate):
    """Integer utilities with ``u(x) ≥ u(y)`` when ``x ≽ y`` and ``u(x) > u(y)`` when ``x ≻ y``.

    Such a ``u`` rules out every money pump: along any cycle of accepted trades ``u`` never
    decreases, so it is constant, so no trade on it is strict.
    """

    relation: PreferenceRelation
    values: tuple[int, ...]

    kind: ClassVar[str] = "utility"
    exploit: ClassVar[bool] = False

    @property
    def utility(self) -> dict[Hashable, int]:
        """Mapping item → utility."""
        return dict(zip(self.relation.items, self.values, strict=True))

    def verify(self) -> bool:
        """Exact integer comparison on every pair. O(n²)."""
        if len(self.values) != self.relation.n:
            return False
        if not all(isinstance(v, int) for v in self.values):
            return False
        big = max(map(abs, self.values), default=0) >= 2**62
        u = np.array(self.values, dtype=object if big else np.int64)  # exact either way
        R = self.relation.weak
        # x ≽ y needs u(x) ≥ u(y); strict x ≻ y needs u(x) > u(y): check by rows
        for s in range(0, len(u), 1024):
            blk = R[s : s + 1024]
            us = u[s : s + 1024, None]
            if (blk & (us < u[None, :])).any():
                return False
            strict = blk & ~R[:, s : s + 1024].T
            if (strict & (us <= u[None, :])).any():
                return False
        return True

    def explain(self) -> str:
        order = sorted(self.utility.items(), key=lambda kv: -kv[1])
        shown = ", ".join(f"u({k!r}) = {number_text(v)}" for k, v in order[:12])
        more = "" if len(order) <= 12 else f", … ({len(order) - 12} more)"
        return (
            "No money pump: this utility never decreases along a trade the agent accepts and "
            f"strictly increases along every strict one: {shown}{more}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "utility": {str(label_to_json(k)): v for k, v in self.utility.items()},
            "relation": self.relation.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> WeakUtility:
        """Rebuild from the relation and the utility keyed by JSON label. O(n²)."""
        check_mapping(doc, "a utility document", required=("utility", "relation"))
        rel = PreferenceRelation.from_json(doc["relation"])
        utility = check_mapping(doc["utility"], "'utility'")
        keys = [str(label_to_json(x)) for x in rel.items]
        if len(set(keys)) != rel.n or set(keys) != set(utility):
            raise InputError("'utility' must have one value per item of the relation")
        return cls(rel, tuple(check_integer(utility[k], f"utility of {k!r}") for k in keys))


def shortest_strict_cycle(P: np.ndarray) -> list[int] | None:
    """A shortest cycle ``i0 ≻ i1 ≻ … ≻ i0`` of a strict relation matrix ``P``, or ``None``.

    See :func:`coherence.graphs.shortest_cycle_through`: O(n²) to decide, O(n·m) worst case.

    >>> r = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a"), ("a", "d")])
    >>> [r.items[i] for i in shortest_strict_cycle(r.strict)]
    ['a', 'b', 'c']
    """
    return shortest_cycle_through(P)


def _components(rel: PreferenceRelation) -> tuple[int, np.ndarray, bool]:
    """Components of the relation graph (``x → y`` iff ``x ≽ y``; same components as the
    accepted-trade graph) and whether one of them holds a strict pair. O(n²)."""
    k, lab = strongly_connected_components(rel.weak)
    if k == rel.n:
        return k, lab, False
    sizes = np.bincount(lab, minlength=k)
    for c in np.flatnonzero(sizes > 1).tolist():
        ix = np.flatnonzero(lab == c)
        sub = rel.weak[np.ix_(ix, ix)]
        if (sub & ~sub.T).any():
            return k, lab, True
    return k, lab, False


def _utility(rel: PreferenceRelation, k: int, lab: np.ndarray) -> tuple[int, ...]:
    # layers of the condensation of x → y (x ≽ y): better items come first, so reverse them
    C = condensation(rel.weak, lab, k)
    layers = topological_layers(C)
    u = layers.max(initial=0) - layers
    return tuple(u[lab].tolist())


def _quick_triangle(W: np.ndarray) -> list[int] | None:
    """Look for ``x ≻ y ≽ z ≽ x`` row by row, within a budget of about two passes over the
    matrix. In a complete relation every pump contains such a triangle (the chords of a
    longer cycle always close a shorter one), so dense relations are settled here."""
    n = W.shape[0]
    budget = 2 * n * n
    for u in range(n):
        col = W[:, u].copy()  # z ≽ u
        col[u] = False
        vs = np.flatnonzero(W[u] & ~col)  # u ≻ v (v ≠ u since the diagonal was cleared)
        vs = vs[vs != u]
        if vs.size:
            hit = W[vs] & col[None, :]  # v ≽ z and z ≽ u
            r = np.flatnonzero(hit.any(axis=1))
            if r.size:
                return [u, int(vs[r[0]]), int(np.flatnonzero(hit[r[0]])[0])]
            budget -= vs.size * n
        budget -= n
        if budget < 0:
            return None
    return None


def _strict_layering(rel: PreferenceRelation) -> WeakUtility | None:
    """Layer the strict part and keep the result if it is a valid weak utility.

    Settles weak orders (rankings with ties) without components: tied items have the same
    strict predecessors, hence the same layer. ``None`` when the strict part has a cycle or
    the layering puts two indifferent items on different layers (strict pairs are ordered by
    construction, so only indifferences need checking). O(n²).
    """
    W = rel.weak
    try:
        layers = topological_layers(W & ~W.T)
    except ValueError:
        return None
    u = layers.max(initial=0) - layers
    if ((W & W.T) & (u[:, None] != u[None, :])).any():
        return None
    return WeakUtility(rel, tuple(u.tolist()))


def _utility_or_cycle(rel: PreferenceRelation) -> WeakUtility | list[int]:
    """For a relation graph with a cycle: a triangle pump, a layering of the strict part, or
    the components' verdict (a utility on the condensation or a shortest pump cycle)."""
    W = rel.weak
    cyc = _quick_triangle(W)
    if cyc is not None:
        return cyc
    u = _strict_layering(rel)
    if u is not None:
        return u
    k, lab, pumpable = _components(rel)
    if not pumpable:
        return WeakUtility(rel, _utility(rel, k, lab))
    cyc = shortest_cycle_through(W, W & ~W.T, labels=lab)  # x0 ≻ x1 ≽ … ≽ x0
    if cyc is None:
        raise CertificationError("a component holds a strict pair but no cycle through it")
    return cyc


def check_relation(rel: PreferenceRelation) -> Verdict:
    """Money pump or weak utility for a preference relation.

    Deciding costs O(n²): relations without any cycle are layered directly (Kahn's algorithm);
    dense relations with a pump reveal a triangle pump (the shortest possible: a 2-cycle of
    accepted trades is an indifference) within two passes over the matrix; weak orders are
    settled by layering their strict part; otherwise the strongly connected components of the
    relation graph decide. The certificate is a shortest
    pump (see :func:`coherence.graphs.shortest_cycle_through`) or a longest-path layering of the
    condensation, verified exactly before it is returned. Quantity: ``pump_length``.

    >>> v = check_relation(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")]))
    >>> v.status, v.certificate.labels, v.quantities
    ('exploitable', ('a', 'c', 'b'), {'pump_length': 3})
    >>> check_relation(PreferenceRelation.from_utility({"a": 2, "b": 1})).certificate.utility
    {'a': 1, 'b': 0}
    """
    subject = "preference relation"
    try:  # no cycle at all (linear and strict partial orders): layer the relation itself
        layers = topological_layers(rel.weak)
    except ValueError:
        found = _utility_or_cycle(rel)
    else:
        found = WeakUtility(rel, tuple((layers.max(initial=0) - layers).tolist()))
    if isinstance(found, WeakUtility):
        return Verdict.certify(found, subject)
    trades = (found[0], *found[:0:-1])  # reversed: holding x0, offered x_{k-1}, …
    return Verdict.certify(MoneyPump(rel, trades), subject, pump_length=len(trades))
