"""Order axioms of a :class:`~coherence.relations.PreferenceRelation`, each with a witness.

Each function returns a :class:`~coherence.verdict.Verdict` whose certificate is either an
:class:`AxiomViolation` (the violating pair or triple) or an :class:`AxiomHolds` (re-checked by
brute force on verification). All checks are vectorised; the costs are stated per function.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from coherence.errors import InputError
from coherence.graphs import topological_layers
from coherence.relations._pump import shortest_strict_cycle
from coherence.relations._relation import PreferenceRelation
from coherence.validation import check_mapping, check_type
from coherence.verdict import Certificate, Verdict, label_from_json, label_to_json

__all__ = [
    "AxiomHolds",
    "AxiomViolation",
    "check_acyclic",
    "check_complete",
    "check_negatively_transitive",
    "check_reflexive",
    "check_transitive",
]

_STATEMENTS = {
    "reflexivity": "x ≽ x for every x",
    "completeness": "x ≽ y or y ≽ x for every pair",
    "transitivity": "x ≽ y and y ≽ z imply x ≽ z",
    "negative transitivity": "x ≻ z implies x ≻ y or y ≻ z for every y",
    "acyclicity": "strict preference ≻ has no cycle",
}


def _violated(axiom: str, rel: PreferenceRelation, w: tuple[int, ...]) -> bool:
    """Exact, direct re-check that the index tuple ``w`` violates ``axiom`` in ``rel``."""
    R = rel.weak
    P = rel.strict
    if axiom == "reflexivity":
        (i,) = w
        return not R[i, i]
    if axiom == "completeness":
        i, j = w
        return i != j and not R[i, j] and not R[j, i]
    if axiom == "transitivity":
        i, j, k = w
        return bool(R[i, j] and R[j, k] and not R[i, k])
    if axiom == "negative transitivity":
        i, j, k = w
        return bool(P[i, k] and not P[i, j] and not P[j, k])
    if axiom == "acyclicity":
        return len(w) >= 2 and all(P[w[t], w[(t + 1) % len(w)]] for t in range(len(w)))
    raise ValueError(axiom)


@dataclass(frozen=True, eq=False)
class AxiomViolation(Certificate):
    """The items violating an axiom: a pair, triple or cycle of positions into
    ``relation.items``."""

    axiom: str
    relation: PreferenceRelation
    witness: tuple[int, ...]

    kind: ClassVar[str] = "axiom_violation"
    exploit: ClassVar[bool] = True

    @property
    def labels(self) -> tuple[Hashable, ...]:
        return tuple(self.relation.items[i] for i in self.witness)

    def verify(self) -> bool:
        return _violated(self.axiom, self.relation, self.witness)

    def explain(self) -> str:
        lab = [repr(x) for x in self.labels]
        detail = {
            "reflexivity": lambda: f"{lab[0]} is not at least as good as itself",
            "completeness": lambda: f"{lab[0]} and {lab[1]} are incomparable",
            "transitivity": lambda: (
                f"{lab[0]} ≽ {lab[1]} and {lab[1]} ≽ {lab[2]}, but not {lab[0]} ≽ {lab[2]}"
            ),
            "negative transitivity": lambda: (
                f"{lab[0]} ≻ {lab[2]}, yet neither {lab[0]} ≻ {lab[1]} nor {lab[1]} ≻ {lab[2]}"
            ),
            "acyclicity": lambda: " ≻ ".join([*lab, lab[0]]),
        }[self.axiom]()
        return f"{self.axiom} fails ({_STATEMENTS[self.axiom]}): {detail}"

    def to_json(self) -> dict[str, Any]:
        """The axiom, the witness labels and the relation among the witness items."""
        return {
            "kind": self.kind,
            "axiom": self.axiom,
            "witness": [label_to_json(x) for x in self.labels],
            "relation": self.relation.restrict(dict.fromkeys(self.labels)).to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> AxiomViolation:
        """Rebuild on the relation among the witness items (all :meth:`verify` looks at)."""
        check_mapping(doc, "an axiom violation document", required=("axiom", "witness", "relation"))
        rel = PreferenceRelation.from_json(doc["relation"])
        witness = check_type(doc["witness"], list, "'witness'")
        return cls(_axiom(doc), rel, tuple(rel.index(label_from_json(x)) for x in witness))


@dataclass(frozen=True, eq=False)
class AxiomHolds(Certificate):
    """The axiom holds; :meth:`verify` re-checks it by exhaustive enumeration."""

    axiom: str
    relation: PreferenceRelation

    kind: ClassVar[str] = "axiom_holds"
    exploit: ClassVar[bool] = False

    def verify(self) -> bool:
        """Exhaustive, exact re-check: O(n²) boolean passes for reflexivity, completeness and
        acyclicity (Kahn's algorithm on ``≻``), one exact boolean matrix product for the two
        transitivity axioms."""
        R = self.relation.weak
        if self.axiom == "reflexivity":
            return bool(np.diagonal(R).all())
        if self.axiom == "completeness":
            return bool((R | R.T | np.eye(self.relation.n, dtype=bool)).all())
        if self.axiom == "acyclicity":
            try:
                topological_layers(self.relation.strict)
            except ValueError:
                return False
            return True
        if self.axiom in ("transitivity", "negative transitivity"):
            # negative transitivity ⇔ ¬≻ is transitive
            M = R if self.axiom == "transitivity" else ~self.relation.strict
            return not bool((_composed(M) & ~M).any())
        return False

    def explain(self) -> str:
        return f"{self.axiom} holds ({_STATEMENTS[self.axiom]})."

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "axiom": self.axiom, "relation": self.relation.to_json()}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> AxiomHolds:
        check_mapping(doc, "an axiom document", required=("axiom", "relation"))
        return cls(_axiom(doc), PreferenceRelation.from_json(doc["relation"]))


def _axiom(doc: Mapping[str, Any]) -> str:
    axiom = doc["axiom"]
    if axiom not in _STATEMENTS:
        raise InputError(f"unknown axiom {axiom!r}; expected one of {', '.join(_STATEMENTS)}")
    return str(axiom)


def _composed(M: np.ndarray) -> np.ndarray:
    """The boolean product ``M ∘ M`` (``i → k`` iff ``i → j → k`` for some ``j``), exactly.

    float32 BLAS counts paths exactly while they stay below 2**24 (every count is at most n);
    larger matrices use integer arithmetic. O(n³/p).
    """
    Mi: np.ndarray = M.astype(np.float32 if M.shape[0] < 2**24 else np.int64)
    out: np.ndarray = (Mi @ Mi) > 0
    return out


def _find_witness(axiom: str, rel: PreferenceRelation) -> tuple[int, ...] | None:
    R = rel.weak
    if axiom == "reflexivity":
        bad = np.flatnonzero(~np.diag(R))
        return (int(bad[0]),) if bad.size else None
    if axiom == "completeness":
        inc = rel.incomparable
        ij = np.argwhere(inc)
        return (int(ij[0, 0]), int(ij[0, 1])) if ij.size else None
    if axiom in ("transitivity", "negative transitivity"):
        M = R if axiom == "transitivity" else ~rel.strict
        bad = np.argwhere(_composed(M) & ~M)
        if not bad.size:
            return None
        i, k = int(bad[0, 0]), int(bad[0, 1])
        j = int(np.flatnonzero(M[i] & M[:, k])[0])
        if axiom == "transitivity":
            return (i, j, k)
        # ¬(i ≻ j), ¬(j ≻ k), but i ≻ k  →  violation triple (i, j, k) with i ≻ k
        return (i, j, k)
    if axiom == "acyclicity":
        cyc = shortest_strict_cycle(rel.strict)
        return None if cyc is None else tuple(cyc)
    raise ValueError(axiom)


def _check(axiom: str, rel: PreferenceRelation) -> Verdict:
    w = _find_witness(axiom, rel)
    cert = AxiomHolds(axiom, rel) if w is None else AxiomViolation(axiom, rel, w)
    return Verdict.certify(cert, axiom)


def check_reflexive(rel: PreferenceRelation) -> Verdict:
    """Reflexivity: ``x ≽ x``. Witness: one item. O(n).

    >>> check_reflexive(PreferenceRelation.from_pairs([("a", "b")])).certificate.labels
    ('a',)
    """
    return _check("reflexivity", rel)


def check_complete(rel: PreferenceRelation) -> Verdict:
    """Completeness: every two distinct items are comparable. Witness: a pair. O(n²).

    >>> r = PreferenceRelation.from_pairs([("a", "b")], items=["a", "b", "c"])
    >>> check_complete(r).certificate.labels
    ('a', 'c')
    """
    return _check("completeness", rel)


def check_transitive(rel: PreferenceRelation) -> Verdict:
    """Transitivity of ``≽``. Witness: a triple ``(x, y, z)``. O(n³/p) via one matrix product.

    >>> r = PreferenceRelation.from_pairs([("a", "b"), ("b", "c")], reflexive=True)
    >>> print(check_transitive(r).certificate.explain())
    transitivity fails (x ≽ y and y ≽ z imply x ≽ z): 'a' ≽ 'b' and 'b' ≽ 'c', but not 'a' ≽ 'c'
    """
    return _check("transitivity", rel)


def check_negatively_transitive(rel: PreferenceRelation) -> Verdict:
    """Negative transitivity (``¬≻`` is transitive). Witness: a triple ``(x, y, z)`` with
    ``x ≻ z`` but neither ``x ≻ y`` nor ``y ≻ z``. O(n³/p) via one matrix product.

    >>> r = PreferenceRelation.from_pairs([("a", "c")], items=["a", "b", "c"], reflexive=True)
    >>> check_negatively_transitive(r).certificate.labels
    ('a', 'b', 'c')
    """
    return _check("negative transitivity", rel)


def check_acyclic(rel: PreferenceRelation) -> Verdict:
    """Acyclicity of strict preference. Witness: a shortest ``≻``-cycle. O(n²) to decide
    (strongly connected components), O(n·m) worst case for the shortest cycle.

    >>> r = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])
    >>> check_acyclic(r).certificate.labels
    ('a', 'b', 'c')
    >>> check_acyclic(PreferenceRelation.from_utility({"a": 1, "b": 0})).coherent
    True
    """
    return _check("acyclicity", rel)
