"""pref_voting profiles ⇄ committees of subagents (needs ``pip install pref_voting``).

Thin wrappers over :func:`subagents.from_pref_voting` and :func:`subagents.to_pref_voting`.
The examples run with or without pref_voting: without it they check the error that says
what to install.
"""

from __future__ import annotations

from typing import Any

from coherence.subagents import Committee, Rule, from_pref_voting, to_pref_voting
from coherence.subagents.committee import Unranked

__all__ = ["committee_from_pref_voting", "committee_to_pref_voting"]


def committee_from_pref_voting(
    profile: Any, rule: Rule | None = None, *, unranked: Unranked | None = None
) -> Committee:
    """A committee with one member per distinct ranking of a pref_voting ``Profile`` or
    ``ProfileWithTies`` (default rule: majority). O(m·n).

    >>> from coherence.errors import InputError
    >>> c = Committee.from_rankings([["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]])
    >>> try:
    ...     back = committee_from_pref_voting(committee_to_pref_voting(c))
    ...     ok = back.majority_cycle() == (0, 1, 2)
    ... except InputError as exc:  # pref_voting is not installed
    ...     ok = "pip install pref_voting" in str(exc)
    >>> ok
    True
    """
    return from_pref_voting(profile, rule, unranked=unranked)


def committee_to_pref_voting(committee: Committee) -> Any:
    """A pref_voting ``Profile`` (complete strict rankings) or ``ProfileWithTies`` with the
    committee's ballots and counts; candidates are item positions. O(m·n log n).

    >>> from coherence.errors import InputError
    >>> from coherence.subagents import Unanimity
    >>> c = Committee.from_rankings([["a", "b"], ["b", "a"]], Unanimity(), counts=[2, 1])
    >>> try:
    ...     ok = int(committee_to_pref_voting(c).num_voters) == 3
    ... except InputError as exc:  # pref_voting is not installed
    ...     ok = "pip install pref_voting" in str(exc)
    >>> ok
    True
    """
    return to_pref_voting(committee)
