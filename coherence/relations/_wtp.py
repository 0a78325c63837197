"""Cardinal money pumps: willingness to pay, max-mean cycles and utility potentials.

``W[i, j]`` is the most the agent pays to swap item ``i`` (held) for item ``j`` (``-inf``:
never; a negative number: it must be paid at least ``-W[i, j]`` to accept). A *pump* is a
cycle of swaps with positive total payment. Duality (a potential/LP duality, cf. Ahuja,
Magnanti & Orlin, *Network Flows*, 1993, ch. 5): no positive cycle exists iff there is a money
utility ``u`` with ``W[i, j] ≤ u[j] − u[i]`` on every finite entry. Exploitability is the
maximum mean payment per trade over cycles (the max cycle mean, Karp 1978), computed with
Howard's policy iteration (Cochet-Terrasson et al. 1998). Its float potential is lifted until
it verifies exactly; when it does not (a cycle of total payment 0, or within rounding of 0),
exact longest paths on the entries as integers over a common power of two settle the matrix:
a pump, or a potential whose values are Fractions where no float is exact.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence._exact.twosum import sum_le
from coherence.errors import CertificationError, InputError
from coherence.graphs import functional_graph_cycles
from coherence.relations._pump import _cycle_trades
from coherence.validation import check_mapping, check_square, check_type, validate_items
from coherence.verdict import Certificate, Verdict, label_from_json, label_to_json

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
        check_square(W, "willingness-to-pay matrix", size=len(items))
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
        """From a square matrix; items default to ``0..n-1``.

        >>> WillingnessToPay.from_matrix([[0, 1], [-2, 0]]).items
        (0, 1)
        """
        m = check_square(matrix, "willingness-to-pay matrix")
        return cls(tuple(range(m.shape[0])) if items is None else tuple(items), m)

    @property
    def n(self) -> int:
        """Number of items."""
        return len(self.items)

    def to_json(self) -> dict[str, Any]:
        """``{"items": [...], "matrix": [["1/2", null, ...], ...]}``: exact strings, ``null`` for
        "never" (and on the diagonal). Read back with :meth:`from_json`. O(n²).

        >>> WillingnessToPay.from_matrix([[0, 0.5], [-2, 0]], items="ab").to_json()
        {'items': ['a', 'b'], 'matrix': [[None, '1/2'], ['-2', None]]}
        """
        W = self.matrix
        return {
            "items": [label_to_json(x) for x in self.items],
            "matrix": [[_exact_str(v) for v in row] for row in W.tolist()],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> WillingnessToPay:
        """Read a matrix back from :meth:`to_json`; every entry must be a binary64 number.

        >>> w = WillingnessToPay.from_matrix([[0, 0.1], [-3, 0]])
        >>> bool((WillingnessToPay.from_json(w.to_json()).matrix == w.matrix).all())
        True
        """
        check_mapping(doc, "a willingness-to-pay document", required=("items", "matrix"))
        items = tuple(label_from_json(x) for x in check_type(doc["items"], list, "'items'"))
        rows = check_type(doc["matrix"], list, "'matrix'")
        n = len(items)
        if len(rows) != n or not all(isinstance(r, list) and len(r) == n for r in rows):
            raise InputError(f"'matrix' must be {n} lists of {n} entries")
        W = [[-np.inf if v is None else _binary64(v, "payment") for v in r] for r in rows]
        return cls(items, np.array(W, dtype=np.float64).reshape(n, n))


def _exact_str(v: float) -> str | None:
    """``None`` for ``-inf``; else the float's exact value ``"p/q"`` (``str(Fraction(v))``)."""
    if v == -np.inf:
        return None
    p, q = v.as_integer_ratio()
    return str(p) if q == 1 else f"{p}/{q}"


def _binary64(value: Any, name: str) -> float:
    """The float equal to the exact number ``value`` (a string ``"p/q"``, an int or a float)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{name} must be an exact string 'p/q' or a number, got {value!r}")
    try:
        exact = Fraction(value)
        out = float(exact)
    except (ValueError, OverflowError, ZeroDivisionError):
        raise InputError(f"{name} {value!r} is not a finite number") from None
    if Fraction(out) != exact:
        raise InputError(f"{name} {value!r} is not exactly a binary64 float")
    return out


def max_mean_cycle(
    W: np.ndarray, *, max_iter: int = 10_000
) -> tuple[float, list[int], np.ndarray]:
    """Howard's policy iteration for the maximum cycle mean of ``W`` (``-inf`` = no edge).

    Every node needs an out-edge: callers add zero self-loops. Returns ``(λ, cycle, x)``:
    the max mean ``λ``, a cycle attaining it (node list), and values ``x`` with
    ``x[i] ≥ W[i, j] − λ + x[j]`` for every edge when all nodes share the optimal mean.
    Each iteration costs O(n²) vectorised; the number of iterations is small in practice
    (Cochet-Terrasson, Cohen, Gaubert, McGettrick & Quadrat 1998; Dasdan 2004).

    >>> W = np.array([[0.0, 3.0], [-1.0, 0.0]])  # swap and swap back: 3 − 1 over two trades
    >>> lam, cycle, x = max_mean_cycle(W)
    >>> lam, cycle
    (1.0, [0, 1])
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

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> CardinalPump:
        """Rebuild the pump on the payments its trades state among the cycle's items (the
        only entries :meth:`verify` reads; every other swap is refused). O(k²) for k trades."""
        items, trades = _cycle_trades(doc, "cardinal money pump", ("holding", "offered", "fee"))
        k = len(items)
        W = np.full((k, k), -np.inf)
        for t, tr in enumerate(trades):
            W[t, (t + 1) % k] = _binary64(tr["fee"], f"fee of trade {t}")
        return cls(WillingnessToPay(items, W), tuple(range(k)))


@dataclass(frozen=True, eq=False)
class UtilityPotential(Certificate):
    """A money utility ``u`` with ``W[i, j] ≤ u[j] − u[i]`` for every finite ``W[i, j]``.

    Summing along any cycle gives total payment ≤ 0: no pump. The values are floats (checked
    exactly with TwoSum, :mod:`coherence._exact.twosum`) or, when a cycle of total payment
    exactly 0 forces differences no float can hold (``0.1 + 0.2``), exact rationals
    (``Fraction``, checked in integers over a common denominator).
    """

    wtp: WillingnessToPay
    values: tuple[float | Fraction, ...]

    kind: ClassVar[str] = "utility_potential"
    exploit: ClassVar[bool] = False

    @property
    def utility(self) -> dict[Hashable, float | Fraction]:
        return dict(zip(self.wtp.items, self.values, strict=True))

    def verify(self) -> bool:
        """Exact check of every finite entry. O(n²) vectorised (in float64 with TwoSum when
        every value is a float, else in integers over a common denominator)."""
        if len(self.values) != self.wtp.n:
            return False
        W = self.wtp.matrix
        fin = np.isfinite(W)
        if all(isinstance(v, float) for v in self.values):
            u = np.array(self.values, dtype=np.float64)
            if not np.isfinite(u).all():
                return False
            ok = sum_le(np.where(fin, W, 0.0), u[:, None], np.broadcast_to(u[None, :], W.shape))
            return bool(ok[fin].all())
        exact = [_rational(v) for v in self.values]
        if any(v is None for v in exact):
            return False
        return bool(_exact_potential_holds(W, fin, [v for v in exact if v is not None]))

    def explain(self) -> str:
        order = sorted(self.utility.items(), key=lambda kv: -kv[1])
        shown = ", ".join(f"u({k!r}) = {_shown(v)}" for k, v in order[:12])
        return (
            "No money pump: the agent never pays more for a swap than the gain in this money "
            f"utility, so every cycle of swaps costs it nothing: {shown}"
        )

    def to_json(self) -> dict[str, Any]:
        """``utility``: each value as the nearest float (``null`` beyond the float range);
        ``utility_exact``: its exact value ``"p/q"``, the one :meth:`verify` checks."""
        return {
            "kind": self.kind,
            "utility": {str(label_to_json(k)): _nearest_float(v) for k, v in self.utility.items()},
            "utility_exact": {
                str(label_to_json(k)): str(Fraction(v)) for k, v in self.utility.items()
            },
            "willingness_to_pay": self.wtp.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> UtilityPotential:
        """Rebuild from the matrix and the exact utility; each float must be the nearest one to
        its exact value. Floats when every exact value is one, else Fractions."""
        check_mapping(doc, "a utility potential document",
                      required=("utility", "utility_exact", "willingness_to_pay"))
        wtp = WillingnessToPay.from_json(doc["willingness_to_pay"])
        floats = check_mapping(doc["utility"], "'utility'")
        exact = check_mapping(doc["utility_exact"], "'utility_exact'")
        keys = [str(label_to_json(x)) for x in wtp.items]
        if len(set(keys)) != wtp.n or not set(keys) == set(floats) == set(exact):
            raise InputError("'utility' must have one value per item of the matrix")
        values = []
        for key in keys:
            v = _exact_value(exact[key], f"utility of {key!r}")
            f = floats[key]
            if f is not None:
                f = check_type(f, (int, float), f"utility of {key!r}")
            if isinstance(f, bool) or f != _nearest_float(v):
                raise InputError(f"'utility' and 'utility_exact' disagree on {key!r}")
            values.append(v)
        if all(_float_exactly(v) is not None for v in values):
            return cls(wtp, tuple(float(v) for v in values))
        return cls(wtp, tuple(values))


def _rational(v: Any) -> Fraction | None:
    """``v`` as an exact rational: a Fraction, an integer or a finite binary16/32/64 float;
    else ``None``."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, bool | np.bool_):
        return None
    if isinstance(v, numbers.Integral):
        return Fraction(int(v))
    if isinstance(v, float | np.float16 | np.float32) and np.isfinite(v):
        return Fraction(float(v))  # exact: narrower binary floats widen exactly
    return None


def _float_exactly(v: Fraction) -> float | None:
    """The float equal to ``v``, or ``None`` when no float is."""
    f = _nearest_float(v)
    return f if f is not None and Fraction(f) == v else None


def _nearest_float(v: float | Fraction) -> float | None:
    """``float(v)`` (round to nearest; no ``-0.0``), or ``None`` beyond the float range."""
    try:
        f = float(v) + 0.0
    except OverflowError:
        return None
    return f if np.isfinite(f) else None


def _shown(v: float | Fraction) -> str:
    f = _nearest_float(v)
    return f"{f:g}" if f is not None and Fraction(f) == v else str(v)


def _exact_value(value: Any, name: str) -> Fraction:
    """The exact rational a JSON document states (``"p/q"``, an int or a float)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{name} must be an exact string 'p/q' or a number, got {value!r}")
    try:
        return Fraction(value)
    except (ValueError, OverflowError, ZeroDivisionError):
        raise InputError(f"{name} {value!r} is not a finite number") from None


def _dyadic_ints(W: np.ndarray) -> tuple[np.ndarray, int]:
    """Integers ``S`` and an exponent ``e`` with ``S[i, j]·2**e == W[i, j]`` exactly on every
    finite entry (0 elsewhere): floats are dyadic rationals. ``S`` is int64 when no sum of
    ``n + 2`` of its entries can overflow, else Python ints (dtype object). O(n²)."""
    n = W.shape[0]
    Wz = np.where(np.isfinite(W), W, 0.0)
    m, ex = np.frexp(Wz)  # Wz = m·2**ex, ½ ≤ |m| < 1 (m = 0 for 0)
    M = (m * 2.0**53).astype(np.int64)  # exact: a 53-bit integer
    ex = ex.astype(np.int64) - 53
    nz = M != 0
    if not nz.any():
        return np.zeros(W.shape, dtype=np.int64), 0
    A = np.abs(M)
    low = np.where(nz, A & -A, 1).astype(np.float64)  # lowest set bit: a power of two
    tz = np.frexp(low)[1] - 1  # trailing zero bits, stripped to keep the integers small
    M, ex = M >> tz, np.where(nz, ex + tz, 0)
    e = int(ex[nz].min())
    shift = np.where(nz, ex - e, 0)
    top = int(np.frexp(np.abs(Wz).max())[1])  # |S| < 2**(top − e)
    if top - e + (n + 2).bit_length() <= 62:
        return M << shift, e
    S = [int(a) << int(k) for a, k in zip(M.ravel().tolist(), shift.ravel().tolist(), strict=True)]
    return np.array(S, dtype=object).reshape(W.shape), e


def _exact_potential_holds(W: np.ndarray, fin: np.ndarray, u: list[Fraction]) -> bool:
    """``W[i, j] + u[i] ≤ u[j]`` on every finite entry, in integers: with ``u = N / D`` and
    ``W = S·2**e``, ``S·2**e·D ≤ N[j] − N[i]``. O(n²) big-integer operations."""
    if not fin.any():
        return True
    D = math.lcm(*(v.denominator for v in u))
    N = np.array([v.numerator * (D // v.denominator) for v in u], dtype=object)
    S, e = _dyadic_ints(W)
    lhs = S.astype(object) * (D << e if e >= 0 else D)
    rhs = (N[None, :] - N[:, None]) * (1 if e >= 0 else 1 << -e)
    return bool((lhs <= rhs)[fin].all())


def _exact_longest_paths(W: np.ndarray) -> tuple[list[Fraction] | None, list[int] | None]:
    """Exact longest paths from a virtual source (``u[j]`` = the most money any chain of swaps
    ending at ``j`` collects, at least 0), or a cycle with positive total payment.

    Bellman–Ford in Jacobi rounds on the integers of :func:`_dyadic_ints`, vectorised: round
    ``k`` finds the best chains of at most ``k`` swaps, so ``n`` rounds settle every path
    when no positive cycle exists (a zero-total cycle never improves a value). Still improving
    in round ``n`` means a chain of ``n`` swaps beats every shorter one: its predecessor walk
    repeats an item, and the cycle between the repeats pays a positive total. Cycles of the
    current predecessor graph are tried (exactly) after every round, which usually ends a
    pump's search early. O(n²) per round, O(n³) in the worst case (Bellman 1958; Ahuja,
    Magnanti & Orlin 1993, §5.4; Cherkassky & Goldberg 1999 on cycle detection).
    """
    n = W.shape[0]
    fin = np.isfinite(W) & ~np.eye(n, dtype=bool)
    S, e = _dyadic_ints(W)
    u = np.zeros(n, dtype=S.dtype)
    pred = np.arange(n)  # a self-loop: no predecessor yet
    rounds: list[np.ndarray] = []
    cols = np.arange(n)
    for _ in range(n):
        cand = np.where(fin, u[:, None] + S, 0)  # u ≥ 0: a refused swap never improves
        arg = cand.argmax(axis=0)
        best = cand[arg, cols]
        up = np.asarray(best > u, dtype=bool)
        if not up.any():
            scale = Fraction(2) ** e
            return [Fraction(int(x)) * scale for x in u.tolist()], None
        rounds.append(np.where(up, arg, -1).astype(np.int32))
        u = np.where(up, best, u)
        pred = np.where(up, arg, pred)
        for c in functional_graph_cycles(pred)[1]:
            cyc = c[::-1]  # pred points back along the swaps
            if len(cyc) >= 2 and sum(int(S[cyc[t - 1], cyc[t]]) for t in range(len(cyc))) > 0:
                return None, cyc
    walk = [int(np.flatnonzero(up)[0])]
    seen = {walk[0]: 0}
    for k in range(n - 1, -1, -1):
        v = int(rounds[k][walk[-1]])
        if v in seen:
            return None, walk[seen[v]:][::-1]
        seen[v] = len(walk)
        walk.append(v)
    raise AssertionError("a walk of n + 1 items repeats one")  # pragma: no cover


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
        if not np.isfinite(u).all():
            return None
        ok = sum_le(Wz, u[:, None], np.broadcast_to(u[None, :], W.shape)) | ~fin
        if ok.all():
            return u
        need = np.where(ok, -np.inf, np.nextafter(Wz + u[:, None], np.inf)).max(axis=0)
        u = np.maximum(u, need)
    return None


def _pump_verdict(pump: CardinalPump, **extra: Any) -> Verdict:
    return Verdict.certify(pump, "willingness to pay", exploitability=pump.mean,
                           pump_length=len(pump.cycle), **extra)


def _potential_verdict(wtp: WillingnessToPay, values: Iterable[float | Fraction]) -> Verdict:
    pot = UtilityPotential(wtp, tuple(values))
    return Verdict.certify(pot, "willingness to pay", exploitability=Fraction(0))


def _exact_verdict(wtp: WillingnessToPay) -> Verdict:
    """Settle a matrix within rounding of a zero-total cycle by exact longest paths: a pump, or
    a potential in floats when each value is one, else in Fractions. O(n³) worst case."""
    exact_u, ecyc = _exact_longest_paths(wtp.matrix)
    if ecyc is not None:
        return _pump_verdict(CardinalPump(wtp, tuple(ecyc)))
    assert exact_u is not None  # one of the two is always returned
    as_floats = [_float_exactly(v) for v in exact_u]
    if all(f is not None for f in as_floats):
        return _potential_verdict(wtp, (f for f in as_floats if f is not None))
    return _potential_verdict(wtp, exact_u)


def check_willingness_to_pay(wtp: WillingnessToPay) -> Verdict:
    """Cardinal pump (a positive cycle) or a money utility potential.

    Max cycle mean by Howard's policy iteration, O(n²) per iteration; the certificate is
    verified exactly before it is returned. When the float one does not verify (a cycle of total
    payment 0, or within rounding of 0), exact longest paths in integers settle it, O(n³) worst
    case: a pump, or a potential whose values are Fractions where no float is exact. A zero-total
    cycle is coherent. Quantity ``exploitability``: the max mean payment per trade over cycles
    (0 when coherent).

    >>> wtp = WillingnessToPay.from_matrix([[0, 2], [-1, 0]], items=["tea", "coffee"])
    >>> v = check_willingness_to_pay(wtp)
    >>> v.status, v.quantities["exploitability"], v.certificate.total
    ('exploitable', Fraction(1, 2), Fraction(1, 1))
    >>> check_willingness_to_pay(WillingnessToPay.from_matrix([[0, 1], [-2, 0]])).coherent
    True
    """
    with np.errstate(over="ignore", invalid="ignore"):  # sums past the float range fail below
        verdict = _float_verdict(wtp)
    return verdict if verdict is not None else _exact_verdict(wtp)


def _float_verdict(wtp: WillingnessToPay) -> Verdict | None:
    """Howard's policy iteration, then a pump or a float potential if either verifies exactly;
    ``None`` when neither does (a cycle within rounding of total 0, or sums past the float
    range). O(n²) per iteration."""
    W = np.array(wtp.matrix, copy=True)
    np.fill_diagonal(W, 0.0)  # zero self-loops: every node has an out-edge, λ* ≥ 0
    try:
        means, cycles, x = _howard(W, 10_000)
    except CertificationError:  # no convergence: settled exactly instead
        return None
    top = int(np.argmax(means))
    lam, cyc = float(means[top]), cycles[top]
    if lam > 0 and len(cyc) >= 2:
        pump = CardinalPump(wtp, tuple(int(c) for c in cyc))
        if pump.verify():
            return _pump_verdict(pump)
    if lam <= 0:
        u = _repair_potential(wtp.matrix, -x)
        if u is not None:
            return _potential_verdict(wtp, (float(v) + 0.0 for v in u.tolist()))  # no -0.0
    # near-zero cycles: the policy's cycles may still carry an exact (tiny) profit
    for c in sorted((c for c in cycles if len(c) >= 2), key=len):
        pump = CardinalPump(wtp, tuple(int(v) for v in c))
        if pump.verify():
            return _pump_verdict(pump, exploitability_is_max=False)
    return None
