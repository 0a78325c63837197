"""From a random-utility certificate back to a committee: each order of the mixture becomes a
member, its exact weight a count.

A :class:`~coherence.stochastic.RandomUtility` certificate says the choice frequencies are
those of a population of utility maximisers; :func:`from_random_utility` builds that
population as a :class:`~subagents.committee.Committee` of order members (linear orders, or
weak orders for ternary data), the weights scaled by their least common denominator to
integer counts. Its :meth:`~subagents.committee.Committee.choice_probabilities` reproduce the
certified probabilities exactly (Block & Marschak 1960).
"""

from __future__ import annotations

import math

from coherence.errors import InputError
from coherence.stochastic import RandomUtility
from coherence.subagents.committee import Committee
from coherence.subagents.members import OrderMember
from coherence.subagents.rules import Rule

__all__ = ["from_random_utility"]


def from_random_utility(cert: RandomUtility, rule: Rule | None = None) -> Committee:
    """The committee a random-utility certificate describes: one order member per order of
    the mixture, with counts proportional to the weights (the least common denominator makes
    them integers), under ``rule`` (default unanimity). O(orders · n).

    >>> from coherence import check
    >>> from coherence.stochastic import StochasticChoice
    >>> d = StochasticChoice.from_probabilities({("a", "b"): "2/3", ("b", "c"): "2/3",
    ...                                          ("a", "c"): "2/3"})
    >>> committee = from_random_utility(check(d).certificate)
    >>> set(committee.choice_probabilities().triples()) == set(d.triples()), committee.voters
    (True, 3)
    """
    if not isinstance(cert, RandomUtility):
        raise InputError(f"expected a random-utility certificate, got {type(cert).__name__}")
    if not cert.verify():
        raise InputError("the random-utility certificate does not verify")
    d = math.lcm(*(w.denominator for w in cert.weights))
    members = [OrderMember.weak([[cert.items[v] for v in block] for block in order])
               for order in cert.orders]
    return Committee(members, rule, items=cert.items,
                     counts=[int(w * d) for w in cert.weights])
