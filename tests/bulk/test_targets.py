"""Many agent designs at once: a folder of targets, serially and on two Dask workers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coherence.agents import check_targets, expand_targets, load_module
from coherence.cli import main
from coherence.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def expected() -> dict[str, str]:
    return {f"{p}:agent": load_module(str(p)).EXPECTED
            for p in sorted(EXAMPLES.glob("*.py"))}


def test_a_folder_is_every_file_in_it(tmp_path: Path):
    names = expand_targets([f"{EXAMPLES}:agent", "fractions:Fraction"])
    assert names == [*expected(), "fractions:Fraction"]
    with pytest.raises(InputError, match="name the object"):
        expand_targets([str(EXAMPLES)])
    with pytest.raises(InputError, match=r"no \.py files"):
        expand_targets([f"{tmp_path}:agent"])
    with pytest.raises(InputError, match="twice"):
        expand_targets(["a.py:x", "a.py:x"])


def test_every_example_gets_its_expected_verdict_and_errors_stay_with_their_target(
        tmp_path: Path):
    folder = tmp_path / "designs"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("data"))
    (folder / "helpers.py").write_text("X = 1\n")  # no agent: an error for this file alone
    results = check_targets([f"{folder}:agent"], max_examples=20, seed=0)
    by = {Path(r.target.rpartition(":")[0]).name: r for r in results}
    assert by["helpers.py"].verdict is None and by["helpers.py"].exit_code == 2
    assert "agent" in by["helpers.py"].error
    for target, status in expected().items():
        r = by[Path(target.rpartition(":")[0]).name]
        assert r.error is None and r.verdict.status == status, (target, r)
        if status == "exploitable":
            assert r.verdict.verify()


def test_cli_several_targets_json_and_exit_status(tmp_path: Path, capsys):
    ok = tmp_path / "ok.py"
    ok.write_text("ITEMS = ['a', 'b', 'c']\n\ndef agent(a, b):\n    return a < b\n")
    code = main(["check", f"{ok}:agent", str(EXAMPLES / "cyclic_chooser.py") + ":agent",
                 f"{tmp_path}/missing.py:agent", "--json", "--seed", "0"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1  # an exploit outranks the error
    assert [t["status"] for t in doc["targets"]] == ["coherent", "exploitable", "error"]
    assert doc["summary"] == {"coherent": 1, "no_exploit_found": 0, "exploitable": 1,
                              "fault": 0, "error": 1}
    code = main(["check", f"{ok}:agent", f"{tmp_path}/missing.py:agent"])
    cap = capsys.readouterr()
    assert code == 2 and "ERROR:" in cap.out and "1 coherent, 1 not checked" in cap.out
    assert cap.err.count("\n") == 1 and cap.err.startswith("coherence: error: ")
    assert "missing.py" in cap.err


def test_cli_folder_on_two_workers_gives_the_serial_verdicts():
    pytest.importorskip("distributed")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-m", "coherence", "check", f"{EXAMPLES}:agent", "--json",
            "--seed", "0", "--max-examples", "20"]
    serial = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    par = subprocess.run([*args, "--workers", "2"], capture_output=True, text=True, env=env,
                         timeout=300)
    assert serial.returncode == par.returncode == 1, (serial.stderr, par.stderr)
    s, p = json.loads(serial.stdout), json.loads(par.stdout)
    assert [(t["target"], t["status"]) for t in s["targets"]] == \
        [(t["target"], t["status"]) for t in p["targets"]]
    assert {t["target"]: t["status"] for t in s["targets"]} == expected()
