"""Conversions between committees and `pref_voting <https://pref-voting.readthedocs.io>`_
profiles (imported lazily; ``pip install pref_voting``).

* a committee of complete strict rankings ↔ ``pref_voting.profiles.Profile``;
* any other committee ↔ ``pref_voting.profiles_with_ties.ProfileWithTies``.

Candidates are the item positions ``0..n−1`` with the item labels as the candidate map
(``cmap``); converting back uses the candidates as items. pref_voting's margins on a
``ProfileWithTies`` ignore unranked candidates, like ``unranked="ignore"``; after
``use_extended_strict_preference()`` they rank them below, like ``unranked="below"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coherence.errors import InputError
from coherence.subagents.committee import Committee, Unranked
from coherence.subagents.rules import Majority, Rule

__all__ = ["from_pref_voting", "to_pref_voting"]


def _import() -> Any:
    try:
        import pref_voting.profiles as pv_profiles
        import pref_voting.profiles_with_ties as pv_ties
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError("pref_voting is not installed: pip install pref_voting") from None
    return pv_profiles, pv_ties


def to_pref_voting(committee: Committee) -> Any:
    """A ``Profile`` (complete strict rankings) or ``ProfileWithTies`` with the committee's
    ballots and counts. O(m·n log n).

    >>> c = Committee.from_rankings([["a", "b", "c"], ["b", "c", "a"]], counts=[2, 1])
    >>> profile = to_pref_voting(c)
    >>> int(profile.num_voters), profile.cmap
    (3, {0: 'a', 1: 'b', 2: 'c'})
    """
    pv_profiles, pv_ties = _import()
    S = committee.scores()
    R = committee.ranked
    n = committee.n
    counts = [int(c) for c in committee.counts]
    cmap = {j: str(x) for j, x in enumerate(committee.items)}
    linear = bool(R.all()) and all(len(set(row)) == n for row in S.tolist())
    if linear:
        rankings = [list(np.argsort(-row, kind="stable")) for row in S]
        return pv_profiles.Profile([[int(c) for c in r] for r in rankings], counts, cmap=cmap)
    ballots = []
    for row, mask in zip(S.tolist(), R.tolist(), strict=True):
        levels = sorted({v for v, r in zip(row, mask, strict=True) if r}, reverse=True)
        pos = {v: t + 1 for t, v in enumerate(levels)}
        ballots.append({j: pos[v] for j, (v, r) in enumerate(zip(row, mask, strict=True)) if r})
    return pv_ties.ProfileWithTies(ballots, counts, candidates=list(range(n)), cmap=cmap)


def from_pref_voting(
    profile: Any, rule: Rule | None = None, *, unranked: Unranked | None = None
) -> Committee:
    """A committee with one member per distinct ranking of a pref_voting profile.

    ``unranked`` defaults to ``"below"`` for a ``ProfileWithTies`` that uses extended strict
    preference and ``"ignore"`` otherwise. Items are the profile's candidates.

    >>> from pref_voting.profiles import Profile
    >>> c = from_pref_voting(Profile([[0, 1, 2], [1, 2, 0], [2, 0, 1]]))
    >>> c.rule.name, c.majority_cycle()
    ('majority', (0, 1, 2))
    """
    pv_profiles, pv_ties = _import()
    rule = rule if rule is not None else Majority()
    if isinstance(profile, pv_profiles.Profile):
        rankings, counts = profile.rankings_counts
        cands = list(profile.candidates)
        col = {c: j for j, c in enumerate(cands)}
        n = len(cands)
        ranks = np.zeros((len(rankings), n), dtype=np.int64)
        for k, r in enumerate(rankings):
            for pos, c in enumerate(r):
                ranks[k, col[c]] = n - pos
        return Committee.from_ranks(ranks, rule, items=cands, counts=[int(c) for c in counts],
                                    unranked=unranked or "ignore")
    if isinstance(profile, pv_ties.ProfileWithTies):
        rankings, counts = profile.rankings_counts
        cands = list(profile.candidates)
        col = {c: j for j, c in enumerate(cands)}
        ranks = np.full((len(rankings), len(cands)), -1, dtype=np.int64)
        for k, r in enumerate(rankings):
            rmap = r.rmap
            if rmap:
                top = max(rmap.values())
                for c, v in rmap.items():
                    ranks[k, col[c]] = top + 1 - v
        if unranked is None:
            unranked = "below" if profile.using_extended_strict_preference else "ignore"
        keep = [bool(v) for v in np.any(ranks >= 0, axis=1).tolist()]
        if not any(keep):
            raise InputError("the profile has no ranked candidates")
        return Committee.from_ranks(
            ranks[keep], rule, items=cands,
            counts=[int(c) for c, k in zip(counts, keep, strict=True) if k],
            unranked=unranked,
        )
    raise InputError(f"expected a pref_voting Profile or ProfileWithTies, got {type(profile)}")
