"""Malformed and mutated input files never crash the command line.

Each subcommand is started as a user starts it (``python -m coherence <cmd> FILE``) on a valid
file that Hypothesis mutates: truncation, flipped bytes, deleted or duplicated lines, and
splices of hostile tokens (``NaN``, ``1e308``, integers of 4,400 digits, deep nesting, fields
over the CSV limit, list-valued labels, bytes that are not UTF-8). Only the documented exit
statuses 0–3 are accepted; bad input (status 2) is one line on stderr, never an internal
error, and no run leaks a warning onto stderr; ``--json`` output is strict JSON.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
HAS_TORCH = importlib.util.find_spec("torch") is not None

VERDICT = (
    '{"coherent": false, "status": "exploitable", "subject": "agent CyclicChooser",'
    ' "certificate": {"kind": "money_pump", "cycle": ["rock", "paper", "scissors"],'
    ' "trades": [{"holding": "rock", "offered": "paper", "fee": "1", "strict": true},'
    ' {"holding": "paper", "offered": "scissors", "fee": "1", "strict": true},'
    ' {"holding": "scissors", "offered": "rock", "fee": "1", "strict": true}],'
    ' "extracted_per_loop": "3", "fee_unit": "epsilon"},'
    ' "quantities": {"pump_length": 3, "items": 3, "replay": {"protocol": "choose",'
    ' "in_order": false, "fresh": false, "calls": ['
    '{"args": [["paper", "rock"]], "answer": "paper"},'
    ' {"args": [["rock", "paper"]], "answer": "paper"},'
    ' {"args": [["scissors", "paper"]], "answer": "scissors"},'
    ' {"args": [["paper", "scissors"]], "answer": "scissors"},'
    ' {"args": [["rock", "scissors"]], "answer": "rock"},'
    ' {"args": [["scissors", "rock"]], "answer": "rock"}]}}}'
)
CHOOSER = '''ITEMS = ["rock", "paper", "scissors"]
BEATS = {"rock": "paper", "paper": "scissors", "scissors": "rock"}


class Chooser:
    def choose(self, menu):
        a, b = menu
        return b if BEATS[a] == b else a


agent = Chooser()
'''
NETS = '''import torch


class Score(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, a):
        return self.linear(a)[:, 0]


def score():
    torch.manual_seed(0)
    return Score()
'''

#: subcommand -> (file name, valid content, arguments; FILE stands for the mutated file)
COMMANDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "relation": ("r.csv", "better,worse,strict\nB,A,true\nC,B,true\nA,C,false\n", ("FILE",)),
    "wtp": ("w.csv", "holding,offered,pay\na,b,1\nb,c,0.5\nc,a,-1\n", ("FILE",)),
    "credences": (
        "c.json",
        '{"states": ["rain", "sun"], "bets": [{"event": ["rain"], "price": "1/2"},'
        ' {"event": ["sun"], "price": 0.7}]}',
        ("FILE",),
    ),
    "game": (
        "g.json",
        '{"players": ["Row", "Column"], "strategies": [["Up", "Down"], ["Left", "Right"]],'
        ' "payoffs": [[[3, 0], [5, 1]], [[3, 5], [0, 1]]]}',
        ("FILE",),
    ),
    "budgets": (
        "b.csv",
        "subject,p_1,p_2,x_1,x_2\n1,1,2,3,1\n1,2,1,1,3\n2,1,1,1,1\n2,1,3,0.5,2\n",
        ("FILE",),
    ),
    "committee": ("e.soi", "# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 3\n2: 1,2,3\n1: 3,1\n1: 2\n",
                  ("FILE",)),
    "report": ("v.json", VERDICT, ("FILE", "-o", "OUT.html")),
    "replay": ("v.json", VERDICT, ("FILE", "AGENT")),
    "check": ("agent.py", CHOOSER, ("FILE:agent", "--seed", "0", "--max-examples", "5")),
    "audit-net": ("items.csv", "0,1\n1,0\n2,5\n3,2\n", ("NETS:score", "--items", "FILE")),
    "battles": ("bt.csv", "model_a,model_b,winner,turn\nx,y,model_a,1\ny,z,model_a,1\n"
                "z,x,model_a,2\nx,y,tie,1\ny,z,tie (bothbad),1\nz,x,model_b,3\n",
                ("FILE", "--bootstrap", "10")),
    "stochastic": ("s.csv", "item_a,item_b,n_a,n_b\na,b,7,3\nb,c,6,4\na,c,2,8\n",
                   ("FILE", "--bootstrap", "20")),
    "stochastic menus": ("m.csv", "menu,item,count\na;b,a,3\na;b,b,1\na;c,c,2\nb;c,b,1\n"
                         "a;b;c,a,1\na;b;c,c,1\n", ("FILE",)),
}

#: hostile tokens spliced into files
TOKENS = [
    "NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e-320", "9" * 4400, "[" * 3000,
    "{" * 3000, '["x"]', '{"a": 1}', "null", "true", '"', ",", "\n", "\r\n", ":", "{", "}",
    "-1", "0", "0/0", "1/0", "", "a" * 140_000, "\x00", "é", "\ufeff", ",,,,", "a,a,1",
    "# NUMBER ALTERNATIVES: 100000000", "# NUMBER VOTERS: 7", "1: 1,1", "{1,2}", "0,1,2",
]


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "splice", "lines"]))
    n = len(data)
    if kind == "truncate":
        return data[: draw(st.integers(0, n))]
    if kind == "flip":
        i = draw(st.integers(0, max(n - 1, 0)))
        return data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1 :]
    if kind == "splice":
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 8)))
        return data[:i] + draw(st.sampled_from(TOKENS)).encode() + data[j:]
    lines = data.split(b"\n")
    k = draw(st.integers(0, len(lines) - 1))
    if draw(st.booleans()):
        return b"\n".join(lines[:k] + lines[k + 1 :])
    return b"\n".join(lines[: k + 1] + lines[k:])


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> bytes:
    data = seed.encode()
    for _ in range(draw(st.integers(1, 3))):
        data = _mutate(data, draw)
    return data


def run_cli(tmp: Path, command: str, content: bytes, *, as_json: bool) -> Run:
    """Run ``command`` on ``content`` written to a file in ``tmp``."""
    name, _, args = COMMANDS[command]
    f = tmp / name
    f.write_bytes(content)
    (tmp / "nets.py").write_text(NETS, encoding="utf-8")
    subst = {
        "FILE": str(f),
        "OUT.html": str(tmp / "out.html"),
        "AGENT": f"{ROOT / 'examples' / 'cyclic_chooser.py'}:agent",
        "FILE:agent": f"{f}:agent",
        "NETS:score": f"{tmp / 'nets.py'}:score",
    }
    argv = [subst.get(a, a) for a in args]
    as_json = as_json and command != "report"
    if as_json:
        argv.append("--json")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONWARNINGS")}
    proc = subprocess.run(
        [sys.executable, "-m", "coherence", command.split()[0], *argv],
        capture_output=True, text=True, errors="replace", timeout=120, cwd=tmp, env=env,
    )
    return Run(proc, as_json)


@dataclass(frozen=True)
class Run:
    proc: subprocess.CompletedProcess[str]
    as_json: bool  # whether --json was passed


def assert_contract(run: Run) -> None:
    proc, as_json = run.proc, run.as_json
    err = proc.stderr
    assert proc.returncode in (0, 1, 2, 3), (proc.returncode, err[-2000:])
    assert "internal error" not in err, err[-2000:]
    assert "Warning" not in err, err[-2000:]
    assert "Traceback" not in err, err[-2000:]
    if proc.returncode == 2:
        assert len(err.strip().splitlines()) == 1, err[-2000:]
        assert err.startswith("coherence: error: "), err[-2000:]
    if as_json and proc.returncode in (0, 1) and proc.stdout.strip():
        def refuse(token: str) -> None:
            raise AssertionError(f"bare {token} in --json output")

        json.loads(proc.stdout, parse_constant=refuse)


def _needs(command: str) -> None:
    if command in ("audit-net", "battles") and not HAS_TORCH:
        pytest.skip(f"{command} needs PyTorch")


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_valid_seed_files_run(command: str, tmp_path: Path) -> None:
    """The unmutated files are read (exit 0 or 1): the mutations start from real input."""
    _needs(command)
    run = run_cli(tmp_path, command, COMMANDS[command][1].encode(), as_json=True)
    assert_contract(run)
    assert run.proc.returncode in (0, 1), run.proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_mutated_files_keep_the_exit_contract(
    command: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _needs(command)

    @settings(max_examples=3, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(content=mutated(COMMANDS[command][1]), as_json=st.booleans())
    def run(content: bytes, as_json: bool) -> None:
        tmp = tmp_path_factory.mktemp(command.replace("-", "_").replace(" ", "_"))
        assert_contract(run_cli(tmp, command, content, as_json=as_json))

    run()


def test_json_with_a_byte_order_mark_is_read(tmp_path):
    from coherence._jsonio import load_json

    f = tmp_path / "doc.json"
    f.write_bytes(b'\xef\xbb\xbf{"a": 1}')
    assert load_json(f) == {"a": 1}
    assert load_json('\ufeff{"a": 1}') == {"a": 1}


def test_json_numbers_beyond_the_float_range_are_refused_not_changed():
    from coherence._jsonio import load_json
    from coherence.errors import InputError

    for text in ('{"p": 1e-400}', '{"p": -2.5e400}'):
        with pytest.raises(InputError, match="float range"):
            load_json(text)
    assert load_json('{"p": 0.0, "q": -0e5, "r": 1e-300}') == {"p": 0.0, "q": 0.0, "r": 1e-300}
    assert load_json('{"p": "1e-400"}') == {"p": "1e-400"}
