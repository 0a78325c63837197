"""``coherence audit-llm``."""

from __future__ import annotations

import json
import textwrap

import pytest

pytest.importorskip("torch")

from coherence.cli import main

BACKENDS = textwrap.dedent(
    """
    CALLS = {"n": 0}
    UTILITY = {"tea": 2, "coffee": 1, "water": 0, "juice": 3}
    BEATS = {("tea", "coffee"), ("coffee", "water"), ("water", "tea")}

    def _pair(p):
        a, b = p.split(" or ")
        return a.strip(), b.strip(" ?")

    def judge(prompts):
        CALLS["n"] += len(prompts)
        with open(__file__ + ".calls", "a") as fh:
            fh.write(f"{len(prompts)}\\n")
        return ["A" if UTILITY[_pair(p)[0]] > UTILITY[_pair(p)[1]] else "B" for p in prompts]

    def cyclic(prompts):
        return ["A" if _pair(p) in BEATS else "B" for p in prompts]

    def broken(prompts):
        raise RuntimeError("no model")

    def rambles(prompts):
        return ["Hmm." for _ in prompts]

    def chatty(prompts):
        print("thinking about", len(prompts), "prompts")
        return judge(prompts)

    def worded(prompts):
        return ["Answer: " + ("first" if judge([p])[0] == "A" else "second") for p in prompts]

    def hangs(prompts):
        import time
        time.sleep(3600)

    NOT_CALLABLE = 3
    """
)


@pytest.fixture()
def files(tmp_path):
    f = tmp_path / "backends.py"
    f.write_text(BACKENDS)
    items = tmp_path / "items.txt"
    items.write_text("tea\ncoffee\n\nwater\njuice\n")
    return f, items, tmp_path


def run(capsys, *argv):
    code = main(["audit-llm", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_coherent_json_with_bradley_terry_and_a_cache(files, capsys):
    f, items, tmp = files
    args = ["--backend", f"{f}:judge", "--items", str(items), "--template", "{a} or {b}?",
            "--samples", "2", "--cache", str(tmp / "cache"), "--json"]
    code, out, err = run(capsys, *args)
    doc = json.loads(out)
    assert code == 0 and doc["coherent"] is True and err == ""
    assert list(sorted(doc["bradley_terry"], key=doc["bradley_terry"].get)) == [
        "water", "coffee", "tea", "juice"]
    assert doc["calls"] == 24 and doc["answers"]["unparseable"] == 0
    assert {"certificate", "metrics", "positional_bias", "verdict"} <= set(doc)
    code, out, _ = run(capsys, *args)
    assert code == 0 and json.loads(out)["calls"] == 0
    assert json.loads(out)["cache_hits"] == 24
    lines = (tmp / "backends.py.calls").read_text().split()
    assert sum(map(int, lines)) == 24  # the second run never called the backend


def test_cyclic_backend_exits_1_with_a_pump(files, capsys):
    f, items, _ = files
    code, out, _ = run(capsys, "--backend", f"{f}:cyclic", "--items", str(items),
                       "--template", "{a} or {b}?", "--samples", "1")
    assert code == 1 and "Money pump" in out and "positional bias" in out


@pytest.mark.parametrize("name, code", [("broken", 3), ("rambles", 3)])
def test_faulty_backends(files, capsys, name, code):
    f, items, _ = files
    got, out, err = run(capsys, "--backend", f"{f}:{name}", "--items", str(items),
                        "--template", "{a} or {b}?", "--samples", "1", "--json")
    assert got == code
    doc = json.loads(out)
    if name == "broken":
        assert doc["status"] == "fault" and "no model" in doc["certificate"]["message"]
        assert len(err.strip().splitlines()) == 1 and "no model" in err
    else:  # every answer unparseable: nothing was read, whatever the policy
        assert doc["status"] == "fault" and doc["answers"]["unparseable"] == 12
        assert "no answer could be read" in err


def test_excluded_unparseable_answers_leave_nothing_to_read(files, capsys):
    f, items, _ = files
    code, _, _ = run(capsys, "--backend", f"{f}:rambles", "--items", str(items),
                     "--template", "{a} or {b}?", "--samples", "1", "--unparseable", "exclude")
    assert code == 3


def test_what_a_backend_prints_stays_out_of_the_json(files):
    import subprocess
    import sys

    f, items, _ = files
    proc = subprocess.run([sys.executable, "-m", "coherence", "audit-llm", "--backend",
                           f"{f}:chatty", "--items", str(items), "--template", "{a} or {b}?",
                           "--samples", "1", "--json"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["coherent"] is True


@pytest.mark.parametrize("change, message", [
    ({"--samples": "100000000000"}, "between 1 and"),
    ({"--cache": " "}, "name a folder"),
    ({"--timeout": "-1"}, "positive"),
    ({"--template": "{a} only"}, "missing field {b}"),
    ({"--template": "{a} {b} {c}"}, "unknown field"),
    ({"--items": "few"}, "at least 3 items"),
    ({"--items": "empty"}, "at least 3 items"),
    ({"--backend": "NOT_CALLABLE"}, "not callable"),
    ({"--labels": "A"}, "two labels"),
])
def test_bad_input_exits_2_with_one_line(files, capsys, change, message):
    f, items, tmp = files
    (tmp / "few").write_text("tea\ncoffee\n")
    (tmp / "empty").write_text("\n\n")
    args = {"--backend": f"{f}:judge", "--items": str(items), "--template": "{a} or {b}?"}
    for k, v in change.items():
        args[k] = str(tmp / v) if k == "--items" else (f"{f}:{v}" if k == "--backend" else v)
    code, out, err = run(capsys, *[x for kv in args.items() for x in kv])
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_labels_regex_and_sampled_pairs(files, capsys):
    f, items, _ = files
    code, out, _ = run(capsys, "--backend", f"{f}:worded", "--items", str(items),
                       "--template", "{a} or {b}?", "--samples", "1", "--labels",
                       "first,second", "--answer-regex", r"Answer: (\w+)", "--pairs",
                       "sampled", "--budget", "4", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["answers"]["unparseable"] == 0
    assert doc["answers"]["pairs_observed"] == 4 and doc["calls"] == 8


def test_a_hung_backend_times_out_and_the_command_ends(files):
    import subprocess
    import sys

    f, items, _ = files
    proc = subprocess.run(
        [sys.executable, "-m", "coherence", "audit-llm", "--backend", f"{f}:hangs", "--items",
         str(items), "--template", "{a} or {b}?", "--samples", "1", "--timeout", "0.2"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3 and "no answer within 0.2 s" in proc.stderr


@pytest.mark.parametrize("pairs", ["sampled", "active"])
def test_sampled_pairs_of_a_consistent_model_fill_in_finitely(tmp_path, capsys, pairs):
    # the item asked only against better ones lost every answer: its fitted strength must
    # stay finite (the pseudo-draws are half won by each side)
    f = tmp_path / "alpha.py"
    f.write_text("import re\n\ndef later(ps):\n"
                 "    pairs = [re.search(r'A: (.*?)\\. B: (.*?)\\.', p).groups() for p in ps]\n"
                 "    return ['A' if a > b else 'B' for a, b in pairs]\n")
    items = tmp_path / "items.txt"
    items.write_text("apple\nbanana\ncherry\nmango\n")
    code, out, err = run(capsys, "--backend", f"{f}:later", "--items", str(items),
                         "--template", "A: {a}. B: {b}. Answer A or B.", "--samples", "1",
                         "--pairs", pairs, "--budget", "4", "--json")
    assert code == 0, err
    assert err == "" and json.loads(out)["coherent"] is True


def test_some_faulted_answers_are_named_on_stderr(tmp_path, capsys):
    f = tmp_path / "mixed.py"
    f.write_text("def mixed(prompts):\n"
                 "    return [None if k % 2 else 'A' for k, _ in enumerate(prompts)]\n")
    items = tmp_path / "items.txt"
    items.write_text("tea\ncoffee\nwater\n")
    code, out, err = run(capsys, "--backend", f"{f}:mixed", "--items", str(items),
                         "--template", "{a} or {b}?", "--samples", "2", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["verdict"]["status"] != "fault"  # the rest still decide
    assert doc["answers"]["faulted"] == 6
    assert err.startswith("coherence: warning: 6 of 12 answers faulted and were left out; "
                          "first: malformed") and err.count("\n") == 1
