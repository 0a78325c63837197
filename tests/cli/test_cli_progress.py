"""Progress on long commands: named stages on stderr when it is a terminal, nothing otherwise
or with ``--quiet``."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from coherence.cli._progress import ENV, Progress

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "data" / "ckms2014_sample.csv"
TRADER = ROOT / "examples" / "path_dependent_trader.py"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_stages_are_named_on_a_terminal_and_silent_elsewhere(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    tty = Terminal()
    progress = Progress(stream=tty)
    with progress.stage("reading data"):
        pass
    for _ in progress.iterate("checking subjects", ["a", "b"], note=str):
        pass
    assert "reading data" in tty.getvalue() and "checking subjects" in tty.getvalue()
    for stream, quiet in ((io.StringIO(), False), (Terminal(), True)):
        progress = Progress(stream=stream, quiet=quiet)
        with progress.stage("reading data", total=2) as advance:
            advance()
            advance(note="x")
        assert stream.getvalue() == "" and not progress.enabled


def test_counts_that_start_again_begin_the_next_stage(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    tty = Terminal()
    bar = Progress(stream=tty).callback(["first trades", "trading runs"])
    for done in range(0, 11):
        bar(done, 10)
    for done in range(0, 6):
        bar(done, 5)
    bar.close()
    text = tty.getvalue()
    assert text.index("first trades") < text.index("trading runs")
    monkeypatch.setenv(ENV, "never")
    assert not Progress(stream=Terminal()).enabled
    monkeypatch.setenv(ENV, "always")
    assert Progress(stream=io.StringIO()).enabled


def _on_a_terminal(args: list[str]) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal; return (exit, stdout, terminal text)."""
    main, child = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != ENV}
    proc = subprocess.Popen([sys.executable, "-m", "coherence", *args], stdout=subprocess.PIPE,
                            stderr=child, stdin=subprocess.DEVNULL, env=env)
    os.close(child)
    seen = b""
    while True:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    out, _ = proc.communicate(timeout=60)
    os.close(main)
    return proc.returncode, out.decode(), seen.decode(errors="replace")


@pytest.mark.slow
def test_budgets_shows_stages_on_a_terminal_only():
    code, out, tty = _on_a_terminal(["budgets", str(SAMPLE)])
    assert code in (0, 1) and "subject" in out
    assert "reading" in tty and "checking subjects" in tty
    assert "checking subjects" not in out  # progress never reaches stdout
    code_q, out_q, tty_q = _on_a_terminal(["budgets", str(SAMPLE), "--quiet"])
    assert code_q == code and out_q == out and tty_q == ""
    env = {k: v for k, v in os.environ.items() if k != ENV}
    piped = subprocess.run([sys.executable, "-m", "coherence", "budgets", str(SAMPLE)],
                           capture_output=True, text=True, env=env, timeout=60)
    assert piped.returncode == code and piped.stderr == "" and piped.stdout == out


@pytest.mark.slow
def test_check_names_the_probe_stages():
    env = {**os.environ, ENV: "always"}
    done = subprocess.run([sys.executable, "-m", "coherence", "check", f"{TRADER}:agent",
                           "--max-examples", "5", "--seed", "0", "--json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    assert "first trades from every holding" in done.stderr
    quiet = subprocess.run([sys.executable, "-m", "coherence", "check", f"{TRADER}:agent",
                            "--max-examples", "5", "--seed", "0", "--json"],
                           capture_output=True, text=True, timeout=120,
                           env={k: v for k, v in os.environ.items() if k != ENV})
    assert quiet.stderr == "" and quiet.returncode == done.returncode
