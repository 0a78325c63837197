"""The CLI contract for ``coherence relation`` and ``coherence wtp``."""

import json
import subprocess
import sys

import pytest

from coherence.cli import main


def write(tmp_path, text, name="r.csv"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_pump_json(tmp_path, capsys):
    f = write(tmp_path, "better,worse\nB,A\nC,B\nA,C\nA,D\n")
    assert main(["relation", f, "--json"]) == 1
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["coherent"] is False
    cert = doc["certificate"]
    assert cert["kind"] == "money_pump" and sorted(cert["cycle"]) == ["A", "B", "C"]
    assert [t["holding"] for t in cert["trades"]] == cert["cycle"]
    assert err == ""


def test_utility_json(tmp_path, capsys):
    f = write(tmp_path, "better,worse,strict\nA,B,true\nB,C,false\nC,B,false\n")
    assert main(["relation", f, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc == {**doc, "coherent": True}
    u = doc["certificate"]["utility"]
    assert doc["certificate"]["kind"] == "utility"
    assert u["A"] > u["B"] == u["C"]


def test_text_output(tmp_path, capsys):
    f = write(tmp_path, "better,worse\nB,A\nC,B\nA,C\n")
    assert main(["relation", f]) == 1
    assert "holding" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text",
    [
        "",
        "foo,bar\n1,2\n",
        "better,worse\nA,A\n",
        "better,worse,strict\nA,B,maybe\n",
        "better,worse,strict\nA,B,true\nB,A,false\n",
        "better,worse\nA,\n",
        "better,worse\nA,B,C\n",
        "better,worse\n",
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, text):
    f = write(tmp_path, text)
    assert main(["relation", f, "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1


def test_usage_errors(capsys, tmp_path):
    assert main(["relation"]) == 2
    assert main(["relation", str(tmp_path / "missing.csv")]) == 2
    assert main(["nonsense"]) == 2
    err = capsys.readouterr().err
    assert all(line.startswith("coherence") for line in err.strip().splitlines())


def test_wtp(tmp_path, capsys):
    f = write(tmp_path, "holding,offered,pay\nA,B,1\nB,A,-0.5\n")
    assert main(["wtp", f, "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["certificate"]["extracted_per_loop"] == "1/2"
    f = write(tmp_path, "holding,offered,pay\nA,B,1\nB,A,-1.5\n")
    assert main(["wtp", f, "--json"]) == 0
    f = write(tmp_path, "holding,offered,pay\nA,B,nan\n")
    assert main(["wtp", f]) == 2


def test_console_script_subprocess(tmp_path):
    f = write(tmp_path, "better,worse\nB,A\nC,B\nA,C\n")
    res = subprocess.run(
        [sys.executable, "-m", "coherence", "relation", f, "--json"],
        capture_output=True, text=True, check=False,
    )
    assert res.returncode == 1
    assert json.loads(res.stdout)["coherent"] is False
    res = subprocess.run([sys.executable, "-m", "coherence", "--help"], capture_output=True,
                         text=True, check=False)
    assert res.returncode == 0 and "relation" in res.stdout
    res = subprocess.run([sys.executable, "-m", "coherence", "relation", "nope.csv"],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_no_command_is_one_line_on_stderr(capsys):
    from coherence.cli import main as run_main

    assert run_main([]) == 2
    got = capsys.readouterr()
    assert got.out == "" and got.err.count("\n") == 1 and "--help" in got.err
