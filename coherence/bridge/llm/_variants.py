"""Prompt robustness as a committee: one member per prompt variant.

Each variant's order-paired matrix gives a strict preference (``i ≻ j`` iff ``Pᵢⱼ > ½``);
the variants vote on each pair, and the committee's majority relation (``i ≻ j`` iff more
variants prefer ``i`` than ``j``; a tie relates neither way, as a tied committee vote rejects
the trade in :mod:`coherence.subagents`) is checked for a money pump exactly
(:func:`~coherence.relations.check_relation`). The smallest set of variants whose majority
cycles is found by trying subsets by size (2ᵛ checks at worst; v is small). Majority
committees of coherent members can cycle (Condorcet), so variants that each look coherent
may still, together, be exploitable.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coherence.bridge.llm._elicit import LLMElicitation
from coherence.bridge.llm._harness import elicit_llm
from coherence.errors import InputError
from coherence.relations import PreferenceRelation, check_relation
from coherence.verdict import Verdict

__all__ = ["PromptCommittee", "prompt_committee", "variants_majority"]

#: the most variants whose subsets are searched for a smallest pumping set
MAX_SUBSET_SEARCH = 12


def variants_majority(matrices: Sequence[np.ndarray]) -> np.ndarray:
    """The variants' strict majority: ``W[i, j]`` iff more variants have ``Pᵢⱼ > ½`` than
    have ``Pⱼᵢ > ½`` (and ``W[i, i]``). A tied vote relates neither way, as a tied committee
    vote rejects the trade in :mod:`coherence.subagents`, so a pump needs a strict majority
    on every trade. O(v · n²).

    >>> a = np.array([[.5, .9, .9], [.1, .5, .9], [.1, .1, .5]])
    >>> variants_majority([a, a, a.T]).astype(int).tolist()
    [[1, 1, 1], [0, 1, 1], [0, 0, 1]]
    """
    if not matrices:
        raise InputError("no variants")
    strict = sum((np.asarray(P) > 0.5).astype(np.int64) for P in matrices)
    assert isinstance(strict, np.ndarray)
    W = strict > strict.T
    np.fill_diagonal(W, True)
    return W


@dataclass(frozen=True, eq=False)
class PromptCommittee:
    """The variants of one audit and what they say together.

    Attributes:
        items: the item texts; ``templates``: one per variant; ``elicitations``: one
            :class:`LLMElicitation` per variant.
        verdict: the exactly verified verdict on the variants' majority relation.
        members: one verified verdict per variant (its own majority relation).
        disagreements: ``(i, j, votes)`` for each pair on which the variants' strict
            preferences differ, ``votes[k]`` being +1 (``i``), −1 (``j``) or 0 for variant k.
        minimal_pump: indices of a smallest set of variants whose majority has a pump
            (``None`` if none does, or when there are more than :data:`MAX_SUBSET_SEARCH`).
        minimal_verdict: the verified pump of that set.
    """

    items: tuple[str, ...]
    templates: tuple[str, ...]
    elicitations: tuple[LLMElicitation, ...]
    verdict: Verdict
    members: tuple[Verdict, ...]
    disagreements: tuple[tuple[str, str, tuple[int, ...]], ...]
    minimal_pump: tuple[int, ...] | None
    minimal_verdict: Verdict | None

    def to_json(self) -> dict[str, Any]:
        return {
            "coherent": self.verdict.coherent,
            "status": self.verdict.status,
            "verdict": self.verdict.to_json(),
            "templates": list(self.templates),
            "members": [v.to_json() for v in self.members],
            "disagreements": [{"pair": [a, b], "votes": list(v)}
                              for a, b, v in self.disagreements],
            "minimal_pump": None if self.minimal_pump is None else list(self.minimal_pump),
            "minimal_verdict": None if self.minimal_verdict is None
            else self.minimal_verdict.to_json(),
        }


def _relation(items: tuple[str, ...], W: np.ndarray) -> Verdict:
    return check_relation(PreferenceRelation(items, W))


def _minimal(items: tuple[str, ...], mats: list[np.ndarray]) -> tuple[tuple[int, ...], Verdict
                                                                      ] | None:
    v = len(mats)
    if v > MAX_SUBSET_SEARCH:
        return None
    for size in range(1, v + 1):
        for subset in itertools.combinations(range(v), size):
            verdict = _relation(items, variants_majority([mats[k] for k in subset]))
            if not verdict.coherent:
                return subset, verdict
    return None


def prompt_committee(backend: Any, items: Sequence[str], templates: Sequence[str],
                     **options: Any) -> PromptCommittee:
    """Elicit the same items under each template (``options`` as for :func:`elicit_llm`)
    and audit the variants as a majority committee. O(v) elicitations, O(2ᵛ · n²) for the
    smallest pumping set.

    >>> def judge(prompts):  # prefers the option named later in the alphabet, unless told
    ...     return ["A" if (p.split("|")[1] > p.split("|")[2]) != ("reverse" in p) else "B"
    ...             for p in prompts]
    >>> pc = prompt_committee(judge, ["x", "y", "z"], ["|{a}|{b}|", "reverse|{a}|{b}|"],
    ...                       samples=1)
    >>> pc.verdict.status, len(pc.disagreements), pc.minimal_pump
    ('coherent', 3, None)
    """
    if len(templates) < 1:
        raise InputError("prompt_committee: no templates")
    els = tuple(elicit_llm(backend, items, t, **options) for t in templates)
    labels = els[0].items
    mats = [e.matrix() for e in els]
    members = tuple(_relation(labels, variants_majority([P])) for P in mats)
    verdict = _relation(labels, variants_majority(mats))
    n = len(labels)
    dis = []
    for i in range(n):
        for j in range(i + 1, n):
            votes = tuple(int(np.sign(P[i, j] - 0.5)) for P in mats)
            if len(set(votes)) > 1:
                dis.append((labels[i], labels[j], votes))
    found = _minimal(labels, mats)
    return PromptCommittee(labels, tuple(templates), els, verdict, members, tuple(dis),
                           None if found is None else found[0],
                           None if found is None else found[1])
