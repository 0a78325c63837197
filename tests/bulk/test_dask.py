"""Bulk runs on a local Dask cluster of two workers: the serial results, byte for byte, with
a worker killed during the run; the CLI's --workers and --resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coherence.budgets import BudgetData, BudgetPanel, panel_report, report_row

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]


def random_panel(subjects: int, T: int = 8, K: int = 3, seed: int = 1) -> BudgetPanel:
    rng = np.random.default_rng(seed)
    data = {}
    for s in range(subjects):
        p = rng.integers(1, 9, size=(T, K))
        x = rng.integers(1, 9, size=(T, K))
        data[f"s{s:03d}"] = BudgetData(p, x)
    return BudgetPanel(data)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=":0", silence_logs=50)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_two_workers_give_the_serial_records(client, tmp_path: Path):
    panel = random_panel(40)
    serial = tmp_path / "serial.csv"
    rows = panel_report(panel, output=serial, chunk_size=5)
    out = tmp_path / "dask.csv"
    got = panel_report(panel, executor=client.get_executor(pure=False), chunk_size=5,
                       output=out)
    assert got == rows
    assert out.read_bytes() == serial.read_bytes()


def test_a_worker_killed_during_the_run_loses_nothing(client, tmp_path: Path):
    panel = random_panel(60, T=12, seed=2)
    expected = [report_row(r) for r in panel_report(panel, chunk_size=3)]
    pids = client.run(os.getpid)
    killed: list[int] = []

    def kill_one(done: int, total: int) -> None:
        if done == 2 and not killed:
            pid = next(iter(pids.values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    out = tmp_path / "out.csv"
    rows = panel_report(panel, executor=client.get_executor(pure=False), chunk_size=3,
                        output=out, on_chunk=kill_one)
    assert killed
    assert [report_row(r) for r in rows] == expected
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "coherence", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=300)


def _panel_csv(path: Path, subjects: int = 30) -> None:
    rng = np.random.default_rng(3)
    lines = ["subject,p_a,p_b,x_a,x_b"]
    for s in range(subjects):
        for _ in range(6):
            p = rng.integers(1, 9, size=2)
            x = rng.integers(1, 9, size=2)
            lines.append(f"id{s},{p[0]},{p[1]},{x[0]},{x[1]}")
    path.write_text("\n".join(lines) + "\n")


def test_cli_workers_write_the_serial_csv(tmp_path: Path):
    data = tmp_path / "panel.csv"
    _panel_csv(data)
    serial = _cli("budgets", str(data), "--format", "csv", cwd=tmp_path)
    assert serial.returncode in (0, 1), serial.stderr
    out = tmp_path / "out.csv"
    par = _cli("budgets", str(data), "--workers", "2", "--chunk-size", "4", "--output",
               str(out), "--quiet", cwd=tmp_path)
    assert par.returncode == serial.returncode, par.stderr
    assert out.read_text() == serial.stdout
    assert "30 subject(s) written to" in par.stdout


def test_cli_bulk_bad_input_is_exit_2(tmp_path: Path, capsys):
    from coherence.cli import main

    data = tmp_path / "panel.csv"
    _panel_csv(data, 3)
    for args in (["--resume"], ["--output", str(tmp_path / "x.txt")],
                 ["--workers", "0"], ["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"],
                 ["--output", str(tmp_path / "missing" / "x.csv")], ["--output", str(data)]):
        assert main(["budgets", str(data), *args]) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("coherence: error: "), (args, err)
