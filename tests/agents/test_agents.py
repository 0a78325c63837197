"""Adapting user agents: shapes accepted, clear errors, guarded calls."""

from __future__ import annotations

import contextlib
import threading
import time
from fractions import Fraction

import numpy as np
import pytest

from coherence.agents import (
    PROTOCOLS,
    Agent,
    AgentFaulted,
    AgentProtocolError,
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


def test_object_class_and_factory():
    ag = adapt(Ranked())
    assert ag.protocol == "prefers" and ag.prefers(2, 1) and not ag.prefers(1, 2)
    cls = adapt(Ranked)
    assert cls.factory is Ranked and cls.name == "Ranked"
    fac = adapt(lambda: Trader())
    assert fac.protocol == "accept" and fac.factory is not None
    assert adapt(ag) is ag


def test_plain_functions_by_name_and_arity():
    def prefers(a, b):
        return a < b

    def whatever(holding, offered, price):
        return False

    assert adapt(prefers).protocol == "prefers"
    assert adapt(lambda a, b: a < b).protocol == "prefers"
    assert adapt(whatever).protocol == "accept"
    assert adapt(lambda m: m[0], protocol="choose").choose(["x", "y"]) == "x"
    with pytest.raises(NotAnAgentError, match="pass protocol="):
        adapt(lambda m: m[0])


def test_not_an_agent_names_the_methods():
    for bad in (42, "text", object(), [1, 2]):
        with pytest.raises(NotAnAgentError) as err:
            adapt(bad)
        msg = str(err.value)
        assert all(f"{p}(" in msg for p in PROTOCOLS)
    assert issubclass(NotAnAgentError, InputError)
    with pytest.raises(NotAnAgentError, match="accept"):
        adapt(Ranked(), protocol="accept")
    with pytest.raises(InputError, match="unknown protocol"):
        adapt(Ranked(), protocol="compare")
    with pytest.raises(InputError, match="timeout"):
        adapt(Ranked(), timeout=0)


def test_constructor_errors_are_input_errors():
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
        adapt(NeedsArgs)
    with pytest.raises(InputError, match="raised RuntimeError"):
        adapt(Broken)


def test_answers_are_validated():
    assert adapt(lambda a, b: np.bool_(True)).prefers(1, 2) is True
    with pytest.raises(AgentProtocolError, match=r"prefers\(1, 2\) returned 1, expected True"):
        adapt(lambda a, b: 1).prefers(1, 2)
    with pytest.raises(AgentProtocolError, match="not on the menu"):
        adapt(lambda menu: "z", protocol="choose").choose(["x", "y"])
    with pytest.raises(AgentProtocolError, match="expected a number"):
        adapt(lambda e: "0.5", protocol="price").price(frozenset())
    with pytest.raises(AgentProtocolError, match="finite"):
        adapt(lambda e: float("nan"), protocol="price").price(frozenset())
    assert adapt(lambda e: 0.1, protocol="price").price(frozenset()) == Fraction(0.1)
    # numpy numbers are read exactly too, whatever their width
    assert adapt(lambda e: np.float32(0.1), protocol="price").price(frozenset()) == Fraction(
        float(np.float32(0.1)))
    assert adapt(lambda e: np.int64(3), protocol="price").price(frozenset()) == 3
    assert adapt(lambda e: Fraction(1, 3), protocol="price").price(frozenset()) == Fraction(1, 3)
    with pytest.raises(AgentProtocolError, match="finite"):
        adapt(lambda e: np.float32("inf"), protocol="price").price(frozenset())


def test_menu_given_to_agent_is_a_copy():
    def choose(menu):
        menu.clear()
        return "x"

    menu = ["x", "y"]
    assert adapt(choose).choose(menu) == "x"  # it emptied its own copy
    assert menu == ["x", "y"]
    assert adapt(lambda m: m[-1], protocol="choose").choose(("x", "y")) == "y"


def test_raising_agent_is_a_fault_with_evidence():
    def prefers(a, b):
        raise KeyError(a)

    with pytest.raises(AgentFaulted) as err:
        adapt(prefers).prefers("p", "q")
    fault = err.value.fault
    assert fault.reason == "raised"
    assert "prefers('p', 'q')" in fault.evidence[0] and "KeyError" in fault.evidence[0]


@pytest.mark.parametrize("on_thread", [False, True])
def test_hanging_agent_times_out(on_thread):
    def prefers(a, b):
        time.sleep(5)
        return True

    ag = adapt(prefers, timeout=0.1)
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
        adapt(prefers, timeout=0.1).prefers(1, 2)


def test_call_with_limit_restores_alarm_state():
    import signal

    before = signal.getsignal(signal.SIGALRM)
    assert call_with_limit(lambda x: x + 1, (1,), 0.5) == 2
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0.0
    assert call_with_limit(lambda: 3, (), None) == 3


def test_fresh_copies_start_from_the_initial_state():
    t = Trader()
    ag = adapt(t)
    ag.accept(1, 2, Fraction(0))
    assert t.seen == 1
    fresh = ag.fresh()
    assert isinstance(fresh, Agent) and fresh.target is not t and fresh.target.seen == 0
    by_class = adapt(Trader).fresh()
    assert by_class.target.seen == 0
    assert ag.calls == 1 and fresh.calls == 1  # copies share the call counter


def test_votes_are_read_when_present():
    class Committee:
        def accept(self, h, o, p):
            return True

        def votes(self, h, o):
            return {"a": True, "b": np.bool_(False)}

    ag = adapt(Committee())
    assert ag.has_votes and ag.votes(1, 2) == {"a": True, "b": False}
    assert adapt(Trader()).votes(1, 2) is None

    class BadVotes(Committee):
        def votes(self, h, o):
            return [True]

    with pytest.raises(AgentProtocolError, match="mapping"):
        adapt(BadVotes()).votes(1, 2)
