"""Audit a table of battles or judge verdicts: the bridge's metrics, a verified verdict, and
Bradley–Terry strengths with bootstrap intervals.

Leaderboards rank contestants by a Bradley–Terry fit, which assumes a utility exists; nothing
in the fit says whether the data contradict it. :func:`audit_battles` answers that with a
certificate: a shortest money pump of the majority relation (``i ≽ j`` iff ``i`` took at least
half the points from ``j``, decided on integer counts), or an integer utility that rules every
pump out, each verified exactly, plus the metrics of :func:`~coherence.bridge.audit_matrix`
(exact expected cyclic triads, hard cyclic triads, stochastic-transitivity rates, the Hodge
residual, the log-odds exploitability) and, for up to 8 contestants, the random-utility check
on the exact point shares.

Pairs never compared: the verdict and the random-utility check use compared pairs only (the
majority relation leaves such a pair unrelated, so a pump never runs through a pair without
data); the matrix metrics, which need every pair, read an uncompared pair as ½ (no
information), and ``compared_pairs`` / ``pairs`` in the metrics say how much of the matrix is
data.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from collections.abc import Hashable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence.bridge.audit import RANDOM_UTILITY_MAX, AuditReport, audit_matrix
from coherence.bridge.battles import BattleCounts, BattleDataError, Battles
from coherence.bridge.strengths import (
    StrengthFit,
    StrengthIntervals,
    battle_strengths,
    bootstrap_strengths,
)
from coherence.errors import CertificationError
from coherence.relations import MoneyPump, check_relation
from coherence.verdict import Certificate, Verdict, jsonable

__all__ = ["BattleAudit", "audit_battles", "pump_supported"]


def pump_supported(counts: BattleCounts, labels: tuple[Any, ...]) -> bool:
    """Whether every trade of a money pump is backed by the counts, in integers: holding
    ``labels[k]`` the agent takes ``labels[k + 1]`` (cyclically), so ``labels[k + 1]`` met
    ``labels[k]`` and took at least half the points, and at least one trade is strict (more
    than half). O(len(labels)).

    >>> c = BattleCounts(("x", "y", "z"), [[0, 2, 0], [0, 0, 2], [2, 0, 0]],
    ...                  np.zeros((3, 3), int), np.zeros((3, 3), int))
    >>> pump_supported(c, ("x", "z", "y")), pump_supported(c, ("x", "y", "z"))
    (True, False)
    """
    index = {m: i for i, m in enumerate(counts.models)}
    p2 = counts.points2
    games = counts.games
    strict = False
    k = len(labels)
    if k < 2:
        return False
    for t in range(k):
        held, taken = index[labels[t]], index[labels[(t + 1) % k]]
        if games[taken, held] == 0 or p2[taken, held] < p2[held, taken]:
            return False
        strict = strict or bool(p2[taken, held] > p2[held, taken])
    return strict


@dataclass(frozen=True, eq=False)
class BattleAudit:
    """What :func:`audit_battles` measured.

    Attributes:
        counts: the outcome counts.
        report: the matrix audit (:class:`~coherence.bridge.AuditReport`) whose ``verdict``
            is the verdict on the compared pairs.
        strengths: the Bradley–Terry fit on the counts.
        intervals: bootstrap intervals (``None`` with ``bootstrap=0``).
        kind: ``"arena"`` or ``"judge"``.
    """

    counts: BattleCounts
    report: AuditReport
    strengths: StrengthFit
    intervals: StrengthIntervals | None
    kind: str = "arena"

    @property
    def verdict(self) -> Verdict:
        return self.report.verdict

    @property
    def coherent(self) -> bool:
        return self.report.verdict.coherent

    def position_bias(self) -> dict[str, float]:
        """The share of decisive battles won by the side shown first, minus ½, with a 95 %
        Wilson interval. Meaningful for judge tables whose pairs are shown in both orders
        (otherwise it also carries who tends to be listed first)."""
        f, s = self.counts.first_wins, self.counts.second_wins
        m = f + s
        if m == 0:
            return {"bias": math.nan, "lower": math.nan, "upper": math.nan, "decisive": 0}
        p, zz = f / m, 1.959963984540054 ** 2
        centre = (p + zz / (2 * m)) / (1 + zz / m)
        half = math.sqrt(p * (1 - p) / m + zz / (4 * m * m)) * math.sqrt(zz) / (1 + zz / m)
        return {"bias": p - 0.5, "lower": centre - half - 0.5, "upper": centre + half - 0.5,
                "decisive": m}

    def metrics(self) -> dict[str, Any]:
        out = self.report.metrics()
        out.pop("order_bias", None)  # nothing is asked in two orders here
        out["position_bias"] = self.position_bias()["bias"]
        summary = self.counts.summary()
        out["compared_pairs"] = summary["compared_pairs"]
        out["pairs"] = summary["pairs"]
        return out

    def explain(self) -> str:
        """Plain text: the verdict's story, the table's totals, the metrics, the ranking."""
        s = self.counts.summary()
        lines = [self.report.verdict.explain(), ""]
        lines.append(
            f"{s['battles']} battles between {s['contestants']} contestants "
            f"({s['decisive']} decisive, {s['ties']} ties, {s['ties_bothbad']} both bad; "
            f"{s['compared_pairs']} of {s['pairs']} pairs compared)"
        )
        for k, v in self.metrics().items():
            lines.append(f"  {k}: {v:.6g}" if isinstance(v, float) else f"  {k}: {v}")
        lines.append("Bradley–Terry log-strengths (ties ½; mean 0"
                     + (f"; ridge {self.strengths.ridge:g}" if self.strengths.ridge else "")
                     + "):")
        iv = self.intervals.as_dict() if self.intervals is not None else {}
        for m in self.strengths.ranking():
            u = self.strengths.as_dict()[m]
            band = (f"  [{iv[m][0]:+.3f}, {iv[m][1]:+.3f}]" if m in iv and
                    math.isfinite(iv[m][0]) else "")
            lines.append(f"  {m}: {u:+.4f}{band}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The matrix audit's document (``coherent``, ``status``, ``verdict``, ``metrics``,
        ...), plus ``certificate`` (the pump over contestants or their utility),
        ``bradley_terry`` (``{name: log-strength}``), ``bradley_terry_intervals``
        (``{name: [lower, upper]}``), ``bradley_terry_fit`` and ``battles`` (the totals)."""
        doc = self.report.to_json()
        doc["kind"] = self.kind
        doc["metrics"] = jsonable(self.metrics())
        doc["certificate"] = self.report.verdict.certificate.to_json()
        doc["bradley_terry"] = jsonable(self.strengths.as_dict())
        fit: dict[str, Any] = {
            "model": "bradley-terry",
            "ties": "half a point each",
            "anchor": "mean log-strength 0",
            "ridge": self.strengths.ridge,
            "iterations": self.strengths.iterations,
            "converged": self.strengths.converged,
            "log_likelihood": self.strengths.log_likelihood,
        }
        if self.intervals is not None:
            iv = self.intervals
            doc["bradley_terry_intervals"] = {
                m: [_num(lo), _num(hi)] for m, (lo, hi) in iv.as_dict().items()}
            fit["bootstrap"] = {"replicates": iv.replicates, "failed": iv.failed,
                                "seed": iv.seed, "level": iv.level}
        doc["bradley_terry_fit"] = fit
        battles = self.counts.summary()
        battles["position_bias"] = {k: _num(v) for k, v in self.position_bias().items()}
        doc["battles"] = battles
        return doc

    def dumps(self, **kwargs: Any) -> str:
        return json.dumps(self.to_json(), **kwargs)

    def __str__(self) -> str:
        return self.explain()


def _num(v: Any) -> Any:
    return float(v) if isinstance(v, float | np.floating) and math.isfinite(v) else (
        None if isinstance(v, float | np.floating) else v)


def audit_battles(
    data: Battles | BattleCounts,
    *,
    bootstrap: int = 200,
    seed: int = 0,
    level: float = 0.95,
    ridge: float = 0.0,
    device: Any = "cpu",
    random_utility: int = RANDOM_UTILITY_MAX,
    exploitability: bool = True,
) -> BattleAudit:
    """Audit battles or judge verdicts (see the module docstring). O(rows) to count (done by
    the caller's :class:`~coherence.bridge.Battles`), then O(n²) metrics, O(n³) per
    Bradley–Terry step and per bootstrap replicate. At 10⁶ battles over 100 contestants the
    fit, the metrics and the verdict take well under a second and 200 bootstrap replicates
    a few seconds (``benchmarks/battles.py``).

    Args:
        data: :class:`~coherence.bridge.Battles` (e.g. from
            :func:`~coherence.bridge.read_battles`) or their counts.
        bootstrap: replicates for the intervals (0: none); ``seed`` and ``level`` for them.
        ridge: Bradley–Terry penalty ``ridge·‖u‖²`` (0: maximum likelihood where it exists,
            else :data:`FALLBACK_RIDGE`, reported as the fit's ``ridge``; the likelihood needs a
            strongly connected win graph).
        device: where the matrix metrics run (``"cpu"``, ``"cuda"`` or ``"auto"``).
        random_utility: the most contestants for which the random-utility check runs.

    Returns:
        A :class:`BattleAudit`; ``.verdict`` is verified exactly, and a pump's every trade
        is checked against the integer counts (:func:`pump_supported`).

    >>> from coherence.bridge import battles_from_columns
    >>> rps = battles_from_columns(["rock", "paper", "scissors"] * 2,
    ...                            ["scissors", "rock", "paper"] * 2, ["model_a"] * 6)
    >>> a = audit_battles(rps, bootstrap=0)
    >>> a.verdict.status, a.verdict.certificate.labels, a.report.hard.count
    ('exploitable', ('paper', 'scissors', 'rock'), 1)
    """
    kind = data.kind if isinstance(data, Battles) else "arena"
    counts = data.counts() if isinstance(data, Battles) else data
    if not isinstance(counts, BattleCounts):
        raise BattleDataError(f"expected Battles or BattleCounts, got {type(data).__name__}")
    if counts.n < 3:
        raise BattleDataError(f"need at least 3 contestants, got {counts.n}")
    t0 = time.perf_counter()
    try:
        fit = battle_strengths(counts, ridge=ridge)
    except BattleDataError as exc:  # no finite maximum: the verdict stands, the fit is ridged
        if ridge != 0 or "does not exist" not in str(exc):
            raise
        ridge = FALLBACK_RIDGE
        fit = battle_strengths(counts, ridge=ridge)
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    iv = (bootstrap_strengths(counts, replicates=bootstrap, seed=seed, level=level, ridge=ridge,
                              fit=fit) if bootstrap else None)
    t_boot = time.perf_counter() - t0
    rep = audit_matrix(counts.probabilities(), counts.models, device=device, kind="battles",
                       fits=False, exploitability=exploitability, random_utility=0)
    t0 = time.perf_counter()
    verdict = _verdict(counts, rep)
    rep.timings["verdict"] = time.perf_counter() - t0
    ru = None
    if 3 <= counts.n <= random_utility:
        t0 = time.perf_counter()
        ru = _random_utility(counts)
        rep.timings["random_utility"] = time.perf_counter() - t0
    rep.timings["bradley_terry"] = t_fit
    if iv is not None:
        rep.timings["bootstrap"] = t_boot
    report = dataclasses.replace(rep, verdict=verdict, random_utility=ru)
    return BattleAudit(counts, report, fit, iv, kind)


#: the ridge :func:`audit_battles` fits with when the maximum likelihood does not exist (some
#: contestants never lost a point to the rest); the output states the ridge it used
FALLBACK_RIDGE = 0.01


def _verdict(counts: BattleCounts, rep: AuditReport) -> Verdict:
    """The verdict of the majority relation on compared pairs, with the matrix metrics among
    its quantities; a pump is re-checked against the counts."""
    base = check_relation(counts.majority_relation())
    cert = base.certificate
    if not isinstance(cert, Certificate):
        raise CertificationError(f"the relation check returned {cert.kind} evidence")
    if isinstance(cert, MoneyPump) and not pump_supported(counts, cert.labels):
        raise CertificationError("a majority pump is not backed by the battle counts")
    q = dict(base.quantities)
    q.update({
        "cycle_probability": rep.cycle_probability,
        "expected_cyclic_triads": rep.expected_cyclic_triads,
        "hard_cyclic_triads": rep.hard.count,
        "kendall_zeta": rep.hard.zeta,
        "residual_incoherence": rep.residual_incoherence,
    })
    return Verdict.certify(cert, "majority preferences in pairwise battles", **q)


def _random_utility(counts: BattleCounts) -> Verdict:
    """The random-utility check on the exact point shares of the compared pairs."""
    from coherence.dispatch import check
    from coherence.stochastic import StochasticChoice

    p2, games = counts.points2, counts.games
    n = counts.n
    probs: dict[tuple[Hashable, Hashable], Any] = {
        (counts.models[i], counts.models[j]): Fraction(int(p2[i, j]), 2 * int(games[i, j]))
        for i in range(n) for j in range(i + 1, n) if games[i, j] > 0
    }
    return check(StochasticChoice.from_probabilities(probs, items=counts.models))
