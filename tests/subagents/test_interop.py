"""Conversions to and from pref_voting, cross-checking margins and Condorcet winners."""

import numpy as np
import pytest
from hypothesis import given

from coherence.errors import InputError
from coherence.strategies.committee import committees, profiles
from coherence.subagents import Majority, from_pref_voting, to_pref_voting

pv = pytest.importorskip("pref_voting")


def _margins(p):
    return np.array([[p.margin(a, b) for b in p.candidates] for a in p.candidates])


@given(committees(max_members=6, max_items=5, kind="linear", counts=True, rule=Majority()))
def test_linear_committees_match_pref_voting(c):
    p = to_pref_voting(c)
    assert type(p).__name__ == "Profile"
    assert np.array_equal(_margins(p), c.margins())
    w = p.condorcet_winner()
    assert (None if w is None else c.items[w]) == c.condorcet_winner()
    back = from_pref_voting(p)
    assert np.array_equal(back.margins(), c.margins())


@given(profiles(ties=True, incomplete=True))
def test_truncated_ballots_match_pref_voting_in_both_readings(e):
    for unranked in ("ignore", "below"):
        c = e.committee(Majority(), unranked=unranked)
        p = to_pref_voting(c)
        assert np.array_equal(_margins(p), c.margins())
        back = from_pref_voting(p, unranked=unranked)
        assert np.array_equal(back.margins(), c.margins())
    # pref_voting's own reading of truncated ballots, with and without extended preference
    c = e.committee(Majority(), unranked="ignore")
    p = to_pref_voting(c)
    if type(p).__name__ == "ProfileWithTies":
        p.use_extended_strict_preference()
        below = e.committee(Majority(), unranked="below")
        assert np.array_equal(_margins(p), below.margins())
        assert np.array_equal(from_pref_voting(p).margins(), below.margins())


def test_wrong_type():
    with pytest.raises(InputError):
        from_pref_voting([[0, 1]])
