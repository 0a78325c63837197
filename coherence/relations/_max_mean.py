"""The maximum cycle mean of a payment matrix: found in floats, proved exactly.

``W[i, j]`` is a payment on the edge ``i → j`` (``-inf``: no edge) whose exact value an
:class:`~coherence.relations._potentials.ExactEntries` holds.

* :func:`howard` — Howard's policy iteration for the max cycle mean in float64, O(n²) per
  iteration, few iterations in practice (Cochet-Terrasson, Cohen, Gaubert, McGettrick &
  Quadrat 1998; Dasdan 2004).
* :func:`certify_max_mean` — Lawler's iteration in exact arithmetic (Lawler 1976,
  *Combinatorial Optimization*, ch. 3 §13): look for a potential for ``W − λ``, ``λ`` the
  exact mean of the best cycle known (:mod:`~coherence.relations._potentials`); a cycle
  above ``λ`` replaces it, a potential proves that ``λ`` is the maximum (no cycle has a
  larger mean). Started without a cycle, ``λ = 0`` and a potential proves that no cycle has
  a positive total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from coherence.errors import CertificationError
from coherence.graphs import functional_graph_cycles
from coherence.relations._entries import ExactEntries, blocks, reduced_payments, unclear_rows
from coherence.relations._potentials import Dense, Grid

__all__ = ["MaxMean", "certify_max_mean", "cycle_total", "howard", "refined_cycle"]


def howard(W: np.ndarray, max_iter: int = 10_000, *, tol: float | None = None
           ) -> tuple[np.ndarray, list[list[int]], np.ndarray]:
    """Policy iteration in floats: the final policy's cycle means, cycles and values ``x``.

    Every node needs an out-edge (callers add zero self-loops). On return
    ``x[i] ≥ W[i, j] − η[i] + x[j]`` holds up to rounding on the edges that stay within a mean
    class ``η``. ``tol`` is the improvement that counts (default ``10⁻¹²·n`` times the
    largest magnitude, at least 1). Raises :class:`CertificationError` when it does not
    converge. O(n²) per iteration.

    >>> means, cycles, x = howard(np.array([[0.0, 3.0], [-1.0, 0.0]]))
    >>> means.tolist(), cycles
    ([1.0], [[0, 1]])
    """
    n = W.shape[0]
    finite = np.isfinite(W)
    if tol is None:
        scale = max(1.0, float(np.abs(W[finite]).max()) if finite.any() else 1.0)
        tol = 1e-12 * scale * max(1, n)
    pi = np.argmax(W, axis=1)
    for _ in range(max_iter):
        cyc_id, cycles, order = functional_graph_cycles(pi)
        means = np.array([W[c, pi[c]].mean() for c in cycles])
        eta = means[cyc_id]
        x = np.zeros(n)
        for c, mu in zip(cycles, means, strict=True):
            for t in range(len(c) - 1, 0, -1):  # x[c0] = 0; walk backwards around the cycle
                v = c[t]
                x[v] = W[v, pi[v]] - mu + x[pi[v]]
        for v in order.tolist():
            x[v] = W[v, pi[v]] - eta[v] + x[pi[v]]
        eta_succ = np.where(finite, eta[None, :], -np.inf)  # 1. a better mean
        up = eta_succ.max(axis=1) > eta + tol
        if up.any():
            pi = np.where(up, np.argmax(eta_succ, axis=1), pi)
            continue
        same = np.abs(eta_succ - eta[:, None]) <= tol  # 2. a better value, same mean
        val = np.where(finite & same, W - eta[:, None] + x[None, :], -np.inf)
        better = val.max(axis=1) > x + tol
        if not better.any():
            return means, cycles, x
        pi = np.where(better, np.argmax(val, axis=1), pi)
    raise CertificationError("policy iteration did not converge")


def cycle_total(entries: ExactEntries, cycle: Sequence[int]) -> Fraction:
    """Exact total payment around ``cycle`` (node list, closed by its last edge). O(k).

    >>> W = np.array([[-np.inf, 0.1, -np.inf], [-np.inf, -np.inf, 0.2], [-0.3, -np.inf, -np.inf]])
    >>> cycle_total(ExactEntries(W, "decimal", None), [0, 1, 2])
    Fraction(0, 1)
    """
    k = len(cycle)
    return sum(entries.at(list(cycle), [cycle[(t + 1) % k] for t in range(k)]), Fraction(0))


#: near-tight edges beyond one per item that make a second, finer Howard worth it
_FEW_TIES = 8


def refined_cycle(entries: ExactEntries, x: np.ndarray, lam: float) -> list[int] | None:
    """Howard again, on the reduced payments ``W[i, j] − λ + u[i] − u[j]`` (``u = −x`` and
    ``λ`` Howard's values and best mean for ``W``) of the near-tight edges, computed to about
    twice the float precision (:func:`~coherence.relations._entries.reduced_payments`).

    A potential and a constant shift change every cycle mean alike, but near-tight cycles now
    have small payments whose leading digits survive, so floats rank cycles whose means agree
    to 16 digits. An edge whose reduced payment is below ``−K`` (``K`` is ``2n`` times the
    largest reduced payment plus the float noise) lies on no near-optimal cycle and is left
    out. Returns the best cycle of two or more items, or ``None`` (also when hardly more edges
    than Howard's own are near-tight: the floats' cycle then stands). O(n²)
    float work plus O(1) per kept edge and Howard's iterations on the kept edges.

    >>> u = np.arange(12.0) / 10  # ties everywhere: W = u[j] − u[i] up to rounding
    >>> W = u[None, :] - u[:, None]
    >>> means, cycles, x = howard(W)
    >>> c = refined_cycle(ExactEntries(W, "binary", None), x, float(means.max()))
    >>> len(c) >= 2
    True
    """
    n = entries.n
    W = entries.W
    u = np.where(np.isfinite(x), -x, 0.0)
    fin = np.isfinite(W) & ~np.eye(n, dtype=bool)
    if not fin.any():
        return None
    noise = 2.0**-50 * (float(np.abs(W[fin]).max()) + 2 * float(np.abs(u).max()) + abs(lam))
    with np.errstate(over="ignore", invalid="ignore"):
        top_r = max(float(np.max((W + u[:, None] - u[None, :] - lam)[fin], initial=0.0)), 0.0)
    cut = 2 * n * (top_r + noise) + 2.0**-1000
    I, J = (np.concatenate(v) for v in zip(*(unclear_rows(W, u, lam - cut, rows)
                                               for rows in blocks(n)), strict=True))
    if I.size <= n + _FEW_TIES:  # about the policy's own edges: nothing to rank
        return None
    R = reduced_payments(entries, I, J, u, lam)
    if not np.isfinite(R).all():
        return None
    top = float(np.abs(R).max()) or 2.0**-1000
    Wr = np.full((n, n), -np.inf)
    Wr[I, J] = R
    np.fill_diagonal(Wr, -(2.0 * top + cut))  # below every cycle of kept edges
    try:
        means, cycles, _ = howard(Wr, tol=2.0**-46 * top * n)
    except CertificationError:
        return None
    best = [(m, c) for m, c in zip(means.tolist(), cycles, strict=True) if len(c) >= 2]
    return [int(v) for v in max(best, key=lambda mc: mc[0])[1]] if best else None


@dataclass(frozen=True)
class MaxMean:
    """Outcome of :func:`certify_max_mean`: the best cycle found (``None``: no cycle has a
    positive total) and its exact mean (0 then); when ``proven``, ``potential`` is a
    potential for ``W − mean``, so that no cycle has a larger mean."""

    cycle: list[int] | None
    mean: Fraction
    proven: bool
    potential: list[Fraction] | None


#: more float-undecided edges than this (and than 4 per item) make whole-matrix integer
#: passes cheaper than the sparse grid
_DENSE_FROM = 4096
#: up to this many items, whole-matrix integers from a zero start (simple potentials)
_SMALL = 32


def certify_max_mean(entries: ExactEntries, cycle: Sequence[int] | None, guess: np.ndarray,
                     *, max_rounds: int = 64) -> MaxMean:
    """The exact maximum cycle mean of the positive cycles, starting from ``cycle`` (a cycle
    of the edges, or ``None``) and the float potential ``guess``.

    Lawler's iteration: find a potential for ``W − λ``, ``λ`` the mean of the best cycle so
    far (0 without one); a cycle above it replaces it (the mean strictly increases, so no
    cycle comes back); a potential proves ``λ`` is the maximum. Each round is a whole-matrix
    int64 pass (:class:`~coherence.relations._potentials.Dense`) when the entries are
    integers over one modest denominator and the matrix is small (then from zero, so that the
    potential is the longest paths: sums of entries) or has many edges within rounding of
    tight; otherwise a sparse :class:`~coherence.relations._potentials.Grid`, restarted from
    the values the last one reached. After ``max_rounds`` rounds above a positive cycle
    without a proof the best cycle is returned with ``proven=False`` (its mean is then a lower
    bound); the search for a first positive cycle or a potential for ``W`` is never cut
    short. From a good
    float cycle (see :func:`refined_cycle`) one round is the rule: O(n²) float work plus the
    exact work on the near-tight edges.

    >>> W = np.array([[-np.inf, 3.0, 1.0], [-1.0, -np.inf, -np.inf], [0.5, -np.inf, -np.inf]])
    >>> best = certify_max_mean(ExactEntries(W, "decimal", None), [0, 2], np.zeros(3))
    >>> best.cycle, best.mean, best.proven
    ([0, 1], Fraction(1, 1), True)
    """
    cyc = None if cycle is None else [int(v) for v in cycle]
    lam = Fraction(0) if cyc is None else cycle_total(entries, cyc) / len(cyc)
    small = entries.n <= _SMALL
    if small:  # longest paths from zero: the simplest potential, cheap at this size
        guess = np.zeros(entries.n)
        undecided = 0
    else:
        g = np.where(np.isfinite(guess), guess, 0.0)
        undecided = sum(unclear_rows(entries.W, g, float(lam), rows)[0].size
                        for rows in blocks(entries.n))
    dense = small or undecided > max(_DENSE_FROM, 4 * entries.n)
    sc = entries.scaled() if dense else None
    rounds = 0  # rounds spent above a positive cycle; the search for one is never cut short
    if sc is not None:
        fin = np.isfinite(entries.W)
        while cyc is None or rounds < max_rounds:
            state = Dense(sc, fin, lam, guess, fine=not small)
            if not state.fits:
                break
            rounds += cyc is not None
            u, better = state.solve()
            if better is None:
                return MaxMean(cyc, lam, True, u)
            cyc, lam = better, cycle_total(entries, better) / len(better)
    while cyc is None or rounds < max_rounds:
        rounds += cyc is not None
        grid = Grid(entries, guess)
        grid.raise_mean(lam, cyc or [])
        better = grid.run()
        if better is None:
            return MaxMean(cyc, lam, True, grid.potential())
        cyc, lam = better, cycle_total(entries, better) / len(better)
        guess = grid.uf  # the values reached: a good start for the next round
    return MaxMean(cyc, lam, False, None)
