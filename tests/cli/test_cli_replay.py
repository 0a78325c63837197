"""``coherence replay VERDICT.json TARGET``: exit 1 when the exploit holds, 0 when the agent no
longer falls for it, 2 on bad input, 3 on a fault."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import coherence.cli as cli
from coherence.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FIXED = (
    "import random\n"
    "class Fixed:\n    def accept(self, holding, offered, price):\n        return False\n"
    "class Coin:\n    def accept(self, holding, offered, price):\n"
    "        return random.SystemRandom().random() < 0.5\n"
    "class Boom:\n    def accept(self, holding, offered, price):\n        raise SystemExit(1)\n"
)


@pytest.fixture
def replay_command(monkeypatch):
    if "replay" not in cli.COMMANDS:
        monkeypatch.setattr(cli, "COMMANDS", (*cli.COMMANDS, "replay"))


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def saved(capsys, tmp_path):
    code, out, _ = _run(capsys, "check", f"{EXAMPLES}/majority_committee.py:agent", "--seed",
                        "0", "--json")
    assert code == 1
    path = tmp_path / "verdict.json"
    path.write_text(out)
    (tmp_path / "fixed.py").write_text(FIXED)
    return path


def test_exit_codes(capsys, tmp_path, saved, replay_command):
    committee = f"{EXAMPLES}/majority_committee.py:agent"
    for target, code in ((committee, 1), (f"{tmp_path}/fixed.py:Fixed", 0),
                         (f"{tmp_path}/fixed.py:Coin", 3), (f"{tmp_path}/fixed.py:Boom", 3)):
        got, out, err = _run(capsys, "replay", str(saved), target, "--json")
        assert got == code and err == "", (target, err)
        assert json.loads(out)["status"] == {1: "exploitable", 0: "no_exploit_found",
                                             3: "fault"}[code]
    got, out, _ = _run(capsys, "replay", str(saved), committee, "--isolation", "none")
    assert got == 1 and "Money pump in 3 trades" in out


def test_bad_input_exits_2(capsys, tmp_path, saved, replay_command):
    committee = f"{EXAMPLES}/majority_committee.py:agent"
    code, out, _ = _run(capsys, "check", f"{EXAMPLES}/utility_maximiser.py:agent", "--json")
    coherent = tmp_path / "coherent.json"
    coherent.write_text(out)
    for argv, message in (
        ([str(coherent), committee], "no exploit to replay"),
        ([str(tmp_path / "none.json"), committee], "no such file"),
        ([str(saved), f"{tmp_path}/fixed.py:nothing"], "has no attribute"),
        ([str(saved), committee, "--timeout", "inf"], "positive, finite"),
    ):
        code, out, err = _run(capsys, "replay", *argv)
        assert code == 2 and out == "" and message in err and err.count("\n") == 1, err


@pytest.mark.skipif("replay" not in cli.COMMANDS, reason="the replay subcommand is not listed")
def test_console_script_replay(saved):
    proc = subprocess.run(
        [sys.executable, "-m", "coherence", "replay", str(saved),
         f"{EXAMPLES}/majority_committee.py:agent", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1 and json.loads(proc.stdout)["status"] == "exploitable"
