"""coherence.io: each reader and conversion gives what the function it wraps gives, and keeps
its errors; the optional libraries are needed only by the tests that use them."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import coherence.io as cio
from coherence import PreferenceRelation, check
from coherence.budgets import BudgetData, budgets_from_csv
from coherence.decisions import Game
from coherence.errors import InputError
from coherence.subagents import Committee, Majority, read_preflib
from coherence.verdict import Certificate

BUDGETS = "subject,p_a,p_b,x_a,x_b\n1,1,2,3,0\n1,2,1,0,3\n2,1,1,1,1\n2,1,2,2,0\n"
PUMP = [("a", "b"), ("b", "c"), ("c", "a")]


@pytest.fixture
def budgets_csv(tmp_path: Path) -> Path:
    path = tmp_path / "budgets.csv"
    path.write_text(BUDGETS)
    return path


# -- files --------------------------------------------------------------------------------


def test_read_budgets_csv_is_budgets_from_csv(budgets_csv: Path) -> None:
    panel, expected = cio.read_budgets_csv(budgets_csv), budgets_from_csv(budgets_csv)
    assert panel.subjects == expected.subjects == ("1", "2")
    for s in panel.subjects:
        assert np.array_equal(panel[s].prices, expected[s].prices)
        assert np.array_equal(panel[s].quantities, expected[s].quantities)


def test_read_budgets_csv_without_subject_column(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("p_a,x_a\n1,2\n2,1\n")
    assert cio.read_budgets_csv(path).subjects == ("1",)
    with pytest.raises(InputError, match="subject"):
        cio.read_budgets_csv(path, require_subject=True)


def test_read_budget_data_csv_names_a_subject(budgets_csv: Path) -> None:
    data = cio.read_budget_data_csv(budgets_csv, subject="2")
    assert isinstance(data, BudgetData)
    assert data.quantities.tolist() == [[1.0, 1.0], [2.0, 0.0]]
    with pytest.raises(InputError, match="2 subjects"):
        cio.read_budget_data_csv(budgets_csv)


def test_read_budgets_csv_reports_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        cio.read_budgets_csv(tmp_path / "missing.csv")


def test_preflib_readers_agree(tmp_path: Path) -> None:
    text = "# DATA TYPE: soc\n2: 1,2,3\n1: 2,3,1\n1: 3,1,2\n"
    path = tmp_path / "votes.soc"
    path.write_text(text)
    a, b, c = cio.read_preflib_file(path), cio.parse_preflib_text(text), read_preflib(path)
    assert a.ballots == b.ballots == c.ballots
    assert a.voters == 4
    with pytest.raises(InputError):
        cio.parse_preflib_text("1: 1,1\n")


# -- JSON -----------------------------------------------------------------------------------


@pytest.mark.parametrize("pairs", [PUMP, [("a", "b"), ("b", "c")]], ids=["pump", "utility"])
def test_read_certificate_and_verdict_from_every_source(pairs: list, tmp_path: Path) -> None:
    verdict = check(PreferenceRelation.from_pairs(pairs))
    doc = verdict.certificate.to_json()
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(doc))
    for source in (doc, json.dumps(doc), json.dumps(doc).encode(), path):
        cert = cio.read_certificate(source)
        assert isinstance(cert, Certificate)
        assert cert.to_json() == doc and cert.verify()
    back = cio.read_verdict(verdict.dumps())
    assert (back.status, back.exit_code) == (verdict.status, verdict.exit_code)
    assert back.verify()


@pytest.mark.parametrize(
    ("source", "message"),
    [("[1, 2]", "must be an object"), ('{"kind": NaN}', "NaN"), ("{", "invalid JSON"),
     ('{"kind": "no such kind"}', "unknown certificate kind")],
)
def test_read_certificate_refuses_bad_documents(source: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        cio.read_certificate(source)


def test_read_verdict_needs_a_certificate() -> None:
    with pytest.raises(InputError, match="certificate"):
        cio.read_verdict("{}")


def test_read_relation_round_trip() -> None:
    r = PreferenceRelation.from_pairs([(("a", 1), "b"), ("b", "c")])
    assert cio.read_relation(json.dumps(r.to_json())) == r


def test_read_credences() -> None:
    doc = {"states": ["rain", "sun"], "bets": [{"event": ["rain"], "price": "1/3"},
                                               {"event": ["sun"], "price": "1/3"}]}
    c = cio.read_credences(json.dumps(doc))
    assert c.bets[0][1] == Fraction(1, 3)
    assert check(c).status == "exploitable"  # 1/3 + 1/3 < 1: a Dutch book
    with pytest.raises(InputError):
        cio.read_credences('{"states": []}')


def test_read_game_round_trip() -> None:
    g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    back = cio.read_game(json.dumps(g.to_json()))
    assert back.payoffs.tolist() == g.payoffs.tolist() and back.strategies == g.strategies


def test_read_committee_round_trip() -> None:
    c = Committee.from_rankings([["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]], Majority())
    back = cio.read_committee(json.dumps(c.to_json()))
    assert back.relation() == c.relation()
    assert check(back).status == "exploitable"


# -- optional libraries ---------------------------------------------------------------------


def test_budgets_from_pandas() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"p_a": [1, 2], "p_b": [2, 1], "x_a": [3, 0], "x_b": [0, 3]})
    data = cio.budgets_from_pandas(frame)
    assert data.goods == ("a", "b") and data.quantities.tolist() == [[3, 0], [0, 3]]
    named = cio.budgets_from_pandas(frame, prices=["p_b", "p_a"], quantities=["x_b", "x_a"])
    assert named.goods == ("x_b", "x_a") and named.prices.tolist() == [[2, 1], [1, 2]]


def test_panel_from_pandas_matches_the_csv_reader(budgets_csv: Path) -> None:
    pd = pytest.importorskip("pandas")
    panel = cio.panel_from_pandas(pd.read_csv(budgets_csv, dtype={"subject": str}))
    expected = cio.read_budgets_csv(budgets_csv)
    assert panel.subjects == expected.subjects
    for s in panel.subjects:
        assert np.array_equal(panel[s].quantities, expected[s].quantities)


def test_relation_networkx_round_trip() -> None:
    nx = pytest.importorskip("networkx")
    r = PreferenceRelation.from_pairs([("a", "b"), ("b", "a"), ("b", "c")], reflexive=True)
    G = cio.relation_to_networkx(r)
    assert isinstance(G, nx.DiGraph)
    assert sorted(G.edges(data="strict")) == [("a", "b", False), ("b", "a", False),
                                              ("b", "c", True)]
    back = cio.relation_from_networkx(G)
    off = ~np.eye(3, dtype=bool)
    assert back.items == r.items and np.array_equal(back.weak & off, r.weak & off)
    with pytest.raises(InputError, match="directed"):
        cio.relation_from_networkx(nx.Graph([("a", "b")]))


def test_game_nashpy_round_trip() -> None:
    nash = pytest.importorskip("nashpy")
    g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    ng = cio.game_to_nashpy(g)
    assert isinstance(ng, nash.Game)
    back = cio.game_from_nashpy(ng)
    assert back.payoffs.tolist() == g.payoffs.tolist()
    assert check(back).status == check(g).status == "exploitable"


def test_game_pygambit_round_trip() -> None:
    pytest.importorskip("pygambit")
    g = Game.bimatrix([[Fraction(1, 3), 0], [1, 2]], [[1, 0], [0, 1]])
    back = cio.game_from_pygambit(cio.game_to_pygambit(g))
    assert back.payoffs.tolist() == g.payoffs.tolist()
    assert back.strategies == g.strategies


def test_committee_pref_voting_round_trip() -> None:
    pytest.importorskip("pref_voting")
    c = Committee.from_rankings([["a", "b", "c"], ["b", "c", "a"]], counts=[2, 1])
    profile = cio.committee_to_pref_voting(c)
    assert int(profile.num_voters) == 3
    back = cio.committee_from_pref_voting(profile)
    assert back.relation().weak.tolist() == c.with_rule(Majority()).relation().weak.tolist()
