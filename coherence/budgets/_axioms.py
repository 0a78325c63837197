"""Revealed preference on budget data: GARP, SARP, WARP, WGARP and HARP.

Definitions (Varian 1982, "The nonparametric approach to demand analysis", Econometrica 50;
the counting conventions of the Stata ``rpaxioms`` module, Demetry, Hjertstrand & Polisson).
With ``E[i, j] = p_i·x_j`` and an efficiency level ``e ∈ [0, 1]`` (Afriat 1972):

* ``R0[i, j]`` iff ``e·p_i·x_i ≥ p_i·x_j`` (``x_i`` directly revealed preferred to ``x_j``),
* ``P0[i, j]`` iff ``e·p_i·x_i > p_i·x_j`` (strictly), ``R*`` the transitive closure of ``R0``.

GARP: never ``R*[i, j]`` and ``P0[j, i]``. SARP: never ``R*[i, j]`` and ``R0[j, i]`` with
``x_i ≠ x_j``. WARP and WGARP restrict these to pairs. HARP (Varian 1983, "Non-parametric
tests of consumer behaviour", RES 50): every cycle has ``Π p_t·x_{t+1} / (e·p_t·x_t) ≥ 1``.

The GARP test is O(T²K): GARP fails iff some strongly connected component of the ``R0`` graph
contains a ``P0`` edge. Relations are decided *exactly*: the float comparison is trusted only
outside a rigorous rounding-error band, and pairs inside it are decided with Fractions.
Violation counts need ``R*`` (O(T² + k³/64) for ``k`` components).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence.budgets._data import BudgetData
from coherence.errors import CertificationError, InputError
from coherence.graphs import (
    shortest_cycle_through,
    strongly_connected_components,
    topological_layers,
    transitive_closure,
)
from coherence.verdict import Certificate, Verdict

__all__ = [
    "AXIOMS",
    "PairwiseConsistency",
    "RevealedCycle",
    "check_garp",
    "check_harp",
    "check_sarp",
    "check_warp",
    "check_wgarp",
    "direct_relations",
    "garp_holds",
    "garp_violations",
    "sarp_violations",
    "violation_counts",
    "warp_violations",
    "wgarp_violations",
]

AXIOMS = ("GARP", "SARP", "WARP", "WGARP", "HARP")
_U = 2.0**-53


def efficiency_fraction(e: Any) -> Fraction:
    """``e`` as an exact Fraction in ``[0, 1]``.

    A float is read as the decimal it prints as (``0.8`` is ``4/5``), which is what a person
    typing it means; pass a Fraction for any other exact value.
    """
    if isinstance(e, bool):
        raise InputError("efficiency must be a number in [0, 1], got a bool")
    try:
        f = Fraction(repr(float(e))) if isinstance(e, float | np.floating) else Fraction(e)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"efficiency must be a number in [0, 1], got {e!r}") from None
    if not 0 <= f <= 1:
        raise InputError(f"efficiency must be in [0, 1], got {e}")
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


def _slack(data: BudgetData, e: Fraction) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``D = e·own_i − E[i, j]`` in floats, the own budgets ``e·own`` and an error band."""
    E = data.expenditure()
    budget = float(e) * data.own_expenditure()
    np.subtract(budget[:, None], E, out=E)
    band = 3.0 * _tol(data.K) * budget
    return E, budget, band


def direct_relations(
    data: BudgetData, efficiency: Any = 1, *, exact: _ExactCosts | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The exact direct revealed preference relations ``(R0, P0)`` at efficiency ``e``.

    ``R0[i, j]`` iff ``e·p_i·x_i ≥ p_i·x_j``; ``P0[i, j]`` iff ``>``; diagonals are ``False``.
    O(T²K) floats, plus O(K) Fraction work per pair within the rounding band (rare except
    for ties such as repeated bundles).
    """
    e = efficiency_fraction(efficiency)
    D, _, band = _slack(data, e)
    R0 = D >= 0
    P0 = D > 0
    lim = band[:, None]
    unsure = (lim >= D) & (-lim <= D)
    np.fill_diagonal(unsure, False)
    if unsure.any():
        ex = exact or _ExactCosts(data)
        for i, j in np.argwhere(unsure).tolist():
            d = e * ex.own(i) - ex.cost(i, j)
            R0[i, j] = d >= 0
            P0[i, j] = d > 0
    np.fill_diagonal(R0, False)
    np.fill_diagonal(P0, False)
    return R0, P0


def _bundle_classes(data: BudgetData) -> np.ndarray:
    """``cls[t]``: equal for observations with identical bundles. O(TK log T)."""
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


def _relations_early_exit(
    data: BudgetData, e: Fraction, tile: int = 2048
) -> tuple[np.ndarray, np.ndarray] | None:
    """Exact ``(R0, P0)`` built block by block, or ``None`` as soon as two observations are
    each *certainly* (outside the rounding band) strictly revealed preferred to the other,
    which is a GARP violation. Violated data usually stop after the first block; otherwise
    this is one pass over ``E``. O(T²K)."""
    budget = float(e) * data.own_expenditure()
    # D = e·p_i·x_i − p_i·x_j as one product of augmented matrices (K + 1 terms, so the
    # rounding band uses K + 1); entries within the band are settled exactly afterwards.
    band = 3.0 * _tol(data.K + 1) * budget
    Pa = np.hstack([-data.prices, budget[:, None]])
    Xa = np.hstack([data.quantities, np.ones((data.T, 1))])
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
                near = band[I, None] >= D
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
                return None
    np.fill_diagonal(R0, False)
    np.fill_diagonal(P0, False)
    if unsure:
        ex = _ExactCosts(data)
        for i, j in np.concatenate(unsure).tolist():
            if i != j:
                d = e * ex.own(i) - ex.cost(i, j)
                R0[i, j] = d >= 0
                P0[i, j] = d > 0
    return R0, P0


def garp_holds(data: BudgetData, efficiency: Any = 1) -> bool:
    """The O(T²K) GARP test: ``False`` iff an SCC of ``R0(e)`` contains a ``P0(e)`` edge.

    Exact (relations decided exactly); no certificate (use :func:`check_garp` for one). The
    relations are built in blocks that stop at the first certain strict two-cycle, so most
    violated data cost a fraction of forming ``E``; otherwise the strongly connected
    components of ``R0`` decide, after an O(T²) Kahn layering that settles acyclic ``R0``
    (rationalisable data without ties) without building a sparse graph.
    """
    e = efficiency_fraction(efficiency)
    rel = _relations_early_exit(data, e)
    if rel is None:
        return False
    R0, P0 = rel
    return not _strict_inside_components(R0, P0)


def garp_violations(data: BudgetData, efficiency: Any = 1) -> int:
    """Ordered pairs ``(i, j)``, ``i ≠ j``, with ``R*[i, j]`` and ``P0[j, i]``."""
    return violation_counts(data, efficiency)["garp"]


def sarp_violations(data: BudgetData, efficiency: Any = 1) -> int:
    """Ordered pairs ``(i, j)`` with ``x_i ≠ x_j``, ``R*[i, j]`` and ``R0[j, i]``."""
    return violation_counts(data, efficiency)["sarp"]


def warp_violations(data: BudgetData, efficiency: Any = 1) -> int:
    """Unordered pairs ``{i, j}`` with ``x_i ≠ x_j``, ``R0[i, j]`` and ``R0[j, i]``."""
    return violation_counts(data, efficiency)["warp"]


def wgarp_violations(data: BudgetData, efficiency: Any = 1) -> int:
    """Unordered pairs with ``R0`` both ways and ``P0`` at least one way."""
    return violation_counts(data, efficiency)["wgarp"]


def violation_counts(data: BudgetData, efficiency: Any = 1) -> dict[str, int]:
    """All four counts at once (one closure): keys ``garp``, ``sarp``, ``warp``, ``wgarp``."""
    R0, P0 = direct_relations(data, efficiency)
    Rs = transitive_closure(R0)
    np.fill_diagonal(Rs, False)
    diff = ~_same_bundle(data)
    np.fill_diagonal(diff, False)
    both = R0 & R0.T
    return {
        "garp": int((Rs & P0.T).sum()),
        "sarp": int((Rs & R0.T & diff).sum()),
        "warp": int(np.triu(both & diff, 1).sum()),
        "wgarp": int(np.triu(both & (P0 | P0.T), 1).sum()),
    }


# --------------------------------------------------------------------------------------
# certificates
# --------------------------------------------------------------------------------------


def _cycle_costs(
    data: BudgetData, cycle: Sequence[int], e: Fraction
) -> list[tuple[Fraction, Fraction]]:
    """For each step ``t → t+1`` of the cycle: ``(e·p_t·x_t, p_t·x_{t+1})`` exactly."""
    ex = _ExactCosts(data)
    n = len(cycle)
    return [
        (e * ex.own(cycle[s]), ex.cost(cycle[s], cycle[(s + 1) % n])) for s in range(n)
    ]


@dataclass(frozen=True, eq=False)
class RevealedCycle(Certificate):
    """A cycle of observations that violates a revealed-preference axiom.

    ``cycle = (t0, t1, ..., t_{k-1})``: at prices ``p_{t_s}`` the bundle ``x_{t_{s+1}}`` (and
    finally ``x_{t0}``) cost no more than ``e`` times what was spent, so each chosen bundle is
    revealed preferred to the next. ``axiom`` says what makes it a violation:

    * ``GARP``/``WGARP``: some step is strictly cheaper (money is left on the table);
    * ``SARP``/``WARP``: the cycle passes through two different bundles;
    * ``HARP``: ``Π p_t·x_{t+1} / (e·p_t·x_t) < 1``.

    The money it leaks: an arbitrageur who sells the agent ``x_{t+1}`` at prices ``p_t`` for
    what it paid for ``x_t`` gains ``Σ (p_t·x_t − p_t·x_{t+1})`` per round (Echenique, Lee &
    Shum 2011); :attr:`mpi` is that gain over the total spent.
    """

    data: BudgetData
    cycle: tuple[int, ...]
    axiom: str = "GARP"
    efficiency: Fraction = Fraction(1)

    kind: ClassVar[str] = "revealed_preference_cycle"
    exploit: ClassVar[bool] = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "cycle", tuple(int(t) for t in self.cycle))
        object.__setattr__(self, "efficiency", efficiency_fraction(self.efficiency))
        if self.axiom not in AXIOMS:
            raise InputError(f"unknown axiom {self.axiom!r}")

    def steps(self) -> list[tuple[Fraction, Fraction]]:
        """``(e·p_t·x_t, p_t·x_{t+1})`` for each step, exactly."""
        return _cycle_costs(self.data, self.cycle, self.efficiency)

    @property
    def leak(self) -> Fraction:
        """Money left per round: ``Σ_t (p_t·x_t − p_t·x_{t+1})`` (at ``e = 1`` prices)."""
        st = _cycle_costs(self.data, self.cycle, Fraction(1))
        return sum((a - b for a, b in st), Fraction(0))

    @property
    def mpi(self) -> Fraction:
        """The money pump index of the cycle: :attr:`leak` over ``Σ p_t·x_t``."""
        st = _cycle_costs(self.data, self.cycle, Fraction(1))
        return self.leak / sum((a for a, _ in st), Fraction(0))

    @property
    def product(self) -> Fraction:
        """``Π p_t·x_{t+1} / (e·p_t·x_t)`` (HARP's test quantity)."""
        out = Fraction(1)
        for a, b in self.steps():
            out *= b / a if a else Fraction(10**9)
        return out

    def verify(self) -> bool:
        c = self.cycle
        T = self.data.T
        if len(c) < 2 or len(set(c)) != len(c) or not all(0 <= t < T for t in c):
            return False
        st = self.steps()
        if self.axiom == "HARP":
            return all(a > 0 for a, _ in st) and self.product < 1
        if not all(b <= a for a, b in st):
            return False
        if self.axiom in ("GARP", "WGARP"):
            ok = any(b < a for a, b in st)
        else:
            ok = any(
                not self.data.same_bundle(c[s], c[(s + 1) % len(c)]) for s in range(len(c))
            )
        return ok and (self.axiom not in ("WARP", "WGARP") or len(c) == 2)

    def explain(self) -> str:
        e = self.efficiency
        lines = [f"{self.axiom} is violated by the cycle of observations "
                 + " → ".join(map(str, (*self.cycle, self.cycle[0]))) + ":"]
        n = len(self.cycle)
        for s, (a, b) in enumerate(self.steps()):
            t, u = self.cycle[s], self.cycle[(s + 1) % n]
            rel = "<" if b < a else "="
            scale = "" if e == 1 else f"{e} × "
            lines.append(
                f"  at prices {t} the bundle of {u} cost {float(b):.6g} {rel} "
                f"{scale}{float(a / e if e else a):.6g} spent, so {t} is revealed preferred to {u}"
            )
        if self.axiom == "HARP":
            lines.append(f"  the product of cost ratios is {float(self.product):.6g} < 1: no "
                         "homothetic utility fits (scaled bundles close a cycle with a gain)")
        else:
            lines.append(
                f"  money left on the table per round: {float(self.leak):.6g} "
                f"(money pump index {float(self.mpi):.4%} of spending)"
            )
            if self.axiom in ("SARP", "WARP") and self.leak == 0:
                lines.append("  no money leaks, but distinct bundles are each chosen when the "
                             "other was affordable, so no strict preference explains the choices")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "kind": self.kind,
            "axiom": self.axiom,
            "efficiency": str(self.efficiency),
            "cycle": list(self.cycle),
            "steps": [{"spent": str(a), "cost_of_next": str(b)} for a, b in self.steps()],
        }
        if self.axiom == "HARP":
            doc["product"] = str(self.product)
        else:
            doc["leak"] = str(self.leak)
            doc["mpi"] = str(self.mpi)
        return doc


@dataclass(frozen=True, eq=False)
class PairwiseConsistency(Certificate):
    """No pair of observations violates WARP (or WGARP): re-checked exactly over all pairs.

    With two goods this is also sufficient for SARP (Rose 1958) and GARP (Banerjee & Murphy
    2006), hence for a rationalising utility; with more goods it is a pairwise statement only.
    """

    data: BudgetData
    axiom: str = "WARP"
    efficiency: Fraction = Fraction(1)

    kind: ClassVar[str] = "pairwise_consistency"
    exploit: ClassVar[bool] = False

    def verify(self) -> bool:
        R0, P0 = direct_relations(self.data, self.efficiency)
        both = R0 & R0.T
        if self.axiom == "WARP":
            return not (both & ~_same_bundle(self.data)).any()
        return not (both & (P0 | P0.T)).any()

    def explain(self) -> str:
        extra = (" With two goods this implies a rationalising utility."
                 if self.data.K == 2 else "")
        return (f"{self.axiom} holds: no two of the {self.data.T} observations reveal each other "
                f"preferred in a way the axiom forbids.{extra}")

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "axiom": self.axiom, "efficiency": str(self.efficiency),
                "observations": self.data.T}


# --------------------------------------------------------------------------------------
# verdicts
# --------------------------------------------------------------------------------------


def _exploit(data: BudgetData, cycle: list[int] | None, axiom: str, e: Fraction,
             quantities: dict[str, Any]) -> Verdict:
    if cycle is None:
        raise CertificationError(f"{axiom} violation found but no cycle could be extracted")
    cert = RevealedCycle(data, tuple(cycle), axiom, e)
    if not cert.verify():
        raise CertificationError(f"{axiom} violation cycle {cycle} failed exact verification")
    q = {"observations": data.T, "efficiency": e, **quantities}
    if axiom != "HARP":
        q["cycle_mpi"] = float(cert.mpi)
    return Verdict(False, cert, f"budget data ({axiom})", q)


def _coherent(data: BudgetData, cert: Certificate, axiom: str, e: Fraction) -> Verdict:
    if not cert.verify():
        raise CertificationError(f"{axiom} certificate failed exact verification")
    return Verdict(True, cert, f"budget data ({axiom})", {"observations": data.T, "efficiency": e})


def check_garp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """GARP at efficiency ``e``: a shortest violating cycle, or Afriat's utility.

    Test O(T²K); a violating cycle through a strict edge by breadth-first search; when GARP
    holds, Afriat numbers from a margin-maximising LP (see :mod:`coherence.budgets`), verified
    exactly (Afriat 1967; Varian 1982).
    """
    from coherence.budgets._afriat import afriat_certificate

    e = efficiency_fraction(efficiency)
    R0, P0 = direct_relations(data, e)
    if _strict_inside_components(R0, P0):
        return _exploit(data, shortest_cycle_through(R0, P0), "GARP", e, {})
    return _coherent(data, afriat_certificate(data, e, strict=False, relations=(R0, P0)), "GARP", e)


def check_sarp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """SARP at efficiency ``e``: a cycle through two distinct bundles, or a strict Afriat
    utility (Matzkin & Richter 1991: SARP ⇔ a strictly concave rationalisation)."""
    from coherence.budgets._afriat import afriat_certificate

    e = efficiency_fraction(efficiency)
    R0, P0 = direct_relations(data, e)
    _, lab = strongly_connected_components(R0)
    same_comp = lab[:, None] == lab[None, :]
    S = R0 & ~_same_bundle(data) & same_comp
    if S.any():
        return _exploit(data, shortest_cycle_through(R0, S), "SARP", e, {})
    return _coherent(data, afriat_certificate(data, e, strict=True, relations=(R0, P0)), "SARP", e)


def _pair_check(data: BudgetData, efficiency: Any, axiom: str) -> Verdict:
    e = efficiency_fraction(efficiency)
    R0, P0 = direct_relations(data, e)
    both = R0 & R0.T
    bad = both & (~_same_bundle(data) if axiom == "WARP" else (P0 | P0.T))
    if bad.any():
        i, j = (int(v) for v in np.argwhere(np.triu(bad | bad.T, 1))[0])
        cyc = [i, j] if axiom == "WARP" or P0[i, j] or P0[j, i] else [j, i]
        return _exploit(data, cyc, axiom, e, {})
    return _coherent(data, PairwiseConsistency(data, axiom, e), axiom, e)


def check_warp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """WARP: a pair of distinct bundles each revealed preferred to the other. O(T²K)."""
    return _pair_check(data, efficiency, "WARP")


def check_wgarp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """WGARP: a pair revealed preferred both ways, one of them strictly. O(T²K)."""
    return _pair_check(data, efficiency, "WGARP")


def check_harp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """HARP (homotheticity, Varian 1983): a cycle with ``Π p_t·x_{t+1}/(e·p_t·x_t) < 1``, or
    a homothetic Afriat certificate (levels ``V_t > 0`` with ``e·V_j·p_i·x_i ≤ V_i·p_i·x_j``).

    Minimum-mean cycle of ``log`` ratios by Howard's policy iteration (O(T²) per round), then
    exact Fractions along a shortest-path tree.
    """
    from coherence.budgets._afriat import homothetic_certificate

    e = efficiency_fraction(efficiency)
    cert, cycle = homothetic_certificate(data, e)
    if cert is None:
        return _exploit(data, cycle, "HARP", e, {})
    return _coherent(data, cert, "HARP", e)
