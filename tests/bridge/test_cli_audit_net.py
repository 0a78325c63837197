"""``coherence audit-net``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coherence.cli import main  # noqa: E402

FACTORY = textwrap.dedent(
    """
    import torch

    class Cyclic(torch.nn.Module):
        def forward(self, a, b):  # rock-paper-scissors on the first coordinate mod 3
            d = torch.remainder(a[:, 0] - b[:, 0], 3.0)
            return torch.where(d == 1, 3.0, torch.where(d == 2, -3.0, 0.0))

    class Score(torch.nn.Module):
        def forward(self, a):
            return a.sum(dim=1)

    def cyclic():
        return Cyclic()

    def score():
        return Score()

    def broken():
        raise RuntimeError("no weights")

    def nan_net():
        return lambda a: a[:, 0] * float("nan")
    """
)


@pytest.fixture()
def files(tmp_path):
    f = tmp_path / "nets.py"
    f.write_text(FACTORY)
    items = tmp_path / "items.npy"
    np.save(items, np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 5.0], [3.0, 2.0]]))
    return f, items, tmp_path


def test_pump_found_exit_1(files, capsys):
    f, items, _ = files
    assert main(["audit-net", f"{f}:cyclic", "--items", str(items), "--device", "cpu"]) == 1
    out = capsys.readouterr().out
    assert "EXPLOITABLE" in out and "Money pump" in out


def test_coherent_exit_0_json(files, capsys):
    f, items, tmp = files
    assert main(["audit-net", f"{f}:score", "--items", str(items), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "coherent" and doc["metrics"]["hard_cyclic_triads"] == 0
    j = tmp / "items.json"
    j.write_text(json.dumps({"items": [[1, 2], [3, 4], [0, 0]], "labels": ["a", "b", "c"]}))
    assert main(["audit-net", f"{f}:score", "--items", str(j), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["verdict"]["certificate"]["utility"]) == {"a", "b", "c"}
    c = tmp / "items.csv"
    c.write_text("x,y\n1,2\n3,4\n0,0\n")
    assert main(["audit-net", f"{f}:score", "--items", str(c)]) == 0


@pytest.mark.parametrize(
    "target, items_name, msg",
    [
        ("{f}:broken", "items.npy", "raised RuntimeError"),
        ("{f}:nan_net", "items.npy", "not finite"),
        ("{f}:missing", "items.npy", "no attribute"),
        ("{f}:score", "nope.npy", "no such file"),
        ("{f}:score", "two.npy", "at least 3"),
    ],
)
def test_bad_input_exit_2(files, capsys, target, items_name, msg):
    f, _, tmp = files
    np.save(tmp / "two.npy", np.zeros((2, 2)))
    code = main(["audit-net", target.format(f=f), "--items", str(tmp / items_name)])
    err = capsys.readouterr().err
    assert code == 2 and msg in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_request_without_cuda(files, capsys):
    f, items, _ = files
    assert main(["audit-net", f"{f}:score", "--items", str(items), "--device", "cuda"]) == 2
    assert "CUDA is not available" in capsys.readouterr().err


def test_console_script(files):
    f, items, _ = files
    r = subprocess.run(
        [sys.executable, "-m", "coherence", "audit-net", f"{f}:cyclic", "--items", str(items),
         "--device", "cpu", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 1, r.stderr
    assert json.loads(r.stdout)["verdict"]["certificate"]["kind"] == "money_pump"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_gpu_benchmark_fails_fast_without_cuda():
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "bridge_gpu.py"
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert "CUDA is not available" in r.stderr and "Traceback" not in r.stderr
