"""Audit a model's revealed preferences: elicit, measure, certify.

:func:`audit` elicits the dense choice-probability matrix of a model over an item set,
computes every metric of :mod:`coherence.bridge.metrics` and :mod:`coherence.bridge.fits`, and
returns an :class:`AuditReport` whose :attr:`~AuditReport.verdict` is the exactly verified
verdict on the model's majority relation (a shortest money pump, or an integer utility).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from coherence.bridge._torch import require_torch, resolve_device
from coherence.bridge.elicit import Elicitation, elicit
from coherence.bridge.exploitability import log_odds_exploitability
from coherence.bridge.fits import UtilityFit, bradley_terry, residual_incoherence, thurstonian
from coherence.bridge.majority import majority_pump
from coherence.bridge.probabilities import prob_matrix
from coherence.bridge.transitivity import TransitivityViolations, transitivity_violations
from coherence.bridge.triads import HardCycles, expected_cyclic_triads, hard_cyclic_triads
from coherence.errors import CertificationError, InputError
from coherence.verdict import Certificate, Verdict, jsonable, label_to_json

__all__ = ["RANDOM_UTILITY_MAX", "AuditReport", "audit", "audit_matrix", "random_utility_verdict"]

#: the most items for which an audit runs the random-utility check by default (exact column
#: generation over the n! linear orders: about 0.1 s at 8 items)
RANDOM_UTILITY_MAX = 8


def random_utility_verdict(P: Any, items: Sequence[Hashable] | None = None) -> Verdict:
    """Whether the forced-choice probabilities ``P`` come from a random utility model: the
    verdict of :func:`coherence.check` on the :class:`~coherence.stochastic.StochasticChoice`
    they define (Block & Marschak 1960), with a mixture of linear orders in exact weights or a
    separating inequality, verified exactly. Each pair's probability is read as
    ``(P[i, j] + 1 − P[j, i]) / 2`` (a net's two orders of asking averaged; exact for
    complementary entries). Exponential in ``n`` (column generation priced over subsets):
    meant for small item sets.

    >>> random_utility_verdict([[0.5, 0.9, 0.9], [0.1, 0.5, 0.9], [0.1, 0.1, 0.5]]).status
    'coherent'
    """
    from coherence.dispatch import check
    from coherence.stochastic import StochasticChoice

    M = P.detach().cpu().double().numpy() if hasattr(P, "detach") else P
    M = [[float(v) for v in row] for row in M]
    n = len(M)
    labels = list(range(n)) if items is None else list(items)
    if len(labels) != n:
        raise InputError(f"{len(labels)} labels for {n} items")
    probs = {(labels[i], labels[j]): (M[i][j] + 1 - M[j][i]) / 2
             for i in range(n) for j in range(i + 1, n)}
    return check(StochasticChoice.from_probabilities(probs, items=labels))


@dataclass(frozen=True, eq=False)
class AuditReport:
    """Everything measured about one model on one item set.

    Attributes:
        items: item labels; ``n``: their number; ``kind``: model kind; ``device``: where the
            metrics ran.
        expected_cyclic_triads, cycle_probability: exact soft-triad figures (O(n²)).
        hard: cyclic triads of the majority tournament and Kendall's ζ.
        transitivity: weak / moderate / strong stochastic transitivity violation rates.
        residual_incoherence: share of log-odds energy no utility explains (Hodge).
        bradley_terry, thurstone: utility fits (``None`` when skipped).
        exploitability: verdict of the log-odds max-mean-cycle check (``None`` when skipped).
        order_bias: mean gap between asking ``(a, b)`` and ``(b, a)``.
        verdict: the majority-relation verdict (pump or utility), verified exactly, with the
            headline figures among its quantities.
        timings: seconds per stage.
        random_utility: for small item sets, the verdict of the random-utility check on the
            choice probabilities (:mod:`coherence.stochastic`: a mixture of linear orders with
            exact weights, or a separating inequality), ``None`` above the size limit.
    """

    items: tuple[Hashable, ...]
    kind: str
    device: str
    expected_cyclic_triads: float
    cycle_probability: float
    hard: HardCycles
    transitivity: TransitivityViolations
    residual_incoherence: float
    bradley_terry: UtilityFit | None
    thurstone: UtilityFit | None
    exploitability: Verdict | None
    order_bias: float
    verdict: Verdict
    timings: dict[str, float] = field(default_factory=dict)
    random_utility: Verdict | None = None

    @property
    def n(self) -> int:
        return len(self.items)

    @property
    def coherent(self) -> bool:
        return self.verdict.coherent

    def metrics(self) -> dict[str, Any]:
        """The headline numbers as a flat dict."""
        out: dict[str, Any] = {
            "n": self.n,
            "expected_cyclic_triads": self.expected_cyclic_triads,
            "cycle_probability": self.cycle_probability,
            "hard_cyclic_triads": self.hard.count,
            "hard_cycle_rate": self.hard.rate,
            "kendall_zeta": self.hard.zeta,
            "wst_violation_rate": self.transitivity.weak,
            "mst_violation_rate": self.transitivity.moderate,
            "sst_violation_rate": self.transitivity.strong,
            "transitivity_method": self.transitivity.method,
            "residual_incoherence": self.residual_incoherence,
            "order_bias": self.order_bias,
        }
        if self.bradley_terry is not None:
            out["bt_excess_cross_entropy"] = self.bradley_terry.excess_cross_entropy
            out["bt_agreement"] = self.bradley_terry.agreement
        if self.thurstone is not None:
            out["thurstone_excess_cross_entropy"] = self.thurstone.excess_cross_entropy
        if self.exploitability is not None:
            out["log_odds_exploitability"] = float(
                self.exploitability.quantities.get("exploitability", 0)
            )
        if self.random_utility is not None:
            out["random_utility"] = self.random_utility.coherent
        return out

    def explain(self) -> str:
        """Plain text: the verdict's story, then the metrics."""
        lines = [
            self.verdict.explain(),
            "",
            f"Audit of a {self.kind} on {self.n} items ({self.device}):",
        ]
        for k, v in self.metrics().items():
            lines.append(f"  {k}: {v:.6g}" if isinstance(v, float) else f"  {k}: {v}")
        if self.exploitability is not None and not self.exploitability.coherent:
            lines.append("Log-odds pump (nats per trade):")
            lines.append("  " + self.exploitability.certificate.explain().replace("\n", "\n  "))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """One JSON-serialisable document: metrics, fits, verdicts and timings."""
        doc: dict[str, Any] = {
            "kind": self.kind,
            "device": self.device,
            "items": [label_to_json(x) for x in self.items],
            "metrics": jsonable(self.metrics()),
            "verdict": self.verdict.to_json(),
            "coherent": self.verdict.coherent,
            "status": self.verdict.status,
            "timings": jsonable(self.timings),
        }
        for name, fit in (("bradley_terry", self.bradley_terry), ("thurstone", self.thurstone)):
            if fit is not None:
                doc[name] = {
                    "utility": jsonable(fit.utility),
                    "iterations": fit.iterations,
                    "converged": fit.converged,
                    "cross_entropy": fit.cross_entropy,
                    "entropy": fit.entropy,
                    "agreement": fit.agreement,
                }
        if self.exploitability is not None:
            doc["exploitability"] = self.exploitability.to_json()
        if self.random_utility is not None:
            doc["random_utility"] = self.random_utility.to_json()
        return doc

    def dumps(self, **kwargs: Any) -> str:
        return json.dumps(self.to_json(), **kwargs)

    def __str__(self) -> str:
        return self.explain()


def audit_matrix(
    P: Any,
    items: Sequence[Hashable] | None = None,
    *,
    device: Any = "auto",
    kind: str = "matrix",
    order_bias: float = 0.0,
    fits: bool = True,
    exploitability: bool = True,
    validate: bool = True,
    random_utility: int = RANDOM_UTILITY_MAX,
) -> AuditReport:
    """Every metric and the verdict for a given choice-probability matrix ``P``. O(n²) per
    pass, a few dozen passes (the Newton fits dominate); exact stochastic-transitivity rates
    are O(n³) and switch to sampling above a few hundred items (see
    :func:`~coherence.bridge.transitivity_violations`). Up to ``random_utility`` items
    (default :data:`RANDOM_UTILITY_MAX`; 0 never) the probabilities are also checked for a
    random utility model (:func:`random_utility_verdict`).

    >>> bt = [[1/2, 2/3, 4/5], [1/3, 1/2, 2/3], [1/5, 1/3, 1/2]]  # σ(u_i − u_j), e^u = 4, 2, 1
    >>> report = audit_matrix(bt, ["a", "b", "c"], device="cpu")
    >>> report.coherent, report.hard.count, round(report.residual_incoherence, 6)
    (True, 0, 0.0)
    """
    dev = resolve_device(device)
    timings: dict[str, float] = {}

    def timed(name: str, fn: Any, *a: Any, **k: Any) -> Any:
        t0 = time.perf_counter()
        out = fn(*a, **k)
        timings[name] = time.perf_counter() - t0
        return out

    t = timed("validate", prob_matrix, P, device=dev, validate=validate)
    n = t.shape[0]
    labels = tuple(range(n)) if items is None else tuple(items)
    ect = timed("expected_cyclic_triads", expected_cyclic_triads, t, validate=False)
    cp = ect / (n * (n - 1) * (n - 2) / 6)
    hard = timed("hard_cyclic_triads", hard_cyclic_triads, t, validate=False)
    tv = timed("transitivity", transitivity_violations, t, validate=False)
    res = timed("residual_incoherence", residual_incoherence, t, validate=False)
    bt = timed("bradley_terry", bradley_terry, t, validate=False) if fits else None
    th = None
    if fits:
        assert bt is not None
        init = bt.utility * 0.5 * math.sqrt(math.pi)  # match the links' slopes at 0
        th = timed("thurstone", thurstonian, t, init=init, validate=False)
    ex = (
        timed("exploitability", log_odds_exploitability, t, labels, validate=False)
        if exploitability
        else None
    )
    base = timed("majority_pump", majority_pump, t, labels, validate=False)
    q = dict(base.quantities)
    q.update(
        {
            "cycle_probability": cp,
            "expected_cyclic_triads": ect,
            "hard_cyclic_triads": hard.count,
            "kendall_zeta": hard.zeta,
            "residual_incoherence": res.share,
        }
    )
    verdict = _majority_verdict(base, q)
    ru = (timed("random_utility", random_utility_verdict, t, labels)
          if 3 <= n <= random_utility else None)
    return AuditReport(labels, kind, str(dev), ect, cp, hard, tv, res.share, bt, th, ex,
                       order_bias, verdict, timings, ru)


def _majority_verdict(base: Verdict, q: dict[str, Any]) -> Verdict:
    if not isinstance(base.certificate, Certificate):
        raise CertificationError(f"the majority check returned {base.certificate.kind} evidence")
    return Verdict.certify(base.certificate, "majority preferences of a model", **q)


def audit(
    model: Any,
    items: Any,
    *,
    labels: Sequence[Hashable] | None = None,
    device: Any = "auto",
    batch_size: int = 65_536,
    progress: bool | None = None,
    fits: bool = True,
    exploitability: bool = True,
    random_utility: int = RANDOM_UTILITY_MAX,
) -> AuditReport:
    """Elicit a model's pairwise preferences over ``items`` and audit them.

    Args:
        model: a comparator ``f(a, b) → logit``, a scorer ``f(a) → utility``, a plain
            callable ``f(a, b) → probability``, or a :class:`~coherence.bridge.Comparator` /
            :class:`~coherence.bridge.Scorer` / :class:`~coherence.bridge.PairwiseCallable`.
        items: an ``n × d`` tensor/array of features (nets), or a sequence of objects (plain
            callables); ``n ≥ 3``.
        labels: names for the items (default ``0..n-1`` for features, the items themselves
            for a sequence).
        device: ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``.
        progress: progress bar on stderr (default: only when stderr is a terminal).
        random_utility: the most items for which the random-utility check runs (0: never).

    Returns:
        An :class:`AuditReport`; ``report.verdict`` is a :class:`~coherence.verdict.Verdict`
        whose certificate (a shortest majority pump or an integer utility) verifies exactly.

    >>> from coherence.bridge import PairwiseCallable
    >>> beats = {("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")}
    >>> report = audit(PairwiseCallable(lambda a, b: (a, b) in beats),
    ...                ["rock", "paper", "scissors"], device="cpu", fits=False)
    >>> report.verdict.status, report.hard.count, round(report.expected_cyclic_triads, 6)
    ('exploitable', 1, 1.0)
    """
    require_torch()
    t0 = time.perf_counter()
    el: Elicitation = elicit(model, items, device=device, batch_size=batch_size, progress=progress)
    t_el = time.perf_counter() - t0
    names = el.items if labels is None else tuple(labels)
    if len(names) != el.n:
        raise InputError(f"{len(names)} labels for {el.n} items")
    rep = audit_matrix(
        el.P,
        names,
        device=el.P.device,
        kind=el.kind,
        order_bias=el.order_bias,
        fits=fits,
        exploitability=exploitability,
        validate=False,
        random_utility=random_utility,
    )
    rep.timings["elicit"] = t_el
    return rep
