"""Every exploit's verdict holds its questions and answers, and :func:`replay` asks them again:
the exploit holds, the agent no longer falls for it, or it faults."""

from __future__ import annotations

import json

import pytest

from coherence.agents import ReplayDiffers, probe, replay
from coherence.decisions import DecisionProblem
from coherence.errors import InputError
from tests.agents import designs

RAIN = DecisionProblem(("rain", "sun"), ("umbrella", "hat", "both"), [[3, 1, 2], [1, 3, 1]])


def _saved(v):
    assert v.status == "exploitable", v.explain()
    return json.loads(json.dumps(v.to_json()))  # what a saved file gives back


EXPLOITS = {
    "comparer": (designs.Cyclic(), ["rock", "paper", "scissors"], {}, lambda a, b: False),
    "trader": (designs.Committee, list("ABC"), {"max_examples": 30}, designs.Dictator),
    "chooser": (designs.Compromise(), list("abcd"), {}, designs.Best()),
    "bettor": (designs.Gut(), list(designs.GUT), {}, designs.Calibrated()),
    "actor": (lambda problem: problem.acts[-1], [RAIN], {"protocol": "act"},
              lambda problem: "umbrella"),
}


@pytest.mark.parametrize("case", sorted(EXPLOITS))
def test_exploits_replay_and_fixed_agents_do_not(case):
    agent, items, options, fixed = EXPLOITS[case]
    doc = _saved(probe(agent, items=items, seed=1, **options))
    record = doc["quantities"]["replay"]
    assert record["protocol"] == ("act" if case == "actor" else record["protocol"])
    assert record["calls"] and all({"args", "answer"} <= set(c) for c in record["calls"])
    again = replay(doc, agent)
    assert again.status == "exploitable" and again.exit_code == 1 and again.verify()
    assert again.certificate.to_json() == doc["certificate"]
    assert again.quantities["replayed"] >= 32
    moved = replay(doc, fixed)
    assert moved.status == "no_exploit_found" and moved.exit_code == 0, moved.explain()
    assert isinstance(moved.certificate, ReplayDiffers) and moved.certificate.changed


def test_a_trader_pump_records_the_whole_transcript_in_order():
    doc = _saved(probe(designs.Committee, items=list("ABC"), seed=1, max_examples=30))
    record = doc["quantities"]["replay"]
    assert record["in_order"] is True and record["fresh"] is True  # a class: new instances
    offers = doc["certificate"]["transcript"]
    assert [c["args"] for c in record["calls"]] == [
        [o["holding"], o["offered"], o["fee"]] for o in offers]
    assert [c["answer"] for c in record["calls"]] == [o["accepted"] for o in offers]


def test_answers_that_change_between_rounds_are_a_fault():
    doc = _saved(probe(designs.Committee, items=list("ABC"), seed=1, max_examples=30))
    v = replay(doc, designs.CoinTrader)
    assert v.status == "fault" and v.certificate.reason == "inconsistent"
    assert v.exit_code == 3 and len(v.certificate.evidence) == 2


def test_replay_takes_a_target_and_runs_in_process_too():
    doc = _saved(probe(designs.Cyclic(), items=["rock", "paper", "scissors"], seed=0))
    target = f"{designs.__file__}:Cyclic"
    assert replay(doc, target).status == "exploitable"
    assert replay(doc, target, isolation="none").status == "exploitable"
    with pytest.raises(InputError, match="prefers"):  # the record's protocol is asked for
        replay(doc, f"{designs.__file__}:Best")


def test_only_exploits_with_a_record_replay():
    coherent = probe(designs.Best(), items=list("abc"), seed=0).to_json()
    with pytest.raises(InputError, match="no exploit to replay"):
        replay(coherent, designs.Best())
    doc = _saved(probe(designs.Cyclic(), items=["rock", "paper", "scissors"], seed=0))
    bare = {**doc, "quantities": {}}
    with pytest.raises(InputError, match="no replay record"):
        replay(bare, designs.Cyclic())
    broken = json.loads(json.dumps(doc))
    broken["quantities"]["replay"]["calls"][0]["args"] = ["rock"]
    with pytest.raises(InputError, match="argument"):
        replay(broken, designs.Cyclic())
    tampered = json.loads(json.dumps(doc))
    tampered["certificate"]["cycle"] = tampered["certificate"]["cycle"][:2]
    with pytest.raises(InputError):
        replay(tampered, designs.Cyclic())  # the certificate is verified before any question


@pytest.mark.parametrize("agent", ["Cyclic", "CyclicChooser"])
def test_a_record_that_no_longer_holds_what_the_pump_rests_on_is_refused(agent):
    """An altered record (a question dropped, or its answer turned round) must not confirm
    the pump against an agent that was never asked the pump's questions."""
    design = getattr(designs, agent)
    doc = _saved(probe(design(), items=["rock", "paper", "scissors"], seed=0))
    calls = doc["quantities"]["replay"]["calls"]
    assert replay(doc, design()).status == "exploitable"
    for k in range(len(calls)):
        dropped = json.loads(json.dumps(doc))
        del dropped["quantities"]["replay"]["calls"][k]
        with pytest.raises(InputError, match="does not hold"):
            replay(dropped, design())
    if doc["quantities"]["replay"]["protocol"] == "prefers":
        flipped = json.loads(json.dumps(doc))
        flipped["quantities"]["replay"]["calls"][0]["answer"] ^= True
        with pytest.raises(InputError, match="does not hold"):
            replay(flipped, design())


def test_replay_differs_round_trips_through_json():
    from coherence.verdict import from_json

    e = ReplayDiffers(2, ("prefers('a', 'b') -> False, was True",))
    assert from_json(json.loads(json.dumps(e.to_json()))) == e
    assert "no longer falls" in e.explain()
