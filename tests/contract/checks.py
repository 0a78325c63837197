"""The contract every verdict of a check keeps, one function per clause.

Each check takes a :class:`~coherence.verdict.Verdict` and raises ``AssertionError`` (or
calls ``pytest.fail``) when the clause is broken. :data:`CONTRACT_CHECKS` lists them in the
order the suite runs them; a test id names the clause that failed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from coherence.errors import CertificationError
from coherence.verdict import Certificate, Verdict, from_json
from tests.contract.tampering import TAMPER_RULES

__all__ = [
    "CONTRACT_CHECKS",
    "check_certificate_round_trip",
    "check_exit_code",
    "check_explains",
    "check_tampering_detected",
    "check_verdict_round_trip",
    "check_verifies",
]


def _json(doc: Any) -> Any:
    """``doc`` as it reads back from JSON text (tuples become lists); fails when ``doc`` is
    not JSON-serialisable."""
    return json.loads(json.dumps(doc, allow_nan=False))


def check_verifies(verdict: Verdict) -> None:
    """(a) The verdict rests on a certificate that verifies exactly (a real ``True``)."""
    assert isinstance(verdict, Verdict)
    assert verdict.conclusive, f"a check of data gave {verdict.status} evidence, not a proof"
    cert = verdict.certificate
    assert isinstance(cert, Certificate)
    assert cert.verify() is True, f"the {cert.kind} certificate does not verify"
    assert verdict.verify() is True


def check_certificate_round_trip(verdict: Verdict) -> None:
    """(b) ``from_json(cert.to_json())`` rebuilds a certificate of the same kind, with the
    same JSON, that verifies."""
    cert = verdict.certificate
    doc = cert.to_json()
    assert doc["kind"] == cert.kind
    back = from_json(_json(doc))
    assert type(back) is type(cert), f"{cert.kind} read back as {type(back).__name__}"
    assert _json(back.to_json()) == _json(doc), f"{cert.kind}: JSON differs after a round trip"
    assert isinstance(back, Certificate) and back.verify() is True, (
        f"{cert.kind}: the certificate read back from JSON does not verify"
    )


def check_verdict_round_trip(verdict: Verdict) -> None:
    """(b) ``Verdict.from_json`` reads back the same verdict, whose certificate verifies."""
    back = Verdict.from_json(json.loads(verdict.dumps()))
    assert (back.coherent, back.status, back.subject) == (
        verdict.coherent, verdict.status, verdict.subject,
    )
    assert _json(back.to_json()) == _json(verdict.to_json())
    assert back.verify() is True


def check_explains(verdict: Verdict) -> None:
    """(c) The explanation is plain text that names the subject and tells the story."""
    assert verdict.subject.strip(), "the verdict does not say what was checked"
    story = verdict.certificate.explain()
    assert isinstance(story, str) and story.strip(), f"{verdict.certificate.kind}: no story"
    text = verdict.explain()
    assert verdict.subject in text and story in text
    assert str(verdict) == text


def check_tampering_detected(verdict: Verdict) -> None:
    """(d) Every tamper rule of the certificate's kind gives a copy that fails ``verify()``
    and that ``Verdict.certify`` refuses; the original still verifies."""
    cert = verdict.certificate
    assert isinstance(cert, Certificate)
    rules = TAMPER_RULES.get(cert.kind)
    if not rules:
        pytest.fail(
            f"no tamper rule for certificate kind {cert.kind!r}: add one to TAMPER_RULES "
            "(tests/contract/tampering.py)"
        )
    for rule in rules:
        bad = rule(cert)
        assert bad is not cert and type(bad) is type(cert), f"{rule.__name__}: not a copy"
        assert bad.verify() is False, f"{cert.kind}: verify() accepts {rule.__name__}"
        with pytest.raises(CertificationError):
            Verdict.certify(bad, verdict.subject)
    assert cert.verify() is True, f"{cert.kind}: tampering changed the original"


def check_exit_code(verdict: Verdict) -> None:
    """(e) Exit status 0 for a coherence certificate, 1 for an exploit."""
    cert = verdict.certificate
    assert isinstance(cert, Certificate)
    assert verdict.coherent is (not cert.exploit)
    expected = ("exploitable", 1) if cert.exploit else ("coherent", 0)
    assert (verdict.status, verdict.exit_code) == expected


CONTRACT_CHECKS: tuple[Callable[[Verdict], None], ...] = (
    check_verifies,
    check_certificate_round_trip,
    check_verdict_round_trip,
    check_explains,
    check_tampering_detected,
    check_exit_code,
)
