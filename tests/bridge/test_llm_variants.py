"""Prompt variants as a committee: disagreements, the majority's pump, the smallest pumping
set of variants."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from coherence.bridge.llm import prompt_committee, variants_majority
from coherence.errors import InputError

ITEMS = ["x", "y", "z"]
ORDERS = {"v1": "xyz", "v2": "yzx", "v3": "zxy"}  # Condorcet: each a linear order
RPS = {("x", "y"), ("y", "z"), ("z", "x")}


def judge(prompts):
    out = []
    for p in prompts:
        tag, a, b = p.split("|")
        if tag == "rps":
            out.append("A" if (a, b) in RPS else "B")
        else:
            order = ORDERS[tag]
            out.append("A" if order.index(a) < order.index(b) else "B")
    return out


def test_coherent_variants_whose_majority_cycles():
    pc = prompt_committee(judge, ITEMS, ["v1|{a}|{b}", "v2|{a}|{b}", "v3|{a}|{b}"], samples=1)
    assert all(m.coherent for m in pc.members)
    assert not pc.verdict.coherent and pc.verdict.verify()
    assert pc.minimal_pump == (0, 1, 2) and pc.minimal_verdict is not None
    assert pc.minimal_verdict.verify()
    assert len(pc.disagreements) == 3 and all(len(set(v)) > 1 for _, _, v in pc.disagreements)
    doc = pc.to_json()
    assert doc["status"] == "exploitable" and doc["minimal_pump"] == [0, 1, 2]


def test_one_cyclic_variant_is_the_smallest_pumping_set():
    pc = prompt_committee(judge, ITEMS, ["v1|{a}|{b}", "rps|{a}|{b}"], samples=1)
    assert pc.members[0].coherent and not pc.members[1].coherent
    assert pc.minimal_pump == (1,)
    assert pc.verdict.coherent  # the two tie on every pair but x-y: no majority cycle


def test_agreeing_variants_do_not_disagree():
    pc = prompt_committee(judge, ITEMS, ["v1|{a}|{b}", "v1|{a}|{b}"], samples=1)
    assert pc.disagreements == () and pc.minimal_pump is None and pc.verdict.coherent


def test_majority_ties_relate_neither_way():
    a = np.array([[0.5, 0.9], [0.1, 0.5]])
    assert variants_majority([a, a.T]).tolist() == [[True, False], [False, True]]
    with pytest.raises(InputError):
        variants_majority([])
