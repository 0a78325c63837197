"""The language-model harness with callable backends: orders, parsing, policies, bias,
cache and resume, faults, pair selection."""

from __future__ import annotations

import random

import numpy as np
import pytest

pytest.importorskip("torch")

from coherence.bridge.llm import (
    AnswerParser,
    CallableBackend,
    PromptTemplate,
    ResponseCache,
    audit_llm,
    elicit_llm,
)
from coherence.errors import InputError

TEMPLATE = "Option A: {a}\nOption B: {b}\nWhich is better? Answer A or B."
ITEMS = ["apple", "banana", "cherry", "date", "elderberry"]
UTILITY = {x: k for k, x in enumerate(ITEMS)}  # later in the list is better


def options(prompt: str) -> tuple[str, str]:
    lines = prompt.splitlines()
    return lines[0].removeprefix("Option A: "), lines[1].removeprefix("Option B: ")


class Counting:
    """A backend function that counts the prompts it answers."""

    def __init__(self, pick, fail_after: int | None = None) -> None:
        self.pick = pick
        self.calls = 0
        self.fail_after = fail_after

    def __call__(self, prompts):
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise ConnectionError("backend went away")
        self.calls += len(prompts)
        return [self.pick(*options(p)) for p in prompts]


def utility_judge(a: str, b: str) -> str:
    return "A" if UTILITY[a] > UTILITY[b] else "B"


def test_a_utility_maximiser_is_coherent_and_recovers_the_order():
    result = audit_llm(Counting(utility_judge), ITEMS, TEMPLATE, samples=2)
    assert result.coherent and result.verdict.verify()
    bt = result.bradley_terry()
    assert sorted(bt, key=bt.get) == ITEMS
    assert result.elicitation.calls == 2 * 2 * 10
    assert result.elicitation.positional_bias().estimate == 0.0


def test_a_cyclic_judge_gives_a_verified_pump_over_item_texts():
    beats = {("apple", "banana"), ("banana", "cherry"), ("cherry", "apple")}
    result = audit_llm(lambda ps: ["A" if options(p) in beats else "B" for p in ps],
                       ITEMS[:3], TEMPLATE, samples=1)
    assert not result.coherent and result.verdict.verify()
    assert set(result.verdict.certificate.labels) == set(ITEMS[:3])
    doc = result.to_json()
    assert doc["certificate"]["kind"] and doc["status"] == "exploitable"
    assert set(doc["bradley_terry"]) == set(ITEMS[:3])


def test_positional_bias_is_measured_and_removed_by_pairing_orders():
    rng = random.Random(0)

    def biased(a, b):  # prefers the better item, but says A 30 % of the time regardless
        return "A" if rng.random() < 0.3 else utility_judge(a, b)

    el = elicit_llm(Counting(biased), ITEMS, TEMPLATE, samples=40)
    pb = el.positional_bias()
    assert 0.1 < pb.estimate < 0.2 and pb.low < pb.estimate < pb.high
    assert pb.method == "wilson"
    P = el.matrix()
    np.testing.assert_allclose(P + P.T, 1.0)
    # order-paired: P[better, worse] ≈ 0.85 = ½((0.3 + 0.7) + 0.7), not skewed by position
    assert abs(P[4, 0] - 0.85) < 0.1 and abs(P[0, 4] - 0.15) < 0.1
    p1, p2 = el.order_shares()
    assert p1[4, 0] > p2[4, 0]  # the better item does better when shown first


@pytest.mark.parametrize("policy, expected", [("half", 0.75), ("exclude", 1.0)])
def test_unparseable_answers_follow_the_stated_policy(policy, expected):
    flip = {"n": 0}

    def sometimes_rambles(a, b):
        flip["n"] += 1
        return "I cannot decide" if flip["n"] % 2 else utility_judge(a, b)

    el = elicit_llm(Counting(sometimes_rambles), ITEMS[:3], TEMPLATE, samples=4,
                    unparseable=policy)
    assert el.unparseable.sum() == el.asked.sum() // 2
    assert el.unparseable_summary()["policy"] == policy
    assert el.matrix()[2, 0] == pytest.approx(expected)


def test_parser_labels_and_regex_are_configurable():
    p = AnswerParser(labels=("first", "second"), ignore_case=True)
    assert (p.parse("The FIRST one"), p.parse("second."), p.parse("firstly")) == (0, 1, -1)
    rx = AnswerParser(pattern=r"Answer:\s*\(?([AB])\)?")
    assert (rx.parse("B is nice. Answer: (A)"), rx.parse("B")) == (0, -1)
    with pytest.raises(InputError):
        AnswerParser(labels=("A", "A"))
    with pytest.raises(InputError):
        AnswerParser(pattern="no group")


def test_templates_and_items_are_checked():
    for bad in ("{a} only", "{b} only", "{a} {b} {c}", "{a} {b"):
        with pytest.raises(InputError):
            PromptTemplate(bad)
    assert PromptTemplate("{{x}} {a} {b}").render("1", "2") == "{x} 1 2"
    for items in (["a", "b"], ["a", "", "c"], ["a", "a", "b"], ["a", 3, "b"]):
        with pytest.raises(InputError):
            elicit_llm(utility_judge, items, TEMPLATE)
    with pytest.raises(InputError):
        elicit_llm(utility_judge, ITEMS, TEMPLATE, unparseable="drop")


def test_a_rerun_with_the_cache_makes_no_call(tmp_path):
    first = Counting(utility_judge)
    a = elicit_llm(first, ITEMS, TEMPLATE, samples=3, cache=str(tmp_path))
    assert first.calls == a.calls == 60 and a.cache_hits == 0
    again = Counting(utility_judge)
    b = elicit_llm(again, ITEMS, TEMPLATE, samples=3, cache=str(tmp_path))
    assert again.calls == b.calls == 0 and b.cache_hits == 60
    np.testing.assert_array_equal(a.matrix(), b.matrix())
    more = Counting(utility_judge)  # one more sample each: only the new ones are asked
    c = elicit_llm(more, ITEMS, TEMPLATE, samples=4, cache=str(tmp_path))
    assert more.calls == 20 and c.cache_hits == 60
    other = Counting(utility_judge)  # another seed is another question
    elicit_llm(other, ITEMS, TEMPLATE, samples=3, cache=str(tmp_path), seed=1)
    assert other.calls == 60
    assert len(ResponseCache(tmp_path)) == 140


def test_damaged_cache_entries_are_asked_again_and_a_foreign_cache_is_bad_input(tmp_path):
    import sqlite3

    a = elicit_llm(Counting(utility_judge), ITEMS, TEMPLATE, samples=1, cache=str(tmp_path))
    db = sqlite3.connect(tmp_path / "responses.sqlite")
    keys = [k for (k,) in db.execute("SELECT key FROM answers ORDER BY key LIMIT 4")]
    for k, bad in zip(keys, ["not json", "123", "[1, 2]", "null"], strict=True):
        db.execute("UPDATE answers SET value = ? WHERE key = ?", (bad, k))
    db.commit()
    db.close()
    again = Counting(utility_judge)
    b = elicit_llm(again, ITEMS, TEMPLATE, samples=1, cache=str(tmp_path))
    assert again.calls == 4 and b.cache_hits == 16
    np.testing.assert_array_equal(a.matrix(), b.matrix())
    third = Counting(utility_judge)  # repaired: the next run asks nothing
    elicit_llm(third, ITEMS, TEMPLATE, samples=1, cache=str(tmp_path))
    assert third.calls == 0
    other = tmp_path / "foreign"
    other.mkdir()
    db = sqlite3.connect(other / "responses.sqlite")
    db.execute("CREATE TABLE answers (k INT)")
    db.commit()
    db.close()
    with pytest.raises(InputError, match="cannot open the cache"):
        ResponseCache(other)


def test_an_interrupted_elicitation_resumes(tmp_path):
    dying = Counting(utility_judge, fail_after=24)
    a = elicit_llm(CallableBackend(dying, batch_size=8), ITEMS, TEMPLATE, samples=2,
                   cache=str(tmp_path))
    assert dying.calls == 24 and a.faulted.sum() == 40 - 24
    assert {f.reason for f in a.faults} == {"raised"}
    assert "backend went away" in a.faults[0].message
    rest = Counting(utility_judge)
    b = elicit_llm(CallableBackend(rest, batch_size=8), ITEMS, TEMPLATE, samples=2,
                   cache=str(tmp_path))
    assert rest.calls == 16 and b.cache_hits == 24 and b.faulted.sum() == 0


def test_malformed_answers_and_timeouts_are_faults_per_pair():
    def mixed(prompts):
        return [None if "cherry" in p else utility_judge(*options(p)) for p in prompts]

    el = elicit_llm(CallableBackend(mixed, batch_size=1), ITEMS[:4], TEMPLATE, samples=1)
    assert el.faulted.sum() == 6 and {f.reason for f in el.faults} == {"malformed"}
    assert el.observed.sum() == 6  # the three pairs without cherry, both ways
    short = elicit_llm(lambda ps: ["A"], ITEMS[:3], TEMPLATE, samples=1)
    assert short.faulted.sum() == 6 and "expected 6 answers" in short.faults[0].message

    def slow(prompts):
        import time

        time.sleep(1.0)
        return ["A"] * len(prompts)

    hung = audit_llm(CallableBackend(slow, timeout=0.05), ITEMS[:3], TEMPLATE, samples=1)
    assert hung.verdict.status == "fault" and hung.verdict.exit_code == 3
    assert hung.verdict.certificate.reason == "timeout"


def test_a_backend_that_exits_is_a_fault_too():
    def exits(prompts):
        raise SystemExit(4)

    el = elicit_llm(exits, ITEMS[:3], TEMPLATE, samples=1)
    assert el.faulted.sum() == 6 and el.faults[0].message.startswith("SystemExit")


def test_a_backend_that_always_raises_is_an_agent_fault():
    def broken(prompts):
        raise RuntimeError("model not loaded")

    result = audit_llm(broken, ITEMS[:3], TEMPLATE, samples=2)
    assert result.verdict.status == "fault" and result.report is None
    assert "model not loaded" in result.verdict.certificate.message
    assert result.to_json()["coherent"] is False


def test_logprob_backends_give_probabilities_directly():
    def logprobs(prompts):
        out = []
        for p in prompts:
            a, b = options(p)
            d = UTILITY[a] - UTILITY[b] + 0.5  # a constant lean towards the first option
            out.append({"A": -np.logaddexp(0, -d), "B": -np.logaddexp(0, d)})
        return out

    el = elicit_llm(CallableBackend(logprobs, output="logprobs"), ITEMS, TEMPLATE, samples=5)
    assert el.samples == 1 and el.calls == 20
    P = el.matrix()
    sig = 1 / (1 + np.exp(-1.5)), 1 / (1 + np.exp(0.5))
    assert P[1, 0] == pytest.approx(0.5 * (sig[0] + 1 - sig[1]))
    pb = el.positional_bias()
    assert pb.method == "normal" and pb.low < pb.estimate < pb.high and pb.estimate > 0


def test_sampled_and_active_selection_ask_fewer_pairs_and_complete_the_matrix():
    n = 12
    items = [f"item {k:02d}" for k in range(n)]
    util = {x: k for k, x in enumerate(items)}
    calls = Counting(lambda a, b: "A" if util[a] > util[b] else "B")
    tmpl = "Option A: {a}\nOption B: {b}\n?"
    el = elicit_llm(calls, items, tmpl, samples=1, pairs="sampled", budget=20)
    assert calls.calls == 40 and np.triu(el.observed, 1).sum() == 20
    P = el.matrix()
    assert np.allclose(P + P.T, 1.0)
    act = elicit_llm(calls, items, tmpl, samples=2, pairs="active", budget=30, rounds=3)
    assert np.triu(act.observed, 1).sum() <= 30
    assert int(act.asked.sum()) <= 30 * 2 * 2
    result = audit_llm(calls, items, tmpl, samples=1, pairs="sampled", budget=25)
    assert result.coherent  # a completed utility order stays coherent
    bt = result.bradley_terry()
    assert np.corrcoef([bt[x] for x in items], range(n))[0, 1] > 0.8
