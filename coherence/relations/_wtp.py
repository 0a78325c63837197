"""Cardinal money pumps: willingness to pay, max-mean cycles and utility potentials.

``W[i, j]`` is the most the agent pays to swap item ``i`` (held) for item ``j`` (``-inf``:
never; a negative number: it must be paid at least ``-W[i, j]`` to accept). A *pump* is a
cycle of swaps with positive total payment. Duality (a potential/LP duality, cf. Ahuja,
Magnanti & Orlin, *Network Flows*, 1993, ch. 5): no positive cycle exists iff there is a money
utility ``u`` with ``W[i, j] ≤ u[j] − u[i]`` on every finite entry. Exploitability is the
maximum mean payment per trade over cycles (the max cycle mean, Karp 1978), computed with
Howard's policy iteration (Cochet-Terrasson et al. 1998).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence._exact.twosum import sum_le
from coherence.errors import CertificationError, InputError
from coherence.graphs import functional_graph_cycles
from coherence.validation import validate_items
from coherence.verdict import Certificate, Verdict, label_to_json

__all__ = [
    "CardinalPump",
    "UtilityPotential",
    "WillingnessToPay",
    "check_willingness_to_pay",
    "max_mean_cycle",
]


@dataclass(frozen=True, eq=False)
class WillingnessToPay:
    """The most an agent pays to swap one item for another (immutable).

    Args:
        items: distinct hashable labels.
        matrix: ``n × n`` floats; ``matrix[i, j]`` = most paid to swap ``items[i]`` for
            ``items[j]``; ``-inf`` = never. The diagonal is ignored. NaN and ``+inf`` rejected.
    """

    items: tuple[Hashable, ...]
    matrix: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        items = validate_items(self.items)
        try:
            W = np.array(self.matrix, dtype=np.float64, copy=True)
        except (TypeError, ValueError) as exc:
            raise InputError(f"willingness-to-pay matrix must be numeric: {exc}") from None
        if W.ndim != 2 or W.shape[0] != W.shape[1]:
            raise InputError(f"willingness-to-pay matrix must be square, got shape {W.shape}")
        if W.shape[0] != len(items):
            raise InputError(
                f"matrix is {W.shape[0]}×{W.shape[0]} but there are {len(items)} items"
            )
        if np.isnan(W).any():
            i, j = np.argwhere(np.isnan(W))[0]
            raise InputError(f"willingness to pay is NaN at ({items[i]!r}, {items[j]!r})")
        if np.isposinf(W).any():
            i, j = np.argwhere(np.isposinf(W))[0]
            raise InputError(f"willingness to pay is +inf at ({items[i]!r}, {items[j]!r})")
        np.fill_diagonal(W, -np.inf)
        W.setflags(write=False)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "matrix", W)

    @classmethod
    def from_matrix(cls, matrix: Any, items: Iterable[Hashable] | None = None) -> WillingnessToPay:
        """From a square matrix; items default to ``0..n-1``."""
        m = np.asarray(matrix)
        if m.ndim != 2:
            raise InputError(f"matrix must be 2-dimensional, got shape {m.shape}")
        return cls(tuple(range(m.shape[0])) if items is None else tuple(items), m)

    @property
    def n(self) -> int:
        return len(self.items)


def max_mean_cycle(
    W: np.ndarray, *, max_iter: int = 10_000
) -> tuple[float, list[int], np.ndarray]:
    """Howard's policy iteration for the maximum cycle mean of ``W`` (``-inf`` = no edge).

    Every node needs an out-edge: callers add zero self-loops. Returns ``(λ, cycle, x)``:
    the max mean ``λ``, a cycle attaining it (node list), and values ``x`` with
    ``x[i] ≥ W[i, j] − λ + x[j]`` for every edge when all nodes share the optimal mean.
    Each iteration costs O(n²) vectorised; the number of iterations is small in practice
    (Cochet-Terrasson, Cohen, Gaubert, McGettrick & Quadrat 1998; Dasdan 2004).
    """
    means, cycles, x = _howard(W, max_iter)
    top = int(np.argmax(means))
    return float(means[top]), list(cycles[top]), x


def _howard(W: np.ndarray, max_iter: int) -> tuple[np.ndarray, list[list[int]], np.ndarray]:
    """Policy iteration; returns the final policy's cycle means, cycles and values."""
    n = W.shape[0]
    finite = np.isfinite(W)
    scale = max(1.0, float(np.abs(W[finite]).max()) if finite.any() else 1.0)
    tol = 1e-12 * scale * max(1, n)
    pi = np.argmax(W, axis=1)
    for _ in range(max_iter):
        cyc_id, cycles, order = functional_graph_cycles(pi)
        means = np.array([W[c, pi[c]].mean() for c in cycles])
        eta = means[cyc_id]
        x = np.zeros(n)
        for c, mu in zip(cycles, means, strict=True):
            # x[c0] = 0; walk backwards around the cycle
            for t in range(len(c) - 1, 0, -1):
                v = c[t]
                x[v] = W[v, pi[v]] - mu + x[pi[v]]
        for v in order.tolist():
            x[v] = W[v, pi[v]] - eta[v] + x[pi[v]]
        # 1. improve the mean
        eta_succ = np.where(finite, eta[None, :], -np.inf)
        best_eta = eta_succ.max(axis=1)
        up = best_eta > eta + tol
        if up.any():
            pi = np.where(up, np.argmax(eta_succ, axis=1), pi)
            continue
        # 2. improve the value within the same mean class
        same = np.abs(eta_succ - eta[:, None]) <= tol
        val = np.where(finite & same, W - eta[:, None] + x[None, :], -np.inf)
        best = val.max(axis=1)
        better = best > x + tol
        if not better.any():
            return means, cycles, x
        pi = np.where(better, np.argmax(val, axis=1), pi)
    raise CertificationError("policy iteration did not converge")


@dataclass(frozen=True, eq=False)
class CardinalPump(Certificate):
    """A cycle of swaps (positions into ``wtp.items``) whose total payment is positive."""

    wtp: WillingnessToPay
    cycle: tuple[int, ...]

    kind: ClassVar[str] = "cardinal_money_pump"
    exploit: ClassVar[bool] = True

    @property
    def payments(self) -> tuple[Fraction, ...]:
        """Exact payment of each swap (``W`` entries as the dyadic rationals they are)."""
        k = len(self.cycle)
        W = self.wtp.matrix
        return tuple(Fraction(float(W[self.cycle[t], self.cycle[(t + 1) % k]])) for t in range(k))

    @property
    def total(self) -> Fraction:
        return sum(self.payments, Fraction(0))

    @property
    def mean(self) -> Fraction:
        """Money extracted per trade on this cycle."""
        return self.total / len(self.cycle)

    def verify(self) -> bool:
        k = len(self.cycle)
        if k < 2 or len(set(self.cycle)) != k or not all(0 <= i < self.wtp.n for i in self.cycle):
            return False
        W = self.wtp.matrix
        if not all(np.isfinite(W[self.cycle[t], self.cycle[(t + 1) % k]]) for t in range(k)):
            return False
        return self.total > 0

    def explain(self) -> str:
        items = self.wtp.items
        lines = [f"Money pump in {len(self.cycle)} trades:"]
        for t, pay in enumerate(self.payments):
            h, o = items[self.cycle[t]], items[self.cycle[(t + 1) % len(self.cycle)]]
            verb = f"pays {pay}" if pay >= 0 else f"accepts {-pay}"
            lines.append(f"  holding {h!r}, the agent {verb} to trade for {o!r}")
        lines.append(
            f"  back to {items[self.cycle[0]]!r}, it has paid {self.total} in all "
            f"({self.mean} per trade); repeat to extract without limit."
        )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        items = self.wtp.items
        k = len(self.cycle)
        return {
            "kind": self.kind,
            "cycle": [label_to_json(items[i]) for i in self.cycle],
            "trades": [
                {
                    "holding": label_to_json(items[self.cycle[t]]),
                    "offered": label_to_json(items[self.cycle[(t + 1) % k]]),
                    "fee": str(p),
                }
                for t, p in enumerate(self.payments)
            ],
            "extracted_per_loop": str(self.total),
            "mean_per_trade": str(self.mean),
        }


@dataclass(frozen=True, eq=False)
class UtilityPotential(Certificate):
    """A money utility ``u`` with ``W[i, j] ≤ u[j] − u[i]`` for every finite ``W[i, j]``.

    Summing along any cycle gives total payment ≤ 0: no pump. Verified exactly on floats
    (see :mod:`coherence._exact.twosum`).
    """

    wtp: WillingnessToPay
    values: tuple[float, ...]

    kind: ClassVar[str] = "utility_potential"
    exploit: ClassVar[bool] = False

    @property
    def utility(self) -> dict[Hashable, float]:
        return dict(zip(self.wtp.items, self.values, strict=True))

    def verify(self) -> bool:
        """Exact check of every finite entry. O(n²) vectorised."""
        u = np.array(self.values, dtype=np.float64)
        if u.shape != (self.wtp.n,) or not np.isfinite(u).all():
            return False
        W = self.wtp.matrix
        fin = np.isfinite(W)
        ok = sum_le(np.where(fin, W, 0.0), u[:, None], np.broadcast_to(u[None, :], W.shape))
        return bool(ok[fin].all())

    def explain(self) -> str:
        order = sorted(self.utility.items(), key=lambda kv: -kv[1])
        shown = ", ".join(f"u({k!r}) = {v:g}" for k, v in order[:12])
        return (
            "No money pump: the agent never pays more for a swap than the gain in this money "
            f"utility, so every cycle of swaps costs it nothing: {shown}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "utility": {str(label_to_json(k)): v for k, v in self.utility.items()},
            "utility_exact": {
                str(label_to_json(k)): str(Fraction(v)) for k, v in self.utility.items()
            },
        }


def _exact_potential_or_cycle(W: np.ndarray) -> tuple[list[Fraction] | None, list[int] | None]:
    """Exact Bellman–Ford in Fractions (longest paths from a virtual source). O(n³)."""
    n = W.shape[0]
    F = [[Fraction(float(W[i, j])) if np.isfinite(W[i, j]) else None for j in range(n)]
         for i in range(n)]
    u = [Fraction(0)] * n
    pred = [-1] * n
    last = -1
    for _ in range(n + 1):
        last = -1
        for i in range(n):
            for j in range(n):
                w = F[i][j]
                if w is not None and i != j and u[i] + w > u[j]:
                    u[j] = u[i] + w
                    pred[j] = i
                    last = j
        if last < 0:
            return u, None
    v = last
    for _ in range(n):
        v = pred[v]
    cyc = [v]
    w = pred[v]
    while w != v:
        cyc.append(w)
        w = pred[w]
    return None, cyc[::-1]


def _repair_potential(W: np.ndarray, u: np.ndarray, rounds: int = 60) -> np.ndarray | None:
    """Lift a floating-point potential until ``W[i, j] + u[i] ≤ u[j]`` holds exactly.

    Policy iteration leaves violations of a few ulps; each round raises every violated
    ``u[j]`` to the float just above ``max_i fl(W[i, j] + u[i])``, which dominates the exact
    sum. With slack on every cycle this settles in a round or two; on tight (zero-mean) cycles
    it may creep, so it gives up after ``rounds`` and the caller falls back to exact arithmetic.
    O(n²) per round.
    """
    fin = np.isfinite(W)
    Wz = np.where(fin, W, 0.0)
    u = np.array(u, dtype=np.float64)
    for _ in range(rounds):
        ok = sum_le(Wz, u[:, None], np.broadcast_to(u[None, :], W.shape)) | ~fin
        if ok.all():
            return u
        need = np.where(ok, -np.inf, np.nextafter(Wz + u[:, None], np.inf)).max(axis=0)
        u = np.maximum(u, need)
    return None


def check_willingness_to_pay(wtp: WillingnessToPay) -> Verdict:
    """Cardinal pump (a positive cycle) or a money utility potential.

    Max cycle mean by Howard's policy iteration, O(n²) per iteration; certificate checked
    exactly. Quantity ``exploitability``: the max mean payment per trade over cycles
    (0 when coherent).
    """
    W = np.array(wtp.matrix, copy=True)
    np.fill_diagonal(W, 0.0)  # zero self-loops: every node has an out-edge, λ* ≥ 0
    means, cycles, x = _howard(W, 10_000)
    top = int(np.argmax(means))
    lam, cyc = float(means[top]), cycles[top]
    if lam > 0 and len(cyc) >= 2:
        pump = CardinalPump(wtp, tuple(int(c) for c in cyc))
        if pump.verify():
            return Verdict(False, pump, subject="willingness to pay",
                           quantities={"exploitability": pump.mean, "pump_length": len(cyc)})
    if lam <= 0:
        u = _repair_potential(wtp.matrix, -x)
        if u is not None:
            pot = UtilityPotential(wtp, tuple(float(v) + 0.0 for v in u))
            if pot.verify():
                return Verdict(True, pot, subject="willingness to pay",
                               quantities={"exploitability": Fraction(0)})
    # near-zero cycles: the policy's cycles may still carry an exact (tiny) profit
    for c in sorted((c for c in cycles if len(c) >= 2), key=len):
        pump = CardinalPump(wtp, tuple(int(v) for v in c))
        if pump.verify():
            return Verdict(False, pump, subject="willingness to pay",
                           quantities={"exploitability": pump.mean, "pump_length": len(c),
                                       "exploitability_is_max": False})
    if wtp.n > 120:
        raise CertificationError(
            "the willingness-to-pay matrix is within rounding of a zero-mean cycle and could "
            "not be certified exactly; pass exact values (integers or dyadic fractions)"
        )
    u, ecyc = _exact_potential_or_cycle(wtp.matrix)
    if ecyc is not None:
        pump = CardinalPump(wtp, tuple(ecyc))
        if pump.verify():
            return Verdict(False, pump, subject="willingness to pay",
                           quantities={"exploitability": pump.mean, "pump_length": len(ecyc)})
        raise CertificationError("exact search returned an unverifiable pump")
    assert u is not None
    pot = UtilityPotential(wtp, tuple(float(v) for v in u))
    if not pot.verify():
        raise CertificationError("exact potential is not representable in floating point")
    return Verdict(True, pot, subject="willingness to pay",
                   quantities={"exploitability": Fraction(0)})
