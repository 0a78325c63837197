"""Finite sequential decision problems (decision trees) and their normal form.

A tree has decision nodes (the agent picks an option), chance nodes (nature reveals which
cell of a partition of the states holds) and leaves (an outcome, possibly state-dependent).
Its normal form is a :class:`~coherence.decisions.DecisionProblem` whose acts are the plans:
a choice at every decision node. A plan is dominated in the tree iff it is dominated in the
normal form, so :func:`~coherence.decisions.check_policy` applies unchanged.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from typing import Any

import numpy as np

from coherence._exact import as_fraction
from coherence.decisions._problems import DecisionProblem
from coherence.errors import InputError

__all__ = ["Chance", "Decide", "DecisionTree", "Leaf"]


@dataclass(frozen=True)
class Leaf:
    """A terminal node: the outcome, one number or a mapping state → number."""

    outcome: Any


@dataclass(frozen=True)
class Decide:
    """A decision node named ``name``: the agent picks one of ``options`` (label → node)."""

    name: Hashable
    options: Mapping[Hashable, Any]


@dataclass(frozen=True)
class Chance:
    """Nature reveals which cell of a partition of the states holds: ``branches`` maps a label
    to ``(states in that cell, node)``; the cells must partition the states reaching here."""

    branches: Mapping[Hashable, tuple[Sequence[Hashable], Any]]


@dataclass(frozen=True, eq=False)
class DecisionTree:
    """A finite sequential decision problem over ``states``.

    :meth:`to_problem` enumerates plans — a choice at every decision node — and evaluates each
    in each state by walking the tree; that is the normal form. Decision-node names must be
    unique. Cost: O(plans × states × depth); the number of plans is the product of the
    option counts.

    >>> bet = Decide("bet", {"yes": Leaf({"rain": 2, "sun": -1}), "no": Leaf(0)})
    >>> problem = DecisionTree(("rain", "sun"), bet).to_problem()
    >>> problem.acts, problem.outcomes.tolist()
    (('bet=yes', 'bet=no'), [[Fraction(2, 1), Fraction(0, 1)], [Fraction(-1, 1), Fraction(0, 1)]])
    """

    states: tuple[Hashable, ...]
    root: Any

    def _decisions(self) -> dict[Hashable, tuple[Hashable, ...]]:
        found: dict[Hashable, tuple[Hashable, ...]] = {}

        def walk(node: Any) -> None:
            if isinstance(node, Decide):
                if node.name in found:
                    raise InputError(f"decision node name {node.name!r} is used twice")
                if not node.options:
                    raise InputError(f"decision node {node.name!r} has no options")
                found[node.name] = tuple(node.options)
                for child in node.options.values():
                    walk(child)
            elif isinstance(node, Chance):
                for _cell, child in node.branches.values():
                    walk(child)
            elif not isinstance(node, Leaf):
                raise InputError(f"unknown tree node {node!r}")

        walk(self.root)
        return found

    def _outcome(self, plan: Mapping[Hashable, Hashable], state: Hashable) -> Fraction:
        node = self.root
        while True:
            if isinstance(node, Leaf):
                o = node.outcome
                if isinstance(o, Mapping):
                    if state not in o:
                        raise InputError(f"leaf has no outcome for state {state!r}")
                    o = o[state]
                return as_fraction(o, what="leaf outcome")
            if isinstance(node, Decide):
                node = node.options[plan[node.name]]
            else:
                nxt = [child for cell, child in node.branches.values() if state in set(cell)]
                if len(nxt) != 1:
                    raise InputError(f"chance node cells do not partition the states at {state!r}")
                node = nxt[0]

    def to_problem(self) -> DecisionProblem:
        """The normal form: acts are plans, labelled ``"node=option; …"`` strings."""
        states = tuple(self.states)
        if not states:
            raise InputError("the state space is empty")
        dec = self._decisions()
        names = list(dec)
        plans = list(product(*(dec[n] for n in names))) if names else [()]
        acts = []
        cols = []
        for p in plans:
            plan = dict(zip(names, p, strict=True))
            acts.append("; ".join(f"{n}={o}" for n, o in plan.items()) or "(no choice)")
            cols.append([self._outcome(plan, s) for s in states])
        outcomes = np.array(cols, dtype=object).T
        return DecisionProblem(states, tuple(acts), outcomes)

