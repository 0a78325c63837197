"""Readable answers: exact values beside their decimals, relations that show indifference,
pictures legible with long names, one direction for a committee's cycles."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import numpy as np

from coherence import PreferenceRelation, check
from coherence._exact.display import shown
from coherence.relations import WillingnessToPay
from coherence.reporting import cycle_svg, render_html

ROOT = Path(__file__).resolve().parents[2]


def test_long_fractions_get_a_decimal_and_short_ones_stay():
    assert shown(Fraction(1354290737015969, 562949953421312)) == (
        "2.4057 (exactly 1354290737015969/562949953421312)")
    assert [shown(x) for x in (7, Fraction(1, 2), Fraction(-355, 113), "3/4", 0.1)] == [
        "7", "1/2", "-355/113", "3/4", "0.1"]
    assert shown(Fraction(1, 3 * 10**9)).startswith("3.3333e-10 (exactly 1/3000000000")


def test_explanations_show_exact_values_beside_decimals():
    pay = Fraction(1354290737015969, 562949953421312)
    W = np.full((2, 2), None, dtype=object)
    W[0, 1], W[1, 0] = pay, Fraction(-1)
    text = check(WillingnessToPay(("A", "B"), W)).explain()
    assert "pays 2.4057 (exactly 1354290737015969/562949953421312)" in text
    assert "accepts 1 to trade" in text  # integers as they are


def test_repr_shows_indifference():
    r = PreferenceRelation.from_pairs([("a", "b"), ("b", "a"), ("b", "c")])
    assert "indifferent=['a'~'b']" in repr(r) and "'b'≻'c'" in repr(r)
    assert "indifferent" not in repr(PreferenceRelation.from_pairs([("a", "b")]))


def test_a_twelve_cycle_of_long_names_is_legible():
    names = [f"Candidate {k:02d} of Region X"[:20].ljust(20, "z") for k in range(12)]
    assert all(len(n) == 20 for n in names)
    svg = cycle_svg(names, ["1"] * 12)
    root = ET.fromstring(svg)
    texts = ["".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text")]
    for k, name in enumerate(names):
        assert name in texts  # every full name is written out in the legend
        assert str(k + 1) in texts  # and its node carries its number
    assert "…" not in svg
    width = float(root.get("width"))
    x0 = float(root.get("viewBox").split()[0])
    legend_x = [float(e.get("x")) for e in root.iter() if e.tag.endswith("}tspan")]
    assert max(legend_x) + 7.2 * 20 <= x0 + width  # the legend fits inside the picture
    short = cycle_svg(["a", "b", "c"], ["1", "1", "1"])
    assert 'class="legend"' not in short and ">a<" in short


def test_committee_cycles_run_one_way(tmp_path):
    soc = tmp_path / "condorcet.soc"
    soc.write_text("# FILE NAME: condorcet.soc\n# DATA TYPE: soc\n# NUMBER ALTERNATIVES: 3\n"
                   "# NUMBER VOTERS: 3\n# NUMBER UNIQUE ORDERS: 3\n"
                   "# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: Bob\n"
                   "# ALTERNATIVE NAME 3: Cat\n1: 1,2,3\n1: 2,3,1\n1: 3,1,2\n")
    done = subprocess.run([sys.executable, "-m", "coherence", "committee", str(soc), "--json"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    doc = json.loads(done.stdout)
    cycle, pump = doc["majority_cycle"], doc["certificate"]["cycle"]
    assert cycle == pump
    margins = np.array(doc["margins"])
    ids = sorted(int(a) for a in doc["alternatives"])
    for t, held in enumerate(cycle):  # each item is beaten by the next
        offered = cycle[(t + 1) % len(cycle)]
        assert margins[ids.index(offered), ids.index(held)] > 0


def test_committee_pump_votes_are_drawn_with_member_names():
    from coherence.subagents import Committee, Majority

    c = Committee.from_rankings([["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]], Majority())
    html = render_html([check(c)])
    assert html.count("<svg") == 2 and "member 0" in html and html.count('class="vote"') == 9


def test_very_long_fractions_are_described_not_written_out():
    from coherence._exact.display import LONG

    x = Fraction(3**300, 2**470)
    text = shown(x)
    assert len(text) < LONG and "digits" in text and str(x) not in text
    assert shown(Fraction(1354290737015969, 562949953421312)).endswith(
        "(exactly 1354290737015969/562949953421312)")
