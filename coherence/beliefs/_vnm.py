"""The von Neumann–Morgenstern axioms checked one by one on observed lottery preferences.

:func:`vnm_axioms` returns a :class:`VNMReport`: one verdict per axiom (completeness,
transitivity, independence, continuity), each with its own exact certificate. Continuity on
its own constrains limits, so no finite data refute it in isolation (a lexicographic
preference passes every finite test); the finite witness here is a
:class:`ContinuityViolation`, the failure of the Herstein–Milnor threshold property
(Herstein and Milnor 1953).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Any, ClassVar

from coherence._exact import as_fraction
from coherence._exact.display import shown as number_text
from coherence.beliefs._expected_utility import check_lottery_preferences
from coherence.beliefs._lotteries import Lottery, LotteryPreferences
from coherence.errors import CertificationError
from coherence.relations import check_complete, check_transitive
from coherence.validation import check_integer, check_mapping
from coherence.verdict import Certificate, Verdict

__all__ = ["ContinuityViolation", "VNMReport", "vnm_axioms"]


@dataclass(frozen=True, eq=False)
class ContinuityViolation(Certificate):
    """``p ≻ q ≻ r`` and weights ``α < β`` with ``α p + (1 − α) r ≽ q ≻ β p + (1 − β) r``:
    no threshold weight separates the mixtures better than ``q`` from the worse ones."""

    preferences: LotteryPreferences
    triple: tuple[int, int, int]
    low: tuple[Fraction, int]   # (α, index of its mixture)
    high: tuple[Fraction, int]  # (β, index of its mixture)

    kind: ClassVar[str] = "continuity_violation"
    exploit: ClassVar[bool] = True

    def verify(self) -> bool:
        """Exact: ``p ≻ q ≻ r``, ``0 < α < β < 1``, the two lotteries are the α- and
        β-mixtures of ``p`` and ``r``, the first ``≽ q`` and ``q ≻`` the second. O(outcomes)."""
        prefs = self.preferences
        L = prefs.lotteries
        R, P = prefs.relation.weak, prefs.relation.strict
        i, j, k = self.triple
        (a, ia), (b, ib) = self.low, self.high
        if not (P[i, j] and P[j, k] and 0 < a < b < 1):
            return False
        if L[ia] != Lottery.mixture(a, L[i], L[k]) or L[ib] != Lottery.mixture(b, L[i], L[k]):
            return False
        return bool(R[ia, j] and P[j, ib])

    def explain(self) -> str:
        L = self.preferences.lotteries
        i, j, k = self.triple
        (a, _ia), (b, _ib) = self.low, self.high
        return (
            f"{L[i]!r} ≻ {L[j]!r} ≻ {L[k]!r}, yet the mixture with weight {number_text(a)} on "
            "the best is at least as good as the middle lottery while the one with the larger "
            f"weight {number_text(b)} is worse: the mixtures preferred to the middle lottery do "
            "not form an interval of weights closed at a threshold (continuity with "
            "independence fails)."
        )

    def to_json(self) -> dict[str, Any]:
        """The three lotteries and the two weights, with their positions (``triple``,
        ``mixtures``) among the lotteries of ``preferences``, and the preferences."""
        L = self.preferences.lotteries
        i, j, k = self.triple
        return {
            "kind": self.kind,
            "best": L[i].to_json(), "middle": L[j].to_json(), "worst": L[k].to_json(),
            "alpha": str(self.low[0]), "beta": str(self.high[0]),
            "triple": [i, j, k], "mixtures": [self.low[1], self.high[1]],
            "preferences": self.preferences.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> ContinuityViolation:
        prefs = LotteryPreferences.from_json(doc["preferences"])
        n = len(prefs.lotteries)
        i, j, k = (_index(v, n) for v in doc["triple"])
        ia, ib = (_index(v, n) for v in doc["mixtures"])
        alpha = as_fraction(doc["alpha"], what="alpha")
        beta = as_fraction(doc["beta"], what="beta")
        return cls(prefs, (i, j, k), (alpha, ia), (beta, ib))


def _index(v: Any, n: int) -> int:
    return check_integer(v, "lottery index", min_value=0, max_value=n - 1)
    return v


def _continuity_witness(prefs: LotteryPreferences) -> ContinuityViolation | None:
    L = prefs.lotteries
    R, P = prefs.relation.weak, prefs.relation.strict
    n = len(L)
    for i in range(n):
        for k in range(n):
            if i == k or not any(P[i, j] and P[j, k] for j in range(n)):
                continue
            mixes = []
            for m_ in range(n):
                a = _mix_weight(L[m_], L[i], L[k])
                if a is not None and 0 < a < 1:
                    mixes.append((a, m_))
            if len(mixes) < 2:
                continue
            mixes.sort()
            for j in range(n):
                if not (P[i, j] and P[j, k]):
                    continue
                for x in range(len(mixes)):
                    for y in range(x + 1, len(mixes)):
                        (a, ia), (b, ib) = mixes[x], mixes[y]
                        if a < b and R[ia, j] and P[j, ib]:
                            return ContinuityViolation(prefs, (i, j, k), (a, ia), (b, ib))
    return None


def _mix_weight(m: Lottery, p: Lottery, r: Lottery) -> Fraction | None:
    """α with m = α p + (1 − α) r, if any (exact)."""
    xs = set(m.outcomes) | set(p.outcomes) | set(r.outcomes)
    alpha = None
    for x in xs:
        dp = p.prob(x) - r.prob(x)
        dm = m.prob(x) - r.prob(x)
        if dp == 0:
            if dm != 0:
                return None
            continue
        a = dm / dp
        if alpha is None:
            alpha = a
        elif a != alpha:
            return None
    return alpha


_AXIOMS = ("completeness", "transitivity", "independence", "continuity")


def _mapping_access() -> None:
    warnings.warn(
        "reading a VNMReport as a mapping is deprecated; use its attributes "
        "(report.independence) or report.verdicts",
        DeprecationWarning,
        stacklevel=3,
    )


@dataclass(frozen=True)
class VNMReport:
    """One verdict per von Neumann–Morgenstern axiom, each with its exact certificate.

    ``coherent`` when every axiom holds on the data; :meth:`verify` re-checks every
    certificate. Reading the report as a mapping (``report["independence"]``, ``.items()``)
    still works but is deprecated: use the attributes or :attr:`verdicts`.

    >>> p, q = Lottery.sure("hi"), Lottery.sure("lo")
    >>> r = vnm_axioms(LotteryPreferences.from_pairs([(p, q)]))
    >>> r.coherent, r.violated, r.verify()
    (True, (), True)
    """

    completeness: Verdict
    transitivity: Verdict
    independence: Verdict
    continuity: Verdict

    kind: ClassVar[str] = "vnm_axioms"

    def __post_init__(self) -> None:
        for f in fields(self):
            if not isinstance(getattr(self, f.name), Verdict):
                raise TypeError(f"{f.name} must be a Verdict")

    @property
    def verdicts(self) -> dict[str, Verdict]:
        """Axiom name → verdict, in the order completeness, transitivity, independence,
        continuity."""
        return {name: getattr(self, name) for name in _AXIOMS}

    @property
    def coherent(self) -> bool:
        """``True`` when every axiom holds on the observed data."""
        return all(v.coherent for v in self.verdicts.values())

    @property
    def violated(self) -> tuple[str, ...]:
        """The names of the axioms that fail, in order."""
        return tuple(name for name, v in self.verdicts.items() if not v.coherent)

    def verify(self) -> bool:
        """Every axiom's certificate re-checked exactly."""
        return all(v.verify() for v in self.verdicts.values())

    def explain(self) -> str:
        """Plain text: one paragraph per axiom."""
        head = "VNM axioms: " + (
            "all hold on the observed data" if self.coherent
            else "violated: " + ", ".join(self.violated)
        )
        body = [f"{name}: {v.explain()}" for name, v in self.verdicts.items()]
        return "\n".join([head, *body])

    def to_json(self) -> dict[str, Any]:
        """``{"kind": "vnm_axioms", "coherent": bool, "axioms": {name: verdict JSON}}``."""
        return {
            "kind": self.kind,
            "coherent": self.coherent,
            "axioms": {name: v.to_json() for name, v in self.verdicts.items()},
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> VNMReport:
        """Read a report back from :meth:`to_json` (each verdict by
        :meth:`Verdict.from_json`)."""
        doc = check_mapping(doc, "a VNM report document", required=("axioms",))
        axioms = check_mapping(doc["axioms"], "the axioms of a VNM report", required=_AXIOMS)
        return cls(**{name: Verdict.from_json(axioms[name]) for name in _AXIOMS})

    def __str__(self) -> str:
        return self.explain()

    # -- deprecated mapping access -----------------------------------------------------
    def __getitem__(self, name: str) -> Verdict:
        _mapping_access()
        if name not in _AXIOMS:
            raise KeyError(name)
        return self.verdicts[name]

    def __iter__(self) -> Iterator[str]:
        _mapping_access()
        return iter(_AXIOMS)

    def __len__(self) -> int:
        return len(_AXIOMS)

    def __contains__(self, name: object) -> bool:
        return name in _AXIOMS

    def keys(self) -> tuple[str, ...]:
        _mapping_access()
        return _AXIOMS

    def values(self) -> list[Verdict]:
        _mapping_access()
        return list(self.verdicts.values())

    def items(self) -> list[tuple[str, Verdict]]:
        _mapping_access()
        return list(self.verdicts.items())


def vnm_axioms(prefs: LotteryPreferences) -> VNMReport:
    """Each VNM axiom checked separately on the observed data, with a witness when it fails.

    * ``completeness`` / ``transitivity``: :func:`coherence.relations.check_complete` /
      :func:`~coherence.relations.check_transitive` on the relation (pair / triple witness).
    * ``independence``: an :class:`IndependenceViolation` (two comparisons when possible) or
      an :class:`ExpectedUtility`.
    * ``continuity``: a :class:`ContinuityViolation` (mixtures of ``p`` and ``r`` on the wrong
      sides of ``q``) or, when none is observed, the independence certificate (the expected
      utility when one fits).

    Cost: O(n³ · mixtures²) for continuity, one LP for independence.

    >>> p, q, r = Lottery.sure("hi"), Lottery.sure("mid"), Lottery.sure("lo")
    >>> m1, m2 = Lottery.mixture("1/4", p, r), Lottery.mixture("3/4", p, r)
    >>> pairs = [(p, q), (q, r), (p, r), (m1, q), (q, m2)]
    >>> report = vnm_axioms(LotteryPreferences.from_pairs(pairs))
    >>> report.violated, type(report.continuity.certificate).__name__
    (('completeness', 'transitivity', 'independence', 'continuity'), 'ContinuityViolation')
    """
    eu = check_lottery_preferences(prefs)
    cv = _continuity_witness(prefs)
    held = eu.certificate if cv is None else cv
    if not isinstance(held, Certificate):
        raise CertificationError("lottery preferences: the independence verdict holds evidence")
    continuity = Verdict.certify(held, "continuity")
    return VNMReport(
        completeness=check_complete(prefs.relation),
        transitivity=check_transitive(prefs.relation),
        independence=eu,
        continuity=continuity,
    )
