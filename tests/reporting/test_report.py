"""HTML/JSON reports and their pictures; a real headless browser renders them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from coherence import PreferenceRelation, check
from coherence.agents import Offer, TradingPump
from coherence.errors import InputError
from coherence.reporting import (
    Finding,
    count_colour,
    count_statuses,
    decode_png,
    find_chromium,
    load_findings,
    render_html,
    screenshot,
    story,
    write_report,
)
from coherence.reporting._svg import PUMP, bars_svg, cycle_svg, ordering_svg, votes_svg
from coherence.verdict import AgentFault, Verdict


def _pump_verdict():
    return check(PreferenceRelation.from_pairs([("b", "a"), ("c", "b"), ("a", "c")]))


def _utility_verdict():
    return check(PreferenceRelation.from_pairs([("b", "a"), ("c", "b"), ("c", "a")]))


def _committee_verdict():
    votes = [{"ann": True, "bob": True, "cat": False}, {"ann": False, "bob": True, "cat": True},
             {"ann": True, "bob": False, "cat": True}]
    offers = tuple(Offer(h, o, Fraction(1, 10), True, v)
                   for (h, o), v in zip([("A", "C"), ("C", "B"), ("B", "A")], votes,
                                        strict=True))
    return Verdict.certify(TradingPump("A", offers, 0), subject="committee")


def _fault_verdict():
    return Verdict.inconclusive(AgentFault("timeout", "prefers('<b>', 'x') hung", ("no answer",)))


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML


def test_svg_pictures_are_well_formed_and_escaped():
    svg = cycle_svg(["<a>", "b&c", "d"], ["1", "0", "2"])
    root = _parse(svg)
    assert root.tag.endswith("svg")
    paths = [e for e in root.iter() if e.tag.endswith("path") and e.get("class") == "trade"]
    assert len(paths) == 3
    assert sum(p.get("stroke") == PUMP for p in paths) == 2  # the free trade is grey
    assert "&lt;a&gt;" in svg and "b&amp;c" in svg
    assert len(_parse(cycle_svg(["x", "y"], ["1", "1"])).findall(".//{*}circle")) == 2
    grid = _parse(votes_svg(_committee_verdict().to_json()["certificate"]["trades"]))
    assert len([e for e in grid.iter() if e.get("class") == "vote"]) == 9
    order = ordering_svg({"a": 0, "b": 2, "c": 2, "d": "1/2"})
    texts = [e.text for e in _parse(order).iter() if e.tag.endswith("text")]
    assert texts.index("u = 2") < texts.index("u = 1/2") < texts.index("u = 0")
    bars = _parse(bars_svg({"rain": "-1/5", "sun": "1/2"}))
    assert len([e for e in bars.iter() if e.get("class") == "bar"]) == 2


def test_html_has_story_certificate_and_pictures_per_finding():
    html = render_html([("pumped", _pump_verdict()), ("ranked", _utility_verdict()),
                        ("committee", _committee_verdict()), ("hung", _fault_verdict())])
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")  # self-contained
    assert html.count('class="finding ') == 4
    assert html.count("<svg") == 4  # pump, committee cycle + votes, utility ordering
    assert "Money pump in 3 trades" in html and "&lt;b&gt;" in html
    assert '"kind": "money_pump"' in html  # the certificate JSON is embedded
    # exploits are listed first
    assert html.index("pumped") < html.index("ranked")


def test_findings_round_trip_through_json(tmp_path):
    verdicts = [_pump_verdict(), _committee_verdict(), _fault_verdict()]
    path = write_report(tmp_path / "r.json", [Finding.from_verdict(v, f"v{k}")
                                             for k, v in enumerate(verdicts)])
    doc = json.loads(path.read_text())
    assert doc["coherence_report"] == 1 and len(doc["findings"]) == 3
    assert doc["counts"] == {"exploitable": 2, "fault": 1, "no_exploit_found": 0, "coherent": 0}
    back = load_findings(path)
    assert [f.status for f in back] == ["exploitable", "exploitable", "fault"]
    assert back[0].explanation == verdicts[0].explain()
    # a bare verdict (coherence check --json), a list, and demo output all load
    assert load_findings(verdicts[0].to_json())[0].status == "exploitable"
    assert len(load_findings([v.to_json() for v in verdicts])) == 3
    demo = {"examples": [{"example": "x.py", "expected": None, **verdicts[1].to_json()}]}
    assert load_findings(demo)[0].name == "x.py"


def test_story_from_json_alone():
    text = story(_committee_verdict().to_json())
    assert "Money pump in 3 trades" in text and "1/10" in text
    assert "Agent fault (timeout)" in story(_fault_verdict().to_json())
    assert "u('c') = 2" in story(_utility_verdict().to_json())


@pytest.mark.parametrize("bad", [{"coherent": True}, {"certificate": {"kind": "x"}}, 3,
                                 {"findings": [{"verdict": {"coherent": 1,
                                                            "certificate": {"kind": "x"}}}]}])
def test_bad_report_input(bad):
    with pytest.raises(InputError):
        load_findings(bad)


def test_write_report_is_atomic_and_checks_the_folder(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="does not exist"):
        write_report(tmp_path / "no" / "r.html", [_pump_verdict()])
    target = tmp_path / "r.html"
    target.write_text("old")
    import coherence.reporting._html as html

    def broken(*a, **k):
        raise RuntimeError("render failed")

    monkeypatch.setattr(html, "render_html", broken)
    with pytest.raises(RuntimeError):
        write_report(target, [_pump_verdict()])
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_png_decoder_round_trip(tmp_path):
    import struct
    import zlib

    w, h = 3, 2
    rows = b"".join(b"\x00" + bytes([255, 0, 0] * w) for _ in range(h))
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    assert decode_png(png) == (w, h, 3, bytes([255, 0, 0] * w * h))
    (tmp_path / "x.png").write_bytes(png)
    assert count_colour(tmp_path / "x.png", (255, 0, 0)) == 6


@pytest.mark.skipif(find_chromium() is None, reason="no chromium on PATH")
def test_report_renders_with_pictures_in_a_headless_browser(tmp_path):
    html = tmp_path / "report.html"
    write_report(html, [("pumped", _committee_verdict()), ("ranked", _utility_verdict())])
    png = screenshot(html, tmp_path / "shot.png", width=900, height=1400)
    width, height, _, _ = decode_png(png.read_bytes())
    assert (width, height) == (900, 1400)
    red = count_colour(png, (0xD6, 0x27, 0x28))  # pump arrows, badges, "against" votes
    green = count_colour(png, (0x2C, 0xA0, 0x2C))  # "for" votes
    assert red > 500 and green > 500


def _no_pump_verdict():
    from coherence.agents import probe

    def accept(holding, offered, price):
        return offered > holding and price <= 1

    return probe(accept, items=list("abc"), seed=0, max_examples=5, max_steps=5)


def _wtp_verdicts():
    import numpy as np

    from coherence.relations import WillingnessToPay

    inf = float("-inf")
    pumped = WillingnessToPay(("A", "B"), np.array([[inf, 1.0], [-0.5, inf]]))
    priced = WillingnessToPay(("A", "B"), np.array([[inf, 1.0], [-1.5, inf]]))
    return check(pumped), check(priced)


def test_no_exploit_found_is_its_own_status_in_reports():
    v = _no_pump_verdict()
    assert v.status == "no_exploit_found"
    html = render_html([("trader", v), ("pumped", _pump_verdict()), ("hung", _fault_verdict())])
    assert '<span class="badge no_exploit_found">NO EXPLOIT FOUND</span>' in html
    assert "1 no exploit found" in html and "1 exploitable" in html and "1 agent faults" in html
    assert "first trades" in html  # the ordering of a fresh agent's first trades, captioned
    assert html.index("hung") < html.index("trader")  # worst first: faults before evidence
    assert "evidence: <code>no_pump_found</code>" in html
    told = story(v.to_json())
    assert told.startswith("No money pump found") and "evidence, not proof" in told
    assert count_statuses([v, _pump_verdict(), _utility_verdict()]) == {
        "exploitable": 1, "fault": 0, "no_exploit_found": 1, "coherent": 1}
    legacy = {"coherent": True, "certificate": v.to_json()["certificate"]}  # no "status"
    assert load_findings(legacy)[0].status == "no_exploit_found"
    fault = {"kind": "agent_fault", "reason": "raised", "message": "boom"}
    assert load_findings({"coherent": False, "certificate": fault})[0].status == "fault"
    with pytest.raises(InputError):  # a saved status must follow from what the verdict holds
        load_findings({"coherent": True, "certificate": fault})


def test_cardinal_pump_and_money_utility_are_told_and_drawn():
    pumped, priced = _wtp_verdicts()
    assert pumped.certificate.kind == "cardinal_money_pump"
    assert priced.certificate.kind == "utility_potential"
    told = story(pumped.to_json())
    assert told.startswith("Money pump in 2 trades") and "is paid 1/2 to trade" in told
    assert "pays 1 to trade" in told and "ε" not in told
    assert "money utility" in story(priced.to_json())
    html = render_html([("pumped", pumped), ("priced", priced)])
    assert html.count("<svg") == 2
    assert "The money utility that rules out every pump" in html
