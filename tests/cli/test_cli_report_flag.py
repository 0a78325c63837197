"""``--report PATH`` on every command: the verdicts the command printed, as an HTML page with
pictures (``.html``) or JSON, never over an input file, its folder checked before the run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coherence.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "ckms2014_sample.csv"

CASES = {
    "relation": ("r.csv", "better,worse\nB,A\nC,B\nA,C\n", 1, 1),
    "wtp": ("w.csv", "holding,offered,pay\nA,B,1\nB,A,-0.5\n", 1, 1),
    "credences": ("c.json", '{"states": ["rain", "sun"], "bets": [{"event": ["rain"], '
                  '"price": "0.6"}, {"event": ["sun"], "price": "0.6"}]}', 1, 1),
    "game": ("g.json", '{"payoffs": [[[3, 0], [2, 1], [0, 0]], [[1, 1], [1, 1], [1, 1]]]}',
             1, 1),
    "stochastic": ("s.csv", "subject,item_a,item_b,p\n1,a,b,0.9\n1,b,c,0.9\n1,c,a,0.9\n"
                   "2,a,b,0.6\n2,b,c,0.6\n2,a,c,0.7\n", 1, 2),
    "committee": ("e.soc", "# FILE NAME: e.soc\n# DATA TYPE: soc\n# NUMBER ALTERNATIVES: 3\n"
                  "# NUMBER VOTERS: 3\n# NUMBER UNIQUE ORDERS: 3\n1: 1,2,3\n1: 2,3,1\n"
                  "1: 3,1,2\n", 1, 1),
}


@pytest.mark.parametrize("command", sorted(CASES))
def test_every_data_command_writes_its_verdicts(tmp_path, capsys, command):
    name, text, code, findings = CASES[command]
    f = tmp_path / name
    f.write_text(text)
    out = tmp_path / "report.json"
    assert main([command, str(f), "--report", str(out)]) == code, capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert len(doc["findings"]) == findings
    assert all(x["verdict"]["status"] in ("coherent", "exploitable") for x in doc["findings"])
    html = tmp_path / "report.html"
    assert main([command, str(f), "--report", str(html)]) == code
    assert html.read_text().lstrip().lower().startswith("<!doctype html")


def test_budgets_report_has_a_finding_per_subject(tmp_path, capsys):
    out = tmp_path / "r.json"
    main(["budgets", str(SAMPLE), "--report", str(out)])
    capsys.readouterr()
    doc = json.loads(out.read_text())
    assert len(doc["findings"]) > 1
    assert {x["name"].split()[0] for x in doc["findings"]} == {"subject"}


def test_a_report_never_replaces_an_input_and_its_folder_must_exist(tmp_path, capsys):
    f = tmp_path / "r.csv"
    f.write_text("better,worse\nB,A\n")
    before = f.read_text()
    assert main(["relation", str(f), "--report", str(f)]) == 2
    assert f.read_text() == before
    assert main(["relation", str(f), "--report", str(tmp_path / "no" / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "--report" in err


def test_a_report_never_replaces_the_target_source(tmp_path, capsys):
    from coherence.cli import main as run

    agent = tmp_path / "agent.py"
    agent.write_text("def agent(a, b):\n    return a < b\n")
    before = agent.read_text()
    for argv in (["check", f"{agent}:agent", "--items", "a,b,c"],
                 ["audit-llm", "--backend", f"{agent}:agent", "--items", "items.txt",
                  "--template", "{a} {b}"],
                 ["compression", f"{agent}:agent", "--items", "x.npy"],
                 ["audit-net", f"{agent}:agent", "--items", "x.npy"]):
        assert run([*argv, "--report", str(agent)]) == 2
        err = capsys.readouterr().err
        assert "input" in err and err.count("\n") == 1, err
    assert agent.read_text() == before
