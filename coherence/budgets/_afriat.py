"""Afriat's theorem: utility numbers and multipliers that rationalise budget data.

Afriat (1967, "The construction of utility functions from expenditure data", IER 8) and
Varian (1982): data satisfy GARP iff there are numbers ``U_t`` and ``λ_t > 0`` with

    ``U_j ≤ U_i + λ_i (p_i·x_j − p_i·x_i)``   for all ``i, j``,

and then ``u(x) = min_t (U_t + λ_t p_t·(x − x_t))`` is a continuous, monotone, concave
utility that the data maximise. With an efficiency level ``e`` the term ``p_i·x_i`` becomes
``e·p_i·x_i``; with strict inequality for distinct bundles the numbers certify SARP
(Matzkin & Richter 1991). Homothetic data (HARP) have numbers ``V_t > 0`` with
``e·V_j·p_i·x_i ≤ V_i·p_i·x_j`` and ``u(x) = min_t V_t p_t·x / (e·p_t·x_t)`` (Varian 1983).

The numbers are built combinatorially over the strongly connected components of the weak
revealed preference ``R0`` (:mod:`coherence.budgets._construct`; Varian 1982, Fostel, Scarf &
Todd 2004): equal levels inside a component, then levels and multipliers component by
component in a topological order, in O(T²K), with no linear program; they are then checked in
exact arithmetic. The construction applies whenever GARP holds. Nothing unverified is ever
returned (:class:`~coherence.errors.CertificationError` instead).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence._exact import as_fraction
from coherence._exact.display import shown as number_text
from coherence.budgets import _packed
from coherence.budgets._construct import afriat_numbers, log_ratios, settle_homothetic
from coherence.budgets._data import BudgetData
from coherence.budgets._kernel import (
    _TINY,
    _U,
    _budget_from_json,
    _budget_json,
    _bundle_classes,
    _ExactCosts,
    _strict_inside_components,
    _tol,
    direct_relations,
    efficiency_fraction,
    float_view,
    row_blocks,
)
from coherence.errors import CertificationError, InputError
from coherence.graphs import strongly_connected_components
from coherence.verdict import Certificate, verified

__all__ = [
    "AfriatUtility",
    "HomotheticUtility",
    "afriat_certificate",
    "afriat_utility",
    "homothetic_certificate",
]


def _dyadic(values: Sequence[Fraction]) -> bool:
    """``True`` iff every value is a float64 exactly (so the float pre-check applies)."""
    try:
        return all(float(v).as_integer_ratio() == (v.numerator, v.denominator) for v in values)
    except OverflowError:
        return False


@dataclass(frozen=True, eq=False)
class AfriatUtility(Certificate):
    """Afriat numbers ``(U_t, λ_t)`` and the concave utility they define.

    ``u(x) = min_t (U_t + λ_t (p_t·x − e·p_t·x_t))``. :meth:`verify` re-checks every
    inequality ``U_j ≤ U_i + λ_i (p_i·x_j − e·p_i·x_i)`` exactly (strict for distinct bundles
    when ``strict``), so ``u(x_t) = U_t`` and each ``x_t`` is optimal in its (scaled) budget.
    """

    data: BudgetData
    levels: tuple[Fraction, ...]
    multipliers: tuple[Fraction, ...]
    efficiency: Fraction = Fraction(1)
    strict: bool = False

    kind: ClassVar[str] = "afriat_utility"
    exploit: ClassVar[bool] = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(Fraction(v) for v in self.levels))
        object.__setattr__(self, "multipliers", tuple(Fraction(v) for v in self.multipliers))
        object.__setattr__(self, "efficiency", efficiency_fraction(self.efficiency))
        if len(self.levels) != self.data.T or len(self.multipliers) != self.data.T:
            raise InputError("need one utility level and one multiplier per observation")

    # -- the utility --------------------------------------------------------------------
    def __call__(self, x: Any) -> float:
        """``u(x)`` in floats (``x`` a length-``K`` vector). O(TK)."""
        x = np.asarray(x, dtype=np.float64)
        U = np.array([float(v) for v in self.levels])
        lam = np.array([float(v) for v in self.multipliers])
        d = self.data
        spent = float(self.efficiency) * d.own_expenditure()
        return float(np.min(U + lam * (d.prices @ x - spent)))

    def exact(self, x: Sequence[Any]) -> Fraction:
        """``u(x)`` exactly for a vector of numbers or Fractions. O(TK) Fractions."""
        xs = [as_fraction(v, what="bundle entry", numbers=self.data.numbers) for v in x]
        if len(xs) != self.data.K:
            raise InputError(f"bundle must have {self.data.K} entries")
        ex = _ExactCosts(self.data)
        best = None
        for t in range(self.data.T):
            prices = self.data.exact_prices(t)
            cost = sum((p * q for p, q in zip(prices, xs, strict=True)), Fraction(0))
            v = self.levels[t] + self.multipliers[t] * (cost - self.efficiency * ex.own(t))
            best = v if best is None or v < best else best
        assert best is not None
        return best

    # -- certificate --------------------------------------------------------------------
    def verify(self) -> bool:
        if any(m <= 0 for m in self.multipliers):
            return False
        return _verify_afriat(self.data, self.levels, self.multipliers, self.efficiency,
                              self.strict)

    def explain(self) -> str:
        T = self.data.T
        head = "SARP" if self.strict else "GARP"
        if self.efficiency != 1:  # a weaker claim: each choice within e of its budget
            e = self.efficiency
            head += (f" at efficiency {number_text(e)} (each budget shrunk to {number_text(e)} of "
                     "what was spent)")
        lines = [
            f"{head} holds: Afriat numbers rationalise all {T} observations. The concave utility",
            "  u(x) = min_t (U_t + λ_t·(p_t·x − " + ("" if self.efficiency == 1 else
                                                     f"{self.efficiency}·") + "p_t·x_t))",
            "  gives u(x_t) = U_t, and every bundle affordable at observation t has u ≤ U_t, so "
            "each choice maximises u on its budget.",
        ]
        for t in range(min(T, 8)):
            lines.append(f"  U_{t} = {float(self.levels[t]):.6g}, λ_{t} = "
                         f"{float(self.multipliers[t]):.6g}")
        if T > 8:
            lines.append(f"  ... ({T - 8} more)")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The exact numbers and the observations they rationalise (all of them)."""
        return {
            "kind": self.kind,
            "strict": self.strict,
            "efficiency": str(self.efficiency),
            "levels": [str(v) for v in self.levels],
            "multipliers": [str(v) for v in self.multipliers],
            **_budget_json(self.data),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> AfriatUtility:
        return cls(_budget_from_json(doc), tuple(Fraction(str(v)) for v in doc["levels"]),
                   tuple(Fraction(str(v)) for v in doc["multipliers"]),
                   Fraction(str(doc["efficiency"])), bool(doc["strict"]))


def _verify_afriat(data: BudgetData, U: Sequence[Fraction], lam: Sequence[Fraction],
                   e: Fraction, strict: bool) -> bool:
    """Exact check of ``U_j − U_i − λ_i (E_ij − e E_ii) ≤ 0`` (``< 0`` for distinct bundles
    when ``strict``) over all ``i ≠ j``. Floats with a rigorous error band, Fractions inside
    it; all Fractions when the numbers are not floats. O(T²K)."""
    T = data.T
    ex = _ExactCosts(data)
    cls = _bundle_classes(data)

    def exact_ok(i: int, j: int) -> bool:
        g = U[j] - U[i] - lam[i] * (ex.cost(i, j) - e * ex.own(i))
        return g < 0 if (strict and cls[i] != cls[j]) else g <= 0

    if not (_dyadic(U) and _dyadic(lam)):
        return all(exact_ok(i, j) for i in range(T) for j in range(T) if i != j)
    Uf = np.array([float(v) for v in U])
    unsure = _unsure_pairs(data, Uf, np.array([float(v) for v in lam]), e)
    if unsure is None:
        return False
    if e == 1 and len(unsure):  # identical bundles: p_i·x_j = p_i·x_i, so g = U_j − U_i,
        i, j = unsure[:, 0], unsure[:, 1]  # whose sign the float comparison gives exactly
        same = cls[i] == cls[j]
        if (Uf[j[same]] > Uf[i[same]]).any():
            return False
        unsure = unsure[~same]
    return all(exact_ok(i, j) for i, j in unsure.tolist())


def _unsure_pairs(data: BudgetData, Uf: np.ndarray, lf: np.ndarray, e: Fraction
                  ) -> np.ndarray | None:
    """The pairs whose Afriat inequality floats cannot settle, or ``None`` if one fails.

    With ``g_ij = U_j − U_i − λ_i (p_i·x_j − e·p_i·x_i)`` and the rigorous error bound
    ``B_ij = c (|U_j| + |U_i| + λ_i e·p_i·x_i + λ_i p_i·x_j) + 4u|g_ij|`` (``c`` a multiple of
    the unit roundoff that covers the representation of the data, the products and their
    sums), a pair is settled when ``g + B < 0``. Where ``g < 0`` that is
    ``α_j + β_i − κ λ_i p_i·x_j < 0`` with ``α_j = (1 − 4u) U_j + c|U_j|``,
    ``β_i = c (|U_i| + λ_i e·p_i·x_i) − (1 − 4u)(U_i − λ_i e·p_i·x_i)`` and ``κ = 1 − 4u − c``:
    one matrix product (the rows of ``P`` scaled by ``κ λ``) and two broadcast passes per
    block of rows. The few pairs left are tested against ``g − B > 0`` (a sure failure) and
    returned for the exact test. O(T²K) floats, no ``T × T`` matrix held.
    """
    c = 8 * _tol(data.K)  # twice the bound of one inequality: covers computing the filter
    P, X, own_s = float_view(data)
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN count as unsure
        _, pe = np.frexp(data.prices.max(axis=1))
        _, xe = np.frexp(data.quantities.max())
        lf = np.ldexp(lf, pe + int(xe))  # λ_i p_i = (λ_i 2^(pe_i + xe)) P_i exactly
        own = float(e) * own_s
        spent = lf * own
        aU = np.abs(Uf)
        alpha = (1 - 4 * _U) * Uf + c * aU
        beta = c * (aU + spent) - (1 - 4 * _U) * (Uf - spent) + (data.K + 4) * _TINY
        scaled = P * ((1 - 4 * _U - c) * lf)[:, None]
    found: list[np.ndarray] = []
    for a, b in row_blocks(data.T):
        with np.errstate(over="ignore", invalid="ignore"):
            H = scaled[a:b] @ X.T
            np.subtract(beta[a:b, None], H, out=H)
            H += alpha[None, :]
        rows = np.arange(b - a)
        H[rows, rows + a] = -np.inf  # the diagonal is no pair
        mask = ~(H < 0)
        if mask.any():
            near = np.argwhere(mask)
            near[:, 0] += a
            found.append(near)
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    i, j = pairs[:, 0], pairs[:, 1]
    with np.errstate(over="ignore", invalid="ignore"):
        E = np.einsum("ij,ij->i", P[i], X[j])
        g = Uf[j] - Uf[i] - lf[i] * (E - own[i])
        bound = (c * (aU[j] + aU[i] + lf[i] * (E + own[i])) + 4 * _U * np.abs(g)
                 + (data.K + 4) * _TINY)
        if (g > bound).any():
            return None
        return pairs[~(g < -bound)]


def afriat_certificate(data: BudgetData, efficiency: Any = 1, *, strict: bool = False,
                       relations: tuple[np.ndarray, np.ndarray] | None = None) -> AfriatUtility:
    """Afriat numbers for data that satisfy GARP (``strict``: SARP) at efficiency ``e``.

    Built by construction over the components of ``R0`` (see :mod:`coherence.budgets._construct`):
    float64 numbers with relative margins of ``2⁻³⁰``, verified exactly; if they do not verify
    (floats out of range), the same construction in Fractions on the exact costs. Raises
    :class:`~coherence.errors.InputError` when the axiom fails; no LP is involved, so valid
    data never meet a :class:`~coherence.errors.CertificationError`. Cost: O(T²K) for the
    costs, components and the exact check, O(T²) for the construction (O(T²K) Fraction
    operations on the exact fallback).

    >>> d = BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]])
    >>> u = afriat_certificate(d)
    >>> u.verify(), [u.exact(x) == level for x, level in zip([[2, 1], [1, 2]], u.levels)]
    (True, [True, True])
    """
    e = efficiency_fraction(efficiency)
    if relations is None and not strict and data.T >= _packed.PACKED_FROM:
        rel = _packed.packed_relations(data, e)
        ordered = None if rel is None else _packed.garp_order(rel)
        if ordered is None:
            raise InputError("the data violate GARP: no Afriat numbers exist")
        return afriat_in_order(data, e, ordered)
    R0, P0 = relations if relations is not None else direct_relations(data, e)
    if _strict_inside_components(R0, P0):
        raise InputError("the data violate GARP: no Afriat numbers exist")
    if strict:
        _, comp = strongly_connected_components(R0)
        cls = _bundle_classes(data)
        if (cls[:, None] != cls[None, :])[comp[:, None] == comp[None, :]].any():
            raise InputError("the data violate SARP: no strict Afriat numbers exist")
    return _verified_numbers(data, e, strict, R0, None)


def afriat_in_order(data: BudgetData, e: Fraction,
                    ordered: tuple[np.ndarray, list[tuple[int, int]]]) -> AfriatUtility:
    """Verified (non-strict) Afriat numbers built in a given topological order of the
    components of ``R0`` (from the bit-packed kernel, which holds no dense relation)."""
    return _verified_numbers(data, e, False, None, ordered)


def _verified_numbers(data: BudgetData, e: Fraction, strict: bool, R0: np.ndarray | None,
                      ordered: tuple[np.ndarray, list[tuple[int, int]]] | None
                      ) -> AfriatUtility:
    U, lam = afriat_numbers(data, e, R0, ordered=ordered)
    try:
        return verified(AfriatUtility(data, tuple(U), tuple(lam), e, strict), "Afriat numbers")
    except CertificationError:  # floats out of range or too tight: the same in Fractions
        U, lam = afriat_numbers(data, e, R0, exact=True, ordered=ordered)
        return verified(AfriatUtility(data, tuple(U), tuple(lam), e, strict), "Afriat numbers")


def afriat_utility(data: BudgetData, efficiency: Any = 1) -> AfriatUtility:
    """The concave utility ``u(x) = min_t (U_t + λ_t p_t·(x − x_t))`` that rationalises GARP
    data (verified exactly); :class:`~coherence.errors.InputError` when GARP fails. Costs
    as :func:`afriat_certificate`.

    >>> u = afriat_utility(BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]]))
    >>> u([2, 1]) >= u([1, 1.5])  # the chosen bundle beats an affordable one
    True
    """
    return afriat_certificate(data, efficiency, strict=False)


# --------------------------------------------------------------------------------------
# homotheticity
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class HomotheticUtility(Certificate):
    """Levels ``V_t > 0`` with ``e·V_j·p_i·x_i ≤ V_i·p_i·x_j``: the homothetic utility
    ``u(x) = min_t V_t·p_t·x / (e·p_t·x_t)`` rationalises the data (Varian 1983)."""

    data: BudgetData
    levels: tuple[Fraction, ...]
    efficiency: Fraction = Fraction(1)

    kind: ClassVar[str] = "homothetic_utility"
    exploit: ClassVar[bool] = False

    def __call__(self, x: Any) -> float:
        x = np.asarray(x, dtype=np.float64)
        V = np.array([float(v) for v in self.levels])
        d = self.data
        return float(np.min(V * (d.prices @ x) / (float(self.efficiency) * d.own_expenditure())))

    def verify(self) -> bool:
        V, e, T = self.levels, self.efficiency, self.data.T
        if len(V) != T or any(v <= 0 for v in V) or e <= 0:
            return False
        ex = _ExactCosts(self.data)
        return all(e * V[j] * ex.own(i) <= V[i] * ex.cost(i, j)
                   for i in range(T) for j in range(T) if i != j)

    def explain(self) -> str:
        at = "" if self.efficiency == 1 else f" at efficiency {self.efficiency}"
        return (f"HARP{at} holds: the homothetic utility u(x) = min_t V_t·p_t·x/(p_t·x_t) "
                "with levels "
                f"{', '.join(f'{float(v):.4g}' for v in self.levels[:8])}"
                f"{' ...' if self.data.T > 8 else ''} rationalises all {self.data.T} observations.")

    def to_json(self) -> dict[str, Any]:
        """The exact levels and the observations they rationalise (all of them)."""
        return {"kind": self.kind, "efficiency": str(self.efficiency),
                "levels": [str(v) for v in self.levels], **_budget_json(self.data)}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> HomotheticUtility:
        return cls(_budget_from_json(doc), tuple(Fraction(str(v)) for v in doc["levels"]),
                   Fraction(str(doc["efficiency"])))


def homothetic_certificate(data: BudgetData, efficiency: Any = 1
                           ) -> tuple[HomotheticUtility | None, list[int] | None]:
    """``(certificate, None)`` when HARP holds, ``(None, cycle)`` with ``Π ratios < 1`` else.

    A minimum-mean cycle of ``w_ij = log(p_i·x_j / (e·p_i·x_i))`` confirmed exactly; else
    Bellman–Ford in floats (vectorised rounds, O(T²) each), exact levels along its tree, then
    exact relaxation of the pairs that floats cannot clear (near-ties, in Fractions),
    which either settles every inequality or exposes a cycle with product ``< 1``; every
    inequality is checked in Fractions (O(T²K)).

    >>> cert, cycle = homothetic_certificate(BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]]))
    >>> cert.verify(), cycle
    (True, None)
    >>> homothetic_certificate(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))[1]
    [0, 1]
    """
    from coherence.relations import max_mean_cycle

    e = efficiency_fraction(efficiency)
    if e == 0:
        raise InputError("HARP needs a positive efficiency level")
    T = data.T
    ex = _ExactCosts(data)
    W = log_ratios(data, e)
    np.fill_diagonal(W, np.inf)
    # minimum cycle mean of W = −(maximum cycle mean of −W)
    neg = -W
    np.fill_diagonal(neg, -np.inf)
    if T >= 2:
        mean, cyc, _ = max_mean_cycle(neg)
        if mean > 0:
            prod = Fraction(1)
            n = len(cyc)
            for s in range(n):
                i, j = cyc[s], cyc[(s + 1) % n]
                prod *= ex.cost(i, j) / (e * ex.own(i))
            if prod < 1:
                return None, [int(c) for c in cyc]
    # potentials: phi_j = min(0, min_i phi_i + W_ij), with parents
    phi = np.zeros(T)
    parent = np.full(T, -1)
    for _ in range(T + 1):
        cand = phi[:, None] + W
        best = np.argmin(cand, axis=0)
        val = cand[best, np.arange(T)]
        upd = val < phi - 1e-12 * (1 + np.abs(phi))
        if not upd.any():
            break
        phi = np.where(upd, val, phi)
        parent = np.where(upd, best, parent)
    # exact levels along the tree (roots have V = 1)
    V: list[Fraction | None] = [None] * T
    for t in range(T):
        path = []
        v = t
        while V[v] is None and parent[v] >= 0 and v not in path:
            path.append(v)
            v = int(parent[v])
        if V[v] is None:
            V[v] = Fraction(1)
        for w in reversed(path):
            p = int(parent[w])
            V[w] = V[p] * ex.cost(p, w) / (e * ex.own(p))  # type: ignore[operator]
    levels, loop = settle_homothetic(data, e, [v if v is not None else Fraction(1) for v in V])
    if loop is not None:
        return None, loop
    return verified(HomotheticUtility(data, tuple(levels), e), "homothetic levels"), None
