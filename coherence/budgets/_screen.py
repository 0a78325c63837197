"""Panels screened in one pass: the axiom counts and the CCEI of many small subjects at once.

A panel of many subjects with few observations each (the CKMS experiment: 1,182 subjects of
25 budgets) spends almost all of a per-subject check in set-up: graph objects, solver calls,
Python loops over 25 nodes. :func:`screen_panel` stacks the subjects that share a shape
``(T, K)`` into ``(S, T, T)`` arrays and decides every subject of the stack with a handful of
vectorised passes:

* the direct relations from the batched expenditure ``E = P Xᵀ`` under the same rigorous
  rounding band as :func:`~coherence.budgets.direct_relations`;
* the transitive closure by Warshall's algorithm, one ``(S, T, T)`` pass per pivot
  (Warshall 1962), hence the GARP, SARP, WARP and WGARP counts;
* the CCEI as the smallest bottleneck of a cycle of cost ratios ``p_i·x_j / p_i·x_i``
  (Afriat 1972: GARP(e) fails exactly when some cycle has every ratio ``≤ e`` and one below
  it), by the (min, max) Floyd–Warshall closure.

Floats steer; nothing is trusted that they cannot decide. Pairs in the rounding band of the
relations are decided in Fractions, as the single-subject kernel decides them; the CCEI is
settled by the batch when exactly one cost ratio lies in the band around its float value,
which is then that ratio computed in Fractions (the proof: every other ratio's side of the
critical one is certain, and the closure compares values without arithmetic). A tie at the
critical ratio, and data whose scaled costs reach the subnormal range, go to the exact
single-subject functions, so the answers are those of
:func:`~coherence.budgets.violation_counts` and :func:`~coherence.budgets.ccei_fraction`,
always. Cost: O(S·T³) elementwise work in O(T) numpy passes per shape and O(S·T²·K)
memory, in stacks of about 64 MiB; subjects above 64 observations or goods take the
single-subject functions, which are faster there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from coherence.budgets._axioms import violation_counts
from coherence.budgets._data import BudgetData, _Parts
from coherence.budgets._indices import ccei_fraction
from coherence.budgets._kernel import _band, _bundle_classes, _tol, efficiency_fraction, float_view
from coherence.errors import InputError

__all__ = ["Screen", "screen_panel"]

#: subjects stacked per pass (bounds the (S, T, T) and (S, T, T, K) arrays to about 64 MiB)
_STACK_ENTRIES = 1 << 23
#: subjects with more observations (or goods) than this take the single-subject functions,
#: whose O(T²) early-exit passes beat the batch's O(T³) closures there
_MAX_T = 64
_MAX_K = 64
#: below this, scaled expenditures may carry absolute (subnormal) rounding: decided exactly
_SMALL = 2.0**-900


@dataclass(frozen=True)
class Screen:
    """One subject's axiom violation counts (as :func:`violation_counts` gives them) and its
    CCEI as an exact Fraction; ``batched`` says whether the vectorised pass settled it alone
    (else an exact single-subject search decided the CCEI or the whole subject)."""

    counts: Mapping[str, int]
    ccei_fraction: Fraction
    batched: bool

    @property
    def ccei(self) -> float:
        """The CCEI as the nearest float."""
        return float(self.ccei_fraction)


def screen_panel(panel: Mapping[str, BudgetData], efficiency: Any = 1
                 ) -> dict[str, Screen]:
    """The GARP, SARP, WARP and WGARP violation counts at ``efficiency`` and the exact CCEI
    of every subject of ``panel`` (a :class:`~coherence.budgets.BudgetPanel` or any mapping of
    names to :class:`~coherence.budgets.BudgetData`), in the panel's order.

    Subjects of equal shape with up to 64 observations and goods are decided together in
    vectorised passes (larger ones by the single-subject functions); the answers equal
    :func:`~coherence.budgets.violation_counts` and :func:`~coherence.budgets.ccei_fraction`
    subject by subject (see the module notes for the proof and the fallback). O(S·T³) work in
    O(T) numpy passes per shape for ``S`` subjects of ``T`` observations.

    >>> from coherence.budgets import BudgetData
    >>> s = screen_panel({"a": BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]),
    ...                   "b": BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]])})
    >>> s["a"].counts["garp"], s["a"].ccei_fraction, s["b"].counts["garp"], s["b"].ccei
    (2, Fraction(4, 5), 0, 1.0)
    """
    e = efficiency_fraction(efficiency)
    if not isinstance(panel, Mapping):
        raise InputError(f"screen_panel takes a mapping of subjects to BudgetData, got "
                         f"{type(panel).__name__}")
    names = list(panel)
    groups: dict[tuple[int, int], list[str]] = {}
    for name in names:
        d = panel[name]
        if not isinstance(d, BudgetData):
            raise InputError(f"subject {name!r}: expected BudgetData, got {type(d).__name__}")
        groups.setdefault((d.T, d.K), []).append(name)
    out: dict[str, Screen] = {}
    for (T, K), members in groups.items():
        if T > _MAX_T or K > _MAX_K:
            out.update((n, _exact_screen(panel[n], e)) for n in members)
            continue
        step = max(1, _STACK_ENTRIES // (T * T * K))
        for a in range(0, len(members), step):
            chunk = members[a:a + step]
            out.update(_screen_stack([panel[n] for n in chunk], chunk, e, T, K))
    return {n: out[n] for n in names}


def _read_exactly(datas: list[BudgetData]) -> None:
    """Give the subjects that hold only floats their exact numbers (the number policy's
    reading, :func:`rational_parts`) in one vectorised pass per reading, instead of one
    small pass per subject when the CCEI's critical ratio is first computed exactly."""
    todo: dict[str, list[BudgetData]] = {}
    for d in datas:
        if d._parts is None:
            todo.setdefault(str(d.numbers), []).append(d)
    for reading, ds in todo.items():
        parts = _Parts.of_floats(np.concatenate([d.prices for d in ds]),
                                 np.concatenate([d.quantities for d in ds]), reading)
        for s, d in enumerate(ds):  # every subject of a stack has the same T rows
            object.__setattr__(d, "_parts", parts.take(np.arange(s * d.T, (s + 1) * d.T)))


def _exact_screen(d: BudgetData, e: Fraction) -> Screen:
    return Screen(violation_counts(d, e), ccei_fraction(d), False)


def _screen_stack(datas: list[BudgetData], names: list[str], e: Fraction, T: int, K: int
                  ) -> dict[str, Screen]:
    if T < 2:
        return {n: _exact_screen(d, e) for n, d in zip(names, datas, strict=True)}
    with np.errstate(all="ignore"):  # subjects whose costs underflow are decided exactly
        return _decide_stack(datas, names, e, T, K)


def _decide_stack(datas: list[BudgetData], names: list[str], e: Fraction, T: int, K: int
                  ) -> dict[str, Screen]:
    views = [float_view(d) for d in datas]
    P = np.stack([v[0] for v in views])
    X = np.stack([v[1] for v in views])
    own = np.stack([v[2] for v in views])
    E = np.matmul(P, X.transpose(0, 2, 1))  # E[s, i, j] = p_i·x_j (rows scaled alike)
    off = ~np.eye(T, dtype=bool)
    budget, band = _band(own, e, K)
    D = budget[:, :, None] - E
    tiny = (E < _SMALL).any(axis=(1, 2)) | ~(own >= _SMALL).all(axis=1)
    R0 = (D >= 0) & off
    P0 = (D > 0) & off
    _read_exactly([d for d, t in zip(datas, tiny.tolist(), strict=True) if not t])
    for s, i, j in np.argwhere(~(band[:, :, None] < np.abs(D)) & off).tolist():
        if not tiny[s]:  # in the rounding band: decided in Fractions, as the kernel does
            d = datas[s]
            gap = e * d.exact_cost(i, i) - d.exact_cost(i, j)
            R0[s, i, j], P0[s, i, j] = gap >= 0, gap > 0
    Rs = R0.copy()
    for k in range(T):  # Warshall: paths through pivots 0..k
        Rs |= Rs[:, :, k, None] & Rs[:, None, k, :]
    Rs &= off
    Q = np.stack([d.quantities for d in datas])
    diff = ~(Q[:, :, None, :] == Q[:, None, :, :]).all(axis=3) & off
    for s, d in enumerate(datas):
        if d.exact_given:  # bundles that differ only beyond a float's precision
            cls = _bundle_classes(d)
            diff[s] = (cls[:, None] != cls[None, :]) & off
    both = R0 & R0.transpose(0, 2, 1)
    upper = np.triu(np.ones((T, T), dtype=bool), 1)
    garp = (Rs & P0.transpose(0, 2, 1)).sum(axis=(1, 2))
    sarp = (Rs & R0.transpose(0, 2, 1) & diff).sum(axis=(1, 2))
    warp = (both & diff & upper).sum(axis=(1, 2))
    wgarp = (both & (P0 | P0.transpose(0, 2, 1)) & upper).sum(axis=(1, 2))
    # CCEI: the smallest cycle bottleneck of the cost ratios, by (min, max) Floyd–Warshall
    r = E / own[:, :, None]
    r[:, ~off] = np.inf
    B = r.copy()
    for k in range(T):
        np.minimum(B, np.maximum(B[:, :, k, None], B[:, None, k, :]), out=B)
    b = B[:, np.arange(T), np.arange(T)].min(axis=1)
    rb = (1 + 3 * _tol(K)) ** 2
    window = (r >= (b / rb)[:, None, None]) & (r <= (b * rb)[:, None, None])
    in_window = window.sum(axis=(1, 2))
    out: dict[str, Screen] = {}
    for s, (name, d) in enumerate(zip(names, datas, strict=True)):
        if tiny[s]:
            out[name] = _exact_screen(d, e)
            continue
        counts = {"garp": int(garp[s]), "sarp": int(sarp[s]), "warp": int(warp[s]),
                  "wgarp": int(wgarp[s])}
        if b[s] > rb or (e == 1 and not garp[s]):  # GARP(1) holds: no cycle below 1
            c = Fraction(1)
        elif b[s] * rb < 1 and in_window[s] == 1:
            i, j = (int(v) for v in np.argwhere(window[s])[0])
            c = d.exact_cost(i, j) / d.exact_cost(i, i)
        else:  # a tie at the critical ratio or at 1: the exact search decides
            out[name] = Screen(counts, ccei_fraction(d), False)
            continue
        out[name] = Screen(counts, c, True)
    return out

