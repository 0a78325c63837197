"""Axiom checks return verified witnesses and agree with brute force."""

import itertools

import numpy as np
from hypothesis import given

from coherence import (
    PreferenceRelation,
    check_acyclic,
    check_complete,
    check_negatively_transitive,
    check_reflexive,
    check_transitive,
)
from coherence.strategies import preference_relations


def brute(rel: PreferenceRelation) -> dict[str, bool]:
    R, P, n = rel.weak, rel.strict, rel.n
    trip = list(itertools.product(range(n), repeat=3))
    # a strict cycle exists iff the transitive closure of P has a diagonal entry
    C = P.copy()
    for k in range(n):
        C |= C[:, [k]] & C[[k], :]
    return {
        "reflexivity": all(R[i, i] for i in range(n)),
        "completeness": all(R[i, j] or R[j, i] for i in range(n) for j in range(n) if i != j),
        "transitivity": all(not (R[i, j] and R[j, k]) or R[i, k] for i, j, k in trip),
        "negative transitivity": all(
            not P[i, k] or P[i, j] or P[j, k] for i, j, k in trip
        ),
        "acyclicity": not C.diagonal().any(),
    }


CHECKS = {
    "reflexivity": check_reflexive,
    "completeness": check_complete,
    "transitivity": check_transitive,
    "negative transitivity": check_negatively_transitive,
    "acyclicity": check_acyclic,
}


@given(preference_relations(max_items=6))
def test_axioms_agree_with_brute_force_and_verify(rel):
    expected = brute(rel)
    for name, fn in CHECKS.items():
        v = fn(rel)
        assert v.coherent == expected[name], name
        assert v.verify(), name


def test_witness_contents():
    r = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")], items=list("abcd"))
    v = check_transitive(r)
    assert not v.coherent and len(v.certificate.labels) == 3
    v = check_acyclic(r)
    assert sorted(v.certificate.labels) == ["a", "b", "c"]
    assert "≻" in v.explain()
    v = check_complete(r)
    assert "d" in v.certificate.labels
    v = check_reflexive(r)
    assert v.certificate.to_json()["axiom"] == "reflexivity"


def test_holds_certificate_rejects_tampering():
    r = PreferenceRelation.from_utility({"a": 1, "b": 2})
    v = check_transitive(r)
    assert v.coherent and v.verify()
    object.__setattr__(v.certificate, "relation",
                       PreferenceRelation.from_matrix(np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1]])))
    assert not v.verify()
