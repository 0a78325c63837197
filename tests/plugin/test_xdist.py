"""The plugin under pytest-xdist, and one finding per test (not per Hypothesis example)."""

from __future__ import annotations

import ast
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import coherence.pytest_plugin
from tests.plugin.test_plugin import AGENTS, USER_TESTS

pytest_plugins = ["pytester"]

HYPOTHESIS_TESTS = '''
from hypothesis import given, settings, strategies as st
import coherence
from coherence import PreferenceRelation

def ring(n):
    """A chain 0 > 1 > ... > n-1, closed into a cycle when n >= 4."""
    pairs = [(str(k), str(k + 1)) for k in range(n - 1)]
    return PreferenceRelation.from_pairs(pairs + ([(str(n - 1), "0")] if n >= 4 else []))

@settings(max_examples=60, database=None, derandomize=True)
@given(st.integers(2, 30))
def test_rings_are_coherent(n):
    coherence.assert_coherent(ring(n))

@settings(max_examples=40, database=None, derandomize=True)
@given(st.integers(2, 3))
def test_short_chains_are_coherent(n):
    coherence.assert_coherent(ring(n))

@settings(max_examples=40, database=None, derandomize=True)
@given(st.integers(0, 30))
def test_minimal_example_fails_before_any_check(n):
    assert n < 5
    coherence.assert_coherent(ring(2 + n % 2))

def test_loop_keeps_every_check():
    for n in (2, 3, 2):
        coherence.assert_coherent(ring(n))
'''


def _suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(my_agents=AGENTS, test_user=USER_TESTS, test_hyp=HYPOTHESIS_TESTS)
    return pytester


def _run(pytester: pytest.Pytester, *args: str) -> tuple[str, list[dict], dict[str, str]]:
    """Run the suite; the summary's counts line, the report's findings, the JUnit properties."""
    report, xml = pytester.path / "r.json", pytester.path / "j.xml"
    report.unlink(missing_ok=True)
    result = pytester.runpytest("-p", "no:cacheprovider", *args, "--coherence-report=r.json",
                                "--junitxml=j.xml")
    result.assert_outcomes(passed=8, failed=4)
    counts = [line for line in result.outlines if " agent fault(s), " in line]
    root = ET.parse(xml).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite is not None
    props = {str(p.get("name")): str(p.get("value")) for p in suite.iter("property")
             if str(p.get("name")).startswith("coherence_")}
    return counts[0], json.loads(report.read_text())["findings"], props


def _keys(findings: list[dict]) -> set[tuple[str, str, str]]:
    return {(f["name"], f["verdict"]["status"], f["verdict"]["certificate"]["kind"])
            for f in findings}


def _check_counts(counts: str, findings: list[dict], props: dict[str, str]) -> None:
    # 6 tests of the user suite + ring (1) + short chains (1) + loop (3); the test whose
    # minimal example fails before any check has no finding
    assert counts == "5 exploitable, 1 agent fault(s), 1 no exploit found, 6 coherent"
    assert len(findings) == 13
    assert props["coherence_exploitable"] == "5"
    assert props["coherence_faults"] == "1"
    assert props["coherence_no_exploit_found"] == "1"
    assert props["coherence_coherent"] == "6"
    assert props["coherence_report"] == "r.json"
    names = [f["name"] for f in findings]
    assert not any("test_minimal_example_fails_before_any_check" in n for n in names)
    assert sum("test_short_chains_are_coherent" in n for n in names) == 1
    assert sum("test_loop_keeps_every_check" in n for n in names) == 3
    # the property test that finds an exploit counts once, with its minimal example (n = 4)
    rings = [f for f in findings if "test_rings_are_coherent" in f["name"]]
    assert len(rings) == 1
    assert rings[0]["verdict"]["status"] == "exploitable"
    assert len(rings[0]["verdict"]["certificate"]["cycle"]) == 4


def test_failing_example_keeps_the_test_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_hyp=HYPOTHESIS_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "-k", "rings")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*test_rings_are_coherent(*", "*n=4,*"])


def test_one_finding_per_check_serially(pytester: pytest.Pytester) -> None:
    _check_counts(*_run(_suite(pytester)))


def test_xdist_gives_the_serial_summary_report_and_properties(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    suite = _suite(pytester)
    serial = _run(suite)
    parallel = _run(suite, "-p", "xdist", "-n", "2")
    _check_counts(*parallel)
    assert parallel[0] == serial[0]
    assert _keys(parallel[1]) == _keys(serial[1])
    assert parallel[2] == serial[2]
    # the relations' checks are deterministic: the same stories (the unseeded agent probes of
    # the user suite may ask their questions in another order)
    def stories(findings: list[dict]) -> list[tuple[str, str]]:
        return sorted((f["name"], f["explanation"]) for f in findings
                      if f["name"].startswith("test_hyp"))

    assert len(stories(serial[1])) == 5
    assert stories(parallel[1]) == stories(serial[1])


def test_html_report_has_one_card_per_check(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    suite = _suite(pytester)
    for args in ((), ("-p", "xdist", "-n", "2")):
        suite.runpytest("-p", "no:cacheprovider", *args, "--coherence-report=r.html")
        html = (suite.path / "r.html").read_text()
        assert html.count('<section id="finding-') == 13, args
        assert html.count("<h2>test_hyp.py::test_rings_are_coherent ") == 1, args
        assert html.count("<h2>test_user.py::test_cyclic_is_coherent ") == 1, args


def test_plugin_imports_only_pytest_when_loaded() -> None:
    tree = ast.parse(Path(coherence.pytest_plugin.__file__).read_text(encoding="utf-8"))
    roots = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            roots |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.partition(".")[0])
    assert roots <= {"__future__", "sys", "collections", "types", "typing", "pytest"}, roots


STATEFUL_TESTS = '''
from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, rule
import coherence
from coherence import PreferenceRelation

coherence.assert_coherent(PreferenceRelation.from_pairs([("x", "y")]))  # at import

class Chains(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.n = 1

    @rule()
    def grow(self):
        self.n += 1
        pairs = [(str(k), str(k + 1)) for k in range(self.n)]
        coherence.assert_coherent(PreferenceRelation.from_pairs(pairs))

TestChains = Chains.TestCase
TestChains.settings = settings(max_examples=20, database=None, derandomize=True)
'''


def test_stateful_rule_and_import_time_verdicts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_state=STATEFUL_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--coherence-report=r.json")
    result.assert_outcomes(passed=1)
    names = [f["name"] for f in json.loads((pytester.path / "r.json").read_text())["findings"]]
    # the latest call of the rule, and the check made when the module was imported
    assert sorted(names) == ["preference relation",
                             "test_state.py::TestChains::runTest [preference relation]"]
