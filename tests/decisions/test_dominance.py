"""Decision problems: Wald's complete class theorem as properties."""

import json
from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from coherence import check
from coherence.decisions import (
    BayesPrior,
    Chance,
    Decide,
    DecisionProblem,
    DecisionTree,
    DominatingPolicy,
    Leaf,
)
from coherence.errors import InputError
from coherence.strategies.decisions import decision_problems, policies
from coherence.verdict import from_json
from tests._tampering import refused_or_unverified

P = DecisionProblem(["rain", "sun"], ["umbrella", "none", "hedge"], [[5, 0, 2], [3, 6, 2]])


def test_pure_dominance():
    v = check(P, "hedge")
    assert not v.coherent and isinstance(v.certificate, DominatingPolicy) and v.verify()
    assert v.certificate.dominating == (1, 0, 0)


def test_mixed_dominance_only():
    Q = DecisionProblem(["a", "b"], ["x", "y", "z"], [[4, 0, 1], [0, 4, 1]])
    v = check(Q, "z")
    assert not v.coherent and v.verify()
    assert v.certificate.dominating == (Fraction(1, 2), Fraction(1, 2), 0)


def test_undominated_policy_gets_full_support_prior():
    v = check(P, {"umbrella": "1/2", "none": "1/2"})
    assert v.coherent and isinstance(v.certificate, BayesPrior) and v.verify()
    assert v.certificate.prior == (Fraction(3, 8), Fraction(5, 8))


def test_weak_dominance_counts_as_exploit():
    Q = DecisionProblem(["a", "b"], ["x", "y"], [[1, 1], [0, 1]])
    v = check(Q, "x")
    assert not v.coherent and v.certificate.gains == {"a": 0, "b": 1}


def test_tampered_prior_fails():
    q = (Fraction(1), Fraction(0), Fraction(0))
    assert not BayesPrior(P, q, (Fraction(0), Fraction(1))).verify()  # not full support
    assert not BayesPrior(P, q, (Fraction(1, 10), Fraction(9, 10))).verify()  # not optimal


def _brute_dominated(problem, q, grid=4):
    """Is q weakly dominated by some mixture on a grid (sufficient, not necessary)?"""
    U = problem.outcomes
    vq = problem.value(q)
    m = problem.n_acts
    for w in product(range(grid + 1), repeat=m):
        if sum(w) != grid:
            continue
        r = [Fraction(x, grid) for x in w]
        vr = problem.value(r)
        if all(a >= b for a, b in zip(vr, vq, strict=True)) and any(
            a > b for a, b in zip(vr, vq, strict=True)
        ):
            return True
    del U
    return False


@settings(max_examples=50)
@given(policies(dominated=False, mixed=True))
def test_every_undominated_policy_gets_a_verified_prior(pp):
    problem, policy = pp
    v = check(problem, policy)
    assert v.coherent and v.verify()


@settings(max_examples=50)
@given(policies(dominated=True, mixed=True))
def test_dominated_policies_yield_verified_dominators(pp):
    problem, policy = pp
    v = check(problem, policy)
    assert not v.coherent and v.verify()


@settings(max_examples=40)
@given(decision_problems(max_acts=3, max_states=3), st.data())
def test_verdict_agrees_with_grid_search(problem, data):
    a = data.draw(st.sampled_from(problem.acts))
    v = check(problem, a)
    assert v.verify()
    if v.coherent:
        assert not _brute_dominated(problem, problem.policy_vector(a))


def test_dominated_policies_shrink_to_one_state_two_acts():
    problem, policy = find(policies(dominated=True), lambda pp: True)
    assert problem.n_states == 1 and problem.n_acts == 2
    assert check(problem, policy).certificate.gains == {"w0": 1}


def test_decision_tree_reduces_to_normal_form():
    tree = DecisionTree(
        ["rain", "sun"],
        Chance({
            "cloudy": (["rain"], Decide("if cloudy", {"umbrella": Leaf(5), "none": Leaf(0)})),
            "clear": (["sun"], Decide("if clear", {"umbrella": Leaf(3), "none": Leaf(6)})),
        }),
    )
    prob = tree.to_problem()
    assert prob.n_acts == 4
    assert list(prob.outcomes[:, prob.acts.index("if cloudy=umbrella; if clear=none")]) == [5, 6]
    v = check(prob, "if cloudy=umbrella; if clear=umbrella")
    assert not v.coherent and v.verify()
    v = check(prob, "if cloudy=umbrella; if clear=none")
    assert v.coherent and v.verify()


def test_tree_with_state_dependent_leaves():
    tree = DecisionTree(["a", "b"], Decide("bet", {"yes": Leaf({"a": 2, "b": -1}),
                                                     "no": Leaf(0)}))
    prob = tree.to_problem()
    assert np.array_equal(prob.outcomes, np.array([[2, 0], [-1, 0]], dtype=object))


@pytest.mark.parametrize(
    "args",
    [
        ([], ["x"], []),
        (["a"], ["x", "y"], [[1]]),
        (["a", "b"], ["x"], [[1], [1, 2]]),
        (["a"], ["x"], [[float("nan")]]),
        (["a", "a"], ["x"], [[1], [2]]),
    ],
)
def test_bad_problems(args):
    with pytest.raises(InputError):
        DecisionProblem(*args)


@pytest.mark.parametrize("policy", ["nope", {"umbrella": "1/2"}, {"umbrella": 2, "none": -1},
                                    {"zzz": 1}])
def test_bad_policies(policy):
    with pytest.raises(InputError):
        check(P, policy)


def test_bad_trees():
    with pytest.raises(InputError):
        DecisionTree(["a"], Decide("d", {"x": Decide("d", {"y": Leaf(0)})})).to_problem()
    with pytest.raises(InputError):
        DecisionTree(["a", "b"], Chance({"c": (["a"], Leaf(0))})).to_problem()


def test_check_needs_a_policy():
    with pytest.raises(InputError):
        check(P)


def _roundtrip(cert):
    doc = json.loads(json.dumps(cert.to_json()))
    back = from_json(doc)
    assert type(back) is type(cert) and back.verify() and back.to_json() == cert.to_json()
    return back


def test_policy_certificates_roundtrip_through_json():
    back = _roundtrip(check(P, "hedge").certificate)
    assert back.dominating == (1, 0, 0) and back.problem.acts == P.acts
    back = _roundtrip(check(P, {"umbrella": "1/2", "none": "1/2"}).certificate)
    assert back.prior == (Fraction(3, 8), Fraction(5, 8))


def test_roundtrip_keeps_non_string_labels():
    Q = DecisionProblem([1, (2, "b")], [("x", 0), "y"], [["1/3", 0], [0, "2/3"]])
    for policy in [("x", 0), {"y": 1}]:
        back = _roundtrip(check(Q, policy).certificate)
        assert back.problem.states == Q.states and back.problem.acts == Q.acts


def test_tampered_policy_json_does_not_verify():
    doc = check(P, "hedge").certificate.to_json()
    doc["dominating"] = {"none": "1"}
    assert refused_or_unverified(doc)
    doc["dominating"] = {"nope": "1"}
    with pytest.raises(InputError):
        from_json(doc)
    doc = check(P, "umbrella").certificate.to_json()
    del doc["prior"]["rain"]
    with pytest.raises(InputError):
        from_json(doc)


@settings(max_examples=30)
@given(policies(mixed=True))
def test_every_policy_certificate_roundtrips(pp):
    _roundtrip(check(*pp).certificate)
