"""``coherence committee FILE``: the CLI contract on synthetic and real PrefLib files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coherence.cli import main

PREFLIB = Path("/work/shared/data/preflib")

CYCLE = """# DATA TYPE: soc
# NUMBER ALTERNATIVES: 4
# NUMBER VOTERS: 7
# ALTERNATIVE NAME 1: Ann
# ALTERNATIVE NAME 2: Bob
# ALTERNATIVE NAME 3: Cy
# ALTERNATIVE NAME 4: Di
3: 1,2,3,4
2: 2,3,1,4
2: 3,1,2,4
"""

WINNER = """# DATA TYPE: toi
# NUMBER ALTERNATIVES: 3
# ALTERNATIVE NAME 1: Ann
# ALTERNATIVE NAME 2: Bob
# ALTERNATIVE NAME 3: Cy
2: 1,2
1: 2,1,3
1: 3
1: {2,3},1
"""


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cycle_json_contract(tmp_path, capsys):
    f = tmp_path / "cycle.soc"
    f.write_text(CYCLE)
    code, out, err = run(capsys, "committee", str(f), "--json")
    assert code == 1 and err == ""
    doc = json.loads(out)
    assert doc["alternatives"] == {"1": "Ann", "2": "Bob", "3": "Cy", "4": "Di"}
    assert doc["voters"] == 7
    # 1 over 2: 3+2 vs 2 → +3 ; 2 over 3: 3+2 vs 2 → +3 ; 3 over 1: 2+2 vs 3 → +1
    assert doc["margins"][0][1] == 3 and doc["margins"][1][2] == 3 and doc["margins"][2][0] == 1
    assert doc["margins"][0][3] == 7
    assert doc["condorcet_winner"] is None
    assert doc["weak_condorcet_winners"] == []
    assert doc["tied_pairs"] == []
    cyc = doc["majority_cycle"]
    assert sorted(cyc) == [1, 2, 3]
    M = doc["margins"]
    for a, b in zip(cyc, cyc[1:] + cyc[:1], strict=True):
        assert M[b - 1][a - 1] > 0  # in trade order: each is beaten by the next
    assert cyc == doc["certificate"]["cycle"]  # the pump runs the same way
    assert doc["coherent"] is False
    assert doc["certificate"]["kind"] == "committee_pump"


def test_unanimity_is_coherent(tmp_path, capsys):
    f = tmp_path / "cycle.soc"
    f.write_text(CYCLE)
    code, out, _ = run(capsys, "committee", str(f), "--rule", "unanimity", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["coherent"] is True
    assert doc["certificate"]["kind"] == "multi_utility"
    assert doc["majority_cycle"] is not None  # the majority analysis is still reported


def test_condorcet_winner_ties_and_unranked_semantics(tmp_path, capsys):
    f = tmp_path / "w.toi"
    f.write_text(WINNER)
    code, out, _ = run(capsys, "committee", str(f), "--json")
    doc = json.loads(out)
    assert code == 0
    # ignore: 1 vs 2: 2 (1,2) + 0 ... ballots "2,1,3" and "{2,3},1" put 2 over 1 → 2 - 2 = 0
    assert doc["margins"][0][1] == 0 and [1, 2] in doc["tied_pairs"]
    assert doc["condorcet_winner"] is None
    code, out, _ = run(capsys, "committee", str(f), "--json", "--unranked", "below")
    doc = json.loads(out)
    # below: "3" puts 3 over 1 and 2; 1 over 2 still 2 - 2 = 0; 1 over 3: 2+1 - 1 - 1 = 1
    assert doc["margins"][0][2] == 1
    assert set(doc["weak_condorcet_winners"]) >= {1}


def test_text_output(tmp_path, capsys):
    f = tmp_path / "cycle.soc"
    f.write_text(CYCLE)
    code, out, _ = run(capsys, "committee", str(f))
    assert code == 1 and "majority cycle (in trade order" in out and "EXPLOITABLE" in out


@pytest.mark.parametrize(
    "content,args",
    [
        ("# NUMBER ALTERNATIVES: 2\n-3: 1,2\n", []),
        ("# NUMBER ALTERNATIVES: 2\n1: 1,7\n", []),
        ("garbage\n", []),
        (CYCLE, ["--rule", "dictator"]),
        (CYCLE, ["--unranked", "above"]),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, args):
    f = tmp_path / "bad.toi"
    f.write_text(content)
    code, out, err = run(capsys, "committee", str(f), *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_file_exits_2(capsys):
    code, _, err = run(capsys, "committee", "/nonexistent/file.soc")
    assert code == 2 and "no such file" in err


def test_console_script(tmp_path):
    f = tmp_path / "cycle.soc"
    f.write_text(CYCLE)
    r = subprocess.run(
        [sys.executable, "-m", "coherence", "committee", str(f), "--json"],
        capture_output=True, text=True, timeout=60,
    )
    assert r.returncode == 1
    assert json.loads(r.stdout)["majority_cycle"] is not None


@pytest.mark.skipif(not PREFLIB.is_dir(), reason="PrefLib sample files not present")
@pytest.mark.parametrize("unranked", ["ignore", "below"])
def test_real_preflib_files(capsys, unranked):
    for f in sorted(PREFLIB.iterdir()):
        code, out, err = run(capsys, "committee", str(f), "--json", "--unranked", unranked)
        doc = json.loads(out)
        assert code == (0 if doc["coherent"] else 1), (f, err)
        assert code == (1 if doc["majority_cycle"] else 0)
        n = len(doc["alternatives"])
        assert len(doc["margins"]) == n
        M = doc["margins"]
        assert all(M[i][j] == -M[j][i] for i in range(n) for j in range(n))
        w = doc["condorcet_winner"]
        if w is not None:
            assert all(M[w - 1][j] > 0 for j in range(n) if j != w - 1)
            assert doc["weak_condorcet_winners"] == [w]
        code, out, _ = run(capsys, "committee", str(f), "--json", "--rule", "unanimity",
                           "--unranked", "below")
        assert code == 0 and json.loads(out)["certificate"]["kind"] == "multi_utility"
    # Burlington 2009: Montroll (2) is the Condorcet winner
    burl = PREFLIB / "00005-00000002.toi"
    if burl.exists():
        run(capsys, "committee", str(burl), "--json")
        code, out, _ = run(capsys, "committee", str(burl), "--json")
        assert json.loads(out)["condorcet_winner"] == 2


def test_a_byte_order_mark_is_read_past(tmp_path, capsys):
    f = tmp_path / "bom.soc"
    f.write_bytes(b"\xef\xbb\xbf" + CYCLE.encode())
    code, out, _ = run(capsys, "committee", str(f), "--json")
    assert code == 1 and json.loads(out)["alternatives"]["1"] == "Ann"
