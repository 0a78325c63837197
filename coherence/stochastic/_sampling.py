"""Finite samples: likelihood-ratio tests of random utility and of weak stochastic
transitivity against the unrestricted model, p-values by a parametric bootstrap.

With counts ``n_ab`` (``a`` chosen over ``b``), ``n_ba`` (and ``n_ind`` for ternary data) per
observed pair, the statistic is the likelihood ratio

    G² = 2 Σ_pairs Σ_answers n · log(p̂ / π̂)

between the observed frequencies ``p̂`` (the unrestricted maximum) and a fitted point ``π̂``
of the null hypothesis:

* **random utility**: ``π̂`` is the count-weighted least-squares projection of ``p̂`` onto the
  linear ordering polytope (weak orders for ternary data), ``min Σ n_pair (π − p̂)²`` over
  mixtures of orders: a restricted non-negative least-squares master over the orders found so
  far, priced by the exact linear-ordering dynamic programme (column generation; for small n
  every order is in the master from the start). The projection is the distance of Kitamura &
  Stoye (2018); G² is evaluated at it, so it bounds the G² at the maximum-likelihood point from
  above and the bootstrap calibrates that same statistic;
* **weak stochastic transitivity** (forced choice): the null is the union over linear orders
  σ of the boxes ``P(a, b) ≥ ½`` for ``a`` above ``b`` (Regenwetter, Dana & Davis-Stober
  2011); on one box the maximum-likelihood point clamps each disagreeing pair to ½, and the
  best box is a linear-ordering problem on the clamping costs, solved exactly. The fit is
  the exact maximum-likelihood point.

The p-value is ``(1 + #{G²* ≥ G²}) / (B + 1)`` over ``B`` parametric-bootstrap samples drawn
(binomial or multinomial per pair, the observed numbers of trials) from ``π̂``, each refitted;
numpy's PCG64 generator seeded with ``seed`` (default 0), so results are reproducible. The
fitted point lies on the boundary of the null, so the bootstrap is a pointwise approximation
of the order-constrained (chi-bar-squared) null distribution (Kitamura & Stoye 2018 tighten
it; not done here). Data inside the null have G² = 0 and p-value 1 without any draws.
The fit and the p-value are floating-point numbers; the certificates of
:func:`~coherence.stochastic.check_random_utility` stay exact.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls

from coherence._exact.linear_ordering import best_linear_order
from coherence.errors import InputError
from coherence.stochastic._certificates import Order
from coherence.stochastic._data import StochasticChoice
from coherence.stochastic._problem import Problem as _Problem
from coherence.stochastic._problem import initial_orders as _initial_orders

__all__ = ["SampleTest", "sample_test"]

HYPOTHESES = ("random_utility", "weak_stochastic_transitivity")
#: start the projection with every order when there are at most this many
_ENUMERATE = 1000
_CG_ROUNDS = 500
#: the most items for the exact weak-stochastic-transitivity fit (O(2ⁿn²) per fit)
MAX_WST_ITEMS = 14


@dataclass(frozen=True)
class SampleTest:
    """A likelihood-ratio test of ``hypothesis`` on counts: ``statistic`` (G²), its
    ``p_value``, the ``method`` in words, the bootstrap size and seed, and the number of
    trials. ``p_value`` small means the violation is significant, not only present."""

    hypothesis: str
    statistic: float
    p_value: float
    method: str
    bootstrap: int
    seed: int
    trials: int

    def to_json(self) -> dict[str, object]:
        return {"hypothesis": self.hypothesis, "statistic": self.statistic,
                "p_value": self.p_value, "method": self.method,
                "bootstrap": self.bootstrap, "seed": self.seed, "trials": self.trials}


def method(hypothesis: str, bootstrap: int, seed: int) -> str:
    """The test's method in words (named in every result)."""
    fit = ("count-weighted least-squares projection onto the random-utility polytope"
           if hypothesis == "random_utility"
           else "maximum-likelihood point of weak stochastic transitivity")
    return (f"likelihood ratio G² at the {fit}; parametric bootstrap from the fit, "
            f"{bootstrap} samples, numpy PCG64 seed {seed}")


def _g2(counts: np.ndarray, probs: np.ndarray) -> float:
    """``2 Σ n log(n / (N π))`` over the answers of every pair (0 log 0 = 0)."""
    N = counts.sum(axis=1, keepdims=True)
    mask = counts > 0
    phat = np.where(mask, counts / np.maximum(N, 1), 1.0)
    pi = np.where(mask, np.maximum(probs, 1e-300), 1.0)
    return max(0.0, float(2 * np.sum(counts * np.log(phat / pi))))


class _Projection:
    """The count-weighted least-squares projection onto the random-utility polytope, with a
    pool of orders shared by every refit (the bootstrap adds to it)."""

    def __init__(self, data: StochasticChoice, totals: np.ndarray) -> None:
        self.pb = _Problem(data)
        self.weak = self.pb.weak
        per = 2 if self.weak else 1
        self.w = np.repeat(totals.astype(float), per)
        self.sw = np.sqrt(self.w)
        n = data.n
        if not self.weak and math.factorial(n) <= _ENUMERATE:
            orders: list[Order] = [tuple((v,) for v in p)
                                   for p in itertools.permutations(range(n))]
            self.exhaustive = True
        else:
            orders = _initial_orders(self.pb)
            self.exhaustive = False
        self.cols = np.array([self.pb.vector(o) for o in orders], dtype=float).T
        self.seen = {tuple(c) for c in self.cols.T}

    def _master(self, p: np.ndarray) -> np.ndarray:
        """Weights on the pooled orders (a point of the simplex) whose mixture is nearest
        ``p`` in the count-weighted distance: non-negative least squares with the sum held
        at 1 by a penalty row. A penalty solves the sum only approximately and, on
        degenerate pools, NNLS's answer after renormalising depends on its weight, so two
        weights are tried and the nearer point kept."""
        best: tuple[float, np.ndarray] | None = None
        for mult in (1e3, 1e5):
            big = mult * (1 + float(self.sw.max()))
            A = np.vstack([self.sw[:, None] * self.cols,
                           np.full((1, self.cols.shape[1]), big)])
            b = np.r_[self.sw * p, big]
            lam, _ = nnls(A, b, maxiter=50 * A.shape[1])
            s = lam.sum()
            lam = lam / s if s > 0 else np.full(len(lam), 1 / len(lam))
            err = float(np.sum(self.w * (self.cols @ lam - p) ** 2))
            if best is None or err < best[0]:
                best = (err, lam)
        assert best is not None
        return best[1]

    def fit(self, p: np.ndarray) -> np.ndarray:
        """The projected coordinates for frequencies ``p`` (coordinates of ``_Problem``)."""
        for _ in range(_CG_ROUNDS):
            pi = self.cols @ self._master(p)
            if self.exhaustive:
                return pi
            g = self.w * (p - pi)  # minus the gradient (halved) of the weighted distance
            value, order = self.pb.price_float(g)
            col = self.pb.vector(order)
            if value <= float(g @ pi) + 1e-10 * (1 + float(np.abs(g).sum())) or (
                    tuple(col) in self.seen):
                return pi
            self.seen.add(tuple(col))
            self.cols = np.column_stack([self.cols, col])
        return pi


def _answers(data: StochasticChoice) -> np.ndarray:
    rows = []
    for r in data.records:
        if r.counts is None:
            raise InputError("a sample test needs counts for every observed pair, not only "
                             "probabilities")
        rows.append(r.counts)
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def _ru_probs(pi: np.ndarray, weak: bool) -> np.ndarray:
    """Per pair, the probabilities of (a, b, indifferent) from projected coordinates."""
    if weak:
        ab, ba = pi[0::2], pi[1::2]
        return np.clip(np.column_stack([ab, ba, 1 - ab - ba]), 0, 1)
    ab = np.clip(pi, 0, 1)
    return np.column_stack([ab, 1 - ab, np.zeros_like(ab)])


def _ru_coords(counts: np.ndarray, weak: bool) -> np.ndarray:
    f = counts / counts.sum(axis=1, keepdims=True)
    return f[:, :2].reshape(-1) if weak else f[:, 0]


def _wst_fit(counts: np.ndarray, pairs: list[tuple[int, int]], n: int) -> np.ndarray:
    """The maximum-likelihood point of weak stochastic transitivity (forced choice)."""
    N = counts[:, 0] + counts[:, 1]
    pa = counts[:, 0] / N

    def cost(k: np.ndarray, q: np.ndarray) -> np.ndarray:
        return np.where(k > 0, k * np.log(np.maximum(2 * q, 1e-300)), 0.0)

    # clamping a pair to ½ against the data costs (half) its G² term
    d = cost(counts[:, 0], pa) + cost(counts[:, 1], 1 - pa)
    top = float(d.max()) if len(d) else 0.0
    if top <= 0:
        return np.column_stack([pa, 1 - pa])
    scale = 2.0 ** (40 - math.frexp(top)[1])
    W = [[0] * n for _ in range(n)]
    for (a, b), v, p in zip(pairs, d, pa, strict=True):
        if p < 0.5:  # ranking a above b clamps P(a, b) up to ½
            W[a][b] -= round(v * scale)
        elif p > 0.5:
            W[b][a] -= round(v * scale)
    _, order = best_linear_order(W)
    rank = {v: k for k, v in enumerate(order)}
    up = np.array([rank[a] < rank[b] for a, b in pairs])
    fa = np.where(up, np.maximum(pa, 0.5), np.minimum(pa, 0.5))
    return np.column_stack([fa, 1 - fa])


def _statistic(hypothesis: str, counts: np.ndarray, ctx: object) -> tuple[float, np.ndarray]:
    if hypothesis == "random_utility":
        assert isinstance(ctx, _Projection)
        pi = ctx.fit(_ru_coords(counts, ctx.weak))
        probs = _ru_probs(pi, ctx.weak)
    else:
        assert isinstance(ctx, tuple)
        two = _wst_fit(counts[:, :2], ctx[0], ctx[1])
        probs = np.column_stack([two, np.zeros(len(two))])
    return _g2(counts, probs), probs


def sample_test(data: StochasticChoice, *, hypothesis: str = "random_utility",
                bootstrap: int = 200, seed: int = 0) -> SampleTest:
    """The likelihood-ratio test of ``hypothesis`` (``"random_utility"`` or
    ``"weak_stochastic_transitivity"``) on the counts of ``data``, with a parametric-bootstrap
    p-value (``bootstrap`` samples from the fitted null, PCG64 seeded with ``seed``).

    Regenwetter, Dana & Davis-Stober (2011); Kitamura & Stoye (2018). Each fit is a
    column-generation least-squares projection (random utility; O(2ⁿn²) per pricing round,
    every order at once for n ≤ 6) or an exact linear-ordering problem (WST, O(2ⁿn²), forced
    choice, n ≤ 14), so a test costs about ``bootstrap + 1`` fits. Data without counts, or an
    unknown hypothesis, raise :class:`~coherence.errors.InputError`.

    >>> from coherence.stochastic import StochasticChoice
    >>> N = [[0, 18, 2], [2, 0, 18], [18, 2, 0]]  # a cycle chosen 18 times in 20
    >>> t = sample_test(StochasticChoice.from_counts(N), bootstrap=50)
    >>> round(t.statistic, 2), t.p_value < 0.05
    (17.96, True)
    >>> sample_test(StochasticChoice.from_counts([[0, 12, 11], [8, 0, 12], [9, 8, 0]])).p_value
    1.0
    """
    if hypothesis not in HYPOTHESES:
        raise InputError(f"unknown hypothesis {hypothesis!r}; expected one of {HYPOTHESES}")
    if bootstrap < 0 or int(bootstrap) != bootstrap:
        raise InputError(f"the bootstrap size must be a non-negative integer, got {bootstrap!r}")
    counts = _answers(data)
    totals = counts.sum(axis=1)
    ctx: object
    if hypothesis == "random_utility":
        ctx = _Projection(data, totals)
    else:
        if not data.forced:
            raise InputError("the weak-stochastic-transitivity test is for forced choice")
        if data.n > MAX_WST_ITEMS:
            raise InputError(f"the weak-stochastic-transitivity test takes at most "
                             f"{MAX_WST_ITEMS} items, got {data.n}")
        ctx = ([(r.a, r.b) for r in data.records], data.n)
    how = method(hypothesis, bootstrap, seed)
    stat, probs = _statistic(hypothesis, counts, ctx) if len(counts) else (0.0, None)
    if stat <= 1e-9 or probs is None:
        return SampleTest(hypothesis, 0.0, 1.0, how, bootstrap, seed, int(totals.sum()))
    rng = np.random.Generator(np.random.PCG64(seed))
    probs = probs / probs.sum(axis=1, keepdims=True)
    exceed = 0
    for _ in range(int(bootstrap)):
        draw = rng.multinomial(totals, probs)
        exceed += _statistic(hypothesis, draw, ctx)[0] >= stat - 1e-9
    return SampleTest(hypothesis, stat, (1 + exceed) / (bootstrap + 1), how, bootstrap,
                      seed, int(totals.sum()))
