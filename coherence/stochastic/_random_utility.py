"""Random-utility coherence of binary choice frequencies by column generation, made exact.

The frequencies are coherent iff their vector lies in the convex hull of the choice vectors of
all linear orders (forced choice: the linear ordering polytope; Block & Marschak 1960,
McFadden & Richter 1990) or of all weak orders (ternary data). With n! (or more) vertices the
hull is never written out: a restricted master LP over the orders found so far (HiGHS, phase
one: minimise the distance to the data) is priced by the linear-ordering problem, solved by
dynamic programming over subsets in O(2ⁿn²) (weak orders O(3ⁿn)); an order with positive
reduced cost joins the master (Dantzig–Wolfe column generation). At the end the answer is made
exact: the mixture is solved in Fractions on its support, or the master's dual becomes rational
coefficients ``c`` whose exact bound ``max_π c·π`` comes from the same dynamic programme; when
rounding fails an exact loop (exact master, exact separation, exact pricing) decides it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from coherence._exact import LinearSystem, find_point, linprog
from coherence.stochastic._certificates import Order, RandomUtility, SeparatingInequality
from coherence.stochastic._data import StochasticChoice
from coherence.stochastic._problem import Problem as _Problem
from coherence.stochastic._problem import initial_orders as _initial_orders
from coherence.stochastic._sampling import method, sample_test
from coherence.verdict import Verdict

__all__ = ["check_random_utility"]

#: reduced costs below this count as zero in the float column generation
_TOL = 1e-9
#: the most pricing rounds before the exact loop takes over
_MAX_ROUNDS = 5000


def _master(pb: _Problem, cols: list[list[int]]) -> tuple[float, np.ndarray, np.ndarray]:
    """Phase one of the restricted master: min Σ|Xλ − p| with Σλ = 1, λ ≥ 0. Returns the
    optimum, λ and the duals ``(y, z)`` stacked (HiGHS; floats, a guide only)."""
    m, K = len(pb.p), len(cols)
    X = np.array(cols, dtype=float).T.reshape(m, K)
    A = np.zeros((m + 1, K + 2 * m))
    A[:m, :K] = X
    A[:m, K:K + m] = np.eye(m)
    A[:m, K + m:] = -np.eye(m)
    A[m, :K] = 1
    b = np.array([float(v) for v in pb.p] + [1.0])
    cost = np.r_[np.zeros(K), np.ones(2 * m)]
    res = linprog(cost, A_eq=A, b_eq=b, bounds=(0, None), method="highs")
    return float(res.fun), np.asarray(res.x[:K]), np.asarray(res.eqlin.marginals)


def _column_generation(pb: _Problem) -> tuple[list[Order], float, np.ndarray, np.ndarray]:
    orders = _initial_orders(pb)
    cols = [pb.vector(o) for o in orders]
    seen = {tuple(c) for c in cols}
    for _ in range(_MAX_ROUNDS):
        obj, lam, duals = _master(pb, cols)
        if obj <= _TOL:
            return orders, obj, lam, duals
        y, z = duals[:-1], duals[-1]
        value, order = pb.price_float(y)
        col = pb.vector(order)
        if value + z <= _TOL or tuple(col) in seen:
            return orders, obj, lam, duals
        orders.append(order)
        cols.append(col)
        seen.add(tuple(col))
    return orders, obj, lam, duals


def _exact_mixture(pb: _Problem, orders: Sequence[Order],
                   hint: np.ndarray | None = None) -> RandomUtility | None:
    """An exact mixture of ``orders`` reproducing the data, or ``None`` (proved)."""
    cols = [pb.vector(o) for o in orders]
    K = len(cols)
    A_eq = [[cols[k][t] for k in range(K)] for t in range(len(pb.p))] + [[1] * K]
    system = LinearSystem(K, A_eq=A_eq, b_eq=[*pb.p, 1], lb=(0,) * K)
    x = find_point(system, hint=hint)
    if x is None:
        return None
    keep = [k for k in range(K) if x[k] > 0]
    return RandomUtility(pb.data.items, pb.data.triples(), tuple(orders[k] for k in keep),
                         tuple(x[k] for k in keep), pb.weak)


def _inequality(pb: _Problem, c: Sequence[Fraction]) -> SeparatingInequality | None:
    """The inequality with coefficients ``c`` and its exact bound, if the data break it."""
    bound, _ = pb.price(c)
    if sum((v * p for v, p in zip(c, pb.p, strict=True)), Fraction(0)) <= bound:
        return None
    terms = [(a, b, v) for (a, b, _), v in zip(pb.coords, c, strict=True) if v]
    if not pb.weak:  # c·[a over b] = c − c·[b over a]: every coefficient positive
        bound -= sum((v for _, _, v in terms if v < 0), Fraction(0))
        terms = [(a, b, v) if v > 0 else (b, a, -v) for a, b, v in terms]
    scale = math.lcm(*(v.denominator for _, _, v in terms), bound.denominator)
    g = math.gcd(*(int(v * scale) for _, _, v in terms))
    f = Fraction(scale, g)
    return SeparatingInequality(pb.data.items, pb.data.triples(),
                                tuple((a, b, v * f) for a, b, v in terms), bound * f, pb.weak)


def _rounded_inequality(pb: _Problem, y: np.ndarray) -> SeparatingInequality | None:
    top = float(np.max(np.abs(y))) if len(y) else 0.0
    if top == 0:
        return None
    for den in (4, 12, 60, 1000, 10**6, 10**9, 10**12):
        c = [Fraction(float(v) / top).limit_denominator(den) for v in y]
        found = _inequality(pb, c)
        if found is not None:
            return found
    return None


def _exact_loop(pb: _Problem, orders: list[Order]) -> RandomUtility | SeparatingInequality:
    """Column generation in exact arithmetic: the decision does not rest on floats."""
    m = len(pb.p)
    while True:
        mix = _exact_mixture(pb, orders)
        if mix is not None:
            return mix
        cols = [pb.vector(o) for o in orders]
        # variables (c_1..c_m, b): c·x_k − b ≤ 0 for every order; b − c·p < 0
        A_ub = [[*col, -1] for col in cols] + [[-v for v in pb.p] + [1]]
        system = LinearSystem(m + 1, A_ub=A_ub, b_ub=[0] * (len(cols) + 1),
                              strict=[False] * len(cols) + [True],
                              lb=(-1,) * m + (None,), ub=(1,) * m + (None,))
        x = find_point(system)
        if x is None:  # no separation of the found orders and none mixes: impossible
            raise AssertionError("exact column generation: neither mixture nor separation")
        found = _inequality(pb, x[:m])
        if found is not None:
            return found
        orders.append(pb.price(x[:m])[1])


def _triangle(pb: _Problem) -> SeparatingInequality | None:
    """The most violated triangle inequality ``P(a,b) + P(b,c) + P(c,a) ≤ 2``, if any: the
    smallest witness there is. O(n³) exact comparisons, tried for n ≤ 12."""
    if pb.n > 12:
        return None
    P = {(a, b): p for a, b, p in pb.data.triples()}
    best, arg = Fraction(2), None
    for a in range(pb.n):
        for b in range(a + 1, pb.n):
            for c in range(a + 1, pb.n):
                if b == c or not {(a, b), (b, c), (c, a)} <= P.keys():
                    continue
                s = P[a, b] + P[b, c] + P[c, a]
                if s > best:
                    best, arg = s, (a, b, c)
    if arg is None:
        return None
    a, b, c = arg
    coef = {(a, b): 1, (b, c): 1, (c, a): 1}
    cs = [Fraction(coef.get((x, y), 0)) for x, y, _ in pb.coords]
    if not pb.weak:  # the coordinate may be the other direction: c·[y over x] = c − c·[x over y]
        cs = [Fraction(-coef[y, x]) if (y, x) in coef else v
              for (x, y, _), v in zip(pb.coords, cs, strict=True)]
    return _inequality(pb, cs)


def random_utility_certificate(data: StochasticChoice) -> RandomUtility | SeparatingInequality:
    """The exact certificate either way (see :func:`check_random_utility`)."""
    pb = _Problem(data)
    if not pb.coords:
        return RandomUtility(data.items, (), (tuple((v,) for v in range(data.n)),),
                             (Fraction(1),), pb.weak)
    tri = _triangle(pb)
    if tri is not None:
        return tri
    orders, obj, lam, duals = _column_generation(pb)
    if obj <= _TOL:
        support = [k for k in range(len(orders)) if lam[k] > 1e-12]
        mix = _exact_mixture(pb, [orders[k] for k in support], lam[support])
        if mix is not None:
            return mix
    else:
        found = _rounded_inequality(pb, duals[:-1])
        if found is not None:
            return found
    return _exact_loop(pb, orders)


def check_random_utility(data: StochasticChoice, *, bootstrap: int | None = 200,
                         seed: int = 0) -> Verdict:
    """Could a population of utility maximisers choose with these frequencies?

    Returns a verdict holding a :class:`RandomUtility` certificate (a mixture of linear
    orders, weak orders for ternary data, with exact weights reproducing every probability)
    or a :class:`SeparatingInequality` (an inequality every order obeys and the data break),
    both verified exactly. Block & Marschak (1960); McFadden & Richter (1990); column
    generation priced by the exact linear-ordering dynamic programme, O(2ⁿn²) per round
    (O(3ⁿn) for ternary data), so practical to n ≈ 10 (n = 8 in well under a second).

    Counts are checked as their frequencies; the certificate says whether the *frequencies*
    violate. When every pair has counts, the quantities also say whether the violation is
    *significant*: ``statistic`` (G²), ``p_value`` and ``test`` (the method in words) of the
    likelihood-ratio test of random utility (:func:`~coherence.stochastic.sample_test`,
    ``bootstrap`` samples, seed ``seed``; ``bootstrap=None`` leaves the test out; coherent
    frequencies have p-value 1 without any draws).

    >>> from coherence.stochastic import StochasticChoice
    >>> cyc = StochasticChoice.from_probabilities({("a", "b"): 0.9, ("b", "c"): 0.9,
    ...                                            ("c", "a"): 0.9})
    >>> v = check_random_utility(cyc)
    >>> v.coherent, [(t["better"], t["coefficient"]) for t in v.certificate.to_json()["terms"]]
    (False, [('a', '1'), ('b', '1'), ('c', '1')])
    >>> v.certificate.bound
    Fraction(2, 1)
    >>> check_random_utility(StochasticChoice.from_probabilities({("a", "b"): 0.5})).coherent
    True
    >>> few = StochasticChoice.from_counts([[0, 3, 1], [1, 0, 3], [3, 1, 0]])
    >>> v = check_random_utility(few, bootstrap=50)
    >>> v.coherent, v.quantities["p_value"] > 0.05   # violated, but not significantly
    (False, True)
    """
    cert = random_utility_certificate(data)
    quantities: dict[str, object] = {"orders": len(cert.orders)} if isinstance(
        cert, RandomUtility) else {"violation": cert.data_value() - cert.bound}  # type: ignore[operator]
    if bootstrap is not None and data.records and all(r.counts is not None for r in data.records):
        if cert.exploit:
            t = sample_test(data, bootstrap=bootstrap, seed=seed)
            quantities.update(statistic=t.statistic, p_value=t.p_value, test=t.method)
        else:
            quantities.update(statistic=0.0, p_value=1.0,
                              test=method("random_utility", bootstrap, seed))
    return Verdict.certify(cert, "stochastic choice (random utility)", **quantities)
