"""A ``file.py:obj`` target imports its sibling modules (its folder goes first on ``sys.path``,
as pytest and uvicorn do), in the worker process as in this one, from any working folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coherence.agents import load_agent, replay

HELPER = 'ITEMS = ["a", "b", "c"]\nRANK = {"a": 0, "b": 1, "c": 2}\n'
RANKED = "from helper import ITEMS, RANK\n\ndef agent(x, y):\n    return RANK[x] > RANK[y]\n"
CYCLIC = ("import helper\nITEMS = helper.ITEMS\n\ndef agent(x, y):\n"
          "    return (x, y) in {('a', 'b'), ('b', 'c'), ('c', 'a')}\n")
PACKAGED = ("from shop.helper import ITEMS\n\ndef agent(x, y):\n"
            "    return (x, y) in {('a', 'b'), ('b', 'c'), ('c', 'a')}\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """``agents/`` with a helper and two agents importing it; ``shop/`` is a package; and an
    unrelated working folder ``elsewhere/``."""
    agents = tmp_path / "agents"
    agents.mkdir()
    (agents / "helper.py").write_text(HELPER)
    (agents / "ranked.py").write_text(RANKED)
    (agents / "cyclic.py").write_text(CYCLIC)
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "helper.py").write_text(HELPER)
    (shop / "trader.py").write_text(PACKAGED)
    (tmp_path / "elsewhere").mkdir()
    return tmp_path


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coherence", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("isolation", ["process", "none"])
def test_check_imports_the_targets_siblings_from_another_folder(project, isolation):
    cwd = project / "elsewhere"
    ok = _cli(cwd, "check", "../agents/ranked.py:agent", "--isolation", isolation)
    assert ok.returncode == 0, ok.stderr + ok.stdout
    assert "coherent" in ok.stdout
    bad = _cli(cwd, "check", "../agents/cyclic.py:agent", "--isolation", isolation, "--json",
               "--seed", "1")
    assert bad.returncode == 1, bad.stderr + bad.stdout
    doc = json.loads(bad.stdout)
    assert sorted(doc["certificate"]["cycle"]) == ["a", "b", "c"]


def test_replay_imports_the_targets_siblings_too(project):
    cwd = project / "elsewhere"
    saved = _cli(cwd, "check", "../agents/cyclic.py:agent", "--json", "--seed", "1")
    assert saved.returncode == 1, saved.stderr
    (cwd / "pump.json").write_text(saved.stdout)
    again = _cli(cwd, "replay", "pump.json", "../agents/cyclic.py:agent")
    assert again.returncode == 1, again.stderr + again.stdout
    assert again.stderr == ""


def test_a_module_in_a_package_imports_the_package_by_name(project):
    # shop/ holds an __init__.py: the folder above it goes on sys.path as well (pytest's rule)
    run = _cli(project / "elsewhere", "check", "../shop/trader.py:agent", "--seed", "1")
    assert run.returncode == 1, run.stderr + run.stdout


@pytest.mark.parametrize("isolation", ["process", "none"])
def test_load_agent_and_replay_in_this_process_find_the_siblings(project, isolation, monkeypatch):
    monkeypatch.chdir(project / "elsewhere")
    monkeypatch.setattr(sys, "path", list(sys.path))
    agent, items = load_agent(str(project / "agents" / "cyclic.py") + ":agent",
                              isolation=isolation)
    with agent:
        assert items == ("a", "b", "c")
        assert agent.prefers("a", "b") and not agent.prefers("b", "a")
    saved = _cli(project / "elsewhere", "check", "../agents/cyclic.py:agent", "--json",
                 "--seed", "1")
    doc = json.loads(saved.stdout)
    target = f"{project / 'agents' / 'cyclic.py'}:agent"
    assert replay(doc, target, isolation=isolation).status == "exploitable"
