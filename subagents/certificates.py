"""Certificates for committees, and the checker ``coherence.check(committee)``.

* :class:`CommitteePump` — a money pump on the committee's relation, with every member's vote
  on every trade. Verification re-decides each trade from the members' exact values with the
  rule's per-pair reference (:meth:`~subagents.rules.Rule.accepts`), independently of the
  vectorised relation.
* :class:`MultiUtility` — for a unanimity committee of complete members, the members'
  utilities themselves: ``x ≻ y`` iff every ``u_k(x) ≥ u_k(y)`` and some ``u_k(x) > u_k(y)``
  (a multi-utility representation; Aumann 1962, Ok 2002, Evren & Ok 2011). Along any accepted
  trade the sum of the members' utilities strictly increases, so no cycle of trades exists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from coherence.dispatch import check
from coherence.errors import CertificationError, InputError
from coherence.relations import MoneyPump, check_relation
from coherence.subagents.committee import Committee, label_from_json
from coherence.subagents.rules import Market, Unanimity
from coherence.verdict import Certificate, Verdict, label_to_json

__all__ = [
    "CommitteePump",
    "MultiUtility",
    "check_committee",
    "minimal_subcommittee",
]

_MAX_LISTED = 64  # members listed one by one in explanations


def _member_label(c: Committee, k: int) -> str:
    name = getattr(c.members[k], "name", None)
    base = name if name else f"member {k}"
    cnt = int(c.counts[k])
    return base if cnt == 1 else f"{base} (×{cnt})"


@dataclass(frozen=True, eq=False)
class CommitteePump(Certificate):
    """A cycle of trades the committee accepts, returning it to its start poorer.

    ``cycle`` lists item positions in trade order: holding ``cycle[t]``, the committee accepts
    ``cycle[t+1]`` (and finally ``cycle[0]``). A strictly accepted trade costs ``ε``, an
    indifferent one nothing; at least one trade is strict.
    """

    committee: Committee
    cycle: tuple[int, ...]

    kind: ClassVar[str] = "committee_pump"
    exploit: ClassVar[bool] = True

    @property
    def labels(self) -> tuple[Hashable, ...]:
        return tuple(self.committee.items[i] for i in self.cycle)

    def _steps(self) -> list[tuple[int, int]]:
        k = len(self.cycle)
        return [(self.cycle[t], self.cycle[(t + 1) % k]) for t in range(k)]

    def trades(self) -> list[dict[str, Any]]:
        """Each trade with its votes: holding, offered, strict, per-member votes and tallies."""
        c = self.committee
        out = []
        for h, o in self._steps():
            votes = c.votes(o, h)
            tally: Counter[str] = Counter()
            for v, w in zip(votes, c.counts.tolist(), strict=True):
                tally[v] += w
            out.append({
                "holding": c.items[h],
                "offered": c.items[o],
                "strict": not c.rule.accepts(c, h, o),
                "votes": votes,
                "tally": {k: tally.get(k, 0) for k in ("for", "against", "indifferent", "abstain")},
            })
        return out

    def verify(self) -> bool:
        """Each trade is accepted by the rule's exact per-pair decision; at least one is strict
        (the reverse trade is refused), so each loop costs the committee at least ``ε``."""
        c = self.committee
        k = len(self.cycle)
        if k < 2 or len(set(self.cycle)) != k or not all(0 <= i < c.n for i in self.cycle):
            return False
        strict = 0
        for h, o in self._steps():
            if not c.rule.accepts(c, o, h):
                return False
            if not c.rule.accepts(c, h, o):
                strict += 1
        return strict > 0

    def explain(self) -> str:
        c = self.committee
        lines = [
            f"Money pump on a committee of {c.m} members ({c.voters} voters) deciding by "
            f"{c.rule.describe()}, in {len(self.cycle)} trades:"
        ]
        n_strict = 0
        for tr in self.trades():
            t = tr["tally"]
            fee = "pays ε" if tr["strict"] else "swaps for free"
            n_strict += tr["strict"]
            lines.append(
                f"  holding {tr['holding']!r}, the committee {fee} to take {tr['offered']!r}: "
                f"{t['for']} for, {t['against']} against, {t['indifferent']} indifferent, "
                f"{t['abstain']} abstaining"
            )
            if c.m <= _MAX_LISTED:
                groups: dict[str, list[str]] = {}
                for k, v in enumerate(tr["votes"]):
                    groups.setdefault(v, []).append(_member_label(c, k))
                for v in ("for", "against", "indifferent"):
                    if v in groups:
                        lines.append(f"      {v}: {', '.join(groups[v])}")
        lines.append(
            f"  back to {self.labels[0]!r}, it has paid {n_strict}ε; every member voted as its "
            "own utility says, yet the committee goes round in a circle."
        )
        if c.m <= _MAX_LISTED:
            sub = minimal_subcommittee(c, self.cycle)
            if sub is not None and len(sub) < c.m:
                names = ", ".join(_member_label(c, k) for k in sub)
                lines.append(f"  a sub-committee of just {names} already carries this pump.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        trades = []
        for tr in self.trades():
            trades.append({
                "holding": label_to_json(tr["holding"]),
                "offered": label_to_json(tr["offered"]),
                "fee": "1" if tr["strict"] else "0",
                "strict": tr["strict"],
                "tally": tr["tally"],
                "votes": list(tr["votes"]),
            })
        return {
            "kind": self.kind,
            "rule": self.committee.rule.to_json(),
            "cycle": [label_to_json(x) for x in self.labels],
            "trades": trades,
            "extracted_per_loop": str(sum(t["strict"] for t in trades)),
            "fee_unit": "epsilon",
            "counts": self.committee.counts.tolist(),
            "committee": self.committee.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> CommitteePump:
        committee = Committee.from_json(doc["committee"])
        cycle = tuple(committee.index(label_from_json(x)) for x in doc["cycle"])
        return cls(committee, cycle)


@dataclass(frozen=True, eq=False)
class MultiUtility(Certificate):
    """The members' utilities represent a unanimity committee exactly.

    Claim: every member ranks every item, and for all items ``x ≠ y`` the committee accepts
    ``x`` while holding ``y`` iff ``u_k(x) ≥ u_k(y)`` for every member ``k`` with at least one
    strict inequality. Then ``Σ_k u_k`` strictly increases along every accepted trade, so no
    cycle of trades — no money pump — exists.
    """

    committee: Committee

    kind: ClassVar[str] = "multi_utility"
    exploit: ClassVar[bool] = False

    @property
    def utilities(self) -> list[dict[Hashable, Any]]:
        """One exact utility per member: item → value."""
        c = self.committee
        return [dict(zip(c.items, row, strict=True)) for row in c.values.tolist()]

    def verify(self) -> bool:
        """Exact comparison of every member's values on every ordered pair (Python ints /
        Fractions, vectorised over object arrays) against the committee's relation. O(m·n²)."""
        c = self.committee
        if not c.ranked.all():
            return False
        V = c.values.astype(object)
        W = c.relation().weak
        for i in range(c.n):
            ge = np.asarray(V[:, [i]] >= V, dtype=bool).all(axis=0)
            gt = np.asarray(V[:, [i]] > V, dtype=bool).any(axis=0)
            pareto = np.array(ge & gt, dtype=bool)
            row = np.array(W[i], dtype=bool)
            row[i] = False
            pareto[i] = False
            if not np.array_equal(row, pareto):
                return False
        return True

    def explain(self) -> str:
        c = self.committee
        lines = [
            f"No money pump: the committee trades only on unanimous approval, and its "
            f"{c.m} members' utilities represent it exactly (x is accepted over y iff no member "
            "values x less and some member values it more). Along any accepted trade the sum "
            "of the utilities strictly increases, so trades can never come back round."
        ]
        for k, u in enumerate(self.utilities[:12]):
            shown = ", ".join(f"u({x!r}) = {v}" for x, v in list(u.items())[:8])
            more = ", …" if len(u) > 8 else ""
            lines.append(f"  {_member_label(c, k)}: {shown}{more}")
        if c.m > 12:
            lines.append(f"  … and {c.m - 12} more members")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        doc = self.committee.to_json()
        return {
            "kind": self.kind,
            "rule": doc["rule"],
            "items": doc["items"],
            "utilities": doc["values"],
            "counts": doc["counts"],
            "unranked": doc["unranked"],
            "names": doc["names"],
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> MultiUtility:
        keys = ("rule", "items", "counts", "unranked", "names")
        committee = Committee.from_json({"values": doc["utilities"], **{k: doc[k] for k in keys}})
        return cls(committee)


def minimal_subcommittee(c: Committee, cycle: tuple[int, ...]) -> tuple[int, ...] | None:
    """An inclusion-minimal set of members whose votes alone (same rule, same counts) still
    accept every trade of ``cycle`` with one strict; ``None`` if the full committee does not.

    Greedy deletion: O(m) re-decisions of the cycle's trades, each O(m·|cycle|).

    >>> from coherence.subagents.rules import Majority
    >>> ballots = [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], [{"a", "b", "c"}]]
    >>> c = Committee.from_rankings(ballots, Majority())
    >>> minimal_subcommittee(c, check_committee(c).certificate.cycle)
    (0, 1, 2)
    """
    keep = list(range(c.m))

    def pumps(idx: list[int]) -> bool:
        if not idx:
            return False
        try:
            sub = Committee(
                [c.members[k] for k in idx], c.rule, c.items,
                [int(c.counts[k]) for k in idx], c.unranked,
            )
        except InputError:  # the rule cannot apply to this sub-committee
            return False
        return CommitteePump(sub, cycle).verify()

    if not c.rule.voting or not pumps(keep):
        return None
    for k in list(keep):
        trial = [x for x in keep if x != k]
        if pumps(trial):
            keep = trial
    return tuple(keep)


def check_committee(committee: Committee) -> Verdict:
    """Money pump (with votes) or a coherence certificate for a committee.

    Decides on the committee's relation (O(n²) after the O(m·n²) tally); the exploit is a
    shortest pump, annotated with votes; the coherence certificate is a
    :class:`MultiUtility` for unanimity/market committees of complete members, otherwise the
    weak utility of the committee's relation. Every certificate is verified exactly before it
    is returned (:class:`~coherence.errors.CertificationError` otherwise).

    >>> from coherence.subagents.rules import Majority
    >>> condorcet = [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
    >>> v = check_committee(Committee.from_rankings(condorcet, Majority()))
    >>> v.status, v.certificate.kind, len(v.certificate.cycle)
    ('exploitable', 'committee_pump', 3)
    >>> check_committee(Committee.from_rankings(condorcet)).certificate.kind
    'multi_utility'
    """
    c = committee
    base = check_relation(c.relation())
    subject = f"committee ({c.rule.name}, {c.m} members, {c.voters} voters)"
    quantities: dict[str, Any] = {"members": c.m, "voters": c.voters, "items": c.n}
    held = base.certificate
    if isinstance(held, MoneyPump):
        quantities.update(base.quantities)
        return Verdict.certify(CommitteePump(c, tuple(held.cycle)), subject, **quantities)
    if not isinstance(held, Certificate):
        raise CertificationError(f"the relation check returned {held.kind} evidence")
    is_pareto = isinstance(c.rule, Unanimity) or (
        isinstance(c.rule, Market) and not c.rule.transfers
    )
    cert = MultiUtility(c) if is_pareto and c.complete else held
    return Verdict.certify(cert, subject, **quantities)


@check.register(Committee)
def _check_committee(obj: Committee) -> Verdict:
    return check_committee(obj)
