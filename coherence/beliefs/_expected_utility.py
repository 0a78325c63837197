"""Expected utility on observed lottery preferences, or a violation of independence.

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
:class:`IndependenceViolation`, verified exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence._exact import LinearSystem, as_fraction, find_point
from coherence._exact.display import shown as number_text
from coherence._jsonio import by_label
from coherence.beliefs._lotteries import LotteryPreferences
from coherence.errors import CertificationError
from coherence.validation import check_integer
from coherence.verdict import Certificate, Verdict, label_to_json

__all__ = ["ExpectedUtility", "IndependenceViolation", "check_lottery_preferences"]


@dataclass(frozen=True, eq=False)
class ExpectedUtility(Certificate):
    """Utilities on outcomes whose expectation represents every observed comparison."""

    preferences: LotteryPreferences
    utility: tuple[Fraction, ...]  # per preferences.outcomes

    kind: ClassVar[str] = "expected_utility"
    exploit: ClassVar[bool] = False

    def expected(self) -> list[Fraction]:
        """The expected utility of each lottery, in the order of ``preferences.lotteries``."""
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
        shown = ", ".join(f"u({x!r}) = {number_text(v)}" for x, v in pairs[:12])
        return (
            "Expected utility represents every observed comparison (so completeness on the "
            "observed pairs, transitivity, independence and continuity are all consistent "
            f"with the data): {shown}"
        )

    def to_json(self) -> dict[str, Any]:
        """The utility of each outcome, and the preferences it represents."""
        return {
            "kind": self.kind,
            "utility": {
                str(label_to_json(x)): str(v)
                for x, v in zip(self.preferences.outcomes, self.utility, strict=True)
            },
            "preferences": self.preferences.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> ExpectedUtility:
        prefs = LotteryPreferences.from_json(doc["preferences"])
        return cls(prefs, tuple(by_label(doc["utility"], prefs.outcomes, what="utility")))


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
            lines.append(f"  {L[i]!r} {rel} {L[j]!r}   (weight {number_text(w / tot)})")
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
        """The pattern, the weighted comparisons (``pair`` indexes the lotteries of
        ``preferences``) and the preferences themselves."""
        L = self.preferences.lotteries
        P = self.preferences.relation.strict
        return {
            "kind": self.kind,
            "pattern": self.pattern,
            "comparisons": [
                {"better": L[i].to_json(), "worse": L[j].to_json(), "strict": bool(P[i, j]),
                 "weight": str(w), "pair": [i, j]}
                for (i, j), w in zip(self.comparisons, self.weights, strict=True) if w > 0
            ],
            "preferences": self.preferences.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> IndependenceViolation:
        prefs = LotteryPreferences.from_json(doc["preferences"])
        n = len(prefs.lotteries)
        pairs, weights = [], []
        for entry in doc["comparisons"]:
            i, j = (check_integer(v, "lottery index of a comparison", min_value=0, max_value=n - 1)
                    for v in entry["pair"])
            pairs.append((i, j))
            weights.append(as_fraction(entry["weight"], what="comparison weight"))
        return cls(prefs, tuple(pairs), tuple(weights))


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
    """Weights ``λ ≥ 0`` with ``Σ λ_k d_k = 0`` and weight 1 on the strict comparisons, solved
    exactly: ``None`` only when there are none (Motzkin: then expected utility fits)."""
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
    prefs: LotteryPreferences, comps: list[tuple[int, int, bool]], *, exact: bool = False
) -> tuple[Fraction, ...] | None:
    """Exact utilities in ``[0, 1]`` representing every comparison, from the margin LP
    ``max t`` s.t. ``D u ≥ t`` on strict rows, ``D u ≥ 0`` on weak rows; ``None`` when its
    float optimum gives none (with ``exact``: when there are none, exactly)."""
    D = _diff_rows(prefs, comps)
    K, m = D.shape
    if m == 0:
        return ()
    strict = [c[2] for c in comps]
    system = LinearSystem(
        n=m, A_ub=-D if K else None, b_ub=np.array([Fraction(0)] * K, dtype=object),
        lb=(Fraction(0),) * m, ub=(Fraction(1),) * m, strict=np.array(strict, dtype=bool),
    )
    x = find_point(system, exact_fallback=exact)
    return None if x is None else tuple(x)


def check_lottery_preferences(prefs: LotteryPreferences) -> Verdict:
    """Expected-utility representation or a verified violation of independence/transitivity.

    Two-comparison witnesses (Allais, common ratio) are searched first by hashing normalised
    difference vectors (O(K · m) for K comparisons over m outcomes); then one margin LP
    decides, its primal giving the utility and, on failure, the alternative system giving the
    weights (exact via :func:`coherence._exact.find_point`, which finds a point whenever one
    exists, so a misleading float LP costs time, never the answer). A violation's verdict
    carries its ``pattern``.

    Raises:
        CertificationError: neither certificate verified (never on valid input: a bug).

    >>> from coherence.beliefs import Lottery, LotteryPreferences
    >>> A, B = Lottery({"1M": 1}), Lottery({"5M": "1/10", "1M": "89/100", "0": "1/100"})
    >>> C = Lottery({"1M": "11/100", "0": "89/100"}); D = Lottery({"5M": "1/10", "0": "9/10"})
    >>> v = check_lottery_preferences(LotteryPreferences.from_pairs([(A, B), (D, C)]))
    >>> v.coherent, v.quantities["pattern"]
    (False, 'common consequence (Allais)')
    >>> check_lottery_preferences(LotteryPreferences.from_pairs([(B, A), (D, C)])).coherent
    True
    """
    comps = prefs.comparisons()
    two = _two_comparison_witness(prefs, comps)
    if two is not None:
        return Verdict.certify(two, "lottery preferences", pattern=two.pattern)
    u = _eu_point(prefs, comps)
    if u is not None:
        return Verdict.certify(ExpectedUtility(prefs, u), "lottery preferences")
    w = _lp_witness(prefs, comps)
    if w is not None:
        return Verdict.certify(w, "lottery preferences", pattern=w.pattern)
    # no witness exists, so (Motzkin) expected utility fits: solved exactly
    u = _eu_point(prefs, comps, exact=True)
    if u is not None:
        return Verdict.certify(ExpectedUtility(prefs, u), "lottery preferences")
    raise CertificationError("lottery preferences: neither certificate was found")
