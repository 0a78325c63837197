"""A user project of its own (with its own ``strategies.py``), run as its owner would, with
``python -m pytest`` in its folder: serially and with ``-n 2`` it gets the same summary, the
same HTML report (one card per check, a property test's card holding its minimal example)
and the same JUnit ``coherence_*`` properties."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

#: the user's own module named like this project's strategies: it must keep working
OWN_STRATEGIES = '''
from hypothesis import strategies as st

def sizes():
    return st.integers(2, 30)
'''

USER_TESTS = '''
import pytest
from hypothesis import given, settings, strategies as st

import coherence
from coherence import PreferenceRelation
from coherence.strategies import preference_relations
from strategies import sizes

RPS = ["rock", "paper", "scissors"]


def ring(n):
    pairs = [(str(k), str(k + 1)) for k in range(n - 1)]
    return PreferenceRelation.from_pairs(pairs + ([(str(n - 1), "0")] if n >= 4 else []))


class Cyclic:
    def prefers(self, a, b):
        return (a, b) in {("paper", "rock"), ("scissors", "paper"), ("rock", "scissors")}


class Ranked:
    def prefers(self, a, b):
        return RPS.index(a) < RPS.index(b)


@settings(max_examples=60, database=None, derandomize=True)
@given(sizes())
def test_rings(n):
    coherence.assert_coherent(ring(n))


@settings(max_examples=60, database=None, derandomize=True)
@given(preference_relations(max_items=5))
def test_any_relation(r):
    coherence.assert_coherent(r)


@settings(max_examples=30, database=None, derandomize=True)
@given(st.integers(2, 3))
def test_chains(n):
    coherence.assert_coherent(ring(n))


@pytest.mark.parametrize("n", [4, 5])
def test_fixed_ring(n):
    coherence.assert_coherent(ring(n))


def test_cyclic_agent():
    coherence.assert_agent_coherent(Cyclic(), items=RPS, seed=1)


def test_ranked_agent():
    coherence.assert_agent_coherent(Ranked(), items=RPS, seed=1)
'''

#: 5 failing tests (rings, any relation, two fixed rings, the cyclic agent), 2 passing
FAILED, PASSED = 5, 2


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("user_project")
    (root / "strategies.py").write_text(OWN_STRATEGIES)
    (root / "test_user.py").write_text(USER_TESTS)
    return root


def _run(root: Path, tag: str, *args: str) -> tuple[str, list[str], dict[str, str]]:
    """Run the user's suite; its summary counts, the report's cards and the JUnit properties."""
    report, xml = f"r_{tag}.html", f"j_{tag}.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args,
         f"--coherence-report={report}", f"--junitxml={xml}"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert f"{FAILED} failed, {PASSED} passed" in out, out
    counts = [line for line in out.splitlines() if " agent fault(s), " in line]
    assert len(counts) == 1, out
    html = (root / report).read_text()
    cards = re.findall(r'<section id="finding-\d+" class="finding finding-(\w+)">\s*<h2>([^<]*)',
                       html)
    tree = ET.parse(root / xml).getroot()
    props = {str(p.get("name")): str(p.get("value")) for p in tree.iter("property")
             if str(p.get("name")).startswith("coherence_")}
    props.pop("coherence_report")
    return counts[0], sorted(f"{status} {name}" for status, name in cards), props


@pytest.mark.slow
def test_xdist_run_of_a_user_project_matches_the_serial_run(project: Path) -> None:
    pytest.importorskip("xdist")
    serial = _run(project, "serial")
    parallel = _run(project, "xdist", "-p", "xdist", "-n", "2")
    assert parallel == serial
    counts, cards, props = serial
    # one card per check: the property tests count once each, with their final example
    # (5 failing checks and 1 + 1 coherent checks: the chains test checks its last example)
    assert counts == "5 exploitable, 0 agent fault(s), 0 no exploit found, 2 coherent", counts
    assert len(cards) == 7, cards
    assert sum("test_rings" in c for c in cards) == 1
    assert sum("test_any_relation" in c for c in cards) == 1
    assert sum("test_chains" in c for c in cards) == 1
    assert props == {"coherence_exploitable": "5", "coherence_faults": "0",
                     "coherence_no_exploit_found": "0", "coherence_coherent": "2"}, props
    for tag in ("serial", "xdist"):  # the ring's card holds the shrunk ring, n = 4
        html = (project / f"r_{tag}.html").read_text()
        card = html[html.index("test_user.py::test_rings"):]
        assert "in 4 trades" in card[: card.index("</section>")]

