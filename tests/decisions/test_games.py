"""Games: elimination with exact mixtures, cross-checked against pygambit and nashpy."""

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings

from coherence import check
from coherence.cli import main
from coherence.decisions import (
    AdmissibleBeliefs,
    DominanceElimination,
    Game,
    OrderDependence,
    Rationalisation,
    WeakDominance,
    WeakElimination,
    eliminate_dominated,
    eliminate_weakly_dominated,
)
from coherence.errors import InputError
from coherence.strategies.games import normal_form_games
from coherence.verdict import from_json

MIXED = Game.bimatrix([[3, 0], [0, 3], [1, 1]], [[1, 0], [0, 1], [0, 0]],
                      strategies=[["U", "M", "D"], ["L", "R"]])


def test_mixed_domination_recorded():
    v = check(MIXED)
    assert not v.coherent and isinstance(v.certificate, DominanceElimination) and v.verify()
    (step,) = v.certificate.steps
    assert step.mixture_labels(MIXED) == {"U": Fraction(1, 2), "M": Fraction(1, 2)}


def test_prisoners_dilemma():
    g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    v = check(g)
    assert v.certificate.survivors.alive == ((1,), (1,))


def test_matching_pennies_is_rationalised():
    g = Game.bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    v = check(g)
    assert v.coherent and isinstance(v.certificate, Rationalisation) and v.verify()


def test_three_players():
    P = np.zeros((2, 2, 2, 3), dtype=int)
    P[..., 0] = np.array([[[1, 1], [1, 1]], [[0, 0], [0, 0]]])  # player 1: s1 dominates s2
    P[..., 1] = np.random.default_rng(0).integers(0, 5, (2, 2, 2))
    P[..., 2] = np.random.default_rng(1).integers(0, 5, (2, 2, 2))
    v = check(Game(P))
    assert v.verify() and v.certificate.steps[0].player == 0


def test_tampered_step_fails():
    v = check(MIXED)
    st = v.certificate.steps[0]
    bad = type(st)(st.player, st.strategy, (Fraction(1), Fraction(0), Fraction(0)), st.alive)
    assert not bad.verify(MIXED)


def _pygambit_pure_elimination(game):
    """Iterated strict dominance by pure strategies with pygambit's ``is_dominated``.

    (pygambit's ``undominated_strategies_solve`` also drops payoff-equivalent duplicates,
    which are not strictly dominated, so it is not used here.)"""
    pytest.importorskip("pygambit")
    g = game.to_pygambit()
    prof = g.strategy_support_profile()
    changed = True
    while changed:
        changed = False
        for pl in g.players:
            alive = [s for s in pl.strategies if s in prof]
            if len(alive) < 2:
                continue
            for s in alive:
                if prof.is_dominated(s, True):
                    prof = prof.remove(s)
                    changed = True
                    break
    return tuple(
        tuple(j for j, s in enumerate(pl.strategies) if s in prof) for pl in g.players
    )


def test_pygambit_misses_mixed_domination():
    pytest.importorskip("pygambit")
    assert _pygambit_pure_elimination(MIXED) == ((0, 1, 2), (0, 1))
    assert check(MIXED).certificate.survivors.alive == ((0, 1), (0, 1))


@settings(max_examples=40)
@given(normal_form_games(max_strategies=4))
def test_elimination_matches_pygambit_where_both_apply(game):
    pytest.importorskip("pygambit")
    v = eliminate_dominated(game)
    assert v.verify()
    ours = (v.certificate.survivors.alive if not v.coherent else v.certificate.alive)
    theirs = _pygambit_pure_elimination(game)
    assert all(set(a) <= set(b) for a, b in zip(ours, theirs, strict=True))
    steps = [] if v.coherent else v.certificate.steps
    if all(sum(1 for w in s.mixture if w) == 1 for s in steps):
        assert ours == theirs


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@settings(max_examples=25)
@given(normal_form_games(min_strategies=2, max_strategies=3))
def test_nash_equilibria_use_only_survivors(game):
    nash = pytest.importorskip("nashpy")
    v = eliminate_dominated(game)
    alive = v.certificate.alive if v.coherent else v.certificate.survivors.alive
    for sigma1, sigma2 in nash.Game(*[np.vectorize(float)(game.payoffs[..., i])
                                      for i in range(2)]).support_enumeration():
        assert all(j in alive[0] for j in np.flatnonzero(sigma1 > 1e-9))
        assert all(j in alive[1] for j in np.flatnonzero(sigma2 > 1e-9))


@settings(max_examples=30)
@given(normal_form_games(dominated=True, mixed=True, max_players=3))
def test_planted_mixed_domination_is_found(game):
    v = eliminate_dominated(game)
    assert not v.coherent and v.verify()
    assert 0 not in v.certificate.survivors.alive[0]


WEAK = Game.bimatrix([[1, 0], [1, 2], [0, 2]], [[1, 0], [1, 1], [0, 1]])


def test_weak_dominance_order_dependence_witness():
    # M weakly dominates both T and B; removing T first or B first ends differently
    v = eliminate_weakly_dominated(WEAK)
    assert not v.coherent and v.verify() and v.quantities == {
        "eliminated": 2, "order_dependent": True,
    }
    cert = v.certificate
    assert isinstance(cert, WeakDominance) and cert.order_dependent
    assert "order" in cert.warning and "Warning" in v.explain()
    witness = cert.witness
    assert witness is not None and witness.verify(WEAK)
    assert witness.first is cert.run
    assert witness.first.survivors == ((1,), (0, 1))
    assert witness.second.survivors == ((0, 1), (0,))


def test_weak_dominance_without_order_dependence():
    g = Game.bimatrix([[1, 1], [0, 1]], [[1, 1], [1, 1]])  # row 2 weakly dominated only
    v = eliminate_weakly_dominated(g)
    assert not v.coherent and v.verify() and v.certificate.witness is None
    assert v.certificate.run.survivors == ((0,), (0, 1))
    assert "agree" in v.certificate.warning


def test_no_weak_dominance_gets_full_support_beliefs():
    v = eliminate_weakly_dominated(Game.bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]))
    assert v.coherent and isinstance(v.certificate, AdmissibleBeliefs) and v.verify()
    assert all(w > 0 for y in v.certificate.beliefs.values() for w in y)


def test_weak_run_that_stops_early_does_not_verify():
    cert = eliminate_weakly_dominated(WEAK).certificate
    run = cert.run
    cut = WeakElimination(run.steps[:1], run.beliefs, run.rule)  # survivors no longer match
    assert not cut.verify(WEAK)
    assert not WeakDominance(WEAK, cut).verify()
    # a witness whose first order is not the run is rejected
    swapped = OrderDependence(cert.witness.second, cert.witness.first)
    assert swapped.verify(WEAK) and not WeakDominance(WEAK, run, swapped).verify()
    # a belief without full support is not admissible
    beliefs = dict(run.beliefs.beliefs)
    beliefs[(0, 1)] = (Fraction(1), Fraction(0))  # P1's only survivor, P2 has two left
    assert Rationalisation(WEAK, run.survivors, beliefs).verify()
    assert not AdmissibleBeliefs(WEAK, run.survivors, beliefs).verify()


@settings(max_examples=25)
@given(normal_form_games(max_strategies=3, max_players=3))
def test_weak_elimination_verifies_and_refines_strict(game):
    v = eliminate_weakly_dominated(game)
    assert v.verify()
    strict = eliminate_dominated(game)
    alive = strict.certificate.alive if strict.coherent else strict.certificate.survivors.alive
    weak = v.certificate.alive if v.coherent else v.certificate.run.survivors
    assert all(set(a) <= set(b) for a, b in zip(weak, alive, strict=True))
    if strict.coherent is False:
        assert not v.coherent  # strict dominance is weak dominance


def _roundtrip(cert):
    doc = json.loads(json.dumps(cert.to_json()))
    back = from_json(doc)
    assert type(back) is type(cert) and back.verify() and back.to_json() == cert.to_json()
    return back


def test_certificates_roundtrip_through_json():
    _roundtrip(check(MIXED).certificate)
    _roundtrip(check(Game.bimatrix([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])).certificate)
    back = _roundtrip(eliminate_weakly_dominated(WEAK).certificate)
    assert back.witness is not None and back.witness.verify(back.game)
    _roundtrip(eliminate_weakly_dominated(MIXED).certificate)
    _roundtrip(eliminate_weakly_dominated(Game(np.ones((2, 2, 2, 3), dtype=int))).certificate)


def test_three_player_certificates_roundtrip():
    P = np.zeros((2, 2, 2, 3), dtype=int)
    P[..., 0] = np.array([[[1, 1], [1, 1]], [[0, 0], [0, 0]]])
    P[..., 1] = np.random.default_rng(0).integers(0, 5, (2, 2, 2))
    P[..., 2] = np.random.default_rng(1).integers(0, 5, (2, 2, 2))
    g = Game(P, strategies=[[1, 2], [(0, "a"), (1, "b")], ["x", "y"]], players=[7, "B", "C"])
    _roundtrip(check(g).certificate)
    _roundtrip(eliminate_weakly_dominated(g).certificate)


def test_tampered_json_does_not_verify_or_is_refused():
    doc = check(MIXED).certificate.to_json()
    doc["steps"][0]["dominated_by"] = {"U": "1"}
    assert not from_json(doc).verify()
    doc["steps"][0]["dominated_by"] = {"nope": "1"}
    with pytest.raises(InputError):
        from_json(doc)


@settings(max_examples=20)
@given(normal_form_games(max_strategies=3, max_players=3))
def test_every_game_certificate_roundtrips(game):
    _roundtrip(eliminate_dominated(game).certificate)


def test_nashpy_and_pygambit_conversions():
    nash = pytest.importorskip("nashpy")
    g2 = Game.from_nashpy(nash.Game(np.array([[1, 2], [3, 4]]), np.array([[0, 1], [1, 0]])))
    assert g2.payoffs[1, 0, 0] == 3
    pytest.importorskip("pygambit")
    back = Game.from_pygambit(MIXED.to_pygambit())
    assert (back.payoffs == MIXED.payoffs).all() and back.strategies == MIXED.strategies


def test_json_roundtrip_and_bad_input():
    g = Game.from_json(json.dumps(MIXED.to_json()))
    assert (g.payoffs == MIXED.payoffs).all()
    tupled = Game.bimatrix([[1]], [[2]], strategies=[[(1, "a")], ["b"]])
    assert Game.from_json(json.dumps(tupled.to_json())).strategies == tupled.strategies
    for doc in [
        {"payoffs": [[[1, 2], [3]], [[1, 2], [3, 4]]]},
        {"payoffs": [[[1, 2]], [[1, 2], [3, 4]]]},
        {"payoffs": [[[1, "nan"]], [[1, 2]]]},
        {"payoffs": [[1, 2], [3, 4]]},
        {"payoffs": []},
        {"payoffs": [[[1]], [[1]]], "strategies": [["a", "b"], ["c"]]},
        {"nope": 1},
        {"payoffs": [[[1]], [[1]]], "strategies": [[{"a": 1}], ["c"]]},
        "[1, 2",
    ]:
        with pytest.raises(InputError):
            Game.from_json(doc)


def test_cli_game(tmp_path, capsys):
    p = tmp_path / "g.json"
    p.write_text(json.dumps(MIXED.to_json()))
    assert main(["game", str(p), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["certificate"]["steps"][0]["dominated_by"] == {"U": "1/2", "M": "1/2"}
    assert main(["game", str(p), "--weak"]) == 1
    assert "weak dominance" in capsys.readouterr().out
    p.write_text(json.dumps(WEAK.to_json()))
    assert main(["game", str(p), "--json", "--weak"]) == 0
    weak = json.loads(capsys.readouterr().out)["weak_dominance"]
    assert weak["status"] == "exploitable" and "order" in weak["warning"]
    assert weak["survivors"] == {"P1": ["s2"], "P2": ["s1", "s2"]}
    assert [w["survivors"] for w in weak["order_witness"]] == [
        {"P1": ["s2"], "P2": ["s1", "s2"]}, {"P1": ["s1", "s2"], "P2": ["s1"]},
    ]
    assert from_json(weak["verdict"]["certificate"]).verify()
    p.write_text('{"payoffs": [[[1, 2], [3]], [[1, 2], [3, 4]]]}')
    assert main(["game", str(p)]) == 2
    assert "ragged" in capsys.readouterr().err


def test_cli_game_console_script(tmp_path):
    p = tmp_path / "g.json"
    p.write_text(json.dumps({"payoffs": [[[1, -1], [-1, 1]], [[-1, 1], [1, -1]]]}))
    out = subprocess.run([sys.executable, "-m", "coherence", "game", str(p), "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and json.loads(out.stdout)["coherent"] is True


@settings(max_examples=30)
@given(normal_form_games(dominated=False, max_players=3, max_strategies=3))
def test_games_without_dominated_strategies_are_rationalised(game):
    v = eliminate_dominated(game)
    assert v.coherent and isinstance(v.certificate, Rationalisation) and v.verify()
