"""Cardinal money pumps: willingness to pay, max-mean cycles and utility potentials.

``W[i, j]`` is the most the agent pays to swap item ``i`` (held) for item ``j`` (``-inf``:
never; a negative number: it must be paid at least ``-W[i, j]`` to accept). Entries are the
rationals the number policy reads (:mod:`coherence.numbers`: ``0.1`` is ``1/10`` unless the
binary reading is asked for; Fractions and ``"p/q"`` strings are exact). A *pump* is a cycle
of swaps with positive total payment. Duality (a potential/LP duality, cf. Ahuja, Magnanti &
Orlin, *Network Flows*, 1993, ch. 5): no positive cycle exists iff there is a money utility
``u`` with ``W[i, j] ≤ u[j] − u[i]`` on every finite entry. Exploitability is the maximum
mean payment per trade over cycles (the max cycle mean, Karp 1978), found by Howard's policy
iteration in floats (Cochet-Terrasson et al. 1998) and proved exactly by a potential for the
reduced payments ``W − λ`` (:mod:`coherence.relations._max_mean`).
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence._exact import as_fraction, rational_parts, reading_of
from coherence._exact.display import shown as number_text
from coherence.errors import CertificationError, InputError
from coherence.relations._entries import ExactEntries, floats_hold, potential_holds
from coherence.relations._max_mean import (
    MaxMean,
    certify_max_mean,
    cycle_total,
    howard,
    refined_cycle,
)
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


def _is_float_entry(v: Any) -> bool:
    return isinstance(v, float | int | np.floating | np.integer) and not isinstance(v, bool)


def _read_matrix(matrix: Any, what: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The float64 matrix and, when some entry is exact (a Fraction, Decimal or string; ``None``
    is "never" too), every finite entry as a Fraction (else ``None``: floats are read by the
    policy when needed). O(n²)."""
    if isinstance(matrix, np.ndarray) and matrix.dtype.kind in "fiub":
        raw: np.ndarray = matrix
    else:
        try:
            raw = np.array(matrix, dtype=object)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{what} must be numeric: {exc}") from None
    if raw.dtype != object or all(_is_float_entry(v) for v in raw.reshape(-1).tolist()):
        try:
            return np.array(raw, dtype=np.float64, copy=True), None
        except (TypeError, ValueError, OverflowError) as exc:
            raise InputError(f"{what} must be numeric: {exc}") from None
    exact = np.empty(raw.shape, dtype=object)
    W = np.empty(raw.shape, dtype=np.float64)
    for k, v in enumerate(raw.reshape(-1).tolist()):
        if v is None or (isinstance(v, float | np.floating) and v == -np.inf):
            W.reshape(-1)[k], exact.reshape(-1)[k] = -np.inf, None
            continue
        if isinstance(v, float | np.floating) and np.isnan(v):
            W.reshape(-1)[k] = np.nan  # reported with its position below
            continue
        q = as_fraction(v, what=f"{what} entry")
        try:
            W.reshape(-1)[k] = float(q)
        except OverflowError:
            raise InputError(f"{what} entry {v!r} is beyond the range of a float") from None
        exact.reshape(-1)[k] = q
    return W, exact


@dataclass(frozen=True, eq=False)
class WillingnessToPay:
    """The most an agent pays to swap one item for another (immutable).

    Args:
        items: distinct hashable labels.
        matrix: ``n × n``; ``matrix[i, j]`` = most paid to swap ``items[i]`` for ``items[j]``;
            ``-inf`` (or ``None``) = never. The diagonal is ignored. NaN and ``+inf`` are
            rejected. Floats are read by the number policy; Fractions, Decimals and
            ``"p/q"`` strings are kept exactly (:attr:`matrix` then holds the nearest floats).
        numbers: how floats are read (:mod:`coherence.numbers`): ``"decimal"`` (``0.1`` is
            ``1/10``) or ``"binary"`` (the float's dyadic value); ``None`` takes the reading
            in force (``"decimal"`` by default).

    >>> w = WillingnessToPay.from_matrix([[0, 0.1], [-0.3, 0]])
    >>> w.exact(0, 1), w.numbers
    (Fraction(1, 10), 'decimal')
    """

    items: tuple[Hashable, ...]
    matrix: np.ndarray = field(repr=False)
    numbers: str | None = None

    def __post_init__(self) -> None:
        items = validate_items(self.items)
        check_square(self.matrix, "willingness-to-pay matrix", size=len(items))
        W, exact = _read_matrix(self.matrix, "willingness-to-pay matrix")
        if np.isnan(W).any():
            i, j = np.argwhere(np.isnan(W))[0]
            raise InputError(f"willingness to pay is NaN at ({items[i]!r}, {items[j]!r})")
        if np.isposinf(W).any():
            i, j = np.argwhere(np.isposinf(W))[0]
            raise InputError(f"willingness to pay is +inf at ({items[i]!r}, {items[j]!r})")
        reading = reading_of(self.numbers)
        np.fill_diagonal(W, -np.inf)
        W.setflags(write=False)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "matrix", W)
        object.__setattr__(self, "numbers", reading)
        object.__setattr__(self, "_entries", ExactEntries(W, reading, exact))

    @classmethod
    def from_matrix(cls, matrix: Any, items: Iterable[Hashable] | None = None, *,
                    numbers: str | None = None) -> WillingnessToPay:
        """From a square matrix; items default to ``0..n-1``.

        >>> WillingnessToPay.from_matrix([[0, 1], [-2, 0]]).items
        (0, 1)
        """
        if items is None:
            try:
                items = range(len(matrix))
            except TypeError:
                raise InputError("willingness-to-pay matrix must be a square matrix") from None
        return cls(tuple(items), matrix, numbers=numbers)

    @property
    def n(self) -> int:
        """Number of items."""
        return len(self.items)

    @property
    def exact_given(self) -> bool:
        """Whether the entries were given exactly (not all as floats)."""
        return self._exact.given is not None

    @property
    def _exact(self) -> ExactEntries:
        return self._entries  # type: ignore[attr-defined]  # set in __post_init__

    def exact(self, i: int, j: int) -> Fraction:
        """The exact payment to swap ``items[i]`` for ``items[j]`` (a finite entry). O(log q).

        >>> WillingnessToPay.from_matrix([[0, 0.1], [-2, 0]], numbers="binary").exact(0, 1)
        Fraction(3602879701896397, 36028797018963968)
        """
        if i == j or not np.isfinite(self.matrix[i, j]):
            raise InputError(f"no finite payment from {self.items[i]!r} to {self.items[j]!r}")
        return self._exact.at([i], [j])[0]

    def to_json(self) -> dict[str, Any]:
        """``{"items": [...], "matrix": [["1/2", null, ...], ...]}``: the exact entries as
        strings, ``null`` for "never" (and on the diagonal). Read back with :meth:`from_json`.
        O(n²).

        >>> WillingnessToPay.from_matrix([[0, 0.1], [-2, 0]], items="ab").to_json()
        {'items': ['a', 'b'], 'matrix': [[None, '1/10'], ['-2', None]]}
        """
        W = self.matrix
        fin = np.isfinite(W)
        rows: list[list[str | None]] = [[None] * self.n for _ in range(self.n)]
        I, J = np.nonzero(fin)
        if self.exact_given:
            vals = [str(v) for v in self._exact.at(I.tolist(), J.tolist())]
        else:
            num, den = rational_parts(W[fin], "binary" if self.numbers == "binary"
                                      else "decimal")
            vals = [str(p) if q == 1 else f"{p}/{q}"
                    for p, q in zip(num.tolist(), den.tolist(), strict=True)]
        for i, j, v in zip(I.tolist(), J.tolist(), vals, strict=True):
            rows[i][j] = v
        return {"items": [label_to_json(x) for x in self.items], "matrix": rows}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> WillingnessToPay:
        """Read a matrix back from :meth:`to_json`: exact ``"p/q"`` strings (or numbers, read
        by the policy), ``null`` for "never". O(n²).

        >>> w = WillingnessToPay.from_matrix([[0, 0.1], [-3, 0]])
        >>> WillingnessToPay.from_json(w.to_json()).exact(0, 1)
        Fraction(1, 10)
        """
        check_mapping(doc, "a willingness-to-pay document", required=("items", "matrix"))
        items = tuple(label_from_json(x) for x in check_type(doc["items"], list, "'items'"))
        rows = check_type(doc["matrix"], list, "'matrix'")
        n = len(items)
        if len(rows) != n or not all(isinstance(r, list) and len(r) == n for r in rows):
            raise InputError(f"'matrix' must be {n} lists of {n} entries")
        W = np.empty((n, n), dtype=object)
        for i, r in enumerate(rows):
            for j, v in enumerate(r):
                W[i, j] = None if v is None else _exact_value(v, "payment")
        W[np.arange(n), np.arange(n)] = None
        return cls(items, W)


def max_mean_cycle(
    W: np.ndarray, *, max_iter: int = 10_000
) -> tuple[float, list[int], np.ndarray]:
    """Howard's policy iteration for the maximum cycle mean of ``W`` (``-inf`` = no edge), in
    floats.

    Every node needs an out-edge: callers add zero self-loops. Returns ``(λ, cycle, x)``:
    the max mean ``λ``, a cycle attaining it (node list), and values ``x`` with
    ``x[i] ≥ W[i, j] − λ + x[j]`` for every edge when all nodes share the optimal mean.
    Each iteration costs O(n²) vectorised; the number of iterations is small in practice
    (Cochet-Terrasson, Cohen, Gaubert, McGettrick & Quadrat 1998; Dasdan 2004).
    :func:`check_willingness_to_pay` proves the answer exactly.

    >>> W = np.array([[0.0, 3.0], [-1.0, 0.0]])  # swap and swap back: 3 − 1 over two trades
    >>> lam, cycle, x = max_mean_cycle(W)
    >>> lam, cycle
    (1.0, [0, 1])
    """
    try:
        means, cycles, x = howard(W, max_iter)
    except CertificationError:  # float near-ties can make policies cycle: a coarser tolerance
        finite = W[np.isfinite(W)]
        scale = max(1.0, float(np.abs(finite).max())) if finite.size else 1.0
        means, cycles, x = howard(W, max_iter, tol=1e-7 * scale)
    top = int(np.argmax(means))
    return float(means[top]), list(cycles[top]), x


@dataclass(frozen=True, eq=False)
class CardinalPump(Certificate):
    """A cycle of swaps (positions into ``wtp.items``) whose total payment is positive."""

    wtp: WillingnessToPay
    cycle: tuple[int, ...]

    kind: ClassVar[str] = "cardinal_money_pump"
    exploit: ClassVar[bool] = True

    @property
    def payments(self) -> tuple[Fraction, ...]:
        """Exact payment of each swap (the entries as the number policy read them)."""
        k = len(self.cycle)
        return tuple(self.wtp._exact.at(list(self.cycle),
                                        [self.cycle[(t + 1) % k] for t in range(k)]))

    @property
    def total(self) -> Fraction:
        return sum(self.payments, Fraction(0))

    @property
    def mean(self) -> Fraction:
        """Money extracted per trade on this cycle."""
        return self.total / len(self.cycle)

    def verify(self) -> bool:
        """Exact: a cycle of distinct items, every swap accepted at a finite price, and a
        positive total. O(k) for k swaps."""
        k = len(self.cycle)
        if k < 2 or len(set(self.cycle)) != k or not all(
            isinstance(i, int | np.integer) and 0 <= i < self.wtp.n for i in self.cycle
        ):
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
            verb = f"pays {number_text(pay)}" if pay >= 0 else f"accepts {number_text(-pay)}"
            lines.append(f"  holding {h!r}, the agent {verb} to trade for {o!r}")
        lines.append(
            f"  back to {items[self.cycle[0]]!r}, it has paid {number_text(self.total)} in all "
            f"({number_text(self.mean)} per trade); repeat to extract without limit."
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
        """Rebuild the pump on the exact payments its trades state among the cycle's items
        (the only entries :meth:`verify` reads; every other swap is refused). O(k²)."""
        items, trades = _cycle_trades(doc, "cardinal money pump", ("holding", "offered", "fee"))
        k = len(items)
        W = np.full((k, k), None, dtype=object)
        for t, tr in enumerate(trades):
            W[t, (t + 1) % k] = _exact_value(tr["fee"], f"fee of trade {t}")
        return cls(WillingnessToPay(items, W), tuple(range(k)))


@dataclass(frozen=True, eq=False)
class UtilityPotential(Certificate):
    """A money utility ``u`` with ``W[i, j] ≤ u[j] − u[i]`` for every finite ``W[i, j]``.

    Summing along any cycle gives total payment ≤ 0: no pump. Values are Fractions, ints or
    floats; a float value is taken at its exact binary value (values are computed, not typed:
    pass a Fraction or a ``"p/q"`` string's Fraction for a decimal). A cycle of total payment
    exactly 0 forces differences that often only Fractions hold (``1/10 + 1/5``).
    """

    wtp: WillingnessToPay
    values: tuple[float | Fraction, ...]

    kind: ClassVar[str] = "utility_potential"
    exploit: ClassVar[bool] = False

    @property
    def utility(self) -> dict[Hashable, float | Fraction]:
        return dict(zip(self.wtp.items, self.values, strict=True))

    def verify(self) -> bool:
        """Exact check of every finite entry: a vectorised float pass with a rigorous error
        bound, exact rationals on the entries within it. O(n²) float work."""
        if len(self.values) != self.wtp.n:
            return False
        exact = [_rational(v) for v in self.values]
        if any(v is None for v in exact):
            return False
        return potential_holds(self.wtp._exact, [v for v in exact if v is not None])

    def explain(self) -> str:
        order = sorted(self.utility.items(), key=lambda kv: -kv[1])
        shown = ", ".join(f"u({k!r}) = {number_text(v)}" for k, v in order[:12])
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
    """``v`` as an exact rational: a Fraction, an integer or a finite binary16/32/64 float (its
    exact value); else ``None``."""
    if isinstance(v, Fraction):
        return v
    if isinstance(v, bool | np.bool_):
        return None
    if isinstance(v, numbers.Integral):
        return Fraction(int(v))
    if isinstance(v, float | np.float16 | np.float32) and np.isfinite(v):
        return Fraction(float(v))  # a computed value: its exact binary value, by definition
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


def _exact_value(value: Any, name: str) -> Fraction:
    """The exact rational a JSON document states: a ``"p/q"`` or decimal string (exactly,
    whatever its size: certificates may hold values beyond the float range), an int, or a
    float read by the number policy."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{name} must be an exact string 'p/q' or a number, got {value!r}")
    if isinstance(value, str) and "e" not in value.lower():  # digits bound the work
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise InputError(f"{name} {value!r} is not a finite number") from None
    return as_fraction(value, what=name)


def _values(u: Sequence[Fraction]) -> tuple[float | Fraction, ...]:
    """Floats where a float is exactly the value (shorter to read), Fractions elsewhere."""
    out: list[float | Fraction] = []
    for v in u:
        f = _float_exactly(v)
        out.append(v if f is None else f)
    return tuple(out)


def _pump_verdict(pump: CardinalPump, proven: bool) -> Verdict:
    return Verdict.certify(pump, "willingness to pay", exploitability=pump.mean,
                           exploitability_is_max=proven, pump_length=len(pump.cycle))


def _potential_verdict(wtp: WillingnessToPay, u: Sequence[Fraction]) -> Verdict:
    pot = UtilityPotential(wtp, _values(u))
    return Verdict.certify(pot, "willingness to pay", exploitability=Fraction(0))


def check_willingness_to_pay(wtp: WillingnessToPay, *, max_rounds: int = 64) -> Verdict:
    """Cardinal pump (a positive cycle) or a money utility potential, with the exact
    exploitability.

    Howard's policy iteration finds the max cycle mean in floats, O(n²) per iteration. The
    exact side (:mod:`coherence.relations._max_mean`): the best cycle's mean ``λ`` is computed
    exactly and proved maximal by an exact potential for ``W − λ`` (label correcting from
    Howard's values, with filtered comparisons: exact rationals only on near-tight swaps); a
    better cycle, if the floats missed one, replaces it (Lawler's iteration). Without a
    positive cycle the potential for ``W`` itself is the certificate of coherence. A cycle of
    total payment exactly 0 is coherent.

    Quantities: ``exploitability``, the max mean payment per trade over cycles (an exact
    Fraction; 0 when coherent); on a pump also ``pump_length`` and ``exploitability_is_max``:
    ``True`` when the maximum is proved (the rule), ``False`` when ``max_rounds`` rounds of
    Lawler's iteration did not prove it, and ``exploitability`` is then the mean of the pump
    returned, a lower bound on the maximum.

    >>> wtp = WillingnessToPay.from_matrix([[0, 2], [-1, 0]], items=["tea", "coffee"])
    >>> v = check_willingness_to_pay(wtp)
    >>> v.status, v.quantities["exploitability"], v.quantities["exploitability_is_max"]
    ('exploitable', Fraction(1, 2), True)
    >>> check_willingness_to_pay(WillingnessToPay.from_matrix([[0, 1], [-2, 0]])).coherent
    True
    """
    entries = wtp._exact
    with np.errstate(over="ignore", invalid="ignore"):  # sums past the float range: exact
        cycle, guess, settled = _float_cycle(wtp)
        if settled:  # floats alone show the float potential holds
            return _potential_verdict(wtp, [Fraction(v) for v in guess.tolist()])
        best: MaxMean = certify_max_mean(entries, cycle, guess, max_rounds=max_rounds)
    if best.cycle is None:
        assert best.potential is not None  # no positive cycle: always proven
        return _potential_verdict(wtp, best.potential)
    return _pump_verdict(CardinalPump(wtp, tuple(best.cycle)), best.proven)


def _float_cycle(wtp: WillingnessToPay) -> tuple[list[int] | None, np.ndarray, bool]:
    """What floats find: the best cycle (Howard's policy iteration, then again on reduced
    payments, :func:`~coherence.relations._max_mean.refined_cycle`) when its exact mean is
    positive (else ``None``), the float potential ``−x`` to start the exact work from (zeros
    when policy iteration failed), and whether floats alone show that potential holds."""
    W = np.array(wtp.matrix, copy=True)
    np.fill_diagonal(W, 0.0)  # zero self-loops: every node has an out-edge, λ* ≥ 0
    try:
        means, cycles, x = howard(W)
    except CertificationError:  # no convergence: settled exactly from zeros instead
        return None, np.zeros(wtp.n), False
    guess = np.where(np.isfinite(x), -x, 0.0) + 0.0  # no -0.0
    if all(len(c) < 2 for c in cycles) and floats_hold(wtp._exact, guess):
        return None, guess, True
    refined = refined_cycle(wtp._exact, x, float(means.max()))
    best, best_mean = None, Fraction(0)
    for c in [*cycles, *([refined] if refined else [])]:  # the policy's and the refined
        if len(c) < 2:
            continue
        mean = cycle_total(wtp._exact, c) / len(c)
        if mean > best_mean:
            best, best_mean = [int(v) for v in c], mean
    return best, guess, False
