"""Battles and judge verdicts: reading, counts, Bradley–Terry against choix, bootstrap,
verified verdicts, bad input and the ``coherence battles`` command."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from coherence.bridge import (
    BattleCounts,
    BattleDataError,
    audit_battles,
    battle_counts,
    battle_strengths,
    battles_from_columns,
    bootstrap_strengths,
    pump_supported,
    read_battles,
)
from coherence.cli import main
from coherence.errors import InputError
from coherence.relations import MoneyPump, WeakUtility

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "data" / "battles_sample.csv"
JUDGE = ROOT / "examples" / "data" / "judge_sample.csv"
CYCLE = {"cirrus", "delta", "ember"}


def write(tmp_path: Path, text: str, name: str = "b.csv") -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def random_battles(rng: np.random.Generator, n: int, rows: int, *, cyclic: float = 0.0):
    """Battles drawn from Bradley–Terry strengths, plus ``cyclic`` log-odds of a
    rock–paper–scissors term on the first three contestants."""
    u = rng.normal(size=n)
    a = rng.integers(0, n, rows)
    b = (a + rng.integers(1, n, rows)) % n
    z = u[a] - u[b]
    for x, y in ((0, 1), (1, 2), (2, 0)):
        z = z + cyclic * (((a == x) & (b == y)).astype(float) - ((a == y) & (b == x)))
    r = rng.random(rows)
    winner = np.where(r < 0.1, "tie", np.where(r < 0.15, "tie (bothbad)", np.where(
        rng.random(rows) < 1 / (1 + np.exp(-z)), "model_a", "model_b")))
    names = [f"m{i}" for i in range(n)]
    return battles_from_columns([names[i] for i in a], [names[i] for i in b], winner.tolist())


# ------------------------------------------------------------------ reading and counting


def test_sample_counts_match_a_plain_count():
    b = read_battles(str(SAMPLE))
    c = b.counts()
    with SAMPLE.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    tally = Counter(r["winner"] for r in rows)
    s = c.summary()
    assert (b.kind, len(b), b.n, s["battles"]) == ("arena", 4000, 8, 4000)
    assert s["ties"] == tally["tie"] and s["ties_bothbad"] == tally["tie (bothbad)"]
    assert s["decisive"] == tally["model_a"] + tally["model_b"]
    assert (s["first_wins"], s["second_wins"]) == (tally["model_a"], tally["model_b"])
    i, j = b.models.index("aurora"), b.models.index("harbor")
    won = sum(1 for r in rows if (r["model_a"], r["model_b"], r["winner"]) in (
        ("aurora", "harbor", "model_a"), ("harbor", "aurora", "model_b")))
    tied = sum(1 for r in rows if {r["model_a"], r["model_b"]} == {"aurora", "harbor"}
               and r["winner"].startswith("tie"))
    assert c.wins[i, j] == won
    assert c.points[i, j] == won + tied / 2
    P = c.probabilities()
    assert np.allclose(P + P.T, 1)


def test_ties_half_each_and_both_kinds_counted():
    b = battles_from_columns(["x", "x", "y", "x"], ["y", "y", "x", "z"],
                             ["tie", "tie (bothbad)", "model_b", "model_a"])
    c = battle_counts(b)
    assert c.points[0, 1] == 2.0 and c.points[1, 0] == 1.0
    assert (c.ties[0, 1], c.bothbad[0, 1], c.wins[0, 1], c.wins[0, 2]) == (1, 1, 1, 1)
    assert c.summary()["ties"] == 1 and c.summary()["ties_bothbad"] == 1
    assert c.probabilities()[1, 2] == 0.5  # never compared


ENGINES = ["csv", pytest.param("pandas", marks=pytest.mark.skipif(
    importlib.util.find_spec("pandas") is None, reason="pandas missing"))]


@pytest.mark.parametrize("engine", ENGINES)
def test_header_extras_whitespace_and_case(tmp_path, engine):
    path = write(tmp_path, "id,Model_A,model_b ,WINNER,lang\n"
                           '1, x ,y,Model_A,en\n2,y,"z",TIE (bothbad),de\n3,z,x, model_b ,en\n'
                           '\n4,x,"y, the second",tie,"multi\nline"\n')
    b = read_battles(path, min_battles=1, engine=engine)
    assert b.models == ("x", "y", "y, the second", "z")
    assert b.first.tolist() == [0, 1, 3, 0] and b.second.tolist() == [1, 3, 0, 2]
    assert b.outcome.tolist() == [0, 3, 1, 2]


@pytest.mark.parametrize("path", [SAMPLE, JUDGE])
def test_engines_agree(path):
    pytest.importorskip("pandas")
    one, two = read_battles(str(path), engine="csv"), read_battles(str(path), engine="pandas")
    assert one.models == two.models and one.kind == two.kind
    for name in ("first", "second", "outcome"):
        assert np.array_equal(getattr(one, name), getattr(two, name))


def test_judge_table_detected_and_forced(tmp_path):
    b = read_battles(str(JUDGE))
    assert b.kind == "judge" and b.n == 5 and len(b) == 800
    path = write(tmp_path, "prompt,a,b,verdict,model_a,model_b,winner\n"
                           "p,x,y,A,y,x,model_a\np,y,x,b,x,y,model_b\n")
    assert read_battles(path).kind == "arena"  # both headers: arena unless told
    j = read_battles(path, format="judge")
    assert j.kind == "judge" and j.outcome.tolist() == [0, 1]


# ------------------------------------------------------------------ Bradley–Terry


def _choix_ml(c: BattleCounts) -> np.ndarray:
    choix = pytest.importorskip("choix")
    u = choix.ilsr_pairwise_dense(c.points, alpha=0.0, tol=1e-13, max_iter=10_000)
    return u - u.mean()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bradley_terry_agrees_with_choix(seed):
    rng = np.random.default_rng(seed)
    b = random_battles(rng, 12, 3000, cyclic=1.0 if seed else 0.0)
    fit = battle_strengths(b)
    assert fit.converged and abs(fit.log_strength.mean()) < 1e-12
    assert np.abs(fit.log_strength - _choix_ml(b.counts())).max() < 1e-6


def test_bradley_terry_on_the_sample_agrees_with_choix():
    c = read_battles(str(SAMPLE)).counts()
    fit = battle_strengths(c)
    assert np.abs(fit.log_strength - _choix_ml(c)).max() < 1e-6
    assert fit.ranking()[0] == "aurora" and fit.ranking()[-1] == "harbor"


def test_bradley_terry_is_the_maximum():
    """The gradient vanishes: Σⱼ wᵢⱼ = Σⱼ nᵢⱼ σ(uᵢ − uⱼ) for every i (the likelihood
    equations), and moving any strength lowers the likelihood."""
    c = random_battles(np.random.default_rng(5), 7, 800).counts()
    fit = battle_strengths(c)
    u, w = fit.log_strength, c.points
    s = 1 / (1 + np.exp(-(u[:, None] - u[None, :])))
    assert np.allclose(w.sum(1), ((w + w.T) * s).sum(1), atol=1e-9)

    def ll(v):
        return float((w * -np.logaddexp(0, -(v[:, None] - v[None, :]))).sum())

    for k in range(7):
        e = np.zeros(7)
        e[k] = 1e-3
        assert ll(u + e) < fit.log_likelihood and ll(u - e) < fit.log_likelihood


def test_no_maximum_without_a_ridge():
    b = battles_from_columns(["top", "top", "mid", "low", "mid"], ["mid", "low", "low", "mid",
                             "top"], ["model_a", "model_a", "model_a", "model_a", "model_b"])
    with pytest.raises(BattleDataError, match="'top' never lost"):
        battle_strengths(b)
    fit = battle_strengths(b, ridge=0.1)
    assert fit.converged and fit.ranking()[0] == "top"


def test_bootstrap_is_seeded_and_covers_the_fit():
    c = read_battles(str(SAMPLE)).counts()
    fit = battle_strengths(c)
    one = bootstrap_strengths(c, replicates=60, seed=3, fit=fit)
    two = bootstrap_strengths(c, replicates=60, seed=3, fit=fit)
    other = bootstrap_strengths(c, replicates=60, seed=4, fit=fit)
    assert np.array_equal(one.lower, two.lower) and np.array_equal(one.upper, two.upper)
    assert not np.array_equal(one.lower, other.lower)
    assert one.failed == 0 and (one.lower < fit.log_strength).all()
    assert (fit.log_strength < one.upper).all()
    # the spread is about what the Fisher information predicts: σ ∝ 1/√battles
    assert 0.02 < float(one.std.mean()) < 0.2


# ------------------------------------------------------------------ verdicts


def test_sample_pump_is_the_planted_cycle_and_verifies():
    a = audit_battles(read_battles(str(SAMPLE)), bootstrap=20)
    v = a.verdict
    assert v.status == "exploitable" and isinstance(v.certificate, MoneyPump)
    assert set(v.certificate.labels) == CYCLE
    assert v.certificate.verify() and pump_supported(a.counts, v.certificate.labels)
    assert a.report.hard.count >= 1 and a.report.random_utility is not None
    m = a.metrics()
    assert m["compared_pairs"] == m["pairs"] == 28 and m["residual_incoherence"] > 0


def test_coherent_battles_get_a_verified_utility():
    b = random_battles(np.random.default_rng(11), 6, 3000)
    a = audit_battles(b, bootstrap=0)
    assert a.coherent and isinstance(a.verdict.certificate, WeakUtility)
    assert a.verdict.certificate.verify()
    assert a.report.random_utility is not None and a.report.random_utility.coherent


def test_uncompared_pairs_never_carry_a_pump():
    # a beats b, b beats c, c and a never met: ½ would make c ≽ a and a pump
    b = battles_from_columns(["a", "a", "b", "b", "a", "b"], ["b", "b", "c", "c", "b", "c"],
                             ["model_a", "model_a", "model_a", "model_a", "model_b", "model_b"])
    a = audit_battles(b, bootstrap=0)
    assert a.coherent and a.verdict.certificate.verify()
    assert a.metrics()["compared_pairs"] == 2
    assert a.report.random_utility is not None and a.report.random_utility.coherent


def test_random_tables_every_pump_verifies():
    rng = np.random.default_rng(7)
    seen = set()
    for _ in range(12):
        b = random_battles(rng, int(rng.integers(3, 10)), int(rng.integers(30, 200)),
                           cyclic=float(rng.choice([0.0, 3.0])))
        a = audit_battles(b, bootstrap=0, ridge=0.05, exploitability=False)
        cert = a.verdict.certificate
        assert cert.verify()
        if isinstance(cert, MoneyPump):
            assert pump_supported(a.counts, cert.labels)
        seen.add(a.verdict.status)
    assert seen == {"coherent", "exploitable"}


def test_pump_supported_rejects_a_reversed_cycle():
    a = audit_battles(read_battles(str(SAMPLE)), bootstrap=0)
    labels = a.verdict.certificate.labels
    assert not pump_supported(a.counts, tuple(reversed(labels)))


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(("text", "match"), [
    ("", "empty file"),
    ("model_a,model_b,winner\n", "no rows"),
    ("model_a,model_b\nx,y\n", "missing column.*winner"),
    ("model_a,model_b,winner\nx,y,model_a\ny,x,draw\n", r"b\.csv:3: unknown winner label "
                                                        "'draw'"),
    ("model_a,model_b,winner\nx,y,model_a\nx,x,tie\n", r":3: a self-battle \('x'"),
    ("model_a,model_b,winner\nx,y,model_a\ny,x,tie\nx,z,model_b\n",
     r":4: 'z' appears in 1 battle\(s\)"),
    ("model_a,model_b,winner\nx,y,model_a\ny\n", r":3: 1 field\(s\)"),
    ("model_a,model_b,winner\nx,,model_a\n", "contestant name is empty"),
    ("model_a,model_b,winner\nx,y,model_a\nGPT-4, v2,x,model_b\ny,x,tie\n",
     r"b\.csv:3: 4 fields, more than the header's 3"),
    ('id,model_a,model_b,winner\n1,x,y,model_a\n2,y,x,tie\n3,x,y,tie,"late"\n',
     r":4: 5 fields, more than the header's 4"),
    ("prompt,a,b,verdict\np,x,y,C\n", "unknown verdict label 'C'"),
    ("model_a,model_b,winner,Model_A\nx,y,model_a,z\n", "'model_a' appears 2 times"),
    ("model_a,model_b,winner\nx,y,model_a\ny,z\x00,tie\nz\x00,x,tie\n",
     r":3: the contestant name 'z\\x00' holds a control character"),
])
@pytest.mark.parametrize("engine", ENGINES)
def test_bad_tables(tmp_path, text, match, engine):
    with pytest.raises(BattleDataError, match=match):
        read_battles(write(tmp_path, text), engine=engine)


def test_bad_input_is_input_error():
    assert issubclass(BattleDataError, InputError)
    with pytest.raises(BattleDataError, match="lengths"):
        battles_from_columns(["x"], ["y", "z"], ["tie"])


# ------------------------------------------------------------------ the command


def test_cli_json_on_the_sample(capsys):
    code = main(["battles", str(SAMPLE), "--json", "--bootstrap", "20"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["coherent"] is False and doc["status"] == "exploitable"
    assert set(doc["certificate"]["cycle"]) == CYCLE
    assert doc["verdict"]["certificate"] == doc["certificate"]
    for key in ("expected_cyclic_triads", "cycle_probability", "hard_cyclic_triads",
                "residual_incoherence", "random_utility", "compared_pairs"):
        assert key in doc["metrics"]
    bt = battle_strengths(read_battles(str(SAMPLE)))
    assert doc["bradley_terry"] == pytest.approx(bt.as_dict(), abs=1e-12)
    assert set(doc["bradley_terry_intervals"]) == set(bt.models)
    assert doc["bradley_terry_fit"]["bootstrap"] == {"replicates": 20, "failed": 0, "seed": 0,
                                                     "level": 0.95}
    assert doc["battles"]["ties_bothbad"] > 0 and doc["battles"]["battles"] == 4000


def test_cli_judge_text_and_coherent_exit(capsys):
    code = main(["battles", str(JUDGE), "--bootstrap", "0"])
    out = capsys.readouterr().out
    assert code == 0 and "alpha" in out and "Bradley–Terry" in out
    code = main(["battles", str(JUDGE), "--bootstrap", "0", "--json"])
    doc = json.loads(capsys.readouterr().out)
    bias = doc["battles"]["position_bias"]
    assert bias["lower"] > 0 and bias["bias"] < 0.2  # the planted first-position bias


def test_cli_bad_input_exit_2(tmp_path, capsys):
    path = write(tmp_path, "model_a,model_b,winner\nx,y,model_a\ny,x,maybe\n")
    assert main(["battles", path]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown winner label 'maybe'" in err
    path = write(tmp_path, "model_a,model_b,winner\nx,y,model_a\ny,z,model_a\nx,z,model_a\n"
                           "x,y,model_a\ny,z,model_a\nx,z,model_a\n", "dominant.csv")
    # x beat everyone: no finite maximum likelihood, so the strengths are ridged (and say so);
    # the verdict, a utility, does not depend on them
    assert main(["battles", path, "--bootstrap", "0", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["bradley_terry_fit"]["ridge"] == 0.01 and doc["coherent"] is True
    assert main(["battles", path, "--bootstrap", "0", "--ridge", "0.1"]) == 0
    assert main(["battles", str(tmp_path / "missing.csv")]) == 2


def test_cli_progress_stages_only_when_asked(monkeypatch, capsys):
    monkeypatch.setenv("COHERENCE_PROGRESS", "always")
    assert main(["battles", str(JUDGE), "--bootstrap", "0", "--json"]) == 0
    err = capsys.readouterr().err
    assert "reading" in err and "Bradley-Terry" in err
    assert main(["battles", str(JUDGE), "--bootstrap", "0", "--json", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("argv", [
    ["--seed", "-5"], ["--seed", "x"], ["--bootstrap", "100000000"], ["--bootstrap", "-1"]])
def test_cli_bad_options_exit_2_before_any_work(capsys, argv):
    assert main(["battles", str(SAMPLE), *argv]) == 2
    got = capsys.readouterr()
    assert got.out == "" and got.err.count("\n") == 1 and "internal error" not in got.err


def test_cli_report_to_a_folder_is_refused_before_the_verdict(tmp_path, capsys):
    assert main(["battles", str(SAMPLE), "--report", str(tmp_path)]) == 2
    got = capsys.readouterr()
    assert got.out == "" and "a folder" in got.err and got.err.count("\n") == 1


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.mkdir(), "a folder, not a file"),
    (lambda p: __import__("os").mkfifo(p), "not a regular file")])
def test_cli_input_that_is_no_regular_file_says_so(tmp_path, capsys, make, message):
    p = tmp_path / "b.csv"
    make(p)
    assert main(["battles", str(p)]) == 2
    assert message in capsys.readouterr().err
