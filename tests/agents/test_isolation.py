"""Every way out of a probed agent is a fault: exceptions of any kind, exits, crashes, hangs,
printing, wrong types; and a random tie-break is never an exploit (the API; the CLI cases are
in tests/cli/test_cli_check.py)."""

from __future__ import annotations

import time
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coherence.agents import AgentFaulted, load_agent, probe
from coherence.errors import InputError
from tests.agents import faulty

ITEMS = faulty.ITEMS


def _fault(v, reason):
    assert v.status == "fault" and v.exit_code == 3, v.explain()
    assert v.certificate.reason == reason, v.explain()
    return v.certificate


@pytest.mark.parametrize("isolation", ["process", "none"])
@pytest.mark.parametrize("exc", [SystemExit, KeyboardInterrupt, GeneratorExit, BaseException,
                                 ValueError])
def test_any_exception_is_a_fault_never_an_escape(isolation, exc):
    fault = _fault(probe(faulty.Raises(exc), items=ITEMS, isolation=isolation), "raised")
    assert exc.__name__ in fault.message


@pytest.mark.parametrize("isolation", ["process", "none"])
@pytest.mark.parametrize("code", [0, 1])
def test_sys_exit_chooses_no_exit_status(isolation, code):
    fault = _fault(probe(faulty.Exits(code), items=ITEMS, isolation=isolation), "raised")
    assert f"SystemExit: {code}" in fault.message


def test_exiting_or_crashing_process_is_a_fault():
    fault = _fault(probe(faulty.OsExit(), items=ITEMS), "exited")
    assert "exited with status 0" in fault.message
    fault = _fault(probe(faulty.Segfault(), items=ITEMS), "exited")
    assert "SIGSEGV" in fault.message
    assert any("Fatal Python error" in e for e in fault.evidence)  # the crash's own report
    _fault(probe(faulty.ExitingTrader(), items=ITEMS, seed=0), "raised")
    fault = _fault(probe(faulty.ExitingBettor(), items=ITEMS), "exited")
    assert "status 3" in fault.message


@pytest.mark.parametrize("agent", [faulty.SwallowsInterrupt(), faulty.CLoop(), faulty.Late()],
                         ids=["swallows-interrupt", "c-loop", "late"])
def test_hangs_are_killed_at_the_limit(agent):
    t0 = time.perf_counter()
    fault = _fault(probe(agent, items=ITEMS, timeout=0.3), "timeout")
    assert time.perf_counter() - t0 < 3  # the worker is killed, not waited for
    assert "within 0.3 s" in fault.message and "killed" in fault.evidence[0]


def test_late_answers_are_not_accepted():
    v = probe(faulty.Late(), items=ITEMS, timeout=1)
    _fault(v, "timeout")  # not "inconsistent", and not 25 s later
    assert v.quantities["agent_calls"] == 1


def test_the_budget_bounds_the_whole_probe():
    t0 = time.perf_counter()
    fault = _fault(probe(faulty.Late(), items=ITEMS, timeout=5, budget=0.5), "timeout")
    assert "budget of 0.5 s" in fault.message and time.perf_counter() - t0 < 3


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), 0, -1])
def test_timeout_and_budget_must_be_positive_and_finite(bad):
    with pytest.raises(InputError, match="positive, finite"):
        probe(faulty.Late(), items=ITEMS, timeout=bad)
    with pytest.raises(InputError, match="positive, finite"):
        probe(faulty.Late(), items=ITEMS, budget=bad)


@pytest.mark.parametrize("isolation", ["process", "none"])
def test_printing_is_captured_into_the_evidence(isolation, capfd):
    v = probe(faulty.Printer(), items=ITEMS, seed=0, isolation=isolation)
    assert v.status == "coherent"
    out, err = capfd.readouterr()
    assert "thinking about" not in out and "still thinking" not in err
    if isolation == "process":
        assert "raw bytes" not in out  # fd 1 of the worker is not ours
    fault = _fault(probe(faulty.PrintingRaiser(), items=ITEMS, isolation=isolation), "raised")
    assert "GeneratorExit" in fault.message and "is a secret" in fault.evidence[-1]


@pytest.mark.parametrize("seed", range(20))
def test_random_tie_break_over_a_weak_order_is_never_an_exploit(seed):
    v = probe(faulty.TieBreaker(), items=ITEMS, seed=seed)
    assert v.status in ("fault", "coherent"), v.explain()
    if v.status == "fault":
        fault = _fault(v, "inconsistent")
        first, again = (e.rsplit(" -> ", 1)[1].split()[0] for e in fault.evidence)
        assert first != again  # both answers are shown


def test_an_import_that_fails_hangs_or_exits_is_a_fault(tmp_path):
    cases = {
        "raises": "raise BaseException('at import')\n",
        "exits": "import sys\nsys.exit(0)\n",
        "dies": "import os\nos._exit(4)\n",
        "loops": "while True:\n    pass\n",
    }
    reasons = {"raises": "raised", "exits": "raised", "dies": "exited", "loops": "timeout"}
    for name, text in cases.items():
        path = tmp_path / f"{name}.py"
        path.write_text(text + "def prefers(a, b):\n    return a < b\n")
        with pytest.raises(AgentFaulted) as err:
            load_agent(f"{path}:prefers", budget=1)
        assert err.value.fault.reason == reasons[name], (name, err.value.fault)
    with pytest.raises(InputError, match="no such file"):  # the user's own mistakes: exit 2
        load_agent(f"{tmp_path}/missing.py:prefers")
    (tmp_path / "ok.py").write_text("X = 1\n")
    with pytest.raises(InputError, match="has no attribute"):
        load_agent(f"{tmp_path / 'ok.py'}:nothing")


# ------------------------------------------------------------------ randomly faulty agents
PROTOCOL_RUNS = {"prefers": {}, "choose": {}, "accept": {"max_examples": 5, "max_steps": 6},
                 "price": {}}


@st.composite
def faulty_agents(draw):
    kind = draw(st.sampled_from(faulty.KINDS))
    protocol = draw(st.sampled_from(sorted(PROTOCOL_RUNS)))
    trigger = draw(st.integers(0, 40))
    which = draw(st.integers(0, 10))
    return protocol, faulty.Faulty(kind, trigger, uuid.uuid4().hex, which)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(faulty_agents(), st.integers(0, 3))
def test_randomly_faulty_agents_never_give_a_false_exploit(case, seed):
    protocol, agent = case
    v = probe(agent, items=ITEMS, protocol=protocol, seed=seed, timeout=0.3,
              **PROTOCOL_RUNS[protocol])
    assert v.status != "exploitable", v.explain()
    reached = v.quantities.get("agent_calls", 0) > agent.trigger
    if agent.kind in ("raise", "hang", "exit") and reached:
        want = {"raise": "raised", "hang": "timeout", "exit": "exited"}[agent.kind]
        _fault(v, want)
    if agent.kind == "print":
        assert v.status in ("coherent", "no_exploit_found"), v.explain()
    if v.status == "fault":
        assert agent.kind != "print" and reached, v.explain()


SCRIPT = '''
import coherence

class Item:  # a class of the script's own __main__, used by the items
    def __init__(self, v):
        self.v = v
    def __hash__(self):
        return hash(self.v)
    def __eq__(self, other):
        return isinstance(other, Item) and other.v == self.v
    def __repr__(self):
        return f"Item({self.v})"

class Agent:  # and an agent defined there, probed with no __main__ guard
    def prefers(self, a, b):
        return a.v > b.v

v = coherence.probe(Agent(), items=[Item(1), Item(2), Item(3)], seed=0)
w = coherence.probe(lambda a, b: a.v % 3 == (b.v + 1) % 3, items=[Item(1), Item(2), Item(3)],
                    seed=0)
print(v.status, w.status)
'''


def test_a_script_without_a_main_guard_probes_its_own_classes(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "user_script.py"
    script.write_text(SCRIPT)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["coherent", "exploitable"]
