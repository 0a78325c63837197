"""Decision problems: dominated policies ⇄ Bayes priors (Wald's complete class theorem).

A :class:`DecisionProblem` lists states, acts and the outcome (a resource amount; more is
better) of every act in every state. A policy is a pure act or a mixture of acts.

**Theorem (finite complete class; Wald 1947, 1950).** For a policy ``q`` exactly one holds:

* some mixed policy ``r`` does at least as well as ``q`` in every state and strictly better
  in one (``q`` is *inadmissible*: an exploit — swap ``q`` for ``r`` and pocket the
  difference); or
* a prior ``π`` with ``π(w) > 0`` for every state under which ``q`` maximises expected
  outcome among all acts (``q`` is Bayes-optimal).

(For finitely many acts and states the risk set is a polytope, whose Pareto-optimal points
are exposed by strictly positive weights — Arrow, Barankin and Blackwell 1953 for the general
convex case.) :func:`check_policy` returns the verified certificate of the side that holds.

Sequential problems given as finite decision trees (:mod:`coherence.decisions._trees`)
reduce to a decision problem whose acts are the tree's plans.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from coherence._exact import LinearSystem, as_fraction, find_point, rational_candidates
from coherence._exact.display import shown as number_text
from coherence._exact.solvers import linprog
from coherence._exact.system import float_array, to_float
from coherence._jsonio import by_label, label_from_json
from coherence.errors import CertificationError, InputError
from coherence.validation import check_real
from coherence.verdict import Certificate, Verdict, label_to_json

__all__ = [
    "BayesPrior",
    "DecisionProblem",
    "DominatingPolicy",
    "check_policy",
]


@dataclass(frozen=True, eq=False)
class DecisionProblem:
    """States × acts with an exact outcome per cell (more is better).

    Args:
        states: distinct state labels (non-empty).
        acts: distinct act labels (non-empty).
        outcomes: matrix ``outcomes[w][a]`` (states × acts), numbers parsed exactly.

    Raises :class:`InputError` on empty or duplicate labels, ragged or mis-shaped matrices,
    NaN or infinite outcomes.

    >>> P = DecisionProblem(["rain", "sun"], ["umbrella", "none"], [[5, 0], [3, 6]])
    >>> P.value(P.policy_vector({"umbrella": "1/2", "none": "1/2"}))
    [Fraction(5, 2), Fraction(9, 2)]
    """

    states: tuple[Hashable, ...]
    acts: tuple[Hashable, ...]
    outcomes: np.ndarray

    def __post_init__(self) -> None:
        states, acts = tuple(self.states), tuple(self.acts)
        if not states or not acts:
            raise InputError("a decision problem needs at least one state and one act")
        try:
            if len(set(states)) != len(states) or len(set(acts)) != len(acts):
                raise InputError("state and act labels must be distinct")
        except TypeError:
            raise InputError("state and act labels must be hashable") from None
        raw = self.outcomes
        if not isinstance(raw, np.ndarray) and (not isinstance(raw, Sequence) or any(
            not isinstance(r, Sequence) or isinstance(r, str) or len(r) != len(acts)
            for r in raw
        )):
            raise InputError("outcomes must be a states × acts matrix (not ragged)")
        arr = np.asarray(raw, dtype=object)
        if arr.shape != (len(states), len(acts)):
            raise InputError(
                f"outcomes must have shape {(len(states), len(acts))}, got {arr.shape}"
            )
        out = np.empty(arr.shape, dtype=object)
        for idx, v in np.ndenumerate(arr):
            out[idx] = as_fraction(v, what="outcome")
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "acts", acts)
        object.__setattr__(self, "outcomes", out)

    @property
    def n_states(self) -> int:
        return len(self.states)

    @property
    def n_acts(self) -> int:
        return len(self.acts)

    @cached_property
    def _floats(self) -> np.ndarray:
        return float_array(self.outcomes)

    @cached_property
    def _moderate(self) -> bool:
        """Whether float outcomes can stand in for the exact ones in the float LP: largest
        |outcome| within [2⁻²⁰, 2²⁰] (or all 0), common denominator of the outcomes times
        that largest value below 2⁴⁰ (no cancellation)."""
        F = np.abs(self._floats)
        top = float(F.max()) if F.size else 0.0
        if top and not 2.0**-20 <= top <= 2.0**20:
            return False
        den = 1
        for v in self.outcomes.reshape(-1).tolist():
            den = den * v.denominator // math.gcd(den, v.denominator)
            if den * max(top, 1.0) >= 2**40:
                return False
        return True

    def policy_vector(self, policy: Any) -> tuple[Fraction, ...]:
        """Normalise a policy: an act label (pure) or a mapping act → probability (mixed,
        probabilities in [0, 1] summing to 1, parsed exactly)."""
        idx = {a: j for j, a in enumerate(self.acts)}
        if isinstance(policy, Mapping):
            q = [Fraction(0)] * self.n_acts
            for a, w in policy.items():
                if a not in idx:
                    raise InputError(f"policy names an unknown act {a!r}")
                what = f"probability of {a!r}"
                f = check_real(as_fraction(w, what=what), what, min_value=0, max_value=1)
                q[idx[a]] += f
            if sum(q) != 1:
                raise InputError(f"policy probabilities must sum to 1, got {sum(q)}")
            return tuple(q)
        if isinstance(policy, tuple) and len(policy) == self.n_acts and policy not in idx:
            return self.policy_vector(dict(zip(self.acts, policy, strict=True)))
        try:
            j = idx[policy]
        except (KeyError, TypeError):
            raise InputError(f"unknown act {policy!r}") from None
        return tuple(Fraction(int(k == j)) for k in range(self.n_acts))

    def value(self, policy: Sequence[Fraction]) -> list[Fraction]:
        """Exact expected outcome of a mixed policy in each state."""
        return [
            sum((self.outcomes[w, a] * policy[a] for a in range(self.n_acts) if policy[a]),
                Fraction(0))
            for w in range(self.n_states)
        ]

    def to_json(self) -> dict[str, Any]:
        """``{"states", "acts", "outcomes"}`` with exact ``"p/q"`` strings."""
        return {
            "states": [label_to_json(s) for s in self.states],
            "acts": [label_to_json(a) for a in self.acts],
            "outcomes": [[str(v) for v in row] for row in self.outcomes],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> DecisionProblem:
        """Read a problem back from :meth:`to_json` (list labels become tuples).

        >>> P = DecisionProblem(["a"], ["x", "y"], [["1/2", 1]])
        >>> DecisionProblem.from_json(P.to_json()).to_json() == P.to_json()
        True
        """
        if not isinstance(doc, Mapping) or set(doc) != {"states", "acts", "outcomes"}:
            raise InputError("a decision problem is an object with states, acts and outcomes")
        return cls(
            tuple(label_from_json(s) for s in doc["states"]),
            tuple(label_from_json(a) for a in doc["acts"]),
            doc["outcomes"],
        )

    def policy_from_json(self, doc: Mapping[str, Any]) -> tuple[Fraction, ...]:
        """A mixed policy from its JSON form ``{act label: "p/q"}`` (acts left out are 0)."""
        keys = {str(label_to_json(a)): j for j, a in enumerate(self.acts)}
        q = [Fraction(0)] * self.n_acts
        for key, w in doc.items():
            if key not in keys:
                raise InputError(f"policy names an unknown act {key!r}")
            q[keys[key]] = as_fraction(w, what=f"probability of {key!r}")
        return tuple(q)


def _policy_json(problem: DecisionProblem, q: Sequence[Fraction]) -> dict[str, str]:
    return {str(label_to_json(a)): str(w) for a, w in zip(problem.acts, q, strict=True) if w}


def _policy_text(problem: DecisionProblem, q: Sequence[Fraction]) -> str:
    parts = [(a, w) for a, w in zip(problem.acts, q, strict=True) if w]
    if len(parts) == 1:
        return f"act {parts[0][0]!r}"
    return "the mixture " + " + ".join(f"{w}·{a!r}" for a, w in parts)


def _valid_mixture(q: Sequence[Any], n: int) -> bool:
    return (
        len(q) == n
        and all(isinstance(v, Fraction | int) for v in q)
        and all(v >= 0 for v in q)
        and sum(q) == 1
    )


@dataclass(frozen=True, eq=False)
class DominatingPolicy(Certificate):
    """A (mixed) policy at least as good as ``policy`` in every state, better in one.

    >>> P = DecisionProblem(["a", "b"], ["x", "y"], [[1, 1], [0, 1]])
    >>> cert = DominatingPolicy(P, (Fraction(1), Fraction(0)), (Fraction(0), Fraction(1)))
    >>> cert.verify(), cert.gains
    (True, {'a': Fraction(0, 1), 'b': Fraction(1, 1)})
    """

    problem: DecisionProblem
    policy: tuple[Fraction, ...]
    dominating: tuple[Fraction, ...]

    kind: ClassVar[str] = "dominating_policy"
    exploit: ClassVar[bool] = True

    @property
    def gains(self) -> dict[Hashable, Fraction]:
        """State → how much more the dominating policy yields (all ≥ 0, one > 0)."""
        a = self.problem.value(self.dominating)
        b = self.problem.value(self.policy)
        return {s: x - y for s, x, y in zip(self.problem.states, a, b, strict=True)}

    def verify(self) -> bool:
        """Exact: both are probability vectors; gains ≥ 0 everywhere and > 0 somewhere."""
        n = self.problem.n_acts
        if not (_valid_mixture(self.policy, n) and _valid_mixture(self.dominating, n)):
            return False
        g = list(self.gains.values())
        return all(v >= 0 for v in g) and any(v > 0 for v in g)

    def explain(self) -> str:
        p = self.problem
        gains = ", ".join(f"{s!r}: +{number_text(v)}" for s, v in list(self.gains.items())[:12])
        return (
            f"The policy ({_policy_text(p, self.policy)}) is dominated by "
            f"{_policy_text(p, self.dominating)}: it does at least as well in every state and "
            f"strictly better in some (gain per state: {gains}). Whoever follows the policy "
            "can be offered the swap and gives the difference away."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "policy": _policy_json(self.problem, self.policy),
            "dominating": _policy_json(self.problem, self.dominating),
            "gains": {str(label_to_json(s)): str(v) for s, v in self.gains.items()},
            "problem": self.problem.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> DominatingPolicy:
        P = DecisionProblem.from_json(doc["problem"])
        return cls(P, P.policy_from_json(doc["policy"]), P.policy_from_json(doc["dominating"]))


@dataclass(frozen=True, eq=False)
class BayesPrior(Certificate):
    """A prior with full support under which ``policy`` maximises expected outcome.

    >>> P = DecisionProblem(["a", "b"], ["x", "y"], [[2, 0], [0, 2]])
    >>> BayesPrior(P, (Fraction(1), Fraction(0)), (Fraction(2, 3), Fraction(1, 3))).verify()
    True
    """

    problem: DecisionProblem
    policy: tuple[Fraction, ...]
    prior: tuple[Fraction, ...]

    kind: ClassVar[str] = "bayes_prior"
    exploit: ClassVar[bool] = False

    def expected(self) -> list[Fraction]:
        """Exact expected outcome of every act under the prior."""
        P = self.problem
        return [
            sum((self.prior[w] * P.outcomes[w, a] for w in range(P.n_states)), Fraction(0))
            for a in range(P.n_acts)
        ]

    def verify(self) -> bool:
        """Exact: the prior is strictly positive and sums to 1; the policy's expected outcome
        equals the best act's (so every act it mixes is a best act)."""
        P = self.problem
        if not _valid_mixture(self.policy, P.n_acts):
            return False
        if len(self.prior) != P.n_states or not all(isinstance(v, Fraction | int)
                                                     for v in self.prior):
            return False
        if any(v <= 0 for v in self.prior) or sum(self.prior) != 1:
            return False
        ev = self.expected()
        mine = sum((q * e for q, e in zip(self.policy, ev, strict=True)), Fraction(0))
        return mine >= max(ev)

    def explain(self) -> str:
        P = self.problem
        pri = ", ".join(f"P({s!r}) = {number_text(v)}"
                        for s, v in zip(P.states, self.prior, strict=True))
        best = max(self.expected())
        return (
            f"The policy ({_policy_text(P, self.policy)}) is admissible: under the prior {pri} "
            f"its expected outcome {number_text(best)} is the highest any act reaches, and every "
            "state has positive probability, so no policy does at least as well everywhere and "
            "better somewhere."
        )

    def to_json(self) -> dict[str, Any]:
        P = self.problem
        return {
            "kind": self.kind,
            "policy": _policy_json(P, self.policy),
            "prior": {str(label_to_json(s)): str(v)
                      for s, v in zip(P.states, self.prior, strict=True)},
            "expected_value": str(max(self.expected())),
            "problem": P.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> BayesPrior:
        P = DecisionProblem.from_json(doc["problem"])
        prior = by_label(doc["prior"], P.states, what="prior")
        return cls(P, P.policy_from_json(doc["policy"]), tuple(prior))


def _pure_dominator(problem: DecisionProblem, q: Sequence[Fraction]) -> int | None:
    """Index of a pure act weakly dominating ``q`` (vectorised over acts), preferring the one
    with the largest total gain."""
    vq = np.array(problem.value(q), dtype=object)
    D = problem.outcomes - vq[:, None]  # states × acts
    ge = (D >= 0).all(axis=0)
    gt = (D > 0).any(axis=0)
    cand = np.flatnonzero(ge & gt)
    if not len(cand):
        return None
    tot = D[:, cand].sum(axis=0).tolist()
    return int(cand[max(range(len(tot)), key=tot.__getitem__)])


def _gains_matrix(problem: DecisionProblem, q: Sequence[Fraction]) -> np.ndarray:
    """``U_{w,a} − (U q)_w``: what each pure act gains over ``q`` in each state (exact)."""
    vq = np.array(problem.value(q), dtype=object)
    return problem.outcomes - vq[:, None]


def _float_gains(problem: DecisionProblem, q: Sequence[Fraction], G: np.ndarray) -> np.ndarray:
    """Float copy of the gains for the LP: from the floats when they can stand in for the
    outcomes, else from the exact gains with each state's row scaled by a power of two."""
    if problem._moderate:
        U = problem._floats
        return U - (U @ np.array([float(v) for v in q]))[:, None]
    out = np.zeros(G.shape)
    for w in range(G.shape[0]):
        row = [Fraction(v) for v in G[w].tolist()]
        top = max((abs(v) for v in row), default=Fraction(0))
        if top:
            e = top.numerator.bit_length() - top.denominator.bit_length()
            out[w] = [to_float(v / Fraction(2) ** e) for v in row]
    return out


def _mixture_lp(Gf: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Float LP ``max Σ d`` s.t. ``G r ≥ d``, ``r ∈ Δ``, ``0 ≤ d ≤ 1``: ``(r, d)`` when its
    optimum is clearly positive (a dominating mixture, up to rounding), else ``None``."""
    k, n = Gf.shape
    res = linprog(
        np.r_[np.zeros(n), -np.ones(k)],
        A_ub=np.hstack([-Gf, np.eye(k)]),
        b_ub=np.zeros(k),
        A_eq=np.r_[np.ones(n), np.zeros(k)][None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * n + [(0, 1)] * k,
        method="highs",
    )
    if res.status != 0 or -res.fun <= 1e-9:
        return None
    return res.x[:n], res.x[n:]


def _mixture_system(G: np.ndarray) -> LinearSystem:
    """``r ∈ Δ`` with ``G r ≥ 0`` in every state and ``> 0`` in their sum (so in some state)."""
    k, n = G.shape
    A_ub = np.vstack([-G, -G.sum(axis=0)[None, :]])
    return LinearSystem(
        n=n, A_ub=A_ub, b_ub=np.zeros(k + 1, dtype=object),
        A_eq=np.ones((1, n), dtype=object), b_eq=np.array([Fraction(1)], dtype=object),
        lb=(Fraction(0),) * n, strict=np.r_[np.zeros(k, dtype=bool), True],
    )


def _dominating_mixture(
    problem: DecisionProblem, q: Sequence[Fraction], *, exact: bool = False
) -> tuple[Fraction, ...] | None:
    """Exact weakly dominating mixture, or ``None`` when the float LP says there is none
    (with ``exact``: when there is none, exactly)."""
    G = _gains_matrix(problem, q)
    lp = _mixture_lp(_float_gains(problem, q, G))
    if lp is None and not exact:
        return None
    if lp is not None:
        r = lp[0]
        for cand in rational_candidates(r):
            cand = [max(v, Fraction(0)) for v in cand]
            tot = sum(cand)
            if tot <= 0:
                continue
            cand = [v / tot for v in cand]
            g = G.dot(np.array(cand, dtype=object))
            if all(v >= 0 for v in g) and any(v > 0 for v in g):
                return tuple(cand)
    x = find_point(_mixture_system(G), hint=None if lp is None else lp[0])
    return None if x is None else tuple(x)


def _bayes_prior(problem: DecisionProblem, q: Sequence[Fraction]) -> tuple[Fraction, ...] | None:
    """Exact strictly positive prior making ``q`` Bayes-optimal, or ``None`` when there is
    none (then ``q`` is dominated: Wald's theorem)."""
    k = problem.n_states
    # rows: π · (U_a − U q) ≤ 0 for every act a; −π_w < 0 (strict); Σ π = 1
    eye = np.zeros((k, k), dtype=object)
    np.fill_diagonal(eye, -1)
    A = np.vstack([_gains_matrix(problem, q).T, eye])
    strict = np.r_[np.zeros(problem.n_acts, dtype=bool), np.ones(k, dtype=bool)]
    system = LinearSystem(
        n=k, A_ub=A, b_ub=np.zeros(len(strict), dtype=object),
        A_eq=np.ones((1, k), dtype=object), b_eq=np.array([Fraction(1)], dtype=object),
        strict=strict,
    )
    x = find_point(system)
    return None if x is None else tuple(x)


def check_policy(problem: DecisionProblem, policy: Any) -> Verdict:
    """Dominating mixed policy (exploit) or a full-support prior making ``policy`` Bayes.

    A pure dominating act is preferred when one exists (the smallest exploit); otherwise the
    LP ``max Σ_w d_w`` s.t. ``U r ≥ U q + d``, ``r ∈ Δ``, ``0 ≤ d ≤ 1`` (on the gains
    ``U − U q``, so large common offsets cancel exactly) gives the dominating mixture; when
    its optimum is 0 the prior comes from the margin LP on the alternative system. Both are
    verified exactly, and when floats mislead both sides are solved exactly
    (:func:`coherence._exact.find_point` finds a point whenever one exists).

    Cost: one or two HiGHS LPs on states × acts; exact checks O(states · acts).

    Raises:
        InputError: a malformed policy.
        CertificationError: neither certificate verified (never on valid input: a bug).

    >>> P = DecisionProblem(["rain", "sun"], ["umbrella", "none", "hedge"],
    ...                     [[5, 0, 2], [3, 6, 2]])
    >>> v = check_policy(P, "hedge")
    >>> v.coherent, v.certificate.dominating
    (False, (Fraction(1, 1), Fraction(0, 1), Fraction(0, 1)))
    >>> check_policy(P, "umbrella").certificate.prior
    (Fraction(1, 2), Fraction(1, 2))
    """
    q = problem.policy_vector(policy)
    j = _pure_dominator(problem, q)
    if j is not None:
        r = tuple(Fraction(int(a == j)) for a in range(problem.n_acts))
        cert: Certificate = DominatingPolicy(problem, q, r)
    else:
        mix = _dominating_mixture(problem, q)
        prior = None if mix is not None else _bayes_prior(problem, q)
        if mix is None and prior is None:
            # no prior exists, so (Wald) a dominating mixture does: found exactly
            mix = _dominating_mixture(problem, q, exact=True)
        if mix is not None:
            cert = DominatingPolicy(problem, q, mix)
        elif prior is not None:
            cert = BayesPrior(problem, q, prior)
        else:
            raise CertificationError("policy: neither a dominating policy nor a prior verified")
    return Verdict.certify(cert, "policy")
