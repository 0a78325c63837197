"""The budget-data kernel: exact costs, rounding bands and the direct revealed preference.

Shared by the axioms, Afriat's numbers and the indices of :mod:`coherence.budgets`. With
``E[i, j] = p_i·x_j`` and an efficiency level ``e ∈ [0, 1]`` (Afriat 1972):

* ``R0[i, j]`` iff ``e·p_i·x_i ≥ p_i·x_j`` (``x_i`` directly revealed preferred to ``x_j``),
* ``P0[i, j]`` iff ``e·p_i·x_i > p_i·x_j`` (strictly).

Relations are decided *exactly*: the float comparison is trusted only outside a rigorous
rounding-error band, and pairs inside it are decided with Fractions on the exact rationals
the data hold (:mod:`coherence.numbers`; the float64 arrays are within half an ulp of them,
which the band covers). The float passes run over blocks of rows, so no ``T × T`` float
matrix is held whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from coherence._exact import as_fraction, reading_of
from coherence.budgets._data import BudgetData
from coherence.errors import InputError
from coherence.graphs import strongly_connected_components, topological_layers
from coherence.validation import check_real

__all__ = ["direct_relations", "efficiency_fraction"]

_U = 2.0**-53


def efficiency_fraction(e: Any) -> Fraction:
    """``e`` as an exact Fraction in ``[0, 1]``. O(1).

    Read by the number policy (:mod:`coherence.numbers`: a float is the decimal it was meant
    to be, ``0.8`` is ``4/5``, unless the binary reading is in force). Raises
    :class:`~coherence.errors.InputError` outside ``[0, 1]`` or for a non-number.

    >>> efficiency_fraction(0.8), efficiency_fraction("3/4"), efficiency_fraction(1)
    (Fraction(4, 5), Fraction(3, 4), Fraction(1, 1))
    """
    if isinstance(e, bool):
        raise InputError("efficiency must be a number in [0, 1], got a bool")
    try:
        f = as_fraction(e, what="efficiency")
    except InputError as exc:
        raise InputError(f"efficiency must be a number in [0, 1]: {exc}") from None
    check_real(f, "efficiency", min_value=0, max_value=1)
    return f


def _tol(K: int) -> float:
    """A rigorous relative bound (with room) on the rounding error of ``e·p·x − p·y``."""
    return (2 * K + 12) * _U


class _ExactCosts:
    """Exact ``p_i·x_j`` on demand (cached own expenditures). O(K) per entry."""

    def __init__(self, data: BudgetData) -> None:
        self.data = data
        self._own: dict[int, Fraction] = {}

    def own(self, i: int) -> Fraction:
        v = self._own.get(i)
        if v is None:
            v = self._own[i] = self.data.exact_cost(i, i)
        return v

    def cost(self, i: int, j: int) -> Fraction:
        return self.own(i) if i == j else self.data.exact_cost(i, j)

    def ratio(self, i: int, j: int) -> Fraction:
        """``p_i·x_j / p_i·x_i`` exactly: the efficiency at which ``i`` reveals ``j``."""
        return self.cost(i, j) / self.own(i)


#: entries of one block of a ``T × T`` float pass (512 KiB of float64: the passes over a
#: block run in cache, several times faster than over one large matrix)
_BLOCK = 1 << 16


#: absolute rounding allowance per product term: covers results that fall into the
#: subnormal range (their error is absolute, at most 2⁻¹⁰⁷⁴ per operation)
_TINY = 2.0**-1060


def float_view(data: BudgetData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(P, X, own)``: prices scaled per row and quantities scaled globally by powers of two
    so that the largest entry of each is in ``[1/2, 1)``, and ``own[i] = P_i·X_i``.

    Exact scalings (powers of two), which leave every comparison ``e·p_i·x_i ≥ p_i·x_j``
    unchanged (both sides of row ``i`` scale alike), so data with entries anywhere from
    ``10⁻³⁰⁰`` to ``10³⁰⁰`` never overflow the float layer. O(TK).

    >>> P, X, own = float_view(BudgetData([[1e300, 3e300]], [[2e-300, 1e-300]]))
    >>> float(P.max()) < 1 and float(X.max()) < 1 and bool(own[0] > 0)
    True
    """
    P, X = data.prices, data.quantities
    _, pe = np.frexp(P.max(axis=1))
    _, xe = np.frexp(X.max())
    Ps = np.ldexp(P, -pe[:, None])
    Xs = np.ldexp(X, -int(xe))
    return Ps, Xs, np.einsum("ij,ij->i", Ps, Xs)


def _band(own: np.ndarray, e: Fraction, K: int) -> tuple[np.ndarray, np.ndarray]:
    """Budgets ``e·own`` and the rounding band of ``e·own_i − P_i·X_j`` (relative and
    absolute parts)."""
    budget = float(e) * own
    return budget, 3.0 * _tol(K) * budget + (K + 2) * _TINY


def row_blocks(T: int) -> list[tuple[int, int]]:
    """Row ranges ``[a, b)`` covering ``0..T`` with about :data:`_BLOCK` entries each."""
    step = max(1, _BLOCK // max(T, 1))
    return [(a, min(a + step, T)) for a in range(0, T, step)]


def direct_relations(
    data: BudgetData, efficiency: Any = 1, *, exact: _ExactCosts | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The exact direct revealed preference relations ``(R0, P0)`` at efficiency ``e``.

    ``R0[i, j]`` iff ``e·p_i·x_i ≥ p_i·x_j``; ``P0[i, j]`` iff ``>``; diagonals are ``False``.
    O(T²K) floats, plus O(K) Fraction work per pair within the rounding band (rare except
    for ties such as repeated bundles).

    >>> d = BudgetData([[1, 1], [1, 2]], [[1, 0], [0, 1]])
    >>> R0, P0 = direct_relations(d)
    >>> R0.tolist(), P0.tolist()
    ([[False, True], [True, False]], [[False, False], [True, False]])
    """
    e = efficiency_fraction(efficiency)
    T = data.T
    P, X, own = float_view(data)
    budget, band = _band(own, e, data.K)
    R0 = np.empty((T, T), dtype=bool)
    P0 = np.empty((T, T), dtype=bool)
    unsure_rows: list[np.ndarray] = []
    for a, b in row_blocks(T):
        D = P[a:b] @ X.T
        np.subtract(budget[a:b, None], D, out=D)  # D = e·own_i − p_i·x_j
        np.greater_equal(D, 0, out=R0[a:b])
        np.greater(D, 0, out=P0[a:b])
        np.abs(D, out=D)
        rows = np.arange(b - a)
        D[rows, rows + a] = np.inf  # the diagonal is no pair
        mask = ~(band[a:b, None] < D)  # NaN counts as unsure
        if mask.any():
            near = np.argwhere(mask)
            near[:, 0] += a
            unsure_rows.append(near)
    if unsure_rows:
        pairs = np.concatenate(unsure_rows)
        sign = gap_signs(data, e, pairs, exact)
        R0[pairs[:, 0], pairs[:, 1]] = sign >= 0
        P0[pairs[:, 0], pairs[:, 1]] = sign > 0
    np.fill_diagonal(R0, False)
    np.fill_diagonal(P0, False)
    return R0, P0


def _bundle_classes(data: BudgetData) -> np.ndarray:
    """``cls[t]``: equal for observations with identical bundles (identical exact numbers
    when some were given exactly). O(TK log T)."""
    if data.exact_given:
        seen: dict[tuple[Fraction, ...], int] = {}
        return np.array([seen.setdefault(data.exact_quantities(t), len(seen))
                         for t in range(data.T)], dtype=np.int64)
    _, inv = np.unique(data.quantities, axis=0, return_inverse=True)
    return np.asarray(inv, dtype=np.int64).reshape(-1)


def _same_bundle(data: BudgetData) -> np.ndarray:
    c = _bundle_classes(data)
    S = c[:, None] == c[None, :]
    np.fill_diagonal(S, False)
    return S


def _strict_inside_components(R0: np.ndarray, P0: np.ndarray) -> bool:
    """``True`` iff some SCC of ``R0`` contains a ``P0`` edge. O(T²)."""
    try:  # no cycle at all (typical of rationalisable data without ties): layer it directly
        topological_layers(R0)
        return False
    except ValueError:
        pass
    if (R0 & P0.T).any():  # a two-cycle with a strict edge: the common case, found fast
        return True
    k, lab = strongly_connected_components(R0)
    if k == R0.shape[0]:
        return False
    sizes = np.bincount(lab, minlength=k)
    idx = np.flatnonzero(sizes[lab] > 1)
    li = lab[idx]
    return bool((P0[np.ix_(idx, idx)] & (li[:, None] == li[None, :])).any())


def gap_signs(data: BudgetData, e: Fraction, pairs: np.ndarray,
              exact: _ExactCosts | None = None) -> np.ndarray:
    """The exact signs (−1, 0, 1) of ``e·p_i·x_i − p_i·x_j`` for an ``(m, 2)`` array of
    ``(i, j)`` pairs. Identical bundles need no arithmetic (the gap is ``(e − 1)·p_i·x_i``:
    0 at ``e = 1``, negative below), so data that repeat bundles do not pay a Fraction per
    pair of repeats; the other pairs cost O(K) Fraction operations each."""
    out = np.empty(len(pairs), dtype=np.int8)
    if not len(pairs):
        return out
    i, j = pairs[:, 0], pairs[:, 1]
    cls = _bundle_classes(data)
    same = cls[i] == cls[j]
    out[same] = 0 if e == 1 else -1
    ex = exact or _ExactCosts(data)
    for k in np.flatnonzero(~same).tolist():
        d = e * ex.own(int(i[k])) - ex.cost(int(i[k]), int(j[k]))
        out[k] = (d > 0) - (d < 0)
    return out


def _settle_exactly(data: BudgetData, e: Fraction, R0: np.ndarray, P0: np.ndarray,
                    pairs: np.ndarray) -> None:
    """Decide ``R0``/``P0`` exactly for the given ``(i, j)`` pairs, ``i ≠ j`` (in place)."""
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    sign = gap_signs(data, e, pairs)
    R0[pairs[:, 0], pairs[:, 1]] = sign >= 0
    P0[pairs[:, 0], pairs[:, 1]] = sign > 0


def _relations_early_exit(
    data: BudgetData, e: Fraction, tile: int = 256, found: list[int] | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Exact ``(R0, P0)`` built block by block, or ``None`` as soon as two observations are
    each *certainly* (outside the rounding band) strictly revealed preferred to the other,
    which is a GARP violation. Violated data usually stop after the first block; otherwise
    this is one pass over ``E``. ``found`` (a list) receives that pair ``[i, j]``. O(T²K)."""
    P, X, own = float_view(data)
    # D = e·p_i·x_i − p_i·x_j as one product of augmented matrices (K + 1 terms, so the
    # rounding band uses K + 1); entries within the band are settled exactly afterwards.
    budget, band = _band(own, e, data.K + 1)
    Pa = np.hstack([-P, budget[:, None]])
    Xa = np.hstack([X, np.ones((data.T, 1))])
    T = data.T
    R0 = np.empty((T, T), dtype=bool)
    P0 = np.empty((T, T), dtype=bool)
    unsure: list[np.ndarray] = []
    for a in range(0, T, tile):
        A = slice(a, min(a + tile, T))
        for b in range(a, T, tile):
            B = slice(b, min(b + tile, T))
            nears = []
            for I, J in ((A, B), (B, A)) if a != b else ((A, B),):
                D = Pa[I] @ Xa[J].T
                r = D >= 0
                np.abs(D, out=D)
                near = ~(band[I, None] < D)  # NaN counts as unsure
                if a == b:  # the diagonal is no comparison
                    np.fill_diagonal(r, False)
                    np.fill_diagonal(near, False)
                R0[I, J] = r
                P0[I, J] = r  # D > 0 differs from D ≥ 0 only at D = 0, inside the band
                nears.append(near)
                rows = np.flatnonzero(near.any(axis=1))
                if rows.size:
                    ij = np.argwhere(near[rows])
                    ij[:, 0] = rows[ij[:, 0]]
                    unsure.append(ij + np.array([I.start, J.start]))
            # a certain strict two-cycle (both entries outside the band) violates GARP
            if a == b:
                both = P0[A, B] & P0[A, B].T & ~nears[0] & ~nears[0].T
            else:
                both = P0[A, B] & P0[B, A].T
                if both.any():
                    both &= ~nears[0] & ~nears[1].T
            if both.any():
                if found is not None:
                    i, j = np.unravel_index(int(np.argmax(both)), both.shape)
                    found.extend([int(i) + A.start, int(j) + B.start])
                return None
    np.fill_diagonal(R0, False)
    np.fill_diagonal(P0, False)
    if unsure:
        _settle_exactly(data, e, R0, P0, np.concatenate(unsure))
    return R0, P0


# --------------------------------------------------------------------------------------
# JSON form of the observations a certificate rests on
# --------------------------------------------------------------------------------------


def _budget_json(data: BudgetData, rows: Sequence[int] | None = None) -> dict[str, Any]:
    """``{"goods", "prices", "quantities"}`` of the given rows (all rows when ``None``).

    JSON numbers (floats) when the rationals are the policy's reading of the float arrays,
    with ``"numbers": "binary"`` when that is the reading; ``"p/q"`` strings when some entry
    was given exactly. O(|rows|·K).
    """
    idx = list(range(data.T)) if rows is None else [int(r) for r in rows]
    doc: dict[str, Any] = {"goods": list(data.goods)}
    if data.exact_given:
        doc["prices"] = [[str(v) for v in data.exact_prices(t)] for t in idx]
        doc["quantities"] = [[str(v) for v in data.exact_quantities(t)] for t in idx]
    else:
        doc["prices"] = data.prices[idx].tolist()
        doc["quantities"] = data.quantities[idx].tolist()
        if data.numbers == "binary":
            doc["numbers"] = "binary"
    return doc


def _budget_from_json(doc: Mapping[str, Any]) -> BudgetData:
    """The :class:`BudgetData` written by :func:`_budget_json`."""
    numbers = reading_of(doc.get("numbers", "decimal"))
    P, X = doc["prices"], doc["quantities"]
    if not any(isinstance(v, str) for row in (*P, *X) for v in row):
        P, X = np.array(P, dtype=np.float64), np.array(X, dtype=np.float64)
    return BudgetData(P, X, tuple(str(g) for g in doc.get("goods", ())), numbers=numbers)
