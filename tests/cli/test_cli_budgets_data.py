"""``coherence budgets`` on data as they come: the shared data sets straight from their files,
text, JSON and CSV output, the axiom that decides the exit status, and malformed files (exit
2, one line on stderr, no warnings), including a property test over generated files."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coherence.cli import main

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
AM = DATA / "andreoni_miller_2002" / "am2002_long.csv"
CKMS = DATA / "ckms2014" / "ckms2014_long.csv"
TOYS = DATA / "revealedprefs_toy" / "revealedPrefs_toy_long.csv"
needs_data = pytest.mark.skipif(not AM.exists(), reason="the shared data sets are not here")

AM_ARGS = ["--subject", "experiment,subject", "--observation", "budget", "--prices", "price_*",
           "--quantities", "*_points"]
CKMS_ARGS = ["--subject", "id_member", "--observation", "round", "--intercepts",
             "x_intercept,y_intercept", "--quantities", "x_choice,y_choice"]
TOY_ARGS = ["--subject", "dataset", "--observation", "obs", "--good", "good", "--price", "p",
            "--quantity", "x"]


def cli(*args: str | Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "coherence", "budgets", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, check=False)


def strict_json(text: str) -> dict:
    def bad(token: str) -> None:
        raise AssertionError(f"not JSON: {token}")

    return json.loads(text, parse_constant=bad)


def run(*args: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["budgets", *map(str, args)])
    return code, out.getvalue(), err.getvalue()


# -- the shared data sets ---------------------------------------------------------------------


@needs_data
def test_andreoni_miller_straight_from_the_file():
    proc = cli(AM, *AM_ARGS, "--format", "json")
    assert proc.returncode == 1 and proc.stderr == ""
    doc = strict_json(proc.stdout)
    s = doc["summary"]
    assert (s["subjects"], s["observations"], s["axiom"]) == (176, 1510, "GARP")
    # Andreoni & Miller (2002): 18 of the 176 subjects violate GARP, 13 in E1 and 5 in E2
    bad = [r["subject"] for r in doc["subjects"] if not r["garp"]]
    assert len(bad) == 18 and sum(b.startswith("E1/") for b in bad) == 13
    for r in doc["subjects"]:
        assert r["goods"] == ["hold", "pass"]
        assert (r["cycle"] is None) == r["garp"]
        if r["cycle"]:
            budgets = {str(b) for b in range(1, r["observations"] + 1)}
            assert set(r["cycle"]) <= budgets and len(r["cycle"]) >= 2


@needs_data
def test_ckms_intercepts_first_sixty_subjects(tmp_path):
    lines = CKMS.read_text().splitlines()
    part = tmp_path / "ckms100.csv"
    part.write_text("\n".join(lines[: 1 + 60 * 25]) + "\n")
    proc = cli(part, *CKMS_ARGS, "--format", "csv")
    assert proc.returncode == 1, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 60 and rows[0]["subject"] == "6502"
    first = rows[0]
    assert first["garp"] == "false" and first["goods"] == "x_choice y_choice"
    steps = first["cycle"].split(">")
    assert steps[0] == steps[-1] and set(steps) <= {str(r) for r in range(1, 26)}
    assert all(0 < float(r["ccei"]) <= 1 for r in rows)
    assert {r["cycle"] == "" for r in rows if r["garp"] == "true"} == {True}


@needs_data
def test_revealedprefs_toys_and_the_axiom_flag(tmp_path):
    text = TOYS.read_text().splitlines()
    code, out, err = run(TOYS, *TOY_ARGS, "--json")
    doc = strict_json(out)
    verdicts = {r["subject"]: (r["garp"], r["sarp"], r["warp"]) for r in doc["subjects"]}
    # the names of revealedPrefs' examples say which axiom each one breaks
    assert verdicts == {"noAxiom": (False, False, False), "noGarp": (False, False, True),
                        "noSarp": (True, False, True), "noWarp": (True, False, False),
                        "okSarp": (True, True, True)}
    assert code == 1 and err == ""
    expected = {"noSarp": {"garp": 0, "sarp": 1, "warp": 0},
                "noWarp": {"garp": 0, "sarp": 1, "warp": 1},
                "okSarp": {"garp": 0, "sarp": 0, "warp": 0}}
    for name, codes in expected.items():
        f = tmp_path / f"{name}.csv"
        f.write_text("\n".join([text[0], *(ln for ln in text[1:] if ln.startswith(name))]))
        for axiom, want in codes.items():
            code, out, _ = run(f, *TOY_ARGS, "--axiom", axiom, "--format", "json")
            doc = strict_json(out)
            assert code == want, (name, axiom)
            assert doc["summary"]["axiom"] == axiom.upper()
            cycle = doc["subjects"][0]["cycle"]
            assert (cycle is not None) == bool(want)


def test_text_table_shows_the_cycle_of_the_axiom(tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("who,round,p_a,p_b,x_a,x_b\nu,r1,1,2,1,2\nu,r2,2,1,2,1\n")
    code, out, err = run(f, "--subject", "who", "--observation", "round")
    assert code == 1 and err == ""
    assert "GARP cycle" in out.splitlines()[0]
    assert "r1→r2→r1" in out or "r2→r1→r2" in out
    assert "0 satisfy GARP, 1 violate it" in out
    code, out, _ = run(f, "--subject", "who", "--axiom", "warp")
    assert code == 1 and "WARP cycle" in out and "1 violate it" in out


def test_json_has_no_nan_or_infinity(tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("p_a,p_b,x_a,x_b\n1e-100,1e100,1e49,1e-49\n1e100,1e-100,1e-49,1e49\n")
    code, out, err = run(f, "--json")
    assert code in (0, 1), err
    strict_json(out)


# -- malformed files --------------------------------------------------------------------------

MALFORMED = {
    "long_field": "p_a,x_a\n" + "1" * 140_000 + ",1\n2,1\n",
    "huge_integer": "p_a,x_a\n" + "9" * 4300 + ",1\n2,1\n",
    "e308": "p_a,p_b,x_a,x_b\n1e308,1,2,1\n2,1,1e308,2\n",
    "e308_both": "p_a,x_a\n1e308,1e308\n1,1\n",
    "tiny": "p_a,x_a\n1e-320,1\n2,1\n",
    "empty": "",
    "header_only": "p_a,x_a\n",
    "open_quote": 'p_a,x_a\n1,"1\n2,1\n',
    "ragged": "p_a,x_a\n1,1,1\n",
    "nan": "p_a,x_a\nnan,1\n1,1\n",
    "no_columns": "a,b\n1,2\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_exit_2_with_one_line(tmp_path, name):
    f = tmp_path / f"{name}.csv"
    f.write_text(MALFORMED[name])
    proc = cli(f, "--format", "json")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("coherence: error: ")
    assert "internal error" not in proc.stderr and "Warning" not in proc.stderr


def test_binary_junk_exits_2(tmp_path):
    f = tmp_path / "junk.csv"
    f.write_bytes(bytes(range(256)) * 4)
    proc = cli(f)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


_JUNK = st.one_of(
    st.sampled_from(["", "0", "-1", "nan", "inf", "-inf", "1e308", "1e-308", "1e400", "1e-400",
                     "9" * 400, "0x10", "1_0", "1/3", '"', '""', "\x00", " ", "a", "1e200",
                     "1e-200", "4.9e-324", "1" * 131_073]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
)
_NUMBERS = st.one_of(st.integers(1, 9).map(str),
                     st.decimals(min_value="0.01", max_value=100, places=2).map(str))
_CELLS = st.one_of(_NUMBERS, _NUMBERS, _NUMBERS, _JUNK)
#: (header, the flags that read it); the flags are sometimes drawn apart from the header
_LAYOUTS = [
    (["p_a", "x_a"], []),
    (["subject", "p_a", "p_b", "x_a", "x_b"], []),
    (["subject", "p_a", "p_b", "x_a", "x_b"], ["--prices", "p_*", "--quantities", "x_*"]),
    (["s", "t", "g", "p", "q"], ["--subject", "s", "--observation", "t", "--good", "g",
                                 "--price", "p", "--quantity", "q"]),
    (["s", "xi", "yi", "x", "y"], ["--subject", "s", "--intercepts", "xi,yi",
                                   "--quantities", "x,y"]),
    (["a", "b"], []),
    (["p_a", "p_a", "x_a"], []),
    (["p_a", "p_b", "x_a"], ["--good", "g"]),
]
_EXTRA = st.sampled_from([[], [], ["--axiom", "sarp"], ["--axiom", "warp", "--format", "csv"],
                          ["--efficiency", "0.9"], ["--format", "text"]])


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A CSV file that is often malformed, and the flags to read it with."""
    header, flags = draw(st.sampled_from(_LAYOUTS))
    if draw(st.integers(0, 9)) == 0:
        flags = draw(st.sampled_from(_LAYOUTS))[1]
    flags = flags + draw(_EXTRA)
    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=200)), flags
    subjects = draw(st.lists(st.sampled_from(["1", "2"]), min_size=0, max_size=8))
    dirty = draw(st.integers(0, 2)) > 0
    rows = []
    for t, who in enumerate(subjects):
        width = len(header) + (draw(st.sampled_from([0] * 8 + [-1, 1])) if dirty else 0)
        cells = [draw(_CELLS if dirty else _NUMBERS) for _ in range(max(width, 0))]
        if header[0] in ("subject", "s") and cells:
            cells[0] = who
        if header[1:3] == ["t", "g"] and len(cells) > 2:
            cells[1], cells[2] = str(t // 2), "ab"[t % 2]
        rows.append(",".join(cells))
    sep = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    return sep.join([",".join(header), *rows]).encode("utf-8", "surrogatepass"), flags


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(case=csv_files())
def test_property_malformed_csvs_exit_0_to_3_with_one_line(tmp_path, case):
    content, flags = case
    f = tmp_path / "gen.csv"
    f.write_bytes(content)
    if "--format" not in flags:
        flags = [*flags, "--format", "json"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, out, err = run(f, *flags)
    assert code in (0, 1, 2, 3)
    assert not caught, [str(w.message) for w in caught]
    assert "internal error" not in err and "Traceback" not in err
    if code in (0, 1):
        assert err == ""
        if "json" in flags:
            strict_json(out)
    else:
        assert err.count("\n") == 1 and out == ""
