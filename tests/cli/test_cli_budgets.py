"""The ``coherence budgets`` contract: JSON shape, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coherence.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "ckms2014_sample.csv"
KEYS = {"subject", "observations", "goods", "garp", "garp_violations", "sarp", "sarp_violations",
        "warp", "warp_violations", "ccei", "houtman_maks", "varian", "mpi_max", "mpi_min", "cycle",
        "cycle_mpi", "houtman_maks_lower", "houtman_maks_exact", "varian_upper",
        "varian_exact", "error"}

# the console script installed beside this interpreter, not whatever PATH happens to hold
CONSOLE_SCRIPT = str(Path(sys.executable).with_name("coherence"))


def write(tmp_path, text: str) -> str:
    f = tmp_path / "b.csv"
    f.write_text(text)
    return str(f)


GOOD = "subject,p_a,p_b,x_a,x_b\ns1,1,2,2,1\ns1,2,1,1,2\n7,1,1,1,0\n7,1,2,0,1\n"
RATIONAL = "p_a,p_b,x_a,x_b\n1,2,2,1\n2,1,1,2\n"


def test_json_contract(tmp_path, capsys):
    code = main(["budgets", write(tmp_path, GOOD), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"subjects", "summary"}
    assert [s["subject"] for s in doc["subjects"]] == ["s1", "7"]
    for s in doc["subjects"]:
        assert set(s) == KEYS
        assert isinstance(s["subject"], str) and isinstance(s["garp"], bool)
        assert isinstance(s["garp_violations"], int) and isinstance(s["houtman_maks"], int)
        assert all(isinstance(s[k], float) for k in ("ccei", "varian", "mpi_max", "mpi_min"))
    s1, s7 = doc["subjects"]
    assert s1["garp"] and s1["ccei"] == 1.0 and s1["houtman_maks"] == 0
    assert not s7["garp"] and s7["garp_violations"] == 1 and s7["houtman_maks"] == 1
    assert s1["cycle"] is None and sorted(s7["cycle"]) == ["1", "2"] and s7["cycle_mpi"] > 0
    assert s1["goods"] == ["a", "b"]
    assert code == 1
    assert doc["summary"]["garp_violators"] == 1


def test_exit_zero_and_text_table(tmp_path, capsys):
    assert main(["budgets", write(tmp_path, RATIONAL)]) == 0
    out = capsys.readouterr().out
    assert "CCEI" in out and "1 satisfy GARP" in out
    assert main(["budgets", write(tmp_path, RATIONAL), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["subjects"][0]["subject"] == "1"


def test_subject_column_and_efficiency(tmp_path, capsys):
    f = write(tmp_path, GOOD.replace("subject", "person"))
    assert main(["budgets", f, "--subject", "person", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["subjects"]) == 2
    # at e = 0.5 the violation of subject 7 disappears
    assert main(["budgets", f, "--subject", "person", "--efficiency", "0.5", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["efficiency"] == 0.5 and all(s["garp"] for s in doc["subjects"])
    assert main(["budgets", f, "--subject", "missing"]) == 2


@pytest.mark.parametrize(
    "text",
    [
        "subject,p_a,x_a\n1,nan,1\n1,1,1\n",
        "subject,p_a,x_a\n1,inf,1\n1,1,1\n",
        "subject,p_a,x_a\n1,0,1\n1,1,1\n",
        "subject,p_a,x_a\n1,-1,1\n1,1,1\n",
        "subject,p_a,x_a\n1,1,-1\n1,1,1\n",
        "subject,p_a,x_a\n1,1,0\n1,1,1\n",
        "subject,p_a,x_a\n1,1,1\n",
        "subject,p_a,x_b\n1,1,1\n1,1,1\n",
        "subject,p_a,x_a\n1,1\n",
        "subject,p_a,x_a\n1,one,1\n1,1,1\n",
        "subject,q,r\n1,1,1\n",
        "",
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, text):
    assert main(["budgets", write(tmp_path, text), "--json"]) == 2
    cap = capsys.readouterr()
    assert cap.out == ""
    assert cap.err.count("\n") == 1 and "Traceback" not in cap.err


@pytest.mark.parametrize("arg", ["0", "1.5", "x"])
def test_bad_efficiency_exits_2(tmp_path, capsys, arg):
    assert main(["budgets", write(tmp_path, RATIONAL), "--efficiency", arg]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_missing_file_exits_2(capsys):
    assert main(["budgets", "/nonexistent.csv"]) == 2


def test_console_script_on_the_shipped_sample(tmp_path):
    lines = SAMPLE.read_text().splitlines()
    part = tmp_path / "sample.csv"
    part.write_text("\n".join(lines[:76]) + "\n")  # the first three subjects
    proc = subprocess.run(
        [CONSOLE_SCRIPT, "budgets", str(part), "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["summary"]["subjects"] == 3 and doc["summary"]["observations"] == 75
    assert all(0 < s["ccei"] <= 1 for s in doc["subjects"])


def test_houtman_maks_past_its_time_limit_is_reported_as_bounds(tmp_path, capsys):
    """Far from rational data: past --time-limit the record says the index is a bound, for
    Houtman–Maks and for Varian."""
    import numpy as np

    rng = np.random.default_rng(0)
    T = 30
    P, X = rng.random((T, 3)) + 0.1, rng.random((T, 3)) + 0.1
    f = tmp_path / "random.csv"
    rows = ["p_a,p_b,p_c,x_a,x_b,x_c"] + [",".join(f"{v:.3f}" for v in (*P[t], *X[t]))
                                          for t in range(T)]
    f.write_text("\n".join(rows) + "\n")
    assert main(["budgets", str(f), "--json", "--time-limit", "0.000001"]) == 1
    doc = json.loads(capsys.readouterr().out)
    s = doc["subjects"][0]
    # the summary's means say whether they are means of exact values
    assert doc["summary"]["mean_houtman_maks_exact"] is s["houtman_maks_exact"]
    assert doc["summary"]["mean_varian_exact"] is s["varian_exact"]
    assert s["houtman_maks_lower"] <= s["houtman_maks"]
    if not s["houtman_maks_exact"]:
        assert s["houtman_maks_lower"] < s["houtman_maks"]
        assert main(["budgets", str(f), "--time-limit", "0.000001"]) == 1
        assert "≤" in capsys.readouterr().out
    assert s["varian"] <= s["varian_upper"] <= 1
    if not s["varian_exact"]:
        assert main(["budgets", str(f), "--time-limit", "0.000001"]) == 1
        assert "≥0." in capsys.readouterr().out
    assert main(["budgets", str(f), "--time-limit", "0"]) == 2
    assert "positive" in capsys.readouterr().err


def test_a_reader_that_stops_early_leaves_the_exit_status(tmp_path):
    # `coherence budgets … | head -1`: the closed pipe is no error, the verdict stands
    import numpy as np

    rng = np.random.default_rng(2)
    T = 6000  # 3,000 subjects: far more output than a pipe buffers
    f = tmp_path / "random.csv"
    rows = ["s,p_a,p_b,x_a,x_b"] + [
        f"{t // 2}," + ",".join(f"{v:.3f}" for v in (*rng.random(2) + 0.1, *rng.random(2) + 0.1))
        for t in range(T)]
    f.write_text("\n".join(rows) + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "coherence", "budgets", str(f),
                             "--subject", "s", "--quiet", "--time-limit", "0.01"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # the reader goes away after one line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1 and err == ""


def test_json_with_another_format_is_refused(tmp_path, capsys):
    f = write(tmp_path, RATIONAL)
    assert main(["budgets", f, "--json", "--format", "csv"]) == 2
    cap = capsys.readouterr()
    assert cap.out == "" and "--json" in cap.err and cap.err.count("\n") == 1
    assert main(["budgets", f, "--json", "--format", "json"]) == 0


def test_tiny_indices_are_not_shown_as_zero():
    from coherence.cli._budgets import _cell

    assert _cell({"mpi_min": 1.19e-05}, "mpi_min", "{:.4f}") == "1.19e-05"
    assert _cell({"mpi_min": 0.0}, "mpi_min", "{:.4f}") == "0.0000"
    assert _cell({"mpi_min": 0.25}, "mpi_min", "{:.4f}") == "0.2500"


def test_report_and_output_naming_one_file_is_refused(tmp_path, capsys):
    out = tmp_path / "rows.csv"
    assert main(["budgets", str(SAMPLE), "--indices", "none", "-q", "--output", str(out),
                 "--report", str(out)]) == 2
    got = capsys.readouterr()
    assert got.out == "" and "both name" in got.err and not out.exists()
