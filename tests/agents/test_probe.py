"""Probing agents: the verdict matches the relation checker, pumps are minimal and replay,
and faulty agents give fault verdicts, never exploits."""

from __future__ import annotations

import itertools
import time
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.database import InMemoryExampleDatabase

from coherence import PreferenceRelation, check_relation
from coherence.agents import (
    NoPumpFound,
    NotAnAgentError,
    Offer,
    TradingPump,
    probe,
)
from coherence.errors import InputError
from coherence.relations import MoneyPump, WeakUtility
from coherence.reporting import add_observer, remove_observer


class MatrixAgent:
    def __init__(self, P):
        self.P = P

    def prefers(self, a, b):
        return bool(self.P[a, b])


@st.composite
def strict_relations(draw, max_n=7):
    n = draw(st.integers(2, max_n))
    P = np.zeros((n, n), dtype=bool)
    for i, j in itertools.combinations(range(n), 2):
        d = draw(st.sampled_from([0, 1, -1]))
        if d == 1:
            P[i, j] = True
        elif d == -1:
            P[j, i] = True
    return P


def _has_cycle(P):
    n = len(P)
    R = P.copy()
    for k in range(n):  # transitive closure (Warshall), brute force
        R = R | (R[:, [k]] & R[[k], :])
    return bool(np.diag(R).any())


@settings(max_examples=60, deadline=None)
@given(strict_relations())
def test_stateless_probe_agrees_with_brute_force(P):
    n = len(P)
    v = probe(MatrixAgent(P), items=range(n), seed=0)
    assert v.status == ("exploitable" if _has_cycle(P) else "coherent")
    assert v.verify()
    weak = P | np.eye(n, dtype=bool)
    assert v.coherent == check_relation(PreferenceRelation(tuple(range(n)), weak)).coherent
    if not v.coherent:
        cycle = v.certificate.cycle
        # every trade of the pump is a strict preference of the agent, and it is shortest
        for t in range(len(cycle)):
            assert P[cycle[(t + 1) % len(cycle)], cycle[t]]
        assert len(cycle) == _shortest_cycle(P)


def _shortest_cycle(P):
    n = len(P)
    best = None
    for k in range(2, n + 1):
        for combo in itertools.permutations(range(n), k):
            if combo[0] != min(combo):
                continue
            if all(P[combo[(t + 1) % k], combo[t]] for t in range(k)):
                return k
    return best


def test_planted_three_cycle_in_fifty_items_is_found_fast():
    items = [f"item{i:02d}" for i in range(50)]
    rank = {x: i for i, x in enumerate(items)}
    planted = {("item07", "item21"), ("item21", "item40"), ("item40", "item07")}

    def prefers(a, b):
        if (a, b) in planted:
            return True
        if (b, a) in planted:
            return False
        return rank[a] > rank[b]

    t0 = time.perf_counter()
    v = probe(prefers, items=items, seed=3)
    assert time.perf_counter() - t0 < 5
    assert v.status == "exploitable" and isinstance(v.certificate, MoneyPump)
    assert len(v.certificate.cycle) == 3 and v.verify()
    # every pair, 100 asked again, then the pump's 3 trades asked both ways in 6 rounds
    assert v.quantities["agent_calls"] == 50 * 49 + 100 + 3 * 2 * 6
    assert len(v.quantities["replay"]["calls"]) == 6


def test_coherent_agent_gets_a_utility():
    u = {"a": 3, "b": 1, "c": 2}
    v = probe(lambda x, y: u[x] > u[y], items=u, seed=0)
    assert v.status == "coherent" and isinstance(v.certificate, WeakUtility)
    vals = v.certificate.utility
    assert vals["a"] > vals["c"] > vals["b"]


def test_chooser_reveals_strict_preference_only_when_order_does_not_matter():
    beats = {("paper", "rock"), ("scissors", "paper"), ("rock", "scissors")}

    def choose(menu):
        a, b = menu
        return a if (a, b) in beats else b

    v = probe(choose, items=["rock", "paper", "scissors"], seed=0)
    assert v.status == "exploitable" and len(v.certificate.cycle) == 3
    # always taking the first item reveals no strict preference: nothing to pump
    v = probe(lambda menu: menu[0], items=["a", "b", "c", "d"], protocol="choose", seed=0)
    assert v.status == "coherent"


def test_chooser_with_a_menu_effect_violates_congruence():
    rank = {"a": 3, "b": 2, "c": 1, "d": 0}

    def choose(menu):  # the compromise effect: b from any menu holding a, b and c
        if {"a", "b", "c"} <= set(menu):
            return "b"
        return max(menu, key=rank.get)

    v = probe(choose, items=list("abcd"), seed=0)
    assert v.status == "exploitable" and v.certificate.kind == "choice_violation"
    assert set(v.certificate.cycle) == {"a", "b"} and v.verify()
    v = probe(lambda menu: max(menu, key=rank.get), items=list("abcd"), protocol="choose",
              seed=0)
    assert v.status == "coherent" and v.quantities["agent_calls"] == 12 + 12 + 100


def test_agent_answering_both_ways_is_a_fault_not_a_pump():
    v = probe(lambda a, b: a != b, items=["x", "y", "z"], seed=0)
    assert v.status == "fault" and v.certificate.reason == "inconsistent"
    assert v.exit_code == 3
    assert any("-> True" in e for e in v.certificate.evidence)


def test_agent_changing_its_answers_is_a_fault():
    calls = itertools.count()

    def prefers(a, b):  # a flip-flopping agent
        return (next(calls) // 7) % 2 == 0 and a < b

    v = probe(prefers, items=list("abcd"), seed=0, max_examples=50)
    assert v.status == "fault" and v.certificate.reason == "inconsistent"
    assert "asked again" in v.certificate.evidence[1]


def test_pump_questions_are_asked_again_before_reporting():
    beats = {("paper", "rock"), ("scissors", "paper"), ("rock", "scissors")}
    calls = itertools.count()

    def prefers(a, b):  # cyclic while being elicited, then changes its mind
        return next(calls) < 7 and (a, b) in beats

    v = probe(prefers, items=["rock", "paper", "scissors"], seed=0, max_examples=1)
    assert v.status == "fault"


def test_raising_and_hanging_agents_are_faults():
    def boom(a, b):
        raise ValueError("bad item")

    v = probe(boom, items=[1, 2, 3], seed=0)
    assert v.status == "fault" and v.certificate.reason == "raised"
    assert "ValueError: bad item" in v.certificate.message

    def slow(a, b):
        time.sleep(10)

    t0 = time.perf_counter()
    v = probe(slow, items=[1, 2], timeout=0.05)
    assert v.status == "fault" and v.certificate.reason == "timeout"
    assert time.perf_counter() - t0 < 2


def test_answers_outside_the_protocol_are_invalid_faults():
    v = probe(lambda a, b: None, items=[1, 2])
    assert v.status == "fault" and v.certificate.reason == "invalid" and v.exit_code == 3
    assert "expected True or False" in v.certificate.message
    v = probe(lambda menu: "zzz", items=["a", "b"], protocol="choose")
    assert v.certificate.reason == "invalid" and "not on the menu" in v.certificate.message
    with pytest.raises(NotAnAgentError):  # not an agent at all: the user's bad input
        probe(3, items=[1, 2])


def test_bad_settings():
    with pytest.raises(InputError, match="items are required"):
        probe(lambda a, b: False)
    with pytest.raises(InputError, match="two items"):
        probe(lambda a, b: False, items=["a"])
    with pytest.raises(InputError, match="duplicate"):
        probe(lambda a, b: False, items=["a", "a"])
    with pytest.raises(InputError, match="max_examples"):
        probe(lambda a, b: False, items=["a", "b"], max_examples=0)
    with pytest.raises(InputError, match="seed"):
        probe(lambda a, b: False, items=["a", "b"], seed="x")
    with pytest.raises(InputError, match="positive price"):
        probe(lambda h, o, p: False, items=["a", "b"], prices=[0, -1])
    with pytest.raises(InputError, match="DecisionProblem"):
        probe(lambda problem: 0, items=["a", "b"], protocol="act")


def test_verdicts_are_handed_to_observers():
    seen = []
    add_observer(seen.append)
    try:
        v = probe(lambda a, b: a > b, items=[1, 2, 3], seed=0)
    finally:
        remove_observer(seen.append)
    assert seen == [v]


# ---------------------------------------------------------------------------- traders
RANKS = {"ann": "ABC", "bob": "BCA", "cat": "CAB"}


class Committee:
    def votes(self, holding, offered):
        return {m: r.index(offered) < r.index(holding) for m, r in RANKS.items()}

    def accept(self, holding, offered, price):
        return sum(self.votes(holding, offered).values()) >= 2 and price <= 1


def test_committee_pump_is_three_trades_with_votes():
    v = probe(Committee, items=list("ABC"), seed=1, max_examples=30)
    assert v.status == "exploitable" and isinstance(v.certificate, TradingPump)
    pump = v.certificate
    assert len(pump.loop) == 3 and pump.prefix == () and v.verify()
    assert pump.extracted > 0 and pump.replay(Committee) == []
    for o in pump.loop:
        assert sum(o.votes.values()) == 2
    doc = v.to_json()["certificate"]
    assert doc["kind"] == "trading_pump" and len(doc["cycle"]) == 3
    assert all("votes" in t for t in doc["trades"])


class Warming:
    """Refuses the first offer it ever gets (so first trades reveal nothing), then trades by
    the committee's majority: only a search over histories finds the pump."""

    def __init__(self):
        self.offers = 0

    def accept(self, holding, offered, price):
        self.offers += 1
        if self.offers == 1:
            return False
        votes = sum(r.index(offered) < r.index(holding) for r in RANKS.values())
        return votes >= 2 and price <= Fraction(1, 10)


def test_memoryful_pump_is_shrunk_and_replayed_from_the_database():
    db = InMemoryExampleDatabase()
    v = probe(Warming, items=list("ABC"), max_examples=300, database=db)
    assert v.status == "exploitable", v.explain()
    pump = v.certificate
    assert len(pump.loop) == 3 and len(pump.offers) == 4  # one refused warm-up offer + 3
    assert not pump.offers[0].accepted and pump.verify()
    again = probe(Warming, items=list("ABC"), max_examples=300, database=db)
    assert again.status == "exploitable"
    assert again.quantities["runs"] <= 2  # replayed from the example database first
    assert [o.to_json() for o in again.certificate.offers] == [
        o.to_json() for o in pump.offers
    ]


def test_keep_unless_beaten_trader_has_no_pump():
    better = {("b", "a"), ("c", "b"), ("c", "a"), ("d", "a")}

    class Keeper:
        def __init__(self):
            self.memory = []

        def accept(self, holding, offered, price):
            self.memory.append(offered)
            return (offered, holding) in better and price <= 1

    v = probe(Keeper, items=list("abcd"), seed=0, max_examples=40, max_steps=20)
    assert v.status == "no_exploit_found" and isinstance(v.certificate, NoPumpFound)
    assert not v.conclusive and not v.verify()
    assert v.certificate.first_trades is not None and v.certificate.first_trades.verify()
    u = v.certificate.first_trades.utility
    assert u["c"] > u["b"] > u["a"] and u["d"] > u["a"]
    assert v.to_json()["certificate"]["utility"]


def test_nondeterministic_trader_is_a_fault():
    calls = itertools.count()

    def accept(holding, offered, price):  # keen at first, then never again, in every copy
        return next(calls) < 8

    v = probe(accept, items=list("ab"), seed=0, max_examples=50)
    assert v.status == "fault" and v.certificate.reason == "inconsistent"


def test_faulty_traders():
    def boom(holding, offered, price):
        raise RuntimeError("market closed")

    v = probe(boom, items=list("ab"), seed=0)
    assert v.status == "fault" and v.certificate.reason == "raised"

    def hang(holding, offered, price):
        time.sleep(10)

    t0 = time.perf_counter()
    v = probe(hang, items=list("ab"), seed=0, timeout=0.05)
    assert v.status == "fault" and v.certificate.reason == "timeout"
    assert time.perf_counter() - t0 < 3
    v = probe(lambda h, o, p: "yes", items=list("ab"), seed=0)
    assert v.status == "fault" and v.certificate.reason == "invalid"


def test_trading_pump_verification_rejects_bad_certificates():
    o = [Offer("a", "b", Fraction(1), True), Offer("b", "a", Fraction(0), True)]
    assert TradingPump("a", tuple(o), 0).verify()
    free = [Offer("a", "b", Fraction(0), True), Offer("b", "a", Fraction(0), True)]
    assert not TradingPump("a", tuple(free), 0).verify()  # nothing paid
    open_loop = [Offer("a", "b", Fraction(1), True), Offer("b", "c", Fraction(1), True)]
    assert not TradingPump("a", tuple(open_loop), 0).verify()
    wrong_holding = [Offer("a", "b", Fraction(1), True), Offer("c", "a", Fraction(1), True)]
    assert not TradingPump("a", tuple(wrong_holding), 0).verify()
    assert not TradingPump("a", tuple(o), 5).verify()
    refused = [*o[:1], Offer("b", "c", Fraction(9), False), o[1]]
    pump = TradingPump("a", tuple(refused), 0)
    assert pump.verify() and pump.extracted == 1 and len(pump.loop) == 2


# ---------------------------------------------------------------------------- bettors
def test_bettor_with_incoherent_credences_is_dutch_booked():
    gut = {"rain": Fraction(1, 2), "sun": Fraction(2, 5), "snow": Fraction(3, 10)}

    def price(event):
        return min(Fraction(1), sum((gut[s] for s in event), Fraction(0)))

    v = probe(price, items=list(gut), seed=0)
    assert v.status == "exploitable" and v.certificate.kind == "dutch_book" and v.verify()
    assert v.quantities["events"] == 8


def test_bettor_with_a_probability_is_coherent_and_many_states_are_sampled():
    n = 12
    v = probe(lambda e: Fraction(len(e), n), items=range(n), protocol="price",
              seed=0, max_examples=20)
    assert v.status == "coherent" and v.verify()
    assert v.quantities["events"] == 2 * n + 2 + 20


def test_bettor_changing_prices_is_a_fault():
    asked: dict = {}

    def price(event):  # a different price each time the same event comes up
        asked[event] = asked.get(event, -1) + 1
        return Fraction(asked[event] % 2, 2)

    v = probe(price, items=["x", "y"])
    assert v.status == "fault" and v.certificate.reason == "inconsistent"


# ---------------------------------------------------------------------------- actors
def test_actor_in_decision_problems():
    from coherence.decisions import DecisionProblem

    rain = DecisionProblem(("rain", "sun"), ("umbrella", "hat", "both"), [[3, 1, 2], [1, 3, 1]])
    easy = DecisionProblem(("rain", "sun"), ("stay", "go"), [[1, 0], [1, 2]])
    v = probe(lambda problem: problem.acts[-1], items=[easy, rain], protocol="act")
    assert v.status == "exploitable" and v.certificate.kind == "dominating_policy", v.explain()
    assert v.quantities["problem"] == 2 and v.verify()
    v = probe(lambda problem: {"umbrella": 0.5, "hat": 0.5} if len(problem.acts) == 3
              else "go", items=[easy, rain], protocol="act")
    assert v.status == "coherent" and v.certificate.kind == "bayes_prior"
    v = probe(lambda problem: "boots", items=[rain], protocol="act")
    assert v.certificate.reason == "invalid" and "not a policy" in v.certificate.message
    flips = itertools.cycle(["umbrella", "hat"])
    v = probe(lambda problem: next(flips), items=[rain], protocol="act")
    assert v.status == "fault" and v.certificate.reason == "inconsistent"
