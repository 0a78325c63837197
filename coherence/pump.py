"""Money pumps ⇄ weak utilities for ordinal preference relations.

Duality (the finite "coherence theorem" for relations): an agent that trades by a relation
``≽`` (accepting ``y → x`` for free when ``x ≽ y`` and for a small fee ``ε > 0`` when ``x ≻ y``)
can be money-pumped iff the accepted-trade graph has a cycle containing a strict edge; when it
has none, the topological layering of its condensation is an integer weak utility ``u`` with
``u(x) ≥ u(y)`` whenever ``x ≽ y`` and ``u(x) > u(y)`` whenever ``x ≻ y`` (Szpilrajn 1930;
see also Gustafsson, *Money-Pump Arguments*, 2022). Both certificates verify exactly.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence.graph import (
    condensation,
    shortest_cycle_through,
    strongly_connected_components,
    topological_layers,
)
from coherence.relation import PreferenceRelation
from coherence.verdict import Certificate, Verdict, label_to_json

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
            "trades": [t.to_json() for t in self.trades],
            "extracted_per_loop": str(self.extracted),
            "fee_unit": "epsilon",
        }


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
        u = np.array(self.values, dtype=object)
        ge = u[:, None] >= u[None, :]
        gt = u[:, None] > u[None, :]
        R = self.relation.weak.copy()
        np.fill_diagonal(R, False)
        P = self.relation.strict
        return bool(np.all(ge[R]) and np.all(gt[P]))

    def explain(self) -> str:
        order = sorted(self.utility.items(), key=lambda kv: -kv[1])
        shown = ", ".join(f"u({k!r}) = {v}" for k, v in order[:12])
        more = "" if len(order) <= 12 else f", … ({len(order) - 12} more)"
        return (
            "No money pump: this utility never decreases along a trade the agent accepts and "
            f"strictly increases along every strict one: {shown}{more}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "utility": {str(label_to_json(k)): v for k, v in self.utility.items()},
        }


def shortest_strict_cycle(P: np.ndarray) -> list[int] | None:
    """A shortest cycle ``i0 ≻ i1 ≻ … ≻ i0`` of a strict relation matrix ``P``, or ``None``."""
    return shortest_cycle_through(P)


def _utility(rel: PreferenceRelation) -> tuple[int, ...] | None:
    A = rel.weak.T  # edge y → x iff x ≽ y (holding y, x is accepted)
    k, lab = strongly_connected_components(A)
    same = lab[:, None] == lab[None, :]
    if (rel.strict.T & same).any():
        return None
    layers = topological_layers(condensation(A, lab, k))
    return tuple(int(v) for v in layers[lab])


def check_relation(rel: PreferenceRelation) -> Verdict:
    """Money pump or weak utility for a preference relation.

    Deciding costs O(n²) (strongly connected components of the accepted-trade graph); the
    certificate is a shortest pump (see :func:`coherence.graph.shortest_cycle_through`) or a
    topological layering of the condensation (O(n²)). Quantities: ``pump_length``,
    ``extracted_per_loop`` (units of ε), ``exploitable_components``.
    """
    u = _utility(rel)
    if u is not None:
        cert: Certificate = WeakUtility(rel, u)
        verdict = Verdict(True, cert, subject="preference relation")
    else:
        A = rel.weak.T
        cyc = shortest_cycle_through(A, rel.strict.T)
        assert cyc is not None
        pump = MoneyPump(rel, tuple(cyc))
        _, lab = strongly_connected_components(A)
        same = lab[:, None] == lab[None, :]
        bad = len(np.unique(lab[np.nonzero(rel.strict.T & same)[0]]))
        verdict = Verdict(
            False, pump, subject="preference relation",
            quantities={
                "pump_length": len(cyc),
                "extracted_per_loop": f"{pump.extracted}ε",
                "exploitable_components": bad,
            },
        )
    from coherence.errors import CertificationError

    if not verdict.certificate.verify():  # never report an unverified certificate
        raise CertificationError(f"{verdict.certificate.kind} failed exact verification")
    return verdict
