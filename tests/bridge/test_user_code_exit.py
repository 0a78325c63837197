"""User code run in-process by ``audit-llm``, ``audit-net``, ``compression`` and ``check
--isolation none`` that calls ``os._exit`` is an agent fault (exit 3), never a silent exit;
what it prints stays off stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coherence.cli import main  # noqa: E402

CODE = textwrap.dedent(
    """
    import os
    import torch

    def exits(prompts):
        os._exit(0)

    class Score(torch.nn.Module):
        def forward(self, a):
            print("forward called")
            return a.sum(dim=1)

    class Exits(torch.nn.Module):
        def forward(self, a):
            os._exit(0)

    def chatty_net():
        print("loading weights")
        return Score()

    def exiting_net():
        return Exits()

    def exiting_factory():
        os._exit(5)

    def exiting_loss():
        net = torch.nn.Linear(1, 1)
        def loss():
            os._exit(0)
        return net, loss

    def agent(a, b):
        os._exit(0)
    """
)


@pytest.fixture()
def files(tmp_path):
    f = tmp_path / "user.py"
    f.write_text(CODE)
    items = tmp_path / "items.txt"
    items.write_text("tea\ncoffee\nwater\n")
    feats = tmp_path / "items.npy"
    np.save(feats, np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 5.0]]))
    return f, items, feats


def _run(capsys, *argv):
    code = main(list(argv))
    got = capsys.readouterr()
    return code, got.out, got.err


def test_audit_llm_backend_that_exits_is_a_fault(files, capsys):
    f, items, _ = files
    code, out, err = _run(capsys, "audit-llm", "--backend", f"{f}:exits", "--items",
                          str(items), "--template", "{a} or {b}?", "--samples", "1", "--json")
    assert code == 3, (out, err)
    verdict = json.loads(out)["verdict"]
    assert verdict["status"] == "fault" and verdict["coherent"] is False
    assert "os._exit(0)" in verdict["certificate"]["message"]
    assert "os._exit(0)" in err and err.count("\n") == 1


@pytest.mark.parametrize("target", ["exiting_factory", "exiting_net"])
def test_audit_net_target_that_exits_is_a_fault(files, capsys, target):
    f, _, feats = files
    code, out, err = _run(capsys, "audit-net", f"{f}:{target}", "--items", str(feats),
                          "--device", "cpu", "--json")
    assert code == 3 and out == ""
    assert err.startswith("coherence: agent fault: the target called os._exit(")


def test_audit_net_keeps_what_the_net_prints_off_stdout(files, capsys):
    f, _, feats = files
    code, out, _ = _run(capsys, "audit-net", f"{f}:chatty_net", "--items", str(feats),
                        "--device", "cpu", "--json")
    assert code == 0 and json.loads(out)["coherent"] is True


@pytest.mark.parametrize("target", ["exiting_factory", "exiting_loss"])
def test_compression_target_that_exits_is_a_fault(files, capsys, target):
    f, _, feats = files
    np.save(feats, np.linspace(-1, 1, 5)[:, None])
    code, out, err = _run(capsys, "compression", f"{f}:{target}", "--items", str(feats),
                          "--device", "cpu", "--top", "1", "--no-ggn", "--json")
    assert code == 3 and out == ""
    assert "os._exit(" in err and err.count("\n") == 1


def test_check_in_process_agent_that_exits_is_a_fault(files, capsys):
    f, _, _ = files
    code, _, err = _run(capsys, "check", f"{f}:agent", "--items", "a,b,c",
                        "--isolation", "none")
    assert code == 3, err


def test_console_script_exit_status(files):
    f, items, _ = files
    r = subprocess.run([sys.executable, "-m", "coherence", "audit-llm", "--backend",
                        f"{f}:exits", "--items", str(items), "--template", "{a} or {b}?",
                        "--samples", "1"], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert r.returncode == 3, (r.stdout, r.stderr)
    assert "agent fault" in r.stderr


@pytest.mark.parametrize(("module", "expect"), [
    ("import os\nos._exit(0)\n", 3),
    ("import posix\ndef f(prompts):\n    posix._exit(0)\n", 3),
    ("import time\ntime.sleep(60)\n", 3),
    ("print('importing')\nimport os\nos.write(1, b'fd one\\n')\n", 0),
])
def test_audit_llm_backend_module_is_guarded_while_imported(tmp_path, capsys, module, expect):
    f = tmp_path / "be.py"
    f.write_text(module + "\ndef g(prompts):\n    return ['A' for _ in prompts]\n")
    items = tmp_path / "items.txt"
    items.write_text("tea\ncoffee\nwater\n")
    fn = "f" if "def f" in module else "g"
    code, out, err = _run(capsys, "audit-llm", "--backend", f"{f}:{fn}", "--items", str(items),
                          "--template", "{a} or {b}?", "--samples", "1", "--timeout", "2",
                          "--json")
    assert code == expect, (out, err)
    if expect == 0:
        assert json.loads(out)["verdict"]["coherent"] is True
    else:
        assert "agent fault" in err and err.count("\n") == 1


def test_audit_llm_backend_raising_keyboard_interrupt_is_a_raise_not_a_hang(tmp_path, capsys):
    f = tmp_path / "be.py"
    f.write_text("def f(prompts):\n    raise KeyboardInterrupt\n")
    items = tmp_path / "items.txt"
    items.write_text("tea\ncoffee\nwater\n")
    code, _, err = _run(capsys, "audit-llm", "--backend", f"{f}:f", "--items", str(items),
                          "--template", "{a} or {b}?", "--samples", "1", "--json")
    assert code == 3 and "KeyboardInterrupt" in err and "Traceback" not in err
    assert "timeout" not in err


@pytest.mark.parametrize("code_line", ["sys.exit(0)", "sys.exit(5)"])
@pytest.mark.parametrize("where", ["factory", "loss"])
def test_compression_sys_exit_in_user_code_is_a_fault(tmp_path, capsys, code_line, where):
    f = tmp_path / "net.py"
    body = (f"def make():\n    {code_line}\n" if where == "factory" else
            f"def make():\n    def loss():\n        {code_line}\n"
            "    return torch.nn.Linear(1, 1), loss\n")
    f.write_text("import sys\nimport torch\n\n" + body)
    items = tmp_path / "items.npy"
    np.save(items, np.linspace(-1, 1, 5)[:, None])
    code, out, err = _run(capsys, "compression", f"{f}:make", "--items", str(items), "--device",
                          "cpu", "--top", "1", "--no-ggn", "--json")
    assert code == 3 and out == "" and "sys.exit(" in err and err.count("\n") == 1


def test_compression_save_subspace_never_overwrites_an_input(tmp_path, capsys):
    f = tmp_path / "net.py"
    f.write_text("import torch\n\ndef make():\n    net = torch.nn.Linear(1, 1)\n"
                 "    return net, lambda: net(torch.ones(1, 1)).sum() ** 2\n")
    items = tmp_path / "items.npz"
    np.savez(items, items=np.linspace(-1, 1, 5)[:, None])
    before = items.read_bytes()
    for target in (items, tmp_path / "out.json", tmp_path / "no" / "x.npz"):
        code, out, err = _run(capsys, "compression", f"{f}:make", "--items", str(items),
                              "--device", "cpu", "--top", "1", "--no-ggn",
                              "--save-subspace", str(target))
        assert code == 2 and out == "" and err.count("\n") == 1, err
    assert items.read_bytes() == before


def test_timeouts_bound_a_factory_and_a_loss_that_hang(tmp_path, capsys):
    f = tmp_path / "slow.py"
    f.write_text("import time\nimport torch\n\n"
                 "def slow_factory():\n    time.sleep(60)\n\n"
                 "def slow_loss():\n    net = torch.nn.Linear(1, 1)\n"
                 "    def loss():\n        time.sleep(60)\n    return net, loss\n"
                 "def slow_net():\n    class N(torch.nn.Module):\n"
                 "        def forward(self, a):\n            time.sleep(60)\n"
                 "    return N()\n")
    items = tmp_path / "items.npy"
    np.save(items, np.linspace(-1, 1, 5)[:, None])
    for argv in (["compression", f"{f}:slow_factory"], ["compression", f"{f}:slow_loss"],
                 ["audit-net", f"{f}:slow_factory"], ["audit-net", f"{f}:slow_net"]):
        extra = ["--top", "1", "--no-ggn"] if argv[0] == "compression" else []
        code, out, err = _run(capsys, *argv, "--items", str(items), "--device", "cpu",
                              "--timeout", "0.5", *extra)
        assert code == 3 and out == "" and "took longer than 0.5 s" in err, (argv, err)
