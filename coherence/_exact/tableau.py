"""An integer simplex tableau and the bounded-variable primal simplex on it, exactly.

The tableau holds ``[A | b]`` for an integer matrix ``A`` as Python ints under a common
denominator ``D``: after any sequence of pivots, entry ``(i, j)`` is ``D · (B⁻¹A)_ij`` with
``D = ±det B``, an integer minor of ``[A | b]`` by Cramer's rule. A pivot updates every entry
with one exact division by the previous ``D`` (integer-preserving Gauss–Jordan elimination:
Edmonds 1967; Bareiss 1968), so entries stay within Hadamard's bound however many pivots are
made, and no gcd is ever computed.

:func:`run_simplex` is the textbook bounded-variable primal simplex (Dantzig 1955; Bixby
1992): non-basic variables sit at a bound (or at 0 when free), the ratio test includes bound
flips (a non-basic column may also rest strictly between its bounds, at 0, and then move
either way), and Dantzig's pricing gives way to Bland's smallest-index rule (Bland 1977) after a run
of degenerate pivots, which rules out cycling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

__all__ = ["BoundedState", "Tableau", "run_simplex"]

#: consecutive degenerate pivots after which Bland's rule takes over (until progress resumes)
DEGENERATE_RUN = 12


class Tableau:
    """Integer tableau ``[A | b]`` (object array of Python ints), a basis and ``D``.

    >>> t = Tableau(np.array([[2, 1], [1, 3]], dtype=object), [4, 7])
    >>> t.pivot(0, 0); t.pivot(1, 1)
    >>> [Fraction(t.T[i, -1], t.D) for i in range(2)]
    [Fraction(1, 1), Fraction(2, 1)]
    """

    def __init__(self, A: np.ndarray, b: Sequence[int]) -> None:
        m = A.shape[0]
        self.T = np.empty((m, A.shape[1] + 1), dtype=object)
        self.T[:, :-1] = A
        self.T[:, -1] = list(b)
        self.D = 1
        self.basis: list[int] = [-1] * m
        #: reduced costs times ``D`` (one per column of ``A``), when a cost is set
        self.R: np.ndarray | None = None

    @property
    def m(self) -> int:
        return int(self.T.shape[0])

    @property
    def N(self) -> int:
        return int(self.T.shape[1]) - 1

    def pivot(self, r: int, c: int) -> None:
        """Make column ``c`` basic in row ``r`` (one exact integer elimination, O(m · N))."""
        T, D = self.T, self.D
        p = T[r, c]
        row = T[r].copy()
        col = T[:, c].copy()
        nz = np.flatnonzero(col != 0)
        if p == D and len(nz) == 1:  # already the unit column D·e_r: nothing to eliminate
            if self.R is not None and self.R[c] != 0:
                self.R = (self.R * D - self.R[c] * row[:-1]) // D
            self.basis[r] = c
            return
        T = T * p
        if len(nz):
            T[nz] -= np.multiply.outer(col[nz], row)
        if D != 1:
            T //= D
        T[r] = row
        if self.R is not None:
            rc = self.R[c]
            R = self.R * p
            if rc != 0:
                R -= rc * row[:-1]
            self.R = R // D if D != 1 else R
        self.T, self.D = T, p
        self.basis[r] = c

    def set_cost(self, cost: Sequence[int]) -> None:
        """Reduced costs ``D · (c − c_B B⁻¹ A)`` for the integer cost ``c``. O(m · N)."""
        c = np.asarray(list(cost), dtype=object)
        cb = np.asarray([cost[j] for j in self.basis], dtype=object)
        R = c * self.D
        if self.m and any(v != 0 for v in cb):
            R = R - cb.dot(self.T[:, :-1])
        self.R = R

    def add_column(self, entries: Sequence[int]) -> None:
        """Append a column given by its tableau entries (already ``D · B⁻¹ a``)."""
        col = np.asarray(list(entries), dtype=object).reshape(-1, 1)
        self.T = np.concatenate([self.T[:, :-1], col, self.T[:, -1:]], axis=1)
        if self.R is not None:
            self.R = np.concatenate([self.R, np.asarray([0], dtype=object)])

    def drop_rows(self, rows: Sequence[int]) -> None:
        """Delete rows (redundant equations: all zero in ``A`` and ``b``)."""
        keep = [i for i in range(self.m) if i not in set(rows)]
        self.T = self.T[keep]
        self.basis = [self.basis[i] for i in keep]


@dataclass
class BoundedState:
    """Values and bounds of every column: ``x`` (Fractions), ``lo``/``hi`` (``None``: none)."""

    x: list[Fraction]
    lo: list[Fraction | None]
    hi: list[Fraction | None]
    basic: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def can_move(self, j: int) -> tuple[bool, bool]:
        """Whether non-basic column ``j`` may increase / decrease."""
        lo, hi, v = self.lo[j], self.hi[j], self.x[j]
        return (hi is None or v < hi), (lo is None or v > lo)


def _entering(tab: Tableau, st: BoundedState, bland: bool) -> tuple[int, int] | None:
    """An improving non-basic column and its direction (+1 up, −1 down), or ``None``."""
    R = tab.R
    assert R is not None
    sgn = 1 if tab.D > 0 else -1
    cand = np.flatnonzero((R != 0) & ~st.basic[: len(R)])
    best: tuple[int, int] | None = None
    best_size = 0
    for j in cand.tolist():
        d = R[j] * sgn
        up, down = st.can_move(j)
        if (d < 0 and up) or (d > 0 and down):
            if bland:
                return j, (1 if d < 0 else -1)
            if abs(d) > best_size:
                best, best_size = (j, 1 if d < 0 else -1), abs(d)
    return best


def _ratio(
    tab: Tableau, st: BoundedState, q: int, direction: int
) -> tuple[Fraction | None, int | None, dict[int, Fraction]]:
    """Step length, leaving row (``None``: a bound flip or unbounded) and the basic rates."""
    col = tab.T[:, q]
    D = tab.D
    rates: dict[int, Fraction] = {}
    theta: Fraction | None = None
    leave: int | None = None
    for i in np.flatnonzero(col != 0).tolist():
        a = Fraction(col[i] * direction, D)  # x_B[i] decreases by a per unit step
        rates[i] = a
        b = tab.basis[i]
        bound = st.lo[b] if a > 0 else st.hi[b]
        if bound is None:
            continue
        th = (st.x[b] - bound) / a
        if theta is None or th < theta or (
            th == theta and leave is not None and b < tab.basis[leave]
        ):
            theta, leave = th, i
    own = st.hi[q] if direction > 0 else st.lo[q]
    if own is not None:
        room = (own - st.x[q]) * direction  # how far the entering column itself may move
        if theta is None or room <= theta:
            return room, None, rates
    return theta, leave, rates


def run_simplex(
    tab: Tableau, st: BoundedState, stop: Callable[[], bool] | None = None
) -> str:
    """Primal simplex on ``tab`` (its cost set) from the feasible state ``st``, in place.

    A move that ends where the entering column meets its own bound is a bound flip (no
    pivot); a non-basic column between its bounds that cannot improve the cost stays put.

    >>> t = Tableau(np.array([[1, 1]], dtype=object), [1])  # x + y = 1, 0 ≤ x, y ≤ 1
    >>> t.pivot(0, 1)
    >>> st = BoundedState([Fraction(0), Fraction(1)], [Fraction(0)] * 2, [Fraction(1)] * 2,
    ...                   np.array([False, True]))
    >>> t.set_cost([-1, 0]); run_simplex(t, st), st.x  # maximise x
    ('optimal', [Fraction(1, 1), Fraction(0, 1)])

    Returns ``"optimal"``, ``"unbounded"`` or ``"stopped"`` (``stop()`` held after a step).
    Each step costs one ratio test and, unless it is a bound flip, one pivot (O(m · N)).
    """
    degenerate = 0
    while True:
        if stop is not None and stop():
            return "stopped"
        enter = _entering(tab, st, degenerate >= DEGENERATE_RUN)
        if enter is None:
            return "optimal"
        q, direction = enter
        theta, leave, rates = _ratio(tab, st, q, direction)
        if theta is None:
            return "unbounded"
        degenerate = degenerate + 1 if theta == 0 else 0
        if theta:
            for i, a in rates.items():
                b = tab.basis[i]
                st.x[b] -= theta * a
            st.x[q] += direction * theta
        if leave is None:
            continue
        b = tab.basis[leave]
        a = rates[leave]
        bound = st.lo[b] if a > 0 else st.hi[b]
        assert bound is not None
        st.x[b] = bound
        st.basic[b] = False
        st.basic[q] = True
        tab.pivot(leave, q)
