"""PrefLib files: parsing, semantics of unranked alternatives, bad input."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

from coherence.errors import InputError
from coherence.strategies.committee import profiles
from coherence.subagents import Majority, Unanimity, parse_preflib, read_preflib

PREFLIB = Path("/work/shared/data/preflib")

TOI = """# FILE NAME: test.toi
# DATA TYPE: toi
# NUMBER ALTERNATIVES: 3
# NUMBER VOTERS: 6
# ALTERNATIVE NAME 1: Ann
# ALTERNATIVE NAME 2: Bob
# ALTERNATIVE NAME 3: Cy
3: 1,{2,3}
2: 2
1: 3,1
"""


def test_parse_ties_and_truncation():
    e = parse_preflib(TOI)
    assert e.alternatives == {1: "Ann", 2: "Bob", 3: "Cy"}
    assert e.voters == 6 and e.data_type == "toi"
    assert e.ballots[0] == (3, ((1,), (2, 3)))
    assert e.ballots[1] == (2, ((2,),))
    assert parse_preflib(e.to_preflib()).ballots == e.ballots


def test_ignore_and_below_semantics():
    e = parse_preflib(TOI)
    ign = e.committee(Majority(), unranked="ignore")
    # 1 vs 2: ballots "1,{2,3}" (3 for 1), "2" ranks only 2 → ignored, "3,1" ranks no 2
    assert ign.margins()[0, 1] == 3
    below = e.committee(Majority(), unranked="below")
    # below: "2" puts 2 above 1 (2 votes), "3,1" puts 1 above 2 (1 vote)
    assert below.margins()[0, 1] == 3 - 2 + 1
    # 2 vs 3: tied in "1,{2,3}"; "2" and "3,1" each rank only one of them → ignored, but
    # under below "2" puts 2 over 3 (2 votes) and "3,1" puts 3 over 2 (1 vote)
    assert ign.margins()[1, 2] == 0
    assert below.margins()[1, 2] == 2 - 1


@given(profiles(ties=True, incomplete=True))
def test_round_trip_and_margins_by_hand(e):
    back = parse_preflib(e.to_preflib())
    assert back.ballots == e.ballots and back.alternatives == e.alternatives
    c = e.committee(Majority())
    ids = list(e.alternatives)
    M = np.zeros((len(ids), len(ids)), dtype=np.int64)
    for count, tiers in e.ballots:
        level = {a: t for t, tier in enumerate(tiers) for a in tier}
        for i, a in enumerate(ids):
            for j, b in enumerate(ids):
                if a in level and b in level and level[a] < level[b]:
                    M[i, j] += count
                    M[j, i] -= count
    assert np.array_equal(c.margins(), M)


@pytest.mark.parametrize(
    "text,where",
    [
        ("# DATA TYPE: soc\n# NUMBER ALTERNATIVES: 2\n1: 1\n", "must rank every"),
        ("# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 2\n1: {1,2}\n", "tie"),
        ("# NUMBER ALTERNATIVES: 2\n1: 1,3\n", "unknown alternative 3"),
        ("# NUMBER ALTERNATIVES: 2\n-1: 1,2\n", "non-negative"),
        ("# NUMBER ALTERNATIVES: 2\n1: 1,1\n", "twice"),
        ("# NUMBER ALTERNATIVES: 2\n1 1,2\n", "count: order"),
        ("# NUMBER ALTERNATIVES: 2\n1: 1,x\n", "not an alternative"),
        ("# NUMBER ALTERNATIVES: 2\n1: {1,2\n", "unclosed"),
        ("# NUMBER ALTERNATIVES: 2\n1: 1,\n", "trailing"),
        ("# NUMBER ALTERNATIVES: 2\n1: \n", "empty"),
        ("# NUMBER ALTERNATIVES: 2\n# NUMBER VOTERS: 5\n1: 1,2\n", "NUMBER VOTERS"),
        ("# NUMBER ALTERNATIVES: 2\n", "no ballots"),
        ("# DATA TYPE: xyz\n1: 1\n", "data type"),
        ("# NUMBER ALTERNATIVES: 2\n0: 1,2\n", "no voters"),
    ],
)
def test_malformed_files_are_typed_errors(text, where):
    with pytest.raises(InputError, match=where):
        parse_preflib(text).committee()


def test_missing_file(tmp_path):
    with pytest.raises(InputError):
        read_preflib(tmp_path / "nope.soc")
    bad = tmp_path / "bin.soc"
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError):
        read_preflib(bad)


def test_extension_gives_the_data_type(tmp_path):
    f = tmp_path / "x.soc"
    f.write_text("# NUMBER ALTERNATIVES: 2\n1: 1\n")
    with pytest.raises(InputError, match="must rank every"):
        read_preflib(f)


@pytest.mark.skipif(not PREFLIB.is_dir(), reason="PrefLib sample files not present")
def test_real_files_parse_and_agree_with_their_headers():
    for f in sorted(PREFLIB.iterdir()):
        e = read_preflib(f)
        assert e.voters == int(e.metadata["NUMBER VOTERS"])
        for unranked in ("ignore", "below"):
            c = e.committee(Unanimity(), unranked=unranked)
            assert c.voters == e.voters
