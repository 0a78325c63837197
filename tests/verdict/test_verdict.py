"""The duality as a type: how verdicts are made, what they claim and how they read back."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

import pytest

from coherence import PreferenceRelation, check
from coherence.errors import CertificationError, CoherenceError, InputError
from coherence.verdict import (
    AgentFault,
    Certificate,
    Evidence,
    Verdict,
    from_json,
    label_from_json,
    label_to_json,
    verified,
)

CYCLE = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])
CHAIN = PreferenceRelation.from_pairs([("a", "b"), ("b", "c")])


# a real certificate, and a copy whose relation no longer holds its cycle
PUMP = check(CYCLE).certificate
BROKEN = dataclasses.replace(
    PUMP, relation=PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("a", "c")])
)


def test_certify_verifies_and_derives_coherent() -> None:
    v = Verdict.certify(PUMP, "pump", size=3)
    assert (v.coherent, v.status, v.exit_code) == (False, "exploitable", 1)
    assert v.quantities == {"size": 3} and verified(PUMP) is PUMP
    with pytest.raises(CertificationError, match="money_pump certificate does not verify"):
        Verdict.certify(BROKEN, "pump")
    with pytest.raises(CertificationError):
        verified(BROKEN)
    with pytest.raises(TypeError):
        Verdict.certify(AgentFault("raised", "boom"))  # type: ignore[arg-type]


def test_a_verdict_cannot_contradict_what_it_holds() -> None:
    with pytest.raises(ValueError):
        Verdict(True, PUMP)
    with pytest.raises(ValueError):
        Verdict(True, AgentFault("raised", "boom"))
    with pytest.raises(TypeError):
        Verdict(True, "a string")  # type: ignore[arg-type]


def test_evidence_is_inconclusive_and_holds_nothing_to_verify() -> None:
    fault = Verdict.inconclusive(AgentFault("timeout", "slow"), "agent")
    assert (fault.status, fault.exit_code, fault.coherent) == ("fault", 3, False)
    assert not fault.conclusive and not fault.verify()
    assert not hasattr(fault.certificate, "verify")
    with pytest.raises(TypeError):
        Verdict.inconclusive(PUMP)  # type: ignore[arg-type]


def test_statuses_and_exit_codes_of_real_checks() -> None:
    pump, utility = check(CYCLE), check(CHAIN)
    assert (pump.status, pump.exit_code, pump.conclusive) == ("exploitable", 1, True)
    assert (utility.status, utility.exit_code, utility.coherent) == ("coherent", 0, True)


@pytest.mark.parametrize("relation", [CYCLE, CHAIN])
def test_json_round_trip_of_certificates_and_verdicts(relation: PreferenceRelation) -> None:
    v = check(relation)
    again = from_json(v.certificate.to_json())
    assert isinstance(again, Certificate) and again.verify()
    assert again.to_json() == v.certificate.to_json()
    w = Verdict.from_json(v.to_json())
    assert w.status == v.status and w.verify()
    assert Certificate.from_json(v.certificate.to_json()).kind == v.certificate.kind
    with pytest.raises(InputError):
        Evidence.from_json(v.certificate.to_json())


@pytest.mark.parametrize(
    "doc",
    [None, [], {}, {"kind": 3}, {"kind": "no_such_kind"}, {"kind": "money_pump"},
     {"kind": "agent_fault"}],
)
def test_malformed_documents_are_input_errors(doc: Any) -> None:
    with pytest.raises(InputError):
        from_json(doc)
    with pytest.raises(InputError):
        Verdict.from_json({"certificate": doc} if doc is not None else [])


def test_kinds_are_unique() -> None:
    with pytest.raises(TypeError, match="used by"):

        class _Clash(type(PUMP)):  # type: ignore[misc]
            kind: ClassVar[str] = "money_pump"


def test_labels_survive_json() -> None:
    for label in ["a", 1, 2.5, True, None, ("a", (1, 2))]:
        assert label_from_json(label_to_json(label)) == label
    with pytest.raises(InputError):
        label_from_json({"a": 1})


def test_every_error_is_a_coherence_error() -> None:
    import coherence.errors as errors

    classes = [getattr(errors, n) for n in errors.__all__]
    assert len(classes) > 10
    assert all(issubclass(c, CoherenceError) for c in classes)


def test_documents_are_checked_not_trusted() -> None:
    doc = check(CYCLE).certificate.to_json()
    for bad in ("1/0", "x", None, [1]):
        with pytest.raises(InputError):
            from_json({**doc, "trades": [{**doc["trades"][0], "fee": bad}, *doc["trades"][1:]]})
    with pytest.raises(InputError, match="contradicts itself"):
        from_json({**doc, "extracted_per_loop": "99"})
    refused = BROKEN.to_json()  # a pump whose relation refuses a trade says so, and stays broken
    assert any(t.get("accepted") is False for t in refused["trades"])
    assert not from_json(refused).verify()
    verdict = check(CYCLE).to_json()
    with pytest.raises(InputError, match="status"):
        Verdict.from_json({**verdict, "status": "coherent"})
    with pytest.raises(InputError, match="coherent"):
        Verdict.from_json({**verdict, "coherent": True})
    with pytest.raises(InputError, match="does not verify"):
        Verdict.from_json({**verdict, "certificate": refused})
    with pytest.raises(InputError):
        Verdict.from_json({**verdict, "quantities": [1]})


def test_deeply_nested_documents_are_input_errors() -> None:
    doc = check(CYCLE).certificate.to_json()
    deep: Any = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(InputError):
        from_json({**doc, "cycle": deep})


def test_a_probe_verdict_reads_back_in_a_fresh_process(tmp_path: Any) -> None:
    import json
    import subprocess
    import sys

    from coherence import probe

    class CyclicTrader:
        def accept(self, holding: str, offered: str, price: Any) -> bool:
            return (offered, holding) in {("r", "p"), ("p", "s"), ("s", "r")} and price <= 1

    verdict = probe(CyclicTrader, items=list("rps"), seed=0, max_examples=20)
    assert verdict.certificate.kind == "trading_pump"
    saved = tmp_path / "v.json"
    saved.write_text(json.dumps(verdict.to_json()))
    code = (
        "import json, sys; from coherence.verdict import Verdict\n"
        "print(Verdict.from_json(json.load(open(sys.argv[1]))).status)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(saved)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "exploitable"


def test_the_guard_checks_each_object_once_and_copies_again(monkeypatch: Any) -> None:
    import copy

    cls = type(PUMP)
    calls = []
    real_verify = cls.verify

    def counting(self: Any) -> bool:
        calls.append(1)
        return real_verify(self)

    monkeypatch.setattr(cls, "verify", counting)
    pump = cls(PUMP.relation, PUMP.cycle)
    verified(pump)
    Verdict.certify(pump)
    assert len(calls) == 1  # the verdict did not check the same object again
    broken = copy.copy(pump)
    object.__setattr__(broken, "relation", BROKEN.relation)
    with pytest.raises(CertificationError):
        Verdict.certify(broken)
    assert len(calls) == 2
