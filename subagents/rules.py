"""Decision rules: when does a committee accept a trade?

A committee holding item ``y`` is offered item ``x``. Each member votes *for* (it strictly
prefers ``x``), *against* (it strictly prefers ``y``), *indifferent* (it ranks both equally) or
*abstains* (it does not rank one of them). A rule turns the votes into the committee's answer,
i.e. into the committee's weak relation ``x ≽ y`` ("holding ``y``, the committee accepts ``x``").

Two families:

* **Voting rules** (:class:`Unanimity`, :class:`Majority`, :class:`Market`) accept a trade only
  on a strict vote. A tied vote — including a vote in which nobody has a strict preference —
  rejects the trade: the status quo wins, because the committee is *undecided* between the
  two items, not indifferent. Their relations are strict (plus the reflexive diagonal).
* **Utility rules** (:class:`WeightedSum`, :class:`Dictator`, :class:`Lexicographic`) make the
  committee act as a single (lexicographic) utility maximiser, so equal scores are a genuine
  indifference: the committee swaps for free either way, but never pays.

Every rule has a vectorised :meth:`Rule.weak_matrix` (the fast layer) and an exact,
independent per-pair :meth:`Rule.accepts` that certificates use to re-check each trade.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from coherence.errors import InputError
from coherence.subagents.members import exact_number
from coherence.validation import check_integer

if TYPE_CHECKING:  # pragma: no cover
    from coherence.subagents.committee import Committee

__all__ = [
    "Dictator",
    "Lexicographic",
    "Majority",
    "Market",
    "Rule",
    "Unanimity",
    "WeightedSum",
    "rule_from_json",
]

_RULES: dict[str, type[Rule]] = {}


def _tally_pair(c: Committee, offered: int, holding: int) -> tuple[int, int, int]:
    """Exact ``(for, against, indifferent)`` weights for one trade.

    Reads the members' exact values of the two items (int64 or Python numbers; comparisons
    are exact either way) and sums integer counts: independent of the vectorised tally. O(m).
    """
    vo, vh = c.values[:, offered], c.values[:, holding]
    both = c.ranked[:, offered] & c.ranked[:, holding]
    w = c.counts.astype(object)
    gt = np.asarray(vo > vh, dtype=bool) & both
    lt = np.asarray(vo < vh, dtype=bool) & both
    f, a = int(w[gt].sum()), int(w[lt].sum())
    return f, a, int(w[both].sum()) - f - a


class Rule(ABC):
    """How a committee turns its members' votes into accepting or refusing a trade."""

    name: ClassVar[str] = "rule"
    #: ``True`` for rules that accept only on a strict vote (ties reject the trade)
    voting: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            _RULES[cls.name] = cls

    def validate(self, committee: Committee) -> None:
        """Raise :class:`InputError` when the rule cannot apply to ``committee``."""
        return None

    @abstractmethod
    def weak_matrix(self, committee: Committee) -> np.ndarray:
        """``W[i, j]`` iff holding item ``j`` the committee accepts item ``i`` (vectorised)."""

    @abstractmethod
    def accepts(self, committee: Committee, offered: int, holding: int) -> bool:
        """Exact reference decision for one trade, independent of :meth:`weak_matrix`."""

    def describe(self) -> str:
        """One line for explanations."""
        return self.name

    def to_json(self) -> dict[str, Any]:
        """``{"rule": name, ...parameters}``; :func:`rule_from_json` reads it back."""
        return {"rule": self.name}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> Rule:
        return cls()


def rule_from_json(doc: Mapping[str, Any]) -> Rule:
    """The rule that :meth:`Rule.to_json` wrote; exact parameters come back exactly. O(m).

    >>> rule_from_json(Majority(Fraction(2, 3)).to_json())
    Majority(quota=Fraction(2, 3))
    """
    cls = _RULES.get(str(doc.get("rule")))
    if cls is None:
        raise InputError(f"unknown decision rule {doc.get('rule')!r}")
    return cls._from_json(doc)


@dataclass(frozen=True)
class Unanimity(Rule):
    """Pareto / veto rule: accept iff some member is for and none is against.

    Abstaining and indifferent members do not block. With complete members this is the
    multi-utility (Pareto) order: never pumpable (Aumann 1962; Ok 2002). Tallies are O(m·n²).
    """

    name: ClassVar[str] = "unanimity"

    def weak_matrix(self, committee: Committee) -> np.ndarray:
        F = committee.tally()
        W = (F > 0) & (F.T == 0)
        np.fill_diagonal(W, True)
        return W

    def accepts(self, committee: Committee, offered: int, holding: int) -> bool:
        if offered == holding:
            return True
        f, a, _ = _tally_pair(committee, offered, holding)
        return f > 0 and a == 0


@dataclass(frozen=True)
class Majority(Rule):
    """q-majority: accept iff the weight *for* exceeds ``quota`` × (for + against).

    ``quota=1/2`` is simple majority (more for than against; a tie rejects the trade);
    ``quota=2/3`` a two-thirds supermajority. Indifferent and abstaining members do not count.
    The quota must lie in ``[1/2, 1)``: below 1/2 both directions of a pair could pass.
    """

    quota: Fraction = Fraction(1, 2)
    name: ClassVar[str] = "majority"

    def __post_init__(self) -> None:
        q = exact_number(self.quota, what="quota")
        q = Fraction(q)
        if not (Fraction(1, 2) <= q < 1):
            raise InputError(f"quota must be in [1/2, 1), got {q}")
        object.__setattr__(self, "quota", q)

    def weak_matrix(self, committee: Committee) -> np.ndarray:
        F = committee.tally()
        p, q = self.quota.numerator, self.quota.denominator
        tot = F + F.T
        if int(F.max(initial=0)) * max(p, q) < 2**62:
            W = F * q > p * tot
        else:  # exact with Python integers
            W = F.astype(object) * q > p * tot.astype(object)
        W = np.asarray(W, dtype=bool)
        np.fill_diagonal(W, True)
        return W

    def accepts(self, committee: Committee, offered: int, holding: int) -> bool:
        if offered == holding:
            return True
        f, a, _ = _tally_pair(committee, offered, holding)
        return f > self.quota * (f + a)

    def describe(self) -> str:
        if self.quota == Fraction(1, 2):
            return "majority (more for than against; a tie keeps the status quo)"
        return f"{self.quota} supermajority"

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.name, "quota": str(self.quota)}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> Majority:
        return cls(Fraction(doc.get("quota", "1/2")))


def _aggregate(committee: Committee, weights: Sequence[Any] | None) -> np.ndarray:
    """Exact ``U[i] = Σ_k λ_k · count_k · value_k(i)`` as an object array. O(m·n)."""
    m = committee.m
    lam = [1] * m if weights is None else [exact_number(w, what="weight") for w in weights]
    coef = np.array([lam[k] * int(committee.counts[k]) for k in range(m)], dtype=object)
    return coef @ committee.values.astype(object)


@dataclass(frozen=True)
class WeightedSum(Rule):
    """Harsanyi aggregation: the committee maximises ``Σ_k λ_k · count_k · u_k``.

    ``weights`` (one non-negative number per member, default all 1) are exact. The committee is
    one utility maximiser, so its relation is complete and transitive (Harsanyi 1955): equal
    sums are an indifference. Every member must rank every item. O(m·n + n²).
    """

    weights: tuple[Any, ...] | None = None
    name: ClassVar[str] = "weighted_sum"
    voting: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if self.weights is not None:
            ws = tuple(exact_number(w, what="weight") for w in self.weights)
            if any(w < 0 for w in ws):
                raise InputError("weights must be non-negative")
            if not any(w > 0 for w in ws):
                raise InputError("at least one weight must be positive")
            object.__setattr__(self, "weights", ws)

    def validate(self, committee: Committee) -> None:
        if self.weights is not None and len(self.weights) != committee.m:
            raise InputError(
                f"{len(self.weights)} weights for a committee of {committee.m} members"
            )
        if not committee.ranked.all():
            k = int(np.flatnonzero(~committee.ranked.all(axis=1))[0])
            raise InputError(
                f"a weighted sum needs every member to rank every item; member {k} does not "
                "(read unranked items as 'below' to fill them in)"
            )

    def utility(self, committee: Committee) -> np.ndarray:
        """The committee's exact aggregate utility per item (object array)."""
        return _aggregate(committee, self.weights)

    def weak_matrix(self, committee: Committee) -> np.ndarray:
        U = self.utility(committee)
        W = np.asarray(U[:, None] >= U[None, :], dtype=bool)
        np.fill_diagonal(W, True)
        return W

    def accepts(self, committee: Committee, offered: int, holding: int) -> bool:
        lam = [1] * committee.m if self.weights is None else list(self.weights)
        total = 0
        vo = committee.values[:, offered].tolist()
        vh = committee.values[:, holding].tolist()
        for k, w in enumerate(committee.counts.tolist()):
            total += lam[k] * w * (vo[k] - vh[k])
        return total >= 0

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.name,
            "weights": None if self.weights is None else [str(w) for w in self.weights],
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> WeightedSum:
        ws = doc.get("weights")
        return cls(None if ws is None else tuple(Fraction(w) for w in ws))


@dataclass(frozen=True)
class Dictator(Rule):
    """Member ``member`` decides alone; its indifference is the committee's. O(n²)."""

    member: int = 0
    name: ClassVar[str] = "dictator"
    voting: ClassVar[bool] = False

    def validate(self, committee: Committee) -> None:
        check_integer(self.member, "dictator", min_value=0, max_value=committee.m - 1)

    def weak_matrix(self, committee: Committee) -> np.ndarray:
        v = committee.values[self.member]
        r = committee.ranked[self.member]
        W = np.asarray(v[:, None] >= v[None, :], dtype=bool) & r[:, None] & r[None, :]
        np.fill_diagonal(W, True)
        return W

    def accepts(self, committee: Committee, offered: int, holding: int) -> bool:
        if offered == holding:
            return True
        v = committee.values[self.member].tolist()
        r = committee.ranked[self.member].tolist()
        return bool(r[offered] and r[holding] and v[offered] >= v[holding])

    def describe(self) -> str:
        return f"dictator (member {self.member})"

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.name, "member": self.member}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> Dictator:
        return cls(int(doc.get("member", 0)))


@dataclass(frozen=True)
class Lexicographic(Rule):
    """Members in priority ``order`` (default 0, 1, …): the first with a strict preference
    decides; if every ranking member is indifferent, so is the committee. O(m·n²)."""

    order: tuple[int, ...] | None = None
    name: ClassVar[str] = "lexicographic"
    voting: ClassVar[bool] = False

    def validate(self, committee: Committee) -> None:
        if self.order is not None:
            o = tuple(self.order)
            if sorted(o) != list(range(committee.m)):
                raise InputError(
                    f"lexicographic order must be a permutation of 0..{committee.m - 1}"
                )

    def _order(self, committee: Committee) -> list[int]:
        return list(range(committee.m)) if self.order is None else list(self.order)

    def weak_matrix(self, committee: Committee) -> np.ndarray:
        n = committee.n
        W = np.zeros((n, n), dtype=bool)
        decided = np.zeros((n, n), dtype=bool)
        seen = np.zeros((n, n), dtype=bool)
        for k in self._order(committee):
            v = committee.values[k]
            r = committee.ranked[k]
            both = r[:, None] & r[None, :] & ~decided
            gt = np.asarray(v[:, None] > v[None, :], dtype=bool)
            lt = gt.T
            W |= both & gt
            decided |= both & (gt | lt)
            seen |= both & ~(gt | lt)
        W |= seen & ~decided
        np.fill_diagonal(W, True)
        return W

    def accepts(self, committee: Committee, offered: int, holding: int) -> bool:
        if offered == holding:
            return True
        seen = False
        vals = committee.values.tolist()
        rk = committee.ranked.tolist()
        for k in self._order(committee):
            if rk[k][offered] and rk[k][holding]:
                a, b = vals[k][offered], vals[k][holding]
                if a != b:
                    return a > b
                seen = True
        return seen

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.name, "order": None if self.order is None else list(self.order)}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> Lexicographic:
        order = doc.get("order")
        return cls(None if order is None else tuple(int(k) for k in order))


@dataclass(frozen=True)
class Market(Rule):
    """A market of subagents: members trade internally, and only Pareto improvements happen.

    Without transfers this is :class:`Unanimity` (no member can be made worse off). With
    ``transfers=True`` members have quasi-linear utility and may pay each other, so a trade
    happens iff side payments can make *every* member strictly better off, i.e. iff the total
    surplus ``Σ_k count_k (u_k(x) − u_k(y))`` is positive (Coase 1960); a zero surplus leaves
    nobody strictly better off, so the trade is refused.
    """

    transfers: bool = False
    name: ClassVar[str] = "market"

    def validate(self, committee: Committee) -> None:
        if self.transfers and not committee.ranked.all():
            raise InputError("a market with transfers needs every member to rank every item")

    def weak_matrix(self, committee: Committee) -> np.ndarray:
        if not self.transfers:
            return Unanimity().weak_matrix(committee)
        U = _aggregate(committee, None)
        W = np.asarray(U[:, None] > U[None, :], dtype=bool)
        np.fill_diagonal(W, True)
        return W

    def accepts(self, committee: Committee, offered: int, holding: int) -> bool:
        if not self.transfers:
            return Unanimity().accepts(committee, offered, holding)
        if offered == holding:
            return True
        surplus = 0
        vo = committee.values[:, offered].tolist()
        vh = committee.values[:, holding].tolist()
        for k, w in enumerate(committee.counts.tolist()):
            surplus += w * (vo[k] - vh[k])
        return surplus > 0

    def describe(self) -> str:
        return "market with side payments" if self.transfers else "market (Pareto trades only)"

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.name, "transfers": self.transfers}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> Market:
        return cls(bool(doc.get("transfers", False)))
