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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np

from coherence._exact.display import shown as number_text
from coherence.budgets import _packed
from coherence.budgets._afriat import (
    afriat_certificate,
    afriat_in_order,
    homothetic_certificate,
)
from coherence.budgets._data import BudgetData
from coherence.budgets._kernel import (
    _budget_from_json,
    _budget_json,
    _ExactCosts,
    _relations_early_exit,
    _same_bundle,
    _strict_inside_components,
    direct_relations,
    efficiency_fraction,
)
from coherence.errors import CertificationError, InputError
from coherence.graphs import (
    shortest_cycle_through,
    strongly_connected_components,
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
    "garp_holds",
    "garp_violations",
    "sarp_violations",
    "violation_counts",
    "warp_violations",
    "wgarp_violations",
]

AXIOMS = ("GARP", "SARP", "WARP", "WGARP", "HARP")


def garp_holds(data: BudgetData, efficiency: Any = 1) -> bool:
    """The O(T²K) GARP test: ``False`` iff an SCC of ``R0(e)`` contains a ``P0(e)`` edge.

    Exact (relations decided exactly); no certificate (use :func:`check_garp` for one). The
    relations are built in blocks that stop at the first certain strict two-cycle, so most
    violated data cost a fraction of forming ``E``; otherwise the strongly connected
    components of ``R0`` decide, after an O(T²) Kahn layering that settles acyclic ``R0``
    (rationalisable data without ties) without building a sparse graph. From
    :data:`coherence.budgets._packed.PACKED_FROM` observations the relation is held as bits
    (T²/4 bytes) and GARP decided from its ties (:mod:`coherence.budgets._packed`).

    >>> d = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])  # each could buy the other for less
    >>> garp_holds(d), garp_holds(d, 0.8)
    (False, True)
    """
    e = efficiency_fraction(efficiency)
    if data.T >= _packed.PACKED_FROM:
        packed = _packed.packed_relations(data, e)
        return packed is not None and _packed.garp_order(packed) is not None
    rel = _relations_early_exit(data, e)
    if rel is None:
        return False
    R0, P0 = rel
    return not _strict_inside_components(R0, P0)


def garp_violations(data: BudgetData, efficiency: Any = 1) -> int:
    """Ordered pairs ``(i, j)``, ``i ≠ j``, with ``R*[i, j]`` and ``P0[j, i]``. O(T²K + T³/64).

    >>> garp_violations(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    2
    """
    return violation_counts(data, efficiency)["garp"]


def sarp_violations(data: BudgetData, efficiency: Any = 1) -> int:
    """Ordered pairs ``(i, j)`` with ``x_i ≠ x_j``, ``R*[i, j]`` and ``R0[j, i]``.

    >>> sarp_violations(BudgetData([[1, 1], [1, 1]], [[2, 0], [0, 2]]))  # a tie, both ways
    2
    """
    return violation_counts(data, efficiency)["sarp"]


def warp_violations(data: BudgetData, efficiency: Any = 1) -> int:
    """Unordered pairs ``{i, j}`` with ``x_i ≠ x_j``, ``R0[i, j]`` and ``R0[j, i]``.

    >>> warp_violations(BudgetData([[1, 1], [1, 1]], [[2, 0], [0, 2]]))
    1
    """
    return violation_counts(data, efficiency)["warp"]


def wgarp_violations(data: BudgetData, efficiency: Any = 1) -> int:
    """Unordered pairs with ``R0`` both ways and ``P0`` at least one way.

    >>> wgarp_violations(BudgetData([[1, 1], [1, 1]], [[2, 0], [0, 2]]))  # a tie is no strict
    0
    """
    return violation_counts(data, efficiency)["wgarp"]


def violation_counts(data: BudgetData, efficiency: Any = 1) -> dict[str, int]:
    """All four counts at once (one closure): keys ``garp``, ``sarp``, ``warp``, ``wgarp``.

    O(T²K) for the relations plus one transitive closure.

    >>> violation_counts(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    {'garp': 2, 'sarp': 2, 'warp': 1, 'wgarp': 1}
    """
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
    data: BudgetData, rows: Sequence[int], e: Fraction
) -> list[tuple[Fraction, Fraction]]:
    """For each step ``t → t+1`` of the cycle: ``(e·p_t·x_t, p_t·x_{t+1})`` exactly."""
    ex = _ExactCosts(data)
    n = len(rows)
    return [(e * ex.own(rows[s]), ex.cost(rows[s], rows[(s + 1) % n])) for s in range(n)]


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

    ``numbers``, when not empty, says which observation each row of ``data`` is (row ``r``
    is observation ``numbers[r]``): a cycle read back from JSON carries only the
    observations on it. Empty means row ``t`` is observation ``t``.
    """

    data: BudgetData
    cycle: tuple[int, ...]
    axiom: str = "GARP"
    efficiency: Fraction = Fraction(1)
    numbers: tuple[int, ...] = ()

    kind: ClassVar[str] = "revealed_preference_cycle"
    exploit: ClassVar[bool] = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "cycle", tuple(int(t) for t in self.cycle))
        object.__setattr__(self, "numbers", tuple(int(t) for t in self.numbers))
        object.__setattr__(self, "efficiency", efficiency_fraction(self.efficiency))
        if self.axiom not in AXIOMS:
            raise InputError(f"unknown axiom {self.axiom!r}")
        if self.numbers and len(self.numbers) != self.data.T:
            raise InputError("numbers must name one observation per row of data")

    def _rows(self) -> list[int] | None:
        """The rows of :attr:`data` along the cycle, or ``None`` if some step has none."""
        if not self.numbers:
            T = self.data.T
            return list(self.cycle) if all(0 <= t < T for t in self.cycle) else None
        at = {t: r for r, t in enumerate(self.numbers)}
        rows = [at.get(t) for t in self.cycle]
        return None if any(r is None for r in rows) else [r for r in rows if r is not None]

    def steps(self) -> list[tuple[Fraction, Fraction]]:
        """``(e·p_t·x_t, p_t·x_{t+1})`` for each step, exactly."""
        return self._costs(self.efficiency)

    def _costs(self, e: Fraction) -> list[tuple[Fraction, Fraction]]:
        rows = self._rows()
        if rows is None:
            raise InputError(f"the cycle {self.cycle} names observations the data do not hold")
        return _cycle_costs(self.data, rows, e)

    @property
    def leak(self) -> Fraction:
        """Money left per round: ``Σ_t (p_t·x_t − p_t·x_{t+1})`` (at ``e = 1`` prices)."""
        return sum((a - b for a, b in self._costs(Fraction(1))), Fraction(0))

    @property
    def mpi(self) -> Fraction:
        """The money pump index of the cycle: :attr:`leak` over ``Σ p_t·x_t``."""
        st = self._costs(Fraction(1))
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
        rows = self._rows()
        if len(c) < 2 or len(set(c)) != len(c) or rows is None:
            return False
        st = self.steps()
        if self.axiom == "HARP":
            return all(a > 0 for a, _ in st) and self.product < 1
        if not all(b <= a for a, b in st):
            return False
        if self.axiom in ("GARP", "WGARP"):
            ok = any(b < a for a, b in st)
        else:
            n = len(rows)
            ok = any(not self.data.same_bundle(rows[s], rows[(s + 1) % n]) for s in range(n))
        return ok and (self.axiom not in ("WARP", "WGARP") or len(c) == 2)

    def explain(self) -> str:
        e = self.efficiency
        lines = [f"{self.axiom} is violated by the cycle of observations "
                 + " → ".join(map(str, (*self.cycle, self.cycle[0]))) + ":"]
        n = len(self.cycle)
        for s, (a, b) in enumerate(self.steps()):
            t, u = self.cycle[s], self.cycle[(s + 1) % n]
            rel = "<" if b < a else "="
            scale = "" if e == 1 else f"{number_text(e)} × "
            lines.append(
                f"  at prices {t} the bundle of {u} cost {float(b):.6g} {rel} "
                f"{scale}{float(a / e if e else a):.6g} spent, so {t} is revealed preferred to {u}"
            )
        if self.axiom == "HARP":
            lines.append(f"  the product of cost ratios is {float(self.product):.6g} < 1: no "
                         "homothetic utility fits (scaled bundles close a cycle with a gain)")
        else:
            lines.append(
                f"  money left on the table per round: {number_text(self.leak)} "
                f"(money pump index {float(self.mpi):.4%} of spending)"
            )
            if self.axiom in ("SARP", "WARP") and self.leak == 0:
                lines.append("  no money leaks, but distinct bundles are each chosen when the "
                             "other was affordable, so no strict preference explains the choices")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The cycle, its exact steps and the prices and bundles of its observations (in
        cycle order), enough to re-check it without the rest of the data."""
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
        rows = self._rows()
        doc.update(_budget_json(self.data, rows))
        return doc

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> RevealedCycle:
        cycle = tuple(int(t) for t in doc["cycle"])
        return cls(_budget_from_json(doc), cycle, str(doc["axiom"]),
                   Fraction(str(doc["efficiency"])), cycle)


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "efficiency", efficiency_fraction(self.efficiency))
        if self.axiom not in ("WARP", "WGARP"):
            raise InputError(f"pairwise consistency is for WARP or WGARP, not {self.axiom!r}")

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
                "observations": self.data.T, **_budget_json(self.data)}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> PairwiseConsistency:
        return cls(_budget_from_json(doc), str(doc["axiom"]), Fraction(str(doc["efficiency"])))


# --------------------------------------------------------------------------------------
# verdicts
# --------------------------------------------------------------------------------------


def _exploit(data: BudgetData, cycle: list[int] | None, axiom: str, e: Fraction) -> Verdict:
    if cycle is None:
        raise CertificationError(f"{axiom} violation found but no cycle could be extracted")
    cert = RevealedCycle(data, tuple(cycle), axiom, e)
    q: dict[str, Any] = {"observations": data.T, "efficiency": e}
    if axiom != "HARP":
        q["cycle_mpi"] = float(cert.mpi)
    return Verdict.certify(cert, f"budget data ({axiom})", **q)


def _coherent(data: BudgetData, cert: Certificate, axiom: str, e: Fraction) -> Verdict:
    return Verdict.certify(cert, f"budget data ({axiom})", observations=data.T, efficiency=e)


def check_garp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """GARP at efficiency ``e``: a shortest violating cycle, or Afriat's utility.

    Test O(T²K); a violating cycle through a strict edge by breadth-first search; when GARP
    holds, Afriat numbers built over the components of R0 in O(T²K) (no LP), verified
    exactly (Afriat 1967; Varian 1982). Memory O(T²) bytes, T²/4 from
    :data:`coherence.budgets._packed.PACKED_FROM` observations on (bit-packed relation).

    >>> v = check_garp(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    >>> v.coherent, v.certificate.cycle, v.certificate.mpi
    (False, (0, 1), Fraction(1, 5))
    >>> check_garp(BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]])).certificate.kind
    'afriat_utility'
    """
    e = efficiency_fraction(efficiency)
    cert = _garp_certificate(data, e)
    if isinstance(cert, RevealedCycle):
        return _exploit(data, list(cert.cycle), "GARP", e)
    return _coherent(data, cert, "GARP", e)


def _garp_certificate(data: BudgetData, e: Fraction) -> RevealedCycle | Certificate:
    """A shortest GARP(e) violation cycle (not yet verified), or verified Afriat numbers.

    The relations are built block by block and the search stops at the first certain strict
    two-cycle (a shortest violation: most violated data stop after one block)."""
    if data.T >= _packed.PACKED_FROM:
        return _packed_garp_certificate(data, e)
    pair: list[int] = []
    rel = _relations_early_exit(data, e, found=pair)
    if rel is None:
        return RevealedCycle(data, (pair[0], pair[1]), "GARP", e)
    R0, P0 = rel
    if _strict_inside_components(R0, P0):
        cycle = shortest_cycle_through(R0, P0)
        if cycle is None:
            raise CertificationError("GARP violation found but no cycle could be extracted")
        return RevealedCycle(data, tuple(cycle), "GARP", e)
    return afriat_certificate(data, e, strict=False, relations=(R0, P0))


def _packed_garp_certificate(data: BudgetData, e: Fraction) -> RevealedCycle | Certificate:
    """:func:`_garp_certificate` on the bit-packed relation (:mod:`coherence.budgets._packed`):
    the first certain strict two-cycle, Afriat numbers in the packed kernel's order, or the
    dense shortest-cycle search on the violating core."""
    pair: list[int] = []
    rel = _packed.packed_relations(data, e, found=pair)
    if rel is None:
        return RevealedCycle(data, (pair[0], pair[1]), "GARP", e)
    ordered = _packed.garp_order(rel)
    if ordered is not None:
        return afriat_in_order(data, e, ordered)
    core = _packed.violating_core(rel)
    if core.size > _packed.CORE_MAX:
        raise CertificationError(
            f"GARP fails on these {data.T} observations, but its cycles lie among {core.size} "
            f"of them, more than the shortest-cycle search takes ({_packed.CORE_MAX}); "
            "garp_holds gives the verdict without a cycle")
    R0, P0 = rel.dense(core)
    cycle = shortest_cycle_through(R0, P0)
    if cycle is None:
        raise CertificationError("GARP violation found but no cycle could be extracted")
    return RevealedCycle(data, tuple(int(core[v]) for v in cycle), "GARP", e)


def check_sarp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """SARP at efficiency ``e``: a cycle through two distinct bundles, or a strict Afriat
    utility (Matzkin & Richter 1991: SARP ⇔ a strictly concave rationalisation). O(T²K)
    plus the construction of strict Afriat numbers when SARP holds.

    >>> d = BudgetData([[1, 1], [1, 1]], [[2, 0], [0, 2]])  # a tie: GARP holds, SARP fails
    >>> check_garp(d).coherent, check_sarp(d).coherent
    (True, False)
    """
    e = efficiency_fraction(efficiency)
    R0, P0 = direct_relations(data, e)
    _, lab = strongly_connected_components(R0)
    same_comp = lab[:, None] == lab[None, :]
    S = R0 & ~_same_bundle(data) & same_comp
    if S.any():
        return _exploit(data, shortest_cycle_through(R0, S), "SARP", e)
    return _coherent(data, afriat_certificate(data, e, strict=True, relations=(R0, P0)), "SARP", e)


def _pair_check(data: BudgetData, efficiency: Any, axiom: str) -> Verdict:
    e = efficiency_fraction(efficiency)
    R0, P0 = direct_relations(data, e)
    both = R0 & R0.T
    bad = both & (~_same_bundle(data) if axiom == "WARP" else (P0 | P0.T))
    if bad.any():
        i, j = (int(v) for v in np.argwhere(np.triu(bad | bad.T, 1))[0])
        cyc = [i, j] if axiom == "WARP" or P0[i, j] or P0[j, i] else [j, i]
        return _exploit(data, cyc, axiom, e)
    return _coherent(data, PairwiseConsistency(data, axiom, e), axiom, e)


def check_warp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """WARP: a pair of distinct bundles each revealed preferred to the other. O(T²K).

    >>> check_warp(BudgetData([[1, 1], [1, 1]], [[2, 0], [0, 2]])).certificate.cycle
    (0, 1)
    """
    return _pair_check(data, efficiency, "WARP")


def check_wgarp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """WGARP: a pair revealed preferred both ways, one of them strictly. O(T²K).

    >>> check_wgarp(BudgetData([[1, 1], [1, 1]], [[2, 0], [0, 2]])).certificate.kind
    'pairwise_consistency'
    """
    return _pair_check(data, efficiency, "WGARP")


def check_harp(data: BudgetData, efficiency: Any = 1) -> Verdict:
    """HARP (homotheticity, Varian 1983): a cycle with ``Π p_t·x_{t+1}/(e·p_t·x_t) < 1``, or
    a homothetic Afriat certificate (levels ``V_t > 0`` with ``e·V_j·p_i·x_i ≤ V_i·p_i·x_j``).

    Minimum-mean cycle of ``log`` ratios by Howard's policy iteration (O(T²) per round), then
    exact Fractions along a shortest-path tree.

    >>> v = check_harp(BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    >>> v.coherent, v.certificate.product
    (False, Fraction(16, 25))
    """
    e = efficiency_fraction(efficiency)
    cert, cycle = homothetic_certificate(data, e)
    if cert is None:
        return _exploit(data, cycle, "HARP", e)
    return _coherent(data, cert, "HARP", e)
