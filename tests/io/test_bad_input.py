"""Hostile input files are typed input errors: exit status 2, one line on stderr, no warning.

The cases are the ones that once ended in an internal error, an unbounded allocation or a
silently dropped row: JSON nested 100,000 deep, integers of 4,400 digits, CSV fields over the
131,072-character limit, malformed saved verdicts, values of 1e308, list-valued labels, a
PrefLib header declaring 10⁸ alternatives, a willingness-to-pay row that swaps an item for
itself, and items of the wrong width for a net.
"""

from __future__ import annotations

import importlib.util
import json
import warnings
from pathlib import Path

import pytest

from coherence import InputError
from coherence.cli import main
from coherence.relations import wtp_from_csv
from coherence.subagents import read_preflib

HAS_TORCH = importlib.util.find_spec("torch") is not None
DEEP = "[" * 100_000 + "]" * 100_000
BIG = "9" * 4400
GAME = (
    '{"players": ["A", "B"], "strategies": [["u", "d"], ["l", "r"]],'
    ' "payoffs": [[[@, 0], [0, 1]], [[1, 0], [0, 1]]]}'
)
VERDICT = (
    '{"coherent": false, "status": "exploitable", "subject": "relation",'
    ' "certificate": {"kind": "money_pump", "cycle": CYCLE, "trades": TRADES,'
    ' "extracted_per_loop": "3", "fee_unit": "epsilon"}, "quantities": {}}'
)
def verdict(cycle: str, trades: str) -> str:
    return VERDICT.replace("CYCLE", cycle).replace("TRADES", trades)


TRADE = '{"holding": "a", "offered": "b", "fee": "1", "strict": true}'

#: (command, file name, content, extra arguments)
CASES = [
    ("credences", "c.json", DEEP, ()),
    ("game", "g.json", DEEP, ()),
    ("report", "v.json", DEEP, ()),
    ("replay", "v.json", DEEP, ("examples/cyclic_chooser.py:agent",)),
    ("credences", "c.json", '{"states": ["a", "b"], "bets": [{"event": ["a"], "price": @}]}'
     .replace("@", BIG), ()),
    ("game", "g.json", GAME.replace("@", BIG), ()),
    ("report", "v.json", '{"coherent": @}'.replace("@", BIG), ()),
    ("relation", "r.csv", "better,worse\n" + "a" * 140_000 + ",b\n", ()),
    ("wtp", "w.csv", "holding,offered,pay\n" + "a" * 140_000 + ",b,1\n", ()),
    ("budgets", "b.csv", "subject,p_1,x_1\n" + "1" * 140_000 + ",1,1\n", ()),
    ("report", "v.json", verdict("5", "[]"), ()),
    ("report", "v.json", verdict('["a", "b"]', "7"), ()),
    ("report", "v.json", verdict('["a", "b"]', f"[{TRADE}, 3]"), ()),
    ("report", "v.json", '[{"coherent": "maybe"}]', ()),
    ("report", "v.json", '{"coherent": false, "certificate": {"kind": "no_such_kind"}}', ()),
    ("replay", "v.json", verdict("5", "[]"), ("examples/cyclic_chooser.py:agent",)),
    ("budgets", "b.csv", "subject,p_1,p_2,x_1,x_2\n1,1e308,1e308,1e308,1e308\n1,1,2,3,4\n", ()),
    ("budgets", "b.csv", f"subject,p_1,x_1\n1,{BIG},1\n1,1,2\n", ()),
    ("wtp", "w.csv", f"holding,offered,pay\na,b,{BIG}\nb,a,1\n", ()),
    ("credences", "c.json", '{"states": [["a"], "b"], "bets": [{"event": [["a"]], "price": 1}]}',
     ()),
    ("committee", "e.soc", "# DATA TYPE: soc\n# NUMBER ALTERNATIVES: 100000000\n1: 1,2\n", ()),
    ("committee", "e.soi", "# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 100000000\n1: 1,2\n", ()),
    ("wtp", "w.csv", "holding,offered,pay\na,a,1\na,b,1\n", ()),
]


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, name: str,
         content: str, extra: tuple[str, ...]) -> tuple[int, str, str]:
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    argv = [command, str(f), *extra]
    if command == "report":
        argv += ["-o", str(tmp_path / "out.html")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning is a failure, not a line on stderr
        code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("command", "name", "content", "extra"), CASES,
                         ids=[f"{c[0]}-{k}" for k, c in enumerate(CASES)])
def test_hostile_files_are_one_line_input_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    command: str, name: str, content: str, extra: tuple[str, ...],
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    code, _, err = _run(tmp_path, capsys, command, name, content, extra)
    assert code == 2, err
    assert err.startswith("coherence: error: "), err[:500]
    assert len(err.strip().splitlines()) == 1, err[:500]


LIST_LABELS = [
    ("game", "g.json", '{"players": [["A"], "B"], "strategies": [["u", "d"], ["l", "r"]],'
     ' "payoffs": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]}', ("--json",)),
    ("game", "g.json", '{"players": ["A", "B"], "strategies": [[["u"], "d"], ["l", ["r"]]],'
     ' "payoffs": [[[1, 0], [0, 1]], [[1, 0], [0, 1]]]}', ("--json",)),
    ("report", "v.json", verdict('[["a"], "b"]', "[]"), ()),
    ("report", "v.json", verdict('[{"a": 1}, "b"]', "[]"), ()),
]


@pytest.mark.parametrize(("command", "name", "content", "extra"), LIST_LABELS,
                         ids=[f"{c[0]}-{k}" for k, c in enumerate(LIST_LABELS)])
def test_list_valued_labels_are_read_as_tuples_or_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
    command: str, name: str, content: str, extra: tuple[str, ...],
) -> None:
    """A list label is a tuple where labels may be tuples (games), else a one-line error."""
    code, out, err = _run(tmp_path, capsys, command, name, content, extra)
    assert code in (0, 1, 2), err
    assert "internal error" not in err
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err[:500]
    elif "--json" in extra:
        json.loads(out)


@pytest.mark.parametrize("payoff", ["1e308", "-1e308", "1.7976931348623157e308"])
def test_game_json_is_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             payoff: str) -> None:
    """``game --json`` never prints bare NaN or Infinity, even for payoffs near the float limit."""
    game = (
        '{"players": ["A", "B"], "strategies": [["u", "d", "m"], ["l", "r"]],'
        f' "payoffs": [[[{payoff}, 0], [0, {payoff}], [1, 1]], [[{payoff}, 0], [0, 1], [1, 0]]]}}'
    )
    code, out, err = _run(tmp_path, capsys, "game", "g.json", game, ("--json",))
    if code == 2:
        assert len(err.strip().splitlines()) == 1
        return

    def refuse(token: str) -> None:
        raise AssertionError(f"bare {token} in the JSON output")

    assert code in (0, 1), err
    json.loads(out, parse_constant=refuse)
    assert err == ""


def test_preflib_declared_size_is_checked_before_allocating(tmp_path: Path) -> None:
    f = tmp_path / "big.soi"
    f.write_text("# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 100000000\n1: 1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="NUMBER ALTERNATIVES is 100000000"):
        read_preflib(f)
    # a declared number every alternative of which is ranked still reads
    f.write_text("# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 3\n1: 1,2\n1: 3\n", encoding="utf-8")
    assert list(read_preflib(f).alternatives) == [1, 2, 3]


def test_wtp_self_swap_is_rejected_like_relation(tmp_path: Path) -> None:
    f = tmp_path / "w.csv"
    f.write_text("holding,offered,pay\na,b,1\na,a,1\n", encoding="utf-8")
    with pytest.raises(InputError, match=r":3: an item cannot be swapped for itself \('a'\)"):
        wtp_from_csv(str(f))


NETS = """
import torch


class Wide(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(8, 1)

    def forward(self, a):
        return self.linear(a)[:, 0]


def wide():
    return Wide()
"""


@pytest.mark.skipif(not HAS_TORCH, reason="needs PyTorch")
def test_audit_net_items_of_the_wrong_width(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    nets = tmp_path / "nets.py"
    nets.write_text(NETS, encoding="utf-8")
    items = tmp_path / "items.csv"
    items.write_text("0,1\n1,0\n2,5\n", encoding="utf-8")
    code = main(["audit-net", f"{nets}:wide", "--items", str(items), "--device", "cpu"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("coherence: error: ") and "internal" not in err, err
