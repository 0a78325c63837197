"""Menu choice: Block–Marschak certificates against mixtures of orders and an LP over all orders."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations, permutations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from coherence import InputError, MenuChoice, check
from coherence.stochastic import (
    MenuRandomUtility,
    MenuSeparatingInequality,
    block_marschak,
    check_menu_random_utility,
)
from coherence.verdict import from_json


def all_menus(n: int) -> list[tuple[int, ...]]:
    return [m for r in range(2, n + 1) for m in combinations(range(n), r)]


def shares_of(orders, weights, n):
    """The exact menu shares of a mixture of linear orders (best first)."""
    table = {}
    for m in all_menus(n):
        row = dict.fromkeys(m, Fraction(0))
        for o, w in zip(orders, weights, strict=True):
            row[min(m, key=o.index)] += w
        table[m] = row
    return table


@st.composite
def mixtures(draw, max_n: int = 5):
    n = draw(st.integers(2, max_n))
    orders = draw(st.lists(st.permutations(range(n)), min_size=1, max_size=6))
    raw = draw(st.lists(st.integers(1, 9), min_size=len(orders), max_size=len(orders)))
    total = sum(raw)
    return n, [list(o) for o in orders], [Fraction(w, total) for w in raw]


@settings(max_examples=80, deadline=None)
@given(mixtures())
def test_every_mixture_of_orders_is_certified_exactly(mix):
    n, orders, weights = mix
    d = MenuChoice.from_probabilities(shares_of(orders, weights, n))
    v = check(d)
    assert v.coherent
    cert = v.certificate
    assert isinstance(cert, MenuRandomUtility) and cert.verify()
    assert len(cert.orders) <= n * 2 ** (n - 1)
    # the certificate's own mixture reproduces every share (not just "verifies")
    got = shares_of([list(o) for o in cert.orders], list(cert.weights), n)
    assert all(got[m][x] == d.probability(x, m) for m in got for x in m)
    assert from_json(cert.to_json()).verify()
    assert all(k >= 0 for k in block_marschak(d).values())


@st.composite
def random_tables(draw, max_n: int = 4):
    n = draw(st.integers(3, max_n))
    table = {}
    for m in all_menus(n):
        raw = draw(st.lists(st.integers(0, 6), min_size=len(m), max_size=len(m)))
        if sum(raw) == 0:
            raw[0] = 1
        table[m] = {x: Fraction(r, sum(raw)) for x, r in zip(m, raw, strict=True)}
    return n, table


def lp_feasible(n, d):
    orders = list(permutations(range(n)))
    rows, rhs = [], []
    for m, x, p in d.data:
        rows.append([1.0 if min(m, key=o.index) == x else 0.0 for o in orders])
        rhs.append(float(p))
    rows.append([1.0] * len(orders))
    rhs.append(1.0)
    res = linprog(np.zeros(len(orders)), A_eq=np.array(rows), b_eq=np.array(rhs),
                  bounds=(0, None), method="highs")
    return res.status == 0


@settings(max_examples=80, deadline=None)
@given(random_tables())
def test_verdict_agrees_with_an_lp_over_all_orders(nt):
    n, table = nt
    d = MenuChoice.from_probabilities(table)
    K = block_marschak(d).values()
    assume(min(K) != 0)  # off the polytope's boundary, where floats could go either way
    v = check_menu_random_utility(d)
    assert v.certificate.verify()
    assert v.coherent == lp_feasible(n, d)
    if not v.coherent:
        cert = v.certificate
        assert isinstance(cert, MenuSeparatingInequality)
        # brute force: every linear order obeys the inequality, the data break it
        for o in permutations(range(n)):
            val = sum((c for m, x, c in cert.terms if min(m, key=o.index) == x), Fraction(0))
            assert val <= cert.bound
        assert cert.data_value() > cert.bound
        assert from_json(cert.to_json()).verify()


def _uniform(n):
    return {m: dict.fromkeys(m, Fraction(1, len(m))) for m in all_menus(n)}


def test_a_block_marschak_violation_that_regularity_misses():
    t = _uniform(4)
    a, b, c, d_ = 0, 1, 2, 3
    t[(a, b, c)] = {a: Fraction(1, 2), b: Fraction(1, 4), c: Fraction(1, 4)}
    t[(a, b, d_)] = {a: Fraction(1, 2), b: Fraction(1, 4), d_: Fraction(1, 4)}
    t[(a, b, c, d_)] = dict.fromkeys((a, b, c, d_), Fraction(1, 4))
    d = MenuChoice.from_probabilities(t, items=range(4))
    v = check(d)
    assert not v.coherent and v.certificate.reason == "block_marschak"
    assert v.certificate.verify() and v.quantities["violation"] == Fraction(1, 4)
    assert "Block–Marschak" in v.certificate.explain()


def test_regularity_on_an_incomplete_domain():
    d = MenuChoice.from_counts({("x", "y"): {"x": 3, "y": 7}, ("x", "y", "z"): {"x": 5, "z": 5}})
    v = check(d)
    assert not v.coherent and v.certificate.reason == "regularity" and v.certificate.verify()
    assert v.certificate.data_value() == Fraction(1, 2) - Fraction(3, 10)


def test_an_incomplete_domain_without_a_regularity_violation_is_refused():
    d = MenuChoice.from_probabilities({("x", "y"): {"x": 1}, ("y", "z"): {"y": 1}})
    with pytest.raises(InputError, match="missing"):
        check(d)


def test_tampered_certificates_fail():
    d = MenuChoice.from_probabilities(_uniform(3))
    cert = check(d).certificate
    w = list(cert.weights)
    w[0], w[1] = w[0] + Fraction(1, 100), w[1] - Fraction(1, 100)
    bad = MenuRandomUtility(cert.items, cert.data, cert.orders, tuple(w))
    assert not bad.verify()
    sep = MenuSeparatingInequality(cert.items, cert.data, (((0, 1), 0, Fraction(1)),),
                                   Fraction(0))
    assert not sep.verify()  # 0 chosen from {0, 1} by some order: the bound 0 is wrong


@pytest.mark.parametrize("table, match", [
    ({("a", "b"): {"a": "1/2"}}, "add up"),
    ({("a", "b"): {"a": 2, "b": -1}}, r"\[0, 1\]"),
    ({("a", "b"): {"c": 1}}, "not in the menu"),
    ({("a",): {"a": 1}}, "fewer than two"),
    ({("a", "a"): {"a": 1}}, "twice"),
    ({("a", "b"): {"a": 1}, ("b", "a"): {"a": 1}}, "appears twice"),
    ({"ab": {"a": 1}}, "sequence of items"),
    ({("a", "b"): 1}, "item: share"),
    ({("a", "b"): {"a": "x"}}, "share"),
])
def test_bad_probability_tables(table, match):
    with pytest.raises(InputError, match=match):
        MenuChoice.from_probabilities(table)


@pytest.mark.parametrize("table, match", [
    ({("a", "b"): {"a": 1.5, "b": 1}}, "integers"),
    ({("a", "b"): {"a": -1, "b": 2}}, "integers"),
    ({("a", "b"): {"a": 0, "b": 0}}, "no choice"),
])
def test_bad_count_tables(table, match):
    with pytest.raises(InputError, match=match):
        MenuChoice.from_counts(table)


def test_unknown_items_and_sizes():
    with pytest.raises(InputError, match="unknown item"):
        MenuChoice.from_probabilities({("a", "q"): {"a": 1}}, items=["a", "b"])
    with pytest.raises(InputError, match="at most"):
        MenuChoice.from_probabilities({tuple(range(13)): {0: 1}})
    d = MenuChoice.from_probabilities({("a", "b"): {"a": 1}}, items="abc")
    with pytest.raises(InputError, match="not observed"):
        d.probability("a", ("a", "c"))
    assert repr(d) == "MenuChoice(3 items, 1 menus)"


def test_menu_strategy_shrinks_to_three_items():
    from hypothesis import find

    from coherence.strategies import menu_choices

    bad = find(menu_choices(random_utility=False), lambda d: True,
               settings=settings(database=None, deadline=None))
    assert bad.n == 3 and not check(bad).coherent
    assert bad.probability(0, (0, 1, 2)) == 1 and bad.probability(0, (0, 1)) == 0
    assert find(st.from_type(MenuChoice), lambda d: True).n == 2


MENU_CSV = ("subject,menu,item,count\n"
            "s1,tea;coffee,tea,6\ns1,tea;coffee,coffee,4\ns1,tea;juice,tea,5\n"
            "s1,juice;tea,juice,5\ns1,coffee;juice,coffee,5\ns1,coffee;juice,juice,5\n"
            "s1,tea;coffee;juice,tea,3\ns1,coffee;tea;juice,coffee,3\n"
            "s1,tea;coffee;juice,juice,4\n"
            "s2,tea;coffee,tea,3\ns2,tea;coffee,coffee,7\ns2,tea;coffee;juice,tea,5\n"
            "s2,tea;coffee;juice,juice,5\n")


def test_menu_csv_and_the_command_line(tmp_path, capsys):
    import json

    from coherence.cli import main
    from coherence.stochastic import menus_from_csv

    f = tmp_path / "menus.csv"
    f.write_text(MENU_CSV)
    panel = menus_from_csv(str(f))
    assert set(panel) == {"s1", "s2"} and panel["s1"].probability("juice", ("tea", "juice")) == \
        Fraction(1, 2)
    assert main(["stochastic", str(f), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    by = {r["subject"]: r for r in doc["subjects"]}
    assert by["s1"]["coherent"] and by["s1"]["certificate"]["kind"] == "menu_random_utility"
    assert not by["s2"]["coherent"]
    assert from_json(by["s2"]["certificate"]).verify()
    assert main(["stochastic", str(f)]) == 1
    out = capsys.readouterr().out
    assert "regularity fails" in out and "1 coherent, 1 not" in out


@pytest.mark.parametrize("text, match", [
    ("menu,item,count\na;b,c,1\n", "not in the menu"),
    ("menu,item,count\na;;b,a,1\n", "empty item"),
    ("menu,item,count,p\na;b,a,1,1/2\n", "exactly one"),
    ("menu,item,count\na;b,a,1\na;b,a,2\n", "twice"),
    ("menu,item\na;b,a\n", "exactly one"),
    ("menu,item,count\na;b,a,-1\n", "integers"),
])
def test_bad_menu_files_exit_2(tmp_path, capsys, text, match):
    from coherence.cli import main

    f = tmp_path / "m.csv"
    f.write_text(text)
    assert main(["stochastic", str(f)]) == 2
    err = capsys.readouterr().err
    assert match in err and err.count("\n") == 1
