"""Choice from menus: axioms against brute force, certificates, strategies."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import find, given, settings

from coherence import (
    ChoiceData,
    InputError,
    check,
    check_choice_warp,
    check_congruence,
    check_sen_alpha,
    check_sen_beta,
)
from coherence.strategies import choice_data


def brute_rationalizable(d: ChoiceData) -> bool:
    """Some weak order over the items (levels 0..n-1) gives C_t = argmax_{A_t} u."""
    items = d.items
    for levels in itertools.product(range(len(items)), repeat=len(items)):
        u = dict(zip(items, levels, strict=True))
        if all({x for x in A if u[x] == max(u[y] for y in A)} == C
               for A, C in zip(d.menus, d.choices, strict=True)):
            return True
    return False


def brute_warp(d: ChoiceData) -> bool:
    for (A, C), (B, D) in itertools.product(zip(d.menus, d.choices, strict=True), repeat=2):
        for x in C:
            for y in D:
                if x in B and y in A and x not in D:
                    return False
    return True


@settings(max_examples=150)
@given(choice_data(max_observations=5, alternatives=4, single_valued=False))
def test_congruence_and_warp_match_brute_force(d):
    v = check_congruence(d)
    assert v.coherent == brute_rationalizable(d)
    assert v.verify()
    w = check_choice_warp(d)
    assert w.coherent == brute_warp(d) and w.verify()
    for f in (check_sen_alpha, check_sen_beta):
        assert f(d).verify()


@settings(max_examples=60)
@given(choice_data(max_observations=6, alternatives=5, rationalizable=True))
def test_rationalizable_choices_get_a_strict_order(d):
    v = check(d)
    assert v.coherent and v.certificate.kind == "rationalising_order"
    assert v.certificate.verify()


@settings(max_examples=60)
@given(choice_data(max_observations=6, rationalizable=False))
def test_irrational_choices_are_pumped(d):
    v = check(d)
    assert not v.coherent and v.certificate.verify()
    assert "money pump" in v.explain()


def test_violations_shrink_to_two_observations():
    d = find(choice_data(rationalizable=False), lambda d: True)
    assert d.T == 2


def test_sen_alpha_beta_examples():
    d = ChoiceData([{"a", "b", "c"}, {"a", "b"}], ["a", "b"])
    assert not check_sen_alpha(d).coherent
    d2 = ChoiceData([{"a", "b"}, {"a", "b", "c"}], [{"a", "b"}, "a"])
    v = check_sen_beta(d2)
    assert not v.coherent and v.certificate.verify() and "β" in v.explain()
    assert check_sen_alpha(d2).coherent


@pytest.mark.parametrize(
    ("menus", "choices"),
    [
        ([{"a"}], ["b"]),
        ([set()], ["a"]),
        ([{"a"}], []),
        ([], []),
        ([{"a"}], [set()]),
        ([{"a", ("x",)}, {[1]}], ["a", 1]) if False else ([{"a"}], [["a", "b"]]),
        ("ab", ["a"]),
    ],
)
def test_bad_choice_data(menus, choices):
    with pytest.raises(InputError):
        ChoiceData(menus, choices)


def test_unhashable_alternative():
    with pytest.raises(InputError):
        ChoiceData([[[1], 2]], [2])
