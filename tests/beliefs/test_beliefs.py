"""Credences: de Finetti's theorem as properties, the CLI contract, bad input."""

import json
import shutil
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import find, given, settings

from coherence import check
from coherence.beliefs import (
    Credences,
    DutchBook,
    ProbabilityMeasure,
    check_credences,
)
from coherence.cli import main
from coherence.errors import InputError
from coherence.strategies.beliefs import credences


def test_book_against_credences_summing_above_one():
    c = Credences(["rain", "sun"], [({"rain"}, "0.6"), ({"sun"}, "3/5")])
    v = check(c)
    assert not v.coherent and isinstance(v.certificate, DutchBook) and v.verify()
    book = v.certificate
    assert book.stakes == (1, 1) and book.sure_loss == Fraction(1, 5)
    assert set(book.payoffs.values()) == {Fraction(-1, 5)}


def test_book_against_credences_summing_below_one_sells():
    c = Credences(["a", "b"], [({"a"}, "0.3"), ({"b"}, "0.3")])
    book = check(c).certificate
    assert book.stakes == (-1, -1) and book.sure_loss == Fraction(2, 5)


def test_single_bet_books():
    assert check(Credences(["a"], [((), "1/10")])).certificate.stakes == (1,)
    assert check(Credences(["a", "b"], [(("a", "b"), "9/10")])).certificate.stakes == (-1,)
    assert check(Credences(["a", "b"], [(("a",), "-1/2")])).certificate.stakes == (-1,)


def test_coherent_credences_get_the_measure():
    c = Credences(["a", "b", "c"], [({"a"}, "1/3"), ({"b", "c"}, "2/3"), ({"a", "b"}, "1/2")])
    v = check(c)
    assert v.coherent and isinstance(v.certificate, ProbabilityMeasure) and v.verify()
    assert v.certificate.measure == {"a": Fraction(1, 3), "b": Fraction(1, 6), "c": Fraction(1, 2)}


def test_conditional_bets():
    ok = Credences(["a", "b", "c"], [({"a"}, "1/4"), ({"b"}, "1/4")],
                   [({"a"}, {"a", "b"}, "1/2")])
    assert check(ok).coherent and check(ok).verify()
    bad = Credences(["a", "b", "c"], [({"a"}, "1/4"), ({"b"}, "1/4")],
                    [({"a"}, {"a", "b"}, "2/3")])
    v = check(bad)
    assert not v.coherent and v.verify()
    assert v.certificate.to_json()["stakes"][-1]["given"] == ["a", "b"]


def test_tampered_book_fails_verification():
    c = Credences(["rain", "sun"], [({"rain"}, "0.6"), ({"sun"}, "3/5")])
    assert not DutchBook(c, (Fraction(1), Fraction(1)), Fraction(1, 4)).verify()
    assert not DutchBook(c, (Fraction(1), Fraction(0)), Fraction(1, 5)).verify()
    assert not ProbabilityMeasure(c, (Fraction(1, 2), Fraction(1, 2))).verify()


@settings(max_examples=60)
@given(credences(coherent=True))
def test_coherent_credences_are_never_dutch_bookable(c):
    v = check_credences(c)
    assert v.coherent and v.verify()


@settings(max_examples=60)
@given(credences(coherent=False))
def test_every_incoherent_credence_yields_a_verified_small_book(c):
    v = check_credences(c)
    assert not v.coherent and v.verify()
    size = len(v.certificate.support)
    assert size <= max(c.n_states, 1)  # a vertex of the L1 book LP has ≤ |Ω| bets
    if v.quantities["book_size"] == "fewest":
        assert size <= 2  # the strategy plants a two-bet book
    # the book is irreducible: dropping any bet leaves coherent credences
    sup = v.certificate.support
    if len(sup) > 1:
        for j in sup:
            assert check_credences(c.restrict([i for i in sup if i != j])).coherent


@settings(max_examples=40)
@given(credences())
def test_verdict_matches_brute_force_on_one_or_two_states(c):
    v = check_credences(c)
    assert v.verify()
    if c.n_states == 1:
        # the only measure is the point mass: coherent iff every price matches it
        s = c.states[0]
        expect = all(p == (1 if s in e else 0) for e, p in c.bets)
        assert v.coherent == expect


def test_incoherent_examples_shrink_to_a_one_bet_book():
    c = find(credences(coherent=False), lambda c: True)
    assert c.n_states == 1
    v = check_credences(c)
    assert len(v.certificate.support) == 1


def test_json_roundtrip_and_errors():
    c = Credences(["a", 2], [(["a"], "1/3")])
    assert Credences.from_json(json.dumps(c.to_json())).to_json() == c.to_json()
    bad = [
        {"states": [], "bets": []},
        {"states": ["a"], "bets": [{"event": ["z"], "price": "1/2"}]},
        {"states": ["a"], "bets": [{"event": ["a"], "price": "nan"}]},
        {"states": ["a"], "bets": [{"event": "a", "price": "1/2"}]},
        {"states": ["a", "a"], "bets": []},
        {"states": ["a"]},
        {"states": ["a"], "bets": [], "extra": 1},
        [1, 2],
    ]
    for doc in bad:
        with pytest.raises(InputError):
            Credences.from_json(doc)
    with pytest.raises(InputError):
        Credences.from_json("{not json")


def test_constructor_errors():
    with pytest.raises(InputError):
        Credences([], [])
    with pytest.raises(InputError):
        Credences(["a"], [(["b"], 0)])
    with pytest.raises(InputError):
        Credences(["a"], [(["a"], float("nan"))])
    with pytest.raises(InputError):
        Credences(["a"], [(["a"],)])


def _write(tmp_path, doc):
    p = tmp_path / "c.json"
    p.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return str(p)


def test_cli_contract_book(tmp_path, capsys):
    path = _write(tmp_path, {"states": ["rain", "sun", "snow"], "bets": [
        {"event": ["rain"], "price": "0.5"}, {"event": ["sun", "snow"], "price": "7/10"}]})
    assert main(["credences", path, "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["coherent"] is False
    cert = doc["certificate"]
    assert cert["kind"] == "dutch_book" and cert["sure_loss"] == "1/5"
    assert {(tuple(s["event"]), s["stake"]) for s in cert["stakes"]} == {
        (("rain",), "1"), (("sun", "snow"), "1")}


def test_cli_contract_probability(tmp_path, capsys):
    path = _write(tmp_path, {"states": ["a", "b"], "bets": [{"event": ["a"], "price": 0.25}]})
    assert main(["credences", path, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {**doc, "coherent": True}
    cert = doc["certificate"]
    assert cert["kind"] == "probability" and cert["probability"] == {"a": "1/4", "b": "3/4"}
    assert cert["credences"] == {"states": ["a", "b"], "bets": [{"event": ["a"], "price": "1/4"}]}


@pytest.mark.parametrize("doc", ['{"states": [], "bets": []}', "nope",
                                 '{"states": ["a"], "bets": [{"event": ["b"], "price": 1}]}'])
def test_cli_bad_input_exit_2(tmp_path, capsys, doc):
    assert main(["credences", _write(tmp_path, doc)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_cli_missing_file(capsys):
    assert main(["credences", "/nonexistent.json"]) == 2


def test_console_script(tmp_path):
    path = _write(tmp_path, {"states": ["a", "b"], "bets": [
        {"event": ["a"], "price": "2/3"}, {"event": ["b"], "price": "2/3"}]})
    exe = shutil.which("coherence")
    cmd = [exe] if exe else [sys.executable, "-m", "coherence"]
    out = subprocess.run([*cmd, "credences", path, "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert json.loads(out.stdout)["certificate"]["sure_loss"] == "1/3"


@settings(max_examples=25)
@given(credences(coherent=True, min_states=2, min_bets=1, max_weight=10**6))
def test_near_coherent_prices_still_get_a_verified_certificate(c):
    # a perturbation of 10⁻⁹ sits at the edge of float tolerance: the exact fallbacks decide
    (ev, p), *rest = c.bets
    tweaked = Credences(c.states, [(ev, p + Fraction(1, 10**9)), *rest])
    assert check_credences(tweaked).verify()
