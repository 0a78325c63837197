"""Lotteries and the von Neumann–Morgenstern axioms, with exact witnesses.

A :class:`Lottery` is a probability distribution (exact Fractions) over finitely many
outcomes. :class:`LotteryPreferences` holds an agent's observed weak preferences between
some lotteries (a :class:`~coherence.relations.PreferenceRelation` whose items are lotteries;
pairs it does not relate count as unobserved).

**Theorem (von Neumann and Morgenstern 1944; finite data form).** The observed preferences
are represented by expected utility — ``u`` on outcomes with ``E_p u ≥ E_q u`` whenever
``p ≽ q``, ``>`` when ``p ≻ q`` — iff there are no weights ``λ ≥ 0`` on observed comparisons
``p_k ≽ q_k``, positive on some strict one, with ``Σ λ_k p_k = Σ λ_k q_k`` (Motzkin's
alternative). Such weights are a compound violation of independence (and transitivity): the
λ-mixture of the preferred sides *is* the λ-mixture of the dispreferred sides, yet
independence makes it strictly better than itself. Two-comparison witnesses are the classic
patterns: ``p − q = c (q' − p')`` with ``c = 1`` is the common-consequence (Allais) effect,
with ``c ≠ 1`` the common-ratio effect.

:func:`check_lottery_preferences` returns either an :class:`ExpectedUtility` or an
:class:`IndependenceViolation`; :func:`vnm_axioms` checks completeness, transitivity,
independence and continuity separately, each with a witness.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from coherence._exact.lp import LinearSystem, as_fraction, find_point
from coherence._exact.solvers import linprog
from coherence.errors import CertificationError, InputError
from coherence.relations import PreferenceRelation, check_complete, check_transitive
from coherence.verdict import Certificate, Verdict, label_to_json

__all__ = [
    "ContinuityViolation",
    "ExpectedUtility",
    "IndependenceViolation",
    "Lottery",
    "LotteryPreferences",
    "check_lottery_preferences",
    "vnm_axioms",
]


def _okey(x: Hashable) -> tuple[str, str]:
    return (type(x).__name__, repr(x))


@dataclass(frozen=True)
class Lottery:
    """A finite probability distribution over outcomes, exact.

    ``Lottery({"£1M": 1})`` or ``Lottery({5: "1/10", 1: "89/100", 0: "1/100"})``. Zero-mass
    outcomes are dropped; probabilities must lie in [0, 1] and sum to exactly 1 (else
    :class:`InputError`). Lotteries are hashable and compare by distribution.
    """

    probabilities: tuple[tuple[Hashable, Fraction], ...]

    def __init__(self, probabilities: Mapping[Hashable, Any] | Iterable[tuple[Hashable, Any]]):
        items = probabilities.items() if isinstance(probabilities, Mapping) else probabilities
        acc: dict[Hashable, Fraction] = {}
        for pair in items:
            try:
                x, p = pair
                hash(x)
            except (TypeError, ValueError):
                raise InputError(f"lottery entries must be (hashable outcome, prob): {pair!r}")\
                    from None
            f = as_fraction(p, what=f"probability of {x!r}")
            if f < 0 or f > 1:
                raise InputError(f"probability of {x!r} must be in [0, 1], got {f}")
            acc[x] = acc.get(x, Fraction(0)) + f
        if not acc:
            raise InputError("a lottery needs at least one outcome")
        if sum(acc.values()) != 1:
            raise InputError(f"lottery probabilities must sum to 1, got {sum(acc.values())}")
        canon = tuple(sorted(((x, p) for x, p in acc.items() if p), key=lambda t: _okey(t[0])))
        object.__setattr__(self, "probabilities", canon)

    @classmethod
    def sure(cls, outcome: Hashable) -> Lottery:
        """The degenerate lottery giving ``outcome`` for sure."""
        return cls({outcome: 1})

    @classmethod
    def mixture(cls, alpha: Any, p: Lottery, q: Lottery) -> Lottery:
        """``α p + (1 − α) q`` (α in [0, 1], exact)."""
        a = as_fraction(alpha, what="mixing weight")
        if a < 0 or a > 1:
            raise InputError(f"mixing weight must be in [0, 1], got {a}")
        acc: dict[Hashable, Fraction] = {}
        for x, w in p.probabilities:
            acc[x] = acc.get(x, Fraction(0)) + a * w
        for x, w in q.probabilities:
            acc[x] = acc.get(x, Fraction(0)) + (1 - a) * w
        return cls(acc)

    @property
    def outcomes(self) -> tuple[Hashable, ...]:
        return tuple(x for x, _ in self.probabilities)

    def prob(self, outcome: Hashable) -> Fraction:
        return dict(self.probabilities).get(outcome, Fraction(0))

    def expected(self, utility: Mapping[Hashable, Fraction]) -> Fraction:
        """Exact expected utility."""
        return sum((p * Fraction(utility[x]) for x, p in self.probabilities), Fraction(0))

    def __repr__(self) -> str:
        inner = ", ".join(f"{x!r}: {p}" for x, p in self.probabilities)
        return f"L{{{inner}}}"

    def to_json(self) -> dict[str, str]:
        return {str(label_to_json(x)): str(p) for x, p in self.probabilities}


@dataclass(frozen=True, eq=False)
class LotteryPreferences:
    """Observed weak preferences between lotteries: ``relation.items`` are :class:`Lottery`.

    Pairs the relation leaves unrelated are treated as unobserved by the expected-utility
    check; :func:`vnm_axioms` reports them as completeness violations.
    """

    relation: PreferenceRelation

    def __post_init__(self) -> None:
        if not isinstance(self.relation, PreferenceRelation):
            raise InputError("LotteryPreferences needs a PreferenceRelation over lotteries")
        if not all(isinstance(x, Lottery) for x in self.relation.items):
            raise InputError("every item of the relation must be a Lottery")

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[Lottery, Lottery]], lotteries: Iterable[Lottery] | None = None
    ) -> LotteryPreferences:
        """From ``(better, worse)`` pairs meaning ``better ≽ worse`` (both orders: indifferent).
        Strict preference is a pair listed in one order only. Reflexive."""
        return cls(PreferenceRelation.from_pairs(pairs, lotteries, reflexive=True))

    @classmethod
    def from_utility(
        cls, utility: Mapping[Hashable, Any], lotteries: Iterable[Lottery]
    ) -> LotteryPreferences:
        """The (complete) expected-utility preferences of ``utility`` on ``lotteries``."""
        u = {x: as_fraction(v, what=f"utility of {x!r}") for x, v in utility.items()}
        lots = tuple(lotteries)
        for L in lots:
            for x in L.outcomes:
                if x not in u:
                    raise InputError(f"utility has no value for outcome {x!r}")
        return cls(PreferenceRelation.from_utility({L: L.expected(u) for L in lots}, lots))

    @classmethod
    def from_comparison(
        cls, compare: Callable[[Lottery, Lottery], bool], lotteries: Iterable[Lottery]
    ) -> LotteryPreferences:
        """Ask ``compare(p, q)`` ("is p at least as good as q?") for every ordered pair."""
        return cls(PreferenceRelation.from_comparison(compare, lotteries))

    @property
    def lotteries(self) -> tuple[Lottery, ...]:
        return self.relation.items  # type: ignore[return-value]

    @cached_property
    def outcomes(self) -> tuple[Hashable, ...]:
        seen: dict[Hashable, None] = {}
        for L in self.lotteries:
            for x in L.outcomes:
                seen.setdefault(x, None)
        return tuple(sorted(seen, key=_okey))

    @cached_property
    def matrix(self) -> np.ndarray:
        """Exact probabilities, lotteries × outcomes (object array of Fractions)."""
        idx = {x: k for k, x in enumerate(self.outcomes)}
        M = np.empty((len(self.lotteries), len(self.outcomes)), dtype=object)
        M[:] = Fraction(0)
        for i, L in enumerate(self.lotteries):
            for x, p in L.probabilities:
                M[i, idx[x]] = p
        return M

    def comparisons(self) -> list[tuple[int, int, bool]]:
        """Observed comparisons ``(i, j, strict)`` with ``items[i] ≽ items[j]``, ``i ≠ j``."""
        R = self.relation.weak
        P = self.relation.strict
        ij = np.argwhere(R & ~np.eye(len(R), dtype=bool))
        return [(int(i), int(j), bool(P[i, j])) for i, j in ij]


# -- certificates ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ExpectedUtility(Certificate):
    """Utilities on outcomes whose expectation represents every observed comparison."""

    preferences: LotteryPreferences
    utility: tuple[Fraction, ...]  # per preferences.outcomes

    kind: ClassVar[str] = "expected_utility"
    exploit: ClassVar[bool] = False

    def expected(self) -> list[Fraction]:
        u = dict(zip(self.preferences.outcomes, self.utility, strict=True))
        return [L.expected(u) for L in self.preferences.lotteries]

    def verify(self) -> bool:
        """Exact: ``E_p u ≥ E_q u`` for every observed ``p ≽ q``, strict for ``p ≻ q``."""
        if len(self.utility) != len(self.preferences.outcomes):
            return False
        if not all(isinstance(v, Fraction | int) for v in self.utility):
            return False
        ev = self.expected()
        for i, j, strict in self.preferences.comparisons():
            if ev[i] < ev[j] or (strict and ev[i] == ev[j]):
                return False
        return True

    def explain(self) -> str:
        pairs = list(zip(self.preferences.outcomes, self.utility, strict=True))
        shown = ", ".join(f"u({x!r}) = {v}" for x, v in pairs[:12])
        return (
            "Expected utility represents every observed comparison (so completeness on the "
            "observed pairs, transitivity, independence and continuity are all consistent "
            f"with the data): {shown}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "utility": {
                str(label_to_json(x)): str(v)
                for x, v in zip(self.preferences.outcomes, self.utility, strict=True)
            },
        }


@dataclass(frozen=True, eq=False)
class IndependenceViolation(Certificate):
    """Weights on observed comparisons ``p_k ≽ q_k`` (some strict, weight > 0) whose mixtures
    coincide: ``Σ λ_k p_k = Σ λ_k q_k``. No expected utility can represent them."""

    preferences: LotteryPreferences
    comparisons: tuple[tuple[int, int], ...]
    weights: tuple[Fraction, ...]

    kind: ClassVar[str] = "vnm_violation"
    exploit: ClassVar[bool] = True

    def verify(self) -> bool:
        """Exact: each comparison is observed, weights ≥ 0 with a positive one on a strict
        comparison, and the weighted preferred and dispreferred mixtures are equal."""
        prefs = self.preferences
        R, P = prefs.relation.weak, prefs.relation.strict
        if len(self.comparisons) != len(self.weights) or not self.comparisons:
            return False
        if any(not isinstance(w, Fraction | int) or w < 0 for w in self.weights):
            return False
        if not any(w > 0 and P[i, j] for (i, j), w in zip(self.comparisons, self.weights,
                                                          strict=True)):
            return False
        M = prefs.matrix
        tot = np.array([Fraction(0)] * M.shape[1], dtype=object)
        for (i, j), w in zip(self.comparisons, self.weights, strict=True):
            if i == j or not R[i, j]:
                return False
            tot = tot + w * (M[i] - M[j])
        return all(v == 0 for v in tot)

    @property
    def pattern(self) -> str:
        """``"common consequence (Allais)"``, ``"common ratio"``, ``"preference cycle"`` or
        ``"compound independence"``."""
        live = [(c, w) for c, w in zip(self.comparisons, self.weights, strict=True) if w > 0]
        if len(live) == 2:
            (_, w1), (_, w2) = live
            return "common consequence (Allais)" if w1 == w2 else "common ratio"
        starts = [c[0] for c, _ in live]
        ends = [c[1] for c, _ in live]
        if sorted(starts) == sorted(ends) and len(set(starts)) == len(starts):
            return "preference cycle"
        return "compound independence"

    def explain(self) -> str:
        L = self.preferences.lotteries
        P = self.preferences.relation.strict
        live = [(c, w) for c, w in zip(self.comparisons, self.weights, strict=True) if w > 0]
        tot = sum(w for _, w in live)
        lines = [f"No expected utility fits ({self.pattern}):"]
        for (i, j), w in live:
            rel = "≻" if P[i, j] else "≽"
            lines.append(f"  {L[i]!r} {rel} {L[j]!r}   (weight {w / tot})")
        lines.append(
            "  mixing the preferred lotteries with these weights gives exactly the same lottery "
            "as mixing the dispreferred ones; independence would make that lottery strictly "
            "better than itself."
        )
        if self.pattern.startswith("common consequence"):
            lines.append(
                "  The two choices differ only in a common consequence that was swapped; an "
                "expected-utility maximiser cannot reverse its choice when a common "
                "consequence changes (Allais 1953)."
            )
        elif self.pattern == "common ratio":
            lines.append(
                "  The second choice scales the first's winning probabilities by a common "
                "ratio; an expected-utility maximiser cannot reverse its choice when all "
                "probabilities are scaled (Kahneman and Tversky 1979)."
            )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        L = self.preferences.lotteries
        P = self.preferences.relation.strict
        return {
            "kind": self.kind,
            "pattern": self.pattern,
            "comparisons": [
                {"better": L[i].to_json(), "worse": L[j].to_json(), "strict": bool(P[i, j]),
                 "weight": str(w)}
                for (i, j), w in zip(self.comparisons, self.weights, strict=True) if w > 0
            ],
        }


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
            f"{L[i]!r} ≻ {L[j]!r} ≻ {L[k]!r}, yet the mixture with weight {a} on the best "
            f"is at least as good as the middle lottery while the one with the larger weight "
            f"{b} is worse: the mixtures preferred to the middle lottery do not form an "
            "interval of weights closed at a threshold (continuity with independence fails)."
        )

    def to_json(self) -> dict[str, Any]:
        L = self.preferences.lotteries
        i, j, k = self.triple
        return {
            "kind": self.kind,
            "best": L[i].to_json(), "middle": L[j].to_json(), "worst": L[k].to_json(),
            "alpha": str(self.low[0]), "beta": str(self.high[0]),
        }


# -- checks ------------------------------------------------------------------------------------


def _diff_rows(prefs: LotteryPreferences, comps: Sequence[tuple[int, int, bool]]) -> np.ndarray:
    M = prefs.matrix
    if not comps:
        return np.empty((0, M.shape[1]), dtype=object)
    return np.stack([M[i] - M[j] for i, j, _ in comps])


def _two_comparison_witness(
    prefs: LotteryPreferences, comps: list[tuple[int, int, bool]]
) -> IndependenceViolation | None:
    """Pairs of comparisons with ``d_k = −c · d_l`` (c > 0), one strict: hashing O(K · m)."""
    D = _diff_rows(prefs, comps)
    table: dict[tuple[Fraction, ...], list[tuple[int, Fraction]]] = {}
    normed: list[tuple[tuple[Fraction, ...], Fraction] | None] = []
    for k in range(len(comps)):
        row = D[k]
        nz = next((v for v in row if v != 0), None)
        if nz is None:
            normed.append(None)
            continue
        scale = abs(nz)
        key = tuple(v / scale for v in row)
        normed.append((key, scale))
        table.setdefault(key, []).append((k, scale))
    for k, nk in enumerate(normed):
        if nk is None:
            continue
        key, sk = nk
        neg = tuple(-v for v in key)
        for l_, sl in table.get(neg, []):
            if comps[k][2] or comps[l_][2]:
                # λ_k d_k + λ_l d_l = 0 with d_k = sk·key, d_l = −sl·key → λ_k sk = λ_l sl
                return IndependenceViolation(
                    prefs,
                    ((comps[k][0], comps[k][1]), (comps[l_][0], comps[l_][1])),
                    (Fraction(sl), Fraction(sk)),
                )
    return None


def _lp_witness(
    prefs: LotteryPreferences, comps: list[tuple[int, int, bool]]
) -> IndependenceViolation | None:
    D = _diff_rows(prefs, comps)
    K, m = D.shape
    strict = np.array([c[2] for c in comps])
    A_eq = np.vstack([D.T, strict.astype(int).astype(object)[None, :]])
    b_eq = np.array([Fraction(0)] * m + [Fraction(1)], dtype=object)
    system = LinearSystem(n=K, A_eq=A_eq, b_eq=b_eq, lb=(Fraction(0),) * K)
    x = find_point(system)
    if x is None:
        return None
    keep = [k for k in range(K) if x[k] != 0]
    return IndependenceViolation(
        prefs, tuple((comps[k][0], comps[k][1]) for k in keep), tuple(x[k] for k in keep)
    )


def _eu_point(
    prefs: LotteryPreferences, comps: list[tuple[int, int, bool]]
) -> tuple[Fraction, ...] | None:
    D = _diff_rows(prefs, comps)
    K, m = D.shape
    if m == 0:
        return ()
    strict = [c[2] for c in comps]
    Df = np.vectorize(float, otypes=[float])(D) if K else np.zeros((0, m))
    # max t s.t. D u ≥ t on strict rows, D u ≥ 0 on weak rows, 0 ≤ u ≤ 1
    if K:
        res = linprog(
            np.r_[np.zeros(m), -1.0],
            A_ub=np.hstack([-Df, np.array(strict, dtype=float)[:, None]]),
            b_ub=np.zeros(K),
            bounds=[(0, 1)] * m + [(None, 1)],
            method="highs",
        )
        if res.status != 0 or (any(strict) and -res.fun <= 1e-10):
            return None
    system = LinearSystem(
        n=m, A_ub=-D if K else None, b_ub=np.array([Fraction(0)] * K, dtype=object),
        lb=(Fraction(0),) * m, ub=(Fraction(1),) * m, strict=np.array(strict, dtype=bool),
    )
    x = find_point(system)
    return None if x is None else tuple(x)


def check_lottery_preferences(prefs: LotteryPreferences) -> Verdict:
    """Expected-utility representation or a verified violation of independence/transitivity.

    Two-comparison witnesses (Allais, common ratio) are searched first by hashing normalised
    difference vectors (O(K · m) for K comparisons over m outcomes); then one margin LP
    decides, its primal giving the utility and, on failure, the alternative system giving the
    weights (exact via :func:`coherence._exact.lp.find_point`).

    Raises:
        CertificationError: neither certificate verified.
    """
    comps = prefs.comparisons()
    two = _two_comparison_witness(prefs, comps)
    if two is not None and two.verify():
        return Verdict(False, two, "lottery preferences", {"pattern": two.pattern})
    u = _eu_point(prefs, comps)
    if u is not None:
        cert: Certificate = ExpectedUtility(prefs, u)
        if cert.verify():
            return Verdict(True, cert, "lottery preferences")
    w = _lp_witness(prefs, comps)
    if w is not None and w.verify():
        return Verdict(False, w, "lottery preferences", {"pattern": w.pattern})
    raise CertificationError("lottery preferences: neither certificate verified")


def _continuity_witness(prefs: LotteryPreferences) -> ContinuityViolation | None:
    L = prefs.lotteries
    index = {x: i for i, x in enumerate(L)}
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
    del index
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


def vnm_axioms(prefs: LotteryPreferences) -> dict[str, Verdict]:
    """Each VNM axiom checked separately on the observed data, with a witness when it fails.

    * ``completeness`` / ``transitivity``: :func:`coherence.relations.check_complete` /
      :func:`~coherence.relations.check_transitive` on the relation (pair / triple witness).
    * ``independence``: an :class:`IndependenceViolation` (two comparisons when possible) or
      an :class:`ExpectedUtility`.
    * ``continuity``: a :class:`ContinuityViolation` (mixtures of ``p`` and ``r`` on the wrong
      sides of ``q``) or, when none is observed and an expected utility fits, that utility.
      Continuity alone constrains limits, so no finite data refutes it in isolation (a
      lexicographic preference passes every finite test); the witness here is the finite
      failure of the Herstein–Milnor threshold property.

    Cost: O(n³ · mixtures²) for continuity, one LP for independence.
    """
    out: dict[str, Verdict] = {
        "completeness": check_complete(prefs.relation),
        "transitivity": check_transitive(prefs.relation),
    }
    eu = check_lottery_preferences(prefs)
    out["independence"] = eu
    cv = _continuity_witness(prefs)
    if cv is not None:
        out["continuity"] = Verdict(False, cv, "continuity")
    elif eu.coherent:
        out["continuity"] = Verdict(True, eu.certificate, "continuity")
    else:
        out["continuity"] = Verdict(False, eu.certificate, "continuity")
    return out
