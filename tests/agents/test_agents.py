"""Adapting user agents: shapes accepted, clear errors, guarded calls (in a worker process and
in-process)."""

from __future__ import annotations

import contextlib
import threading
import time
from fractions import Fraction

import numpy as np
import pytest

from coherence.agents import (
    ISOLATIONS,
    PROTOCOLS,
    Agent,
    AgentFaulted,
    NotAnAgentError,
    adapt,
)
from coherence.agents._limits import call_with_limit
from coherence.errors import InputError


class Ranked:
    def prefers(self, a, b):
        return a > b


class Trader:
    def __init__(self):
        self.seen = 0

    def accept(self, holding, offered, price):
        self.seen += 1
        return offered > holding and price <= 1


@pytest.fixture(params=ISOLATIONS)
def isolation(request):
    return request.param


def here(obj, **kwargs):
    """Adapt in-process (for tests of the shapes and answers, where no process is needed)."""
    return adapt(obj, isolation="none", **kwargs)


def test_object_class_and_factory(isolation):
    with adapt(Ranked(), isolation=isolation) as ag:
        assert ag.protocol == "prefers" and ag.prefers(2, 1) and not ag.prefers(1, 2)
        assert adapt(ag) is ag and ag.isolation == isolation
    with adapt(Ranked, isolation=isolation) as cls:
        assert cls.factory is Ranked and cls.name == "Ranked"
    with adapt(lambda: Trader(), isolation=isolation) as fac:
        assert fac.protocol == "accept" and fac.factory is not None


def test_plain_functions_by_name_and_arity():
    def prefers(a, b):
        return a < b

    def whatever(holding, offered, price):
        return False

    assert here(prefers).protocol == "prefers"
    assert here(lambda a, b: a < b).protocol == "prefers"
    assert here(whatever).protocol == "accept"
    assert here(lambda m: m[0], protocol="choose").choose(["x", "y"]) == "x"
    with pytest.raises(NotAnAgentError, match="pass protocol="):
        here(lambda m: m[0])


def test_not_an_agent_names_the_methods(isolation):
    for bad in (42, "text", object(), [1, 2]):
        with pytest.raises(NotAnAgentError) as err:
            adapt(bad, isolation=isolation)
        msg = str(err.value)
        assert all(f"{p}(" in msg for p in PROTOCOLS)
    assert issubclass(NotAnAgentError, InputError)
    with pytest.raises(NotAnAgentError, match="accept"):
        adapt(Ranked(), protocol="accept", isolation=isolation)


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan"), True, "1"])
def test_bad_settings_are_input_errors(bad):
    with pytest.raises(InputError, match="timeout must be a positive, finite"):
        adapt(Ranked(), timeout=bad)
    with pytest.raises(InputError, match="budget must be a positive, finite"):
        adapt(Ranked(), budget=bad)
    with pytest.raises(InputError, match="unknown protocol"):
        adapt(Ranked(), protocol="compare")
    with pytest.raises(InputError, match="isolation must be one of"):
        adapt(Ranked(), isolation="thread")


def test_constructor_errors(isolation):
    class NeedsArgs:
        def __init__(self, x):
            pass

        def prefers(self, a, b):
            return False

    class Broken:
        def __init__(self):
            raise RuntimeError("no")

        def prefers(self, a, b):
            return False

    with pytest.raises(InputError, match="cannot create"):
        adapt(NeedsArgs, isolation=isolation)
    with pytest.raises(AgentFaulted, match="raised RuntimeError") as err:  # the agent's fault
        adapt(Broken, isolation=isolation)
    assert err.value.fault.reason == "raised"


def _invalid(agent, method, *args):
    with pytest.raises(AgentFaulted) as err:
        getattr(agent, method)(*args)
    assert err.value.fault.reason == "invalid"
    return err.value.fault.message


def test_answers_are_validated(isolation):
    def ask(fn, method, *args, protocol=None):
        with adapt(fn, protocol=protocol, isolation=isolation) as ag:
            return getattr(ag, method)(*args)

    def invalid(fn, method, *args, protocol=None):
        with adapt(fn, protocol=protocol, isolation=isolation) as ag:
            return _invalid(ag, method, *args)

    assert ask(lambda a, b: np.bool_(True), "prefers", 1, 2) is True
    assert "prefers(1, 2) returned 1, expected True" in invalid(lambda a, b: 1, "prefers", 1, 2)
    assert "not on the menu" in invalid(lambda menu: "z", "choose", ["x", "y"],
                                        protocol="choose")
    assert "expected a number" in invalid(lambda e: "0.5", "price", frozenset(),
                                          protocol="price")
    assert "finite" in invalid(lambda e: float("nan"), "price", frozenset(), protocol="price")
    # a float is read as the decimal it shows (the number policy)
    assert ask(lambda e: 0.1, "price", frozenset(), protocol="price") == Fraction(1, 10)
    assert ask(lambda e: np.int64(3), "price", frozenset(), protocol="price") == 3
    assert ask(lambda e: Fraction(1, 3), "price", frozenset(), protocol="price") == Fraction(1, 3)
    assert "finite" in invalid(lambda e: np.float32("inf"), "price", frozenset(),
                               protocol="price")


def test_menu_given_to_agent_is_a_copy():
    def choose(menu):
        menu.clear()
        return "x"

    menu = ["x", "y"]
    assert here(choose).choose(menu) == "x"  # it emptied its own copy
    assert menu == ["x", "y"]
    assert here(lambda m: m[-1], protocol="choose").choose(("x", "y")) == "y"


def test_raising_agent_is_a_fault_with_evidence(isolation):
    def prefers(a, b):
        print("looking at", a)
        raise KeyError(a)

    with adapt(prefers, isolation=isolation) as ag, pytest.raises(AgentFaulted) as err:
        ag.prefers("p", "q")
    fault = err.value.fault
    assert fault.reason == "raised"
    assert "prefers('p', 'q')" in fault.evidence[0] and "KeyError" in fault.evidence[0]
    assert "looking at p" in fault.evidence[-1]  # what it printed


@pytest.mark.parametrize("on_thread", [False, True])
def test_hanging_agent_times_out_in_process(on_thread):
    def prefers(a, b):
        time.sleep(5)
        return True

    ag = here(prefers, timeout=0.1)
    box = {}

    def run():
        t0 = time.perf_counter()
        try:
            ag.prefers(1, 2)
        except AgentFaulted as exc:
            box["fault"] = exc.fault
        box["elapsed"] = time.perf_counter() - t0

    if on_thread:  # off the main thread the call runs on a worker thread
        t = threading.Thread(target=run)
        t.start()
        t.join()
    else:
        run()
    assert box["fault"].reason == "timeout"
    assert box["elapsed"] < 2


def test_busy_loop_is_interrupted_and_cannot_swallow_the_alarm():
    def prefers(a, b):
        while True:
            with contextlib.suppress(Exception):  # catching Exception cannot stop the limit
                pass

    with pytest.raises(AgentFaulted):
        here(prefers, timeout=0.1).prefers(1, 2)


def test_call_with_limit_restores_alarm_state():
    import signal

    before = signal.getsignal(signal.SIGALRM)
    assert call_with_limit(lambda x: x + 1, (1,), 0.5) == 2
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0.0
    assert call_with_limit(lambda: 3, (), None) == 3


class Counting:
    """Accepts its first offer only: its answers tell whether it is a fresh copy."""

    def __init__(self):
        self.seen = 0

    def accept(self, holding, offered, price):
        self.seen += 1
        return self.seen == 1


def test_fresh_copies_start_from_the_initial_state(isolation):
    t = Counting()
    with adapt(t, isolation=isolation) as ag:
        assert ag.accept(1, 2, Fraction(0)) and not ag.accept(1, 2, Fraction(0))
        fresh = ag.fresh()
        assert isinstance(fresh, Agent) and fresh.accept(1, 2, Fraction(0))
        assert ag.calls == 3 and fresh.calls == 3  # copies share the call counter
    assert t.seen == (2 if isolation == "none" else 0)  # a worker's copy is its own
    with adapt(Counting, isolation=isolation) as by_class:
        assert by_class.accept(1, 2, Fraction(0)) and by_class.fresh().accept(1, 2, Fraction(0))


def test_votes_are_read_when_present(isolation):
    class Committee:
        def accept(self, h, o, p):
            return True

        def votes(self, h, o):
            return {"a": True, "b": np.bool_(False)}

    with adapt(Committee(), isolation=isolation) as ag:
        assert ag.has_votes and ag.votes(1, 2) == {"a": True, "b": False}
    assert here(Trader()).votes(1, 2) is None

    class BadVotes(Committee):
        def votes(self, h, o):
            return [True]

    with adapt(BadVotes(), isolation=isolation) as ag:
        assert "mapping" in _invalid(ag, "votes", 1, 2)
