"""The pytest plugin, run on user-style test files with ``pytester``."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

import coherence.agents._probe

# The in-process runs below forget every module first imported while they run; import the
# lazily loaded parts of the package now so that the outer session keeps the same classes.
import coherence.assertions
import coherence.reporting._writer  # noqa: F401

pytest_plugins = ["pytester"]

AGENTS = '''
from fractions import Fraction

ITEMS = ["rock", "paper", "scissors"]
BEATS = {("paper", "rock"), ("scissors", "paper"), ("rock", "scissors")}

class Cyclic:
    def prefers(self, a, b):
        return (a, b) in BEATS

class Ranked:
    def prefers(self, a, b):
        return ITEMS.index(a) < ITEMS.index(b)

class Committee:
    RANKS = {"ann": "ABC", "bob": "BCA", "cat": "CAB"}
    def votes(self, holding, offered):
        return {m: r.index(offered) < r.index(holding) for m, r in self.RANKS.items()}
    def accept(self, holding, offered, price):
        return sum(self.votes(holding, offered).values()) >= 2 and price <= 1

class Raises:
    def prefers(self, a, b):
        raise RuntimeError("boom")

class Dominance:
    def accept(self, holding, offered, price):
        return ITEMS.index(offered) < ITEMS.index(holding) and price <= 1
'''


#: a user's test file: 8 tests, 6 pass and 2 fail; 4 exploits, a fault, a trader with no pump
USER_TESTS = '''
import pytest
import coherence
from coherence import PreferenceRelation
from my_agents import ITEMS, Committee, Cyclic, Dominance, Ranked, Raises


def test_ranked_is_coherent():
    coherence.assert_agent_coherent(Ranked(), items=ITEMS, seed=1)


def test_cyclic_is_coherent():
    coherence.assert_agent_coherent(Cyclic(), items=ITEMS, seed=1)


@pytest.mark.coherence(agent=Committee, items=list("ABC"), seed=3, expect="exploitable")
def test_committee_is_pumped(coherence_verdict):
    assert len(coherence_verdict.certificate.loop) == 3


@pytest.mark.coherence(agent=Committee, items=list("ABC"), seed=3)
def test_committee_declared_coherent():
    pass


@pytest.mark.coherence(agent=Dominance, items=ITEMS, seed=2, max_examples=20)
def test_trader_without_a_pump_passes_as_coherent(coherence_verdict):
    assert coherence_verdict.status == "no_exploit_found"


@pytest.mark.coherence(Raises(), items=ITEMS, expect="fault")
def test_raising_agent_is_a_fault(coherence_verdict):
    assert coherence_verdict.certificate.reason == "raised"


def test_relation_via_assert_coherent():
    rel = PreferenceRelation.from_pairs([("a", "b"), ("b", "c")])
    coherence.assert_coherent(rel)


def test_record_fixture(coherence_record):
    rel = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])
    coherence_record(coherence.check(rel), name="three-cycle")
'''


@pytest.fixture
def user_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(my_agents=AGENTS)
    pytester.makepyfile(test_user=USER_TESTS)
    return pytester


def test_outcomes_and_failure_messages(user_suite: pytest.Pytester) -> None:
    result = user_suite.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6, failed=2)
    out = result.stdout.str()
    # readable failure: the pump as a story, not a bare assert
    assert "Money pump in 3 trades" in out
    assert "expected the agent to be coherent" in out
    # terminal summary section
    assert "= coherence =" in out
    assert "EXPLOIT test_user.py::test_cyclic_is_coherent" in out
    assert "FAULT test_user.py::test_raising_agent_is_a_fault" in out
    assert "PytestAssertRewriteWarning" not in out
    assert "4 exploitable, 1 agent fault(s), 1 no exploit found, 2 coherent" in out
    assert "test_trader_without_a_pump_passes_as_coherent" not in out  # not listed as bad


def test_report_json_lists_every_certificate(user_suite: pytest.Pytester) -> None:
    path = user_suite.path / "report.json"
    result = user_suite.runpytest("-p", "no:cacheprovider", f"--coherence-report={path}")
    assert f"report written to {path}" in result.stdout.str()
    doc = json.loads(path.read_text())
    assert doc["coherence_report"] == 1
    names = [f["name"] for f in doc["findings"]]
    kinds = sorted(f["verdict"]["certificate"]["kind"] for f in doc["findings"])
    # ranked, cyclic, committee x2, trader, raising, relation, recorded relation
    assert len(names) == 8
    assert kinds.count("money_pump") + kinds.count("trading_pump") == 4
    assert kinds.count("agent_fault") == 1 and kinds.count("no_pump_found") == 1
    statuses = sorted(f["verdict"]["status"] for f in doc["findings"])
    assert statuses.count("no_exploit_found") == 1
    assert any("three-cycle" in n for n in names)
    committee = next(f for f in doc["findings"] if "test_committee_is_pumped" in f["name"])
    assert all("votes" in t for t in committee["verdict"]["certificate"]["trades"])
    assert all(f["explanation"] for f in doc["findings"])


def test_report_missing_folder_is_reported_not_a_crash(user_suite: pytest.Pytester) -> None:
    result = user_suite.runpytest("-p", "no:cacheprovider", "--coherence-report=nope/r.json")
    assert "could not write nope/r.json" in result.stdout.str()
    result.assert_outcomes(passed=6, failed=2)


def test_report_html(user_suite: pytest.Pytester) -> None:
    path = user_suite.path / "report.html"
    user_suite.runpytest("-p", "no:cacheprovider", f"--coherence-report={path}")
    html = path.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") >= 5  # pump cycles, votes, utility orderings
    assert "committee votes" in html


def test_junit_suite_properties(user_suite: pytest.Pytester) -> None:
    xml = user_suite.path / "junit.xml"
    user_suite.runpytest("-p", "no:cacheprovider", f"--junitxml={xml}")
    root = ET.parse(xml).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["coherence_exploitable"] == "4"
    assert props["coherence_faults"] == "1"
    assert props["coherence_no_exploit_found"] == "1"
    assert props["coherence_coherent"] == "2"


def test_no_findings_no_section(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "= coherence =" not in result.stdout.str()


def test_marker_misuse_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        '''
import pytest

@pytest.mark.coherence(items=["a", "b"])
def test_no_agent(coherence_verdict):
    pass
'''
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    assert "needs agent=" in result.stdout.str()


def test_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    assert "@pytest.mark.coherence(" in result.stdout.str()


@pytest.mark.parametrize("mode", ["counts", "none"])
def test_summary_can_be_shortened(user_suite: pytest.Pytester, mode: str) -> None:
    result = user_suite.runpytest("-p", "no:cacheprovider", f"--coherence-summary={mode}")
    out = result.stdout.str()
    assert "EXPLOIT test_user.py::test_cyclic_is_coherent" not in out
    assert ("= coherence =" in out) == (mode == "counts")
    result.assert_outcomes(passed=6, failed=2)
