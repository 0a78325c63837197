"""Trader certificates and evidence read back from JSON, and ``coherence.probe`` stays the
function whatever was imported first."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest

from coherence.agents import NoPumpFound, Offer, TradingPump, probe
from coherence.errors import InputError
from coherence.verdict import Verdict, from_json

RANKS = {"ann": "ABC", "bob": "BCA", "cat": "CAB"}


class Committee:
    def votes(self, holding, offered):
        return {m: r.index(offered) < r.index(holding) for m, r in RANKS.items()}

    def accept(self, holding, offered, price):
        return sum(self.votes(holding, offered).values()) >= 2 and price <= 1


class Keeper:
    def accept(self, holding, offered, price):
        return offered > holding and price <= 1


def _through_json(doc):
    return json.loads(json.dumps(doc))  # what a saved file gives back


def test_trading_pump_round_trips_through_json():
    v = probe(Committee, items=list("ABC"), seed=1, max_examples=30)
    pump = v.certificate
    assert isinstance(pump, TradingPump)
    back = from_json(_through_json(pump.to_json()))
    assert isinstance(back, TradingPump) and back.verify()
    assert back.start == pump.start and back.loop_start == pump.loop_start
    assert back.offers == pump.offers  # votes and exact prices included
    assert back.to_json() == pump.to_json()
    assert back.replay(Committee) == []  # still replays against the agent
    again = Verdict.from_json(_through_json(v.to_json()))
    assert again.status == "exploitable" and again.verify()


def test_pump_with_a_prefix_and_tuple_labels_round_trips():
    a, b, c = ("x", 1), ("y", 2), ("z", 3)
    offers = (Offer(a, c, Fraction(-1, 3), False), Offer(a, b, Fraction(1, 7), True),
              Offer(b, a, Fraction(0), True))
    pump = TradingPump(a, offers, 1)
    assert pump.verify()
    back = TradingPump.from_json(_through_json(pump.to_json()))
    assert isinstance(back, TradingPump)
    assert back.offers == offers and back.prefix == offers[:1] and back.verify()
    assert back.to_json() == pump.to_json()


def test_no_pump_found_round_trips_with_its_first_trades_utility():
    v = probe(Keeper, items=list("abcd"), seed=0, max_examples=10, max_steps=10)
    evidence = v.certificate
    assert isinstance(evidence, NoPumpFound) and evidence.first_trades is not None
    back = from_json(_through_json(evidence.to_json()))
    assert isinstance(back, NoPumpFound)
    assert (back.runs, back.offers, back.trades, back.max_steps) == (
        evidence.runs, evidence.offers, evidence.trades, evidence.max_steps)
    assert back.first_trades is not None and back.first_trades.verify()
    assert back.first_trades.utility == evidence.first_trades.utility
    assert back.to_json() == evidence.to_json()
    again = Verdict.from_json(_through_json(v.to_json()))
    assert again.status == "no_exploit_found" and again.exit_code == 0


def test_no_pump_found_without_first_trades_round_trips():
    evidence = NoPumpFound(runs=3, offers=9, trades=2, max_steps=5)
    back = from_json(evidence.to_json())
    assert isinstance(back, NoPumpFound) and back.first_trades is None
    assert back.to_json() == evidence.to_json()


def test_tampered_documents_are_input_errors():
    v = probe(Keeper, items=list("abc"), seed=0, max_examples=5, max_steps=5)
    doc = _through_json(v.certificate.to_json())
    doc["first_trades"]["values"] = list(reversed(doc["first_trades"]["values"]))
    with pytest.raises(InputError, match="does not verify"):
        from_json(doc)
    pump = probe(Committee, items=list("ABC"), seed=1, max_examples=30).certificate.to_json()
    del pump["transcript"]
    with pytest.raises(InputError, match="malformed"):
        from_json(pump)


def _fresh_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


def test_coherence_probe_is_the_function_after_the_old_module_path_is_imported():
    code = """
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    from coherence.probe import TradingPump
assert any(issubclass(w.category, DeprecationWarning) and "coherence.probe" in str(w.message)
           for w in caught), [str(w.message) for w in caught]
import coherence
import coherence.agents
assert TradingPump is coherence.agents.TradingPump
assert callable(coherence.probe) and coherence.probe is coherence.agents.probe, coherence.probe
v = coherence.probe(lambda a, b: a > b, items=[1, 2, 3], seed=0)
print(v.status)
"""
    proc = _fresh_python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "coherent"


def test_coherence_probe_is_the_function_after_importing_the_agents_package():
    code = """
import coherence.agents
import coherence
assert coherence.probe is coherence.agents.probe, coherence.probe
print(coherence.probe(lambda a, b: a < b, items=["x", "y"], seed=0).status)
"""
    proc = _fresh_python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "coherent"


def test_every_pump_names_its_cycle():
    class CyclicTrader:
        def accept(self, holding, offered, price):
            return (offered, holding) in {("r", "p"), ("p", "s"), ("s", "r")} and price <= 1

    pump = probe(CyclicTrader, items=list("rps"), seed=0, max_examples=20).certificate
    assert isinstance(pump, TradingPump)
    assert list(pump.cycle) == pump.to_json()["cycle"] and len(pump.cycle) == 3
