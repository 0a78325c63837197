"""Certificates of beliefs travel as JSON and come back verifying on their own."""

import json
import warnings
from fractions import Fraction

import pytest
from hypothesis import given, settings

from coherence.beliefs import (
    ContinuityViolation,
    Credences,
    DutchBook,
    ExpectedUtility,
    IndependenceViolation,
    Lottery,
    LotteryPreferences,
    ProbabilityMeasure,
    VNMReport,
    check_credences,
    check_lottery_preferences,
    vnm_axioms,
)
from coherence.errors import InputError
from coherence.strategies.beliefs import credences
from coherence.strategies.lottery import lottery_preferences
from coherence.verdict import Verdict, from_json


def _through_json(doc):
    return json.loads(json.dumps(doc))


def _round_trip(cert, cls):
    doc = _through_json(cert.to_json())
    back = from_json(doc)
    assert isinstance(back, cls)
    assert back.verify()
    assert back.to_json() == doc
    return back


@settings(max_examples=40, deadline=None)
@given(credences())
def test_credence_certificates_round_trip(c):
    v = check_credences(c)
    cls = ProbabilityMeasure if v.coherent else DutchBook
    back = _round_trip(v.certificate, cls)
    again = Verdict.from_json(_through_json(v.to_json()))
    assert again.coherent == v.coherent and again.verify()
    if v.coherent:
        assert back.probability == v.certificate.probability
    else:
        assert back.stakes == v.certificate.stakes and back.sure_loss == v.certificate.sure_loss


def test_tuple_and_integer_states_come_back_hashable():
    c = Credences([("rain", 1), 2, "sun"], [([("rain", 1)], "1/2"), ([2, "sun"], "2/3")])
    back = _round_trip(check_credences(c).certificate, DutchBook)
    assert back.credences.states == (("rain", 1), 2, "sun")
    c2 = Credences([("rain", 1), 2], [([("rain", 1)], "1/3")], [([2], [2], 1)])
    back2 = _round_trip(check_credences(c2).certificate, ProbabilityMeasure)
    assert back2.measure == {("rain", 1): Fraction(1, 3), 2: Fraction(2, 3)}


def test_tampered_dutch_book_does_not_verify():
    c = Credences(["a", "b"], [(["a"], "0.6"), (["b"], "3/5")])
    doc = _through_json(check_credences(c).certificate.to_json())
    doc["sure_loss"] = "1"
    assert not from_json(doc).verify()
    doc["stakes"][0]["bet"] = 7
    with pytest.raises(InputError):
        from_json(doc)


def test_tampered_probability_is_refused_or_fails():
    c = Credences(["a", "b"], [(["a"], "1/4")])
    doc = _through_json(check_credences(c).certificate.to_json())
    doc["probability"] = {"a": "1/2", "b": "1/2"}
    assert not from_json(doc).verify()
    doc["probability"] = {"a": "1/4"}
    with pytest.raises(InputError):
        from_json(doc)


@settings(max_examples=30, deadline=None)
@given(lottery_preferences())
def test_lottery_certificates_round_trip(prefs):
    v = check_lottery_preferences(prefs)
    cls = ExpectedUtility if v.coherent else IndependenceViolation
    back = _round_trip(v.certificate, cls)
    if not v.coherent:
        assert back.pattern == v.certificate.pattern


def _continuity_prefs():
    p, q, r = Lottery.sure("hi"), Lottery.sure("mid"), Lottery.sure("lo")
    m1, m2 = Lottery.mixture("1/4", p, r), Lottery.mixture("3/4", p, r)
    return LotteryPreferences.from_pairs([(p, q), (q, r), (p, r), (m1, q), (q, m2)])


def test_continuity_violation_round_trips():
    cert = vnm_axioms(_continuity_prefs()).continuity.certificate
    back = _round_trip(cert, ContinuityViolation)
    assert back.low[0] == Fraction(1, 4) and back.high[0] == Fraction(3, 4)
    doc = _through_json(cert.to_json())
    doc["alpha"] = "1/2"  # no longer the weight of that mixture
    assert not from_json(doc).verify()


def test_lottery_preferences_json_keeps_labels_and_relation():
    a, b = Lottery({(1, "x"): "1/2", 3: "1/2"}), Lottery.sure(3)
    prefs = LotteryPreferences.from_pairs([(a, b)])
    back = LotteryPreferences.from_json(_through_json(prefs.to_json()))
    assert back.lotteries == prefs.lotteries and back.relation == prefs.relation
    with pytest.raises(InputError):
        LotteryPreferences.from_json({**prefs.to_json(), "weak": ["1x", "01"]})


def test_vnm_report_round_trips_and_explains():
    report = vnm_axioms(_continuity_prefs())
    assert isinstance(report, VNMReport) and not report.coherent
    doc = _through_json(report.to_json())
    back = VNMReport.from_json(doc)
    assert back.verify() and back.violated == report.violated
    assert back.to_json() == doc
    text = report.explain()
    assert text.startswith("VNM axioms: violated: completeness") and "continuity:" in text
    with pytest.raises(InputError):
        VNMReport.from_json({"axioms": {"completeness": doc["axioms"]["completeness"]}})


def test_vnm_report_mapping_access_is_deprecated_but_works():
    report = vnm_axioms(_continuity_prefs())
    with pytest.warns(DeprecationWarning):
        assert report["continuity"] is report.continuity
    with pytest.warns(DeprecationWarning):
        assert dict(report.items()) == report.verdicts
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(report) == 4 and "independence" in report
        assert list(report.verdicts) == [
            "completeness", "transitivity", "independence", "continuity"]
