"""``coherence check``, ``coherence report`` and ``coherence demo``: exit codes and output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coherence.cli import main
from coherence.cli._check import ProgressBar, parse_items

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# the console script installed beside this interpreter, not whatever PATH happens to hold
CONSOLE_SCRIPT = str(Path(sys.executable).with_name("coherence"))


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("example", "code", "kind", "size"),
    [
        ("utility_maximiser", 0, "utility", None),
        ("cyclic_chooser", 1, "money_pump", 3),
        ("path_dependent_trader", 0, "no_pump_found", None),
        ("majority_committee", 1, "trading_pump", 3),
        ("incoherent_bettor", 1, "dutch_book", 2),
    ],
)
def test_examples_give_expected_exit_codes_and_minimal_certificates(capsys, example, code, kind,
                                                                    size):
    target = f"{EXAMPLES / example}.py:agent"
    got, out, err = _run(capsys, "check", target, "--seed", "0", "--max-examples", "20",
                         "--json")
    assert got == code, err
    doc = json.loads(out)  # exactly one JSON document
    cert = doc["certificate"]
    assert cert["kind"] == kind and err == ""
    if kind in ("money_pump", "trading_pump"):
        assert len(cert["cycle"]) == size == len(cert["trades"])
    if kind == "dutch_book":
        assert len(cert["stakes"]) == size


def test_text_output_tells_the_story(capsys):
    code, out, _ = _run(capsys, "check", f"{EXAMPLES}/majority_committee.py:agent", "--seed", "1")
    assert code == 1
    assert "Money pump in 3 trades" in out and "[for:" in out


def test_items_option_and_file(capsys, tmp_path):
    code, out, _ = _run(capsys, "check", f"{EXAMPLES}/utility_maximiser.py:agent",
                        "--items", "apple,durian", "--json")
    assert code == 0 and set(json.loads(out)["certificate"]["utility"]) == {"apple", "durian"}
    f = tmp_path / "items.txt"
    f.write_text("# fruit\nrock\n\npaper\nscissors\n")
    assert parse_items(f"@{f}") == ["rock", "paper", "scissors"]
    code, _, _ = _run(capsys, "check", f"{EXAMPLES}/cyclic_chooser.py:agent", "--items", f"@{f}")
    assert code == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "no/such/file.py:agent"], "no such file"),
        (["check", "no_such_module_xyz:agent"], "cannot import"),
        (["check", "json:nothing_here"], "has no attribute"),
        (["check", "json"], "MODULE:OBJECT"),
        (["check", "json:dumps", "--items", "a,b"], "cannot tell which protocol"),
        (["check", "json:JSONDecodeError", "--items", "a,b"], "not an agent"),
        (["check", "fractions:Fraction", "--items", "a,b"], "not an agent"),
        (["check", f"{EXAMPLES}/utility_maximiser.py:agent", "--items", "a,,b"], "empty item"),
        (["check", f"{EXAMPLES}/utility_maximiser.py:agent", "--items", "a,a"], "twice"),
        (["check", f"{EXAMPLES}/utility_maximiser.py:agent", "--items", "@nope.txt"],
         "no such file"),
        (["check", f"{EXAMPLES}/utility_maximiser.py:agent", "--max-examples", "0"],
         "at least 1"),
        (["check", f"{EXAMPLES}/utility_maximiser.py:agent", "--report", "no/dir/r.html"],
         "does not exist"),
        (["report", "missing.json"], "no such file"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_agent_answering_outside_the_protocol_exits_3(capsys, tmp_path):
    mod = tmp_path / "agents.py"
    mod.write_text(
        "ITEMS = ['a', 'b']\n"
        "class Vague:\n    def prefers(self, a, b):\n        return 'maybe'\n"
        "class Picky:\n    def choose(self, menu):\n        return 'c'\n"
        "def make():\n    return Vague()\n"
        "NO_ITEMS = 1\n"
    )
    for target, text in ((f"{mod}:Vague", "expected True or False"),
                         (f"{mod}:Picky", "not on the menu"),
                         (f"{mod}:make", "expected True or False")):
        code, out, _ = _run(capsys, "check", target, "--json")
        doc = json.loads(out)
        assert code == 3 and text in doc["certificate"]["message"]
        assert doc["certificate"]["reason"] == "invalid"


def test_faulty_agents_exit_3(capsys, tmp_path):
    mod = tmp_path / "faulty.py"
    mod.write_text(
        "import time\n"
        "ITEMS = ['a', 'b', 'c']\n"
        "def raises(a, b):\n    raise RuntimeError('oops')\n"
        "def hangs(a, b):\n    time.sleep(30)\n"
        "_asked = {}\n"
        "def fickle(a, b):  # answers each question the other way when asked again\n"
        "    _asked[a, b] = not _asked.get((a, b), a < b)\n"
        "    return _asked[a, b]\n"
    )
    for name, reason in (("raises", "raised"), ("hangs", "timeout"), ("fickle", "inconsistent")):
        code, out, err = _run(capsys, "check", f"{mod}:{name}", "--timeout", "0.1", "--json")
        assert code == 3, err
        doc = json.loads(out)
        assert doc["status"] == "fault" and doc["certificate"]["reason"] == reason


def test_missing_items_is_bad_input(capsys, tmp_path):
    mod = tmp_path / "noitems.py"
    mod.write_text("def prefers(a, b):\n    return False\n")
    code, _, err = _run(capsys, "check", f"{mod}:prefers")
    assert code == 2 and "--items" in err


def test_report_option_and_report_command(capsys, tmp_path):
    html = tmp_path / "check.html"
    code, out, _ = _run(capsys, "check", f"{EXAMPLES}/majority_committee.py:agent", "--seed", "1",
                        "--json", "--report", str(html))
    assert code == 1 and html.read_text().count("<svg") == 2
    saved = tmp_path / "verdict.json"
    saved.write_text(out)
    code, out, _ = _run(capsys, "report", str(saved), "-o", str(tmp_path / "out.html"), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["findings"] == 1 and doc["exploitable"] == 1
    assert "committee votes" in (tmp_path / "out.html").read_text()
    code, out, _ = _run(capsys, "report", str(saved))
    assert code == 0 and (tmp_path / "verdict.html").is_file() and "wrote" in out
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = _run(capsys, "report", str(bad))
    assert code == 2 and "not JSON" in err


def test_demo_prints_a_pump_and_a_utility_and_exits_0(capsys, tmp_path):
    code, out, _ = _run(capsys, "demo", "--max-examples", "20", "--report",
                        str(tmp_path / "demo.html"))
    assert code == 0
    assert "Money pump in 3 trades" in out and "u('apple') = 3" in out
    assert "Dutch book" in out and "EXPECTED" not in out
    assert "(evidence, not proof: no certificate to verify)" in out
    assert "3 exploitable, 0 agent fault(s), 1 no exploit found, 1 coherent" in out
    assert (tmp_path / "demo.html").read_text().count('class="finding ') == 5
    code, out, _ = _run(capsys, "demo", "--max-examples", "20", "--json")
    statuses = {e["example"]: e["status"] for e in json.loads(out)["examples"]}
    assert statuses["majority_committee.py"] == "exploitable"
    assert statuses["path_dependent_trader.py"] == "no_exploit_found"
    assert json.loads(out)["counts"] == {"exploitable": 3, "fault": 0, "no_exploit_found": 1,
                                         "coherent": 1}


def test_progress_bar_only_on_a_terminal():
    class Stream:
        def __init__(self, tty):
            self.tty, self.text = tty, ""

        def isatty(self):
            return self.tty

        def write(self, s):
            self.text += s

        def flush(self):
            pass

    quiet = Stream(False)
    bar = ProgressBar("probing", quiet)
    bar(5, 10)
    bar.close()
    assert quiet.text == ""
    tty = Stream(True)
    bar = ProgressBar("probing", tty)
    bar(10, 10)
    bar.close()
    assert "probing" in tty.text and tty.text.endswith("\r")


def test_console_script_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "coherence", "check", f"{EXAMPLES}/cyclic_chooser.py:agent",
         "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1 and proc.stderr == ""
    assert json.loads(proc.stdout)["certificate"]["kind"] == "money_pump"
    proc = subprocess.run([CONSOLE_SCRIPT, "check", "nope:agent"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2 and proc.stderr.startswith("coherence: error:")


def test_report_checks_rendering_in_a_browser(capsys, tmp_path, monkeypatch):
    import coherence.reporting as reporting

    saved = tmp_path / "verdict.json"
    code, out, _ = _run(capsys, "check", f"{EXAMPLES}/cyclic_chooser.py:agent", "--json")
    saved.write_text(out)
    html, png = tmp_path / "r.html", tmp_path / "r.png"
    monkeypatch.setattr(reporting, "find_chromium", lambda: None)
    code, _, err = _run(capsys, "report", str(saved), "-o", str(html), "--check-rendering",
                        str(png))
    assert code == 2 and "Chromium" in err and len(err.strip().splitlines()) == 1
    drawn = {"pump": 120, "coherent": 0}
    monkeypatch.setattr(reporting, "find_chromium", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(reporting, "check_rendering", lambda h, p: dict(drawn))
    code, out, _ = _run(capsys, "report", str(saved), "-o", str(html), "--check-rendering",
                        str(png), "--json")
    doc = json.loads(out)
    assert code == 0 and doc["exploitable"] == 1 and doc["rendering"]["visible"] is True
    assert doc["rendering"]["pump"] == 120
    drawn["pump"] = 0  # a page whose pictures did not draw
    code, out, _ = _run(capsys, "report", str(html), "--check-rendering", str(png))
    assert code == 1 and "NOTHING WAS DRAWN" in out
    code, _, err = _run(capsys, "report", str(html))
    assert code == 2 and "--check-rendering" in err
    code, _, err = _run(capsys, "report", str(saved), "-o", str(tmp_path / "r.json"),
                        "--check-rendering", str(png))
    assert code == 2 and "HTML output" in err


def test_a_file_target_imports_its_sibling_modules(tmp_path, monkeypatch):
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "ranks.py").write_text('RANK = {"a": 3, "b": 2, "c": 1}\n')
    (tmp_path / "agents" / "ranked.py").write_text(
        "from ranks import RANK\n\n"
        "class Agent:\n"
        "    def prefers(self, a, b):\n"
        "        return RANK[a] > RANK[b]\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the loader adds the target's folder
    proc = subprocess.run(
        [CONSOLE_SCRIPT, "check", "agents/ranked.py:Agent", "--items", "a,b,c", "--json"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["status"] == "coherent"


# ---------------------------------------------------------------- every way out is a fault
FAULTY = (
    "import os, sys, time\n"
    "ITEMS = ['a', 'b', 'c']\n"
    "def exit0(a, b):\n    sys.exit(0)\n"
    "def exit1(a, b):\n    sys.exit(1)\n"
    "def osexit(a, b):\n    os._exit(0)\n"
    "def base(a, b):\n    raise BaseException('boom')\n"
    "def genexit(a, b):\n    raise GeneratorExit\n"
    "def swallow(a, b):\n"
    "    while True:\n"
    "        try:\n            time.sleep(.05)\n"
    "        except BaseException:\n            pass\n"
    "def cloop(a, b):\n    return sum(range(10**11)) > 0\n"
    "def late(a, b):\n    time.sleep(1.5)\n    return a < b\n"
    "def chatty(a, b):\n"
    "    print('thinking', a, b)\n    os.write(1, b'raw\\n')\n    return a < b\n"
    "def trader(holding, offered, price):\n    sys.exit(1)\n"
    "class Bettor:\n    def price(self, event):\n        os._exit(0)\n"
)


@pytest.mark.parametrize(("name", "reason"), [
    ("exit0", "raised"), ("exit1", "raised"), ("osexit", "exited"), ("base", "raised"),
    ("genexit", "raised"), ("swallow", "timeout"), ("cloop", "timeout"), ("late", "timeout"),
    ("trader", "raised"), ("Bettor", "exited"),
])
def test_no_agent_chooses_the_exit_status(capsys, tmp_path, name, reason):
    mod = tmp_path / "faulty.py"
    mod.write_text(FAULTY)
    code, out, err = _run(capsys, "check", f"{mod}:{name}", "--timeout", "0.3", "--json")
    doc = json.loads(out)  # one JSON document, whatever the agent did
    assert code == 3 and err == "", err
    assert doc["status"] == "fault" and doc["certificate"]["reason"] == reason


@pytest.mark.parametrize(("text", "reason"), [
    ("import sys\nsys.exit(0)\n", "raised"),
    ("import sys\nsys.exit(1)\n", "raised"),
    ("import os\nos._exit(0)\n", "exited"),
    ("raise BaseException('at import')\n", "raised"),
    ("raise GeneratorExit\n", "raised"),
    ("while True:\n    pass\n", "timeout"),
])
def test_an_import_that_exits_raises_or_hangs_exits_3(capsys, tmp_path, text, reason):
    mod = tmp_path / "at_import.py"
    mod.write_text(text + "ITEMS = ['a', 'b']\ndef prefers(a, b):\n    return a < b\n")
    code, out, err = _run(capsys, "check", f"{mod}:prefers", "--budget", "1", "--json")
    assert code == 3 and "Traceback" not in err, err
    assert json.loads(out)["certificate"]["reason"] == reason


@pytest.mark.parametrize("isolation", ["process", "none"])
def test_an_agent_that_prints_never_reaches_json_stdout(capfd, tmp_path, isolation):
    mod = tmp_path / "chatty.py"
    mod.write_text(FAULTY)
    code = main(["check", f"{mod}:chatty", "--json", "--isolation", isolation])
    out, err = capfd.readouterr()
    assert code == 0 and json.loads(out)["status"] == "coherent"
    assert "thinking" not in out + err and "raw" not in out


@pytest.mark.parametrize("value", ["inf", "nan", "0", "-1"])
def test_timeout_and_budget_must_be_positive_and_finite(capsys, value):
    for flag in ("--timeout", "--budget"):
        code, out, err = _run(capsys, "check", f"{EXAMPLES}/utility_maximiser.py:agent", flag,
                              value)
        assert code == 2 and out == "" and "positive, finite" in err and err.count("\n") == 1


TIES = (
    "import random\n"
    "ITEMS = ['a', 'b', 'c', 'd']\n"
    "U = {'a': 2, 'b': 2, 'c': 1, 'd': 1}\n"
    "class Agent:\n"
    "    def choose(self, menu):\n"
    "        top = [x for x in menu if U[x] == max(U[y] for y in menu)]\n"
    "        return top[0] if len(menu) == 2 else random.choice(top)\n"
)


@pytest.mark.parametrize("seed", range(5))
def test_a_random_tie_break_is_never_a_money_pump(capsys, tmp_path, seed):
    mod = tmp_path / "ties.py"
    mod.write_text(TIES)
    code, out, _ = _run(capsys, "check", f"{mod}:Agent", "--seed", str(seed), "--json")
    assert code in (0, 3) and json.loads(out)["status"] != "exploitable"
    if code == 3:
        assert json.loads(out)["certificate"]["reason"] == "inconsistent"


# ---------------------------------------------------------------- safe output
def _report_to(capsys, target, *extra):
    return _run(capsys, "check", f"{EXAMPLES}/cyclic_chooser.py:agent", "--report", str(target),
                *extra)


def test_report_refuses_symlinks_devices_fifos_and_inputs(capsys, tmp_path):
    import os

    real = tmp_path / "real.html"
    real.write_text("keep me")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    for target, message in ((link, "symbolic link"), (fifo, "FIFO"),
                            ("/dev/null", "character device"), (tmp_path, "folder")):
        code, _, err = _report_to(capsys, target)
        assert code == 2 and message in err and err.count("\n") == 1, err
    assert link.is_symlink() and real.read_text() == "keep me" and fifo.is_fifo()
    assert os.path.exists("/dev/null") and not Path("/dev/null").is_file()
    agent = tmp_path / "agent.py"
    agent.write_text((EXAMPLES / "cyclic_chooser.py").read_text())
    code, _, err = _run(capsys, "check", f"{agent}:agent", "--report", str(agent))
    assert code == 2 and "is the input" in err
    assert agent.read_text() == (EXAMPLES / "cyclic_chooser.py").read_text()


def test_report_replaces_a_regular_file_atomically(capsys, tmp_path, monkeypatch):
    out = tmp_path / "r.json"
    out.write_text("old")
    code, _, _ = _report_to(capsys, out)
    assert code == 1 and json.loads(out.read_text())["findings"][0]["verdict"]["status"] == (
        "exploitable")
    import coherence.reporting._html as html

    def broken(*args, **kwargs):
        raise OSError("disk full")

    out_html = tmp_path / "r.html"
    out_html.write_text("old page")
    monkeypatch.setattr(html, "render_html", broken)
    code, _, err = _report_to(capsys, out_html)
    assert code == 2 and "disk full" in err
    assert out_html.read_text() == "old page"  # nothing half-written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json"]


@pytest.mark.parametrize(("head", "code"), [
    ("import os\nos._exit(0)\n", 3), ("import os\nos._exit(1)\n", 3),
    ("print('importing')\nimport os\nos.write(1, b'fd one\\n')\n", 0)])
def test_demo_examples_folder_imports_are_guarded(tmp_path, capsys, head, code):
    (tmp_path / "ex.py").write_text(head + "ITEMS = ['a', 'b']\n\ndef agent(a, b):\n"
                                    "    return a < b\n")
    assert main(["demo", "--examples", str(tmp_path), "--json", "--max-examples", "5"]) == code
    got = capsys.readouterr()
    if code == 0:
        assert json.loads(got.out)["counts"]
    else:
        assert got.out == "" and "agent fault" in got.err and got.err.count("\n") == 1
