"""End to end: tiny nets trained here, elicited, audited and certified."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from coherence import Verdict  # noqa: E402
from coherence.bridge import (  # noqa: E402
    Comparator,
    PairwiseCallable,
    Scorer,
    audit,
    elicit,
    elicit_sampled,
    elicit_sorted,
    expected_cyclic_triads,
    hard_cyclic_triads,
)
from tests.bridge.conftest import hidden_P  # noqa: E402


def test_comparator_elicitation_is_symmetrised(comparator, items):
    el = elicit(comparator, torch.as_tensor(items), device="cpu", batch_size=7)
    P = el.P.numpy()
    off = ~np.eye(len(items), dtype=bool)
    assert np.allclose((P + P.T)[off], 1.0, atol=1e-15)
    assert el.kind == "comparator" and el.queries == len(items) * (len(items) - 1)
    assert el.order_bias > 0  # the net is not antisymmetric by construction
    # the net learnt the hidden preferences
    assert np.abs(P - hidden_P(items))[off].max() < 0.15


def test_comparator_planted_cycles_found(comparator, items):
    rep = audit(comparator, torch.as_tensor(items), device="cpu")
    truth = hidden_P(items)
    assert hard_cyclic_triads(truth).count > 0
    assert not rep.coherent and rep.verdict.verify()
    cyc = rep.verdict.certificate.labels
    assert len(cyc) == 3
    # the pump is a planted cycle: the hidden preference cycles on the same items
    i, j, k = cyc
    M = truth > 0.5
    assert (M[j, i] and M[k, j] and M[i, k]) or (M[i, j] and M[j, k] and M[k, i])
    assert rep.hard.count == pytest.approx(hard_cyclic_triads(truth).count, abs=3)
    assert rep.cycle_probability > 0.05
    assert rep.exploitability is not None and not rep.exploitability.coherent
    assert rep.exploitability.certificate.verify()
    assert rep.residual_incoherence > 0.2
    doc = json.loads(json.dumps(rep.to_json()))
    assert doc["status"] == "exploitable" and doc["verdict"]["certificate"]["kind"] == "money_pump"
    assert isinstance(rep.verdict, Verdict) and "EXPLOITABLE" in rep.explain()


def test_scorer_is_certified_coherent(scorer, items):
    rep = audit(scorer, torch.as_tensor(items), device="cpu", labels=[f"i{k}" for k in range(9)])
    assert rep.coherent and rep.verdict.verify()
    assert rep.verdict.certificate.kind == "utility"
    assert rep.hard.count == 0 and rep.hard.zeta == 1.0
    assert rep.transitivity.weak == 0 and rep.transitivity.strong == 0
    assert rep.residual_incoherence == pytest.approx(0, abs=1e-9)
    assert rep.exploitability is not None and rep.exploitability.coherent
    assert rep.bradley_terry is not None and rep.bradley_terry.agreement == 1.0
    u = scorer(torch.as_tensor(items)).detach().numpy()
    order = rep.verdict.certificate.utility
    for a in range(9):
        for b in range(9):
            if u[a] > u[b]:
                assert order[f"i{a}"] > order[f"i{b}"]
    # expected cyclic triads of a scorer are not zero (soft coins cycle) but small
    assert 0 <= rep.expected_cyclic_triads < expected_cyclic_triads(np.full((9, 9), 0.5))


def test_plain_callable_and_wrappers(items):
    def prefers(a, b):
        return 0.9 if (a - b) % 3 == 1 else (0.5 if a == b else 0.1)

    rep = audit(PairwiseCallable(prefers), list(range(6)), device="cpu", fits=False)
    assert not rep.coherent and rep.verdict.verify()
    assert rep.hard.count > 0
    rep2 = audit(lambda a, b: a > b, [3, 1, 2, 5], device="cpu")
    assert rep2.coherent
    X = torch.as_tensor(items)
    c = Comparator(lambda A, B: torch.sigmoid(A[:, 2] - B[:, 2]), output="prob")
    s = Scorer(lambda A: A[:, 2], temperature=0.5)
    assert audit(c, X, device="cpu").coherent
    assert audit(s, X, device="cpu").coherent


def test_sorted_elicitation(comparator, scorer, items):
    X = torch.as_tensor(items)
    srt = elicit_sorted(scorer, X, device="cpu", window=4)
    u = scorer(X).detach().numpy()
    assert list(srt.order) == list(np.argsort(-u))
    assert srt.local_cycles == [] and srt.pump() is None
    big = torch.as_tensor(np.random.default_rng(0).normal(size=(300, 3)), dtype=torch.float32)
    s2 = elicit_sorted(scorer, big, device="cpu")
    assert s2.comparisons < 300 * 40  # O(n log n) + n·window
    assert (np.diff(scorer(big).detach().numpy()[s2.order]) <= 0).all()
    # blocks of three items ordered by block, a rock–paper–scissors cycle inside each block
    def local(a, b):
        if a // 3 != b // 3:
            return 1.0 if a // 3 > b // 3 else 0.0
        return 1.0 if (a - b) % 3 == 1 else 0.0

    cyc = elicit_sorted(PairwiseCallable(local), list(range(30)), device="cpu", window=3)
    assert len({frozenset(c) for c in cyc.local_cycles}) == 10
    for i, j, k in cyc.local_cycles:
        assert local(i, j) == local(j, k) == local(k, i) == 1.0
    v = cyc.pump()
    assert not v.coherent and v.verify()
    # the planted cycles of the comparator span the circle: a window of all items finds them
    glob = elicit_sorted(comparator, X, device="cpu", window=len(items))
    P = elicit(comparator, X, device="cpu").P.numpy()
    assert glob.local_cycles
    for i, j, k in glob.local_cycles:
        assert P[i, j] > 0.5 and P[j, k] > 0.5 and P[k, i] > 0.5


def test_sampled_elicitation_prefers_informative_pairs(scorer):
    X = torch.as_tensor(np.random.default_rng(1).normal(size=(200, 3)), dtype=torch.float32)
    sc = elicit_sampled(scorer, X, pairs=2000, rounds=4, device="cpu")
    assert sc.i.shape == sc.j.shape == sc.p.shape == (2000,)
    assert (sc.i != sc.j).all()
    first, last = sc.p[:500], sc.p[-500:]
    assert (last - 0.5).abs().mean() < (first - 0.5).abs().mean()  # active rounds are closer to ½
    from coherence.relations import check_relation

    assert check_relation(sc.relation()).coherent


def test_progress_bar_only_when_asked(comparator, items, capsys):
    elicit(comparator, torch.as_tensor(items), device="cpu", progress=True, batch_size=8)
    err = capsys.readouterr().err
    assert "eliciting" in err and "100.0%" in err
    elicit(comparator, torch.as_tensor(items), device="cpu")  # stderr is not a terminal
    assert capsys.readouterr().err == ""


def test_random_utility_verdict_for_small_item_sets():
    from coherence.bridge import RANDOM_UTILITY_MAX, audit_matrix, random_utility_verdict
    from coherence.stochastic import StochasticChoice

    u = np.array([0.3, -1.2, 0.8, 0.1, 2.0])
    bt = 1 / (1 + np.exp(-(u[:, None] - u[None, :])))  # a logit: a random utility model
    rep = audit_matrix(bt, list("abcde"), device="cpu", fits=False)
    assert rep.random_utility is not None and rep.random_utility.coherent
    cert = rep.random_utility.certificate
    assert cert.kind == "random_utility" and cert.verify()
    doc = rep.to_json()
    assert doc["metrics"]["random_utility"] is True
    assert doc["random_utility"]["certificate"]["kind"] == "random_utility"
    # a strong cycle violates the triangle inequality: a separating inequality, verified
    cyc = bt.copy()
    for a, b in ((0, 1), (1, 2), (2, 0)):
        cyc[a, b], cyc[b, a] = 0.95, 0.05
    v = random_utility_verdict(torch.as_tensor(cyc), list("abcde"))
    assert not v.coherent and v.certificate.kind == "separating_inequality"
    assert v.certificate.verify()
    assert not audit_matrix(cyc, device="cpu", fits=False).random_utility.coherent
    # the probabilities are the pairs' averaged readings
    sc = StochasticChoice.from_probabilities({(0, 1): (0.95 + 1 - 0.05) / 2})
    assert sc.probability(0, 1) == StochasticChoice.from_matrix(cyc[:2, :2]).probability(0, 1)
    # above the limit, or with the check off, none
    assert audit_matrix(bt, device="cpu", fits=False, random_utility=4).random_utility is None
    assert RANDOM_UTILITY_MAX >= 8
    big = np.full((RANDOM_UTILITY_MAX + 1,) * 2, 0.5)
    assert audit_matrix(big, device="cpu", fits=False).random_utility is None
