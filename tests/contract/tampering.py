"""Tamper rules: for each certificate kind, edits that a valid certificate must not survive.

:data:`TAMPER_RULES` maps a certificate ``kind`` to functions that return a modified copy of
a *valid* certificate of that kind (the original is left alone: certificates are immutable).
Each edit is chosen so that, by the theory behind the certificate, the copy is invalid for
every input — a pump run backwards has a trade the agent refuses, a utility raised above an
accepted trade decreases along it, a measure with mass moved across a priced event no longer
prices it — so ``verify()`` must return ``False``. A ``verify`` that passes a tampered copy
checks less than it claims.

The contract suite fails for a certificate kind with no entry here, so a new kind needs its
rule before it is covered.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np

from coherence.budgets import BudgetData, ChoiceData
from coherence.relations import PreferenceRelation
from coherence.subagents import Committee, UtilityMember
from coherence.verdict import Certificate
from tests.stochastic.tampering import (
    bound_raised_to_data,
    data_of_best_order,
    first_probability_moved,
    first_weight_doubled,
    menu_data_of_an_order,
)

Tamper = Callable[[Any], Certificate]

__all__ = ["TAMPER_RULES", "Tamper"]


def _float_below(x: Fraction) -> float:
    """The largest float strictly below the rational ``x``."""
    f = float(x)
    while Fraction(f) >= x:
        f = math.nextafter(f, -math.inf)
    return f


# -- preference relations -------------------------------------------------------------------


def pump_backwards(cert: Any) -> Certificate:
    """Run the pump backwards: its strict trade, reversed, is one the agent refuses."""
    return replace(cert, cycle=tuple(reversed(cert.cycle)))


def refuse_first_trade(cert: Any) -> Certificate:
    """Drop the pump's first trade from the relation: the agent no longer accepts it."""
    rel = cert.relation
    holding, offered = cert.cycle[0], cert.cycle[1]
    W = np.array(rel.weak, copy=True)
    W[offered, holding] = False
    return replace(cert, relation=PreferenceRelation(rel.items, W))


def lower_along_accepted_trade(cert: Any) -> Certificate:
    """Give the worse item of an accepted trade more utility than the better one (or, when
    no two items are related, leave an item without a utility)."""
    R = np.array(cert.relation.weak, copy=True)
    np.fill_diagonal(R, False)
    pairs = np.argwhere(R)
    values = list(cert.values)
    if not len(pairs):
        return replace(cert, values=tuple(values[:-1]))
    better, worse = (int(v) for v in pairs[0])
    values[worse] = values[better] + 1
    return replace(cert, values=tuple(values))


def indifferent_everywhere(cert: Any) -> Certificate:
    """Replace the relation by total indifference, which satisfies every axiom."""
    n = cert.relation.n
    return replace(cert, relation=PreferenceRelation(cert.relation.items, np.ones((n, n), bool)))


_AXIOM_BREAKERS: dict[str, PreferenceRelation] = {
    "reflexivity": PreferenceRelation.from_pairs([], items=("a",)),
    "completeness": PreferenceRelation.from_pairs([], items=("a", "b"), reflexive=True),
    "transitivity": PreferenceRelation.from_pairs([("a", "b"), ("b", "c")], reflexive=True),
    "negative transitivity": PreferenceRelation.from_pairs(
        [("a", "c")], items=("a", "b", "c"), reflexive=True
    ),
    "acyclicity": PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")]),
}


def relation_breaking_axiom(cert: Any) -> Certificate:
    """Claim the axiom for a relation that breaks it."""
    return replace(cert, relation=_AXIOM_BREAKERS[cert.axiom])


# -- willingness to pay ---------------------------------------------------------------------


def refuse_first_swap(cert: Any) -> Certificate:
    """The agent refuses the pump's first swap at any price."""
    W = np.array(cert.wtp.matrix, copy=True)
    W[cert.cycle[0], cert.cycle[1]] = -np.inf
    return replace(cert, wtp=replace(cert.wtp, matrix=W))


def loop_loses_money(cert: Any) -> Certificate:
    """Lower the first payment by more than the loop gains: the loop now costs the trader."""
    W = np.array(cert.wtp.matrix, copy=True)
    i, j = cert.cycle[0], cert.cycle[1]
    W[i, j] = _float_below(Fraction(float(W[i, j])) - cert.total)
    return replace(cert, wtp=replace(cert.wtp, matrix=W))


def swap_pays_more_than_gain(cert: Any) -> Certificate:
    """Lower the utility of an item below what the agent pays to get it (or drop a value when
    no swap has a finite price)."""
    W = cert.wtp.matrix
    finite = np.argwhere(np.isfinite(W))
    values = list(cert.values)
    if not len(finite):
        return replace(cert, values=(*values, 0.0))
    i, j = (int(v) for v in finite[0])
    values[j] = _float_below(Fraction(values[i]) + Fraction(float(W[i, j])))
    return replace(cert, values=tuple(values))


# -- budgets --------------------------------------------------------------------------------


def next_bundle_unaffordable(cert: Any) -> Certificate:
    """Make the next bundle of the cycle's first step cost more than was spent (for HARP,
    whose test is a product of cost ratios, shrink the efficiency until the product is 1 or
    more)."""
    d, c = cert.data, cert.cycle
    if cert.axiom == "HARP":
        product = cert.product
        if product <= 0:
            return replace(cert, cycle=c[:1])
        return replace(cert, efficiency=cert.efficiency * product)
    spent = d.exact_cost(c[0], c[0])
    total_price = sum((Fraction(float(p)) for p in d.prices[c[0]]), Fraction(0))
    s = math.ceil(spent / total_price) + 1
    Q = np.array(d.quantities, dtype=np.float64, copy=True)
    Q[c[1]] += s
    return replace(cert, data=BudgetData(d.prices, Q, d.goods))


def zero_multiplier(cert: Any) -> Certificate:
    """An Afriat multiplier of 0: the utility no longer rises with money."""
    return replace(cert, multipliers=(Fraction(0), *cert.multipliers[1:]))


def level_above_budget(cert: Any) -> Certificate:
    """Raise observation 1's utility level above what Afriat's inequality from observation 0
    allows (a zero multiplier with a single observation)."""
    d = cert.data
    if d.T < 2:
        return zero_multiplier(cert)
    U, lam = list(cert.levels), cert.multipliers
    gap = d.exact_cost(0, 1) - cert.efficiency * d.exact_cost(0, 0)
    U[1] = U[0] + lam[0] * gap + 1
    return replace(cert, levels=tuple(U))


def homothetic_level_too_high(cert: Any) -> Certificate:
    """Raise one level above what Varian's homothetic inequality allows (a zero level when no
    observation spends money)."""
    d, V, e = cert.data, list(cert.levels), cert.efficiency
    for i in range(d.T):
        own = d.exact_cost(i, i)
        if own > 0 and e > 0 and d.T >= 2:
            j = (i + 1) % d.T
            V[j] = V[i] * d.exact_cost(i, j) / (e * own) + 1
            return replace(cert, levels=tuple(V))
    return replace(cert, levels=(Fraction(0), *V[1:]))


def _warp_breaking_budgets() -> BudgetData:
    """Two observations, each choosing its bundle while the other was far cheaper."""
    eps = 2.0**-30
    return BudgetData(np.array([[1.0, eps], [eps, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]))


def budgets_breaking_warp(cert: Any) -> Certificate:
    """Claim pairwise consistency for two observations that reveal each other preferred."""
    return replace(cert, data=_warp_breaking_budgets())


# -- choices --------------------------------------------------------------------------------


def choose_whole_menu(cert: Any) -> Certificate:
    """The agent takes everything on every menu: no choice reveals a strict preference."""
    d = cert.data
    return replace(cert, data=ChoiceData(d.menus, d.menus))


def best_rejected_item(cert: Any) -> Certificate:
    """Give a rejected (or, where all are chosen, one) alternative the top utility of its
    menu (drop a utility when every menu has one alternative)."""
    d = cert.data
    u = list(cert.utility)
    for menu, chosen in zip(d.menus, d.choices, strict=True):
        if len(menu) < 2:
            continue
        pick = sorted(menu - chosen or menu, key=repr)[0]
        u[d.index(pick)] = max(u[d.index(x)] for x in menu) + 1
        return replace(cert, utility=tuple(u))
    return replace(cert, utility=tuple(u[:-1]))


_CHOICE_BREAKERS: dict[str, ChoiceData] = {
    "WARP": ChoiceData([{"a", "b"}, {"a", "b"}], ["a", "b"]),
    "alpha": ChoiceData([{"a", "b"}, {"a", "b", "c"}], ["b", "a"]),
    "beta": ChoiceData([{"a", "b"}, {"a", "b", "c"}], [{"a", "b"}, "b"]),
}


def choices_breaking_axiom(cert: Any) -> Certificate:
    """Claim the axiom for choices that break it."""
    return replace(cert, data=_CHOICE_BREAKERS[cert.axiom])


# -- beliefs --------------------------------------------------------------------------------


def take_other_side(cert: Any) -> Certificate:
    """Negate every stake: the book now wins in every state."""
    return replace(cert, stakes=tuple(-s for s in cert.stakes))


def no_stakes(cert: Any) -> Certificate:
    """Stake nothing: a book of no bets loses nothing."""
    return replace(cert, stakes=tuple(Fraction(0) for _ in cert.stakes))


def move_mass_across_event(cert: Any) -> Certificate:
    """Move a state's probability across the boundary of a priced event, so the event's
    probability no longer equals its price (break normalisation when no event separates)."""
    c, pi = cert.credences, list(cert.probability)
    for event, _ in c.bets:
        inside = [k for k, s in enumerate(c.states) if s in event]
        outside = [k for k, s in enumerate(c.states) if s not in event]
        if not inside or not outside:
            continue
        src = next((k for k in inside + outside if pi[k] > 0), None)
        if src is None:
            continue
        dst = outside[0] if src in inside else inside[0]
        pi[dst] += pi[src]
        pi[src] = Fraction(0)
        return replace(cert, probability=tuple(pi))
    pi[0] += 1
    return replace(cert, probability=tuple(pi))


def reverse_a_comparison(cert: Any) -> Certificate:
    """Change one outcome's utility so that an observed comparison's better lottery has the
    lower expected utility (drop a utility when nothing is compared)."""
    prefs = cert.preferences
    comps = prefs.comparisons()
    if not comps:
        return replace(cert, utility=tuple(cert.utility[:-1]))
    i, j, _ = comps[0]
    M, u = prefs.matrix, list(cert.utility)
    ev = cert.expected()
    diff = ev[i] - ev[j]
    x = next(k for k in range(M.shape[1]) if M[i, k] != M[j, k])
    u[x] -= (diff + 1) / (M[i, x] - M[j, x])
    return replace(cert, utility=tuple(u))


def double_one_weight(cert: Any) -> Certificate:
    """Double one comparison's weight: the two mixtures no longer coincide."""
    w = list(cert.weights)
    k = next(k for k, v in enumerate(w) if v > 0)
    w[k] *= 2
    return replace(cert, weights=tuple(w))


def swap_mixture_weights(cert: Any) -> Certificate:
    """Swap the low and the high mixture weight."""
    return replace(cert, low=cert.high, high=cert.low)


# -- decisions ------------------------------------------------------------------------------


def swap_policies(cert: Any) -> Certificate:
    """Claim the policy dominates its dominator."""
    return replace(cert, policy=cert.dominating, dominating=cert.policy)


def prior_without_full_support(cert: Any) -> Certificate:
    """Move all of the first state's mass onto the second (break normalisation with one
    state): admissibility needs a prior with full support."""
    prior = list(cert.prior)
    if len(prior) < 2:
        return replace(cert, prior=(prior[0] * 2,))
    prior[1] += prior[0]
    prior[0] = Fraction(0)
    return replace(cert, prior=tuple(prior))


def belief_with_better_reply(cert: Any) -> Certificate:
    """Give a strategy a belief (a point mass) under which another strategy pays strictly
    more (drop a belief when every strategy is a best reply to everything)."""
    g, alive = cert.game, cert.alive
    for (i, s), _ in sorted(cert.beliefs.items()):
        U = g.player_matrix(i, alive, exact=True)
        row = alive[i].index(s)
        for t in range(U.shape[1]):
            if max(U[:, t]) > U[row, t]:
                beliefs = dict(cert.beliefs)
                beliefs[(i, s)] = tuple(Fraction(int(k == t)) for k in range(U.shape[1]))
                return replace(cert, beliefs=beliefs)
    first = min(cert.beliefs)
    return replace(cert, beliefs={k: v for k, v in cert.beliefs.items() if k != first})


def drop_first_elimination(cert: Any) -> Certificate:
    """Drop the first elimination step: the chain no longer starts from the full game."""
    return replace(cert, steps=cert.steps[1:])


def drop_first_weak_elimination(cert: Any) -> Certificate:
    """Drop the first step of the weak-dominance run: it no longer starts from the full game
    (or has no step at all)."""
    return replace(cert, run=replace(cert.run, steps=cert.run.steps[1:]))


# -- committees and agents ------------------------------------------------------------------


def member_ranks_fewer_items(cert: Any) -> Certificate:
    """Let the first member leave the last item unranked: the members' utilities no longer
    rank every item."""
    c: Committee = cert.committee
    first = UtilityMember({x: v for x, v in zip(c.items[:-1], c.values[0].tolist(), strict=False)})
    members = (first, *c.members[1:])
    return replace(cert, committee=Committee(members, c.rule, c.items, c.counts.tolist()))


def realizer_misses_order(cert: Any) -> Certificate:
    """Reverse the first order (it then puts some strictly worse item first); for an
    order without strict pairs keep one linear order only (it adds pairs), and with one item
    keep no order."""
    rel, orders = cert.relation, cert.orders
    if rel.n < 2:
        return replace(cert, orders=())
    if (rel.strict & ~np.eye(rel.n, dtype=bool)).any():
        return replace(cert, orders=(tuple(reversed(orders[0])), *orders[1:]))
    return replace(cert, orders=orders[:1])


def trader_is_paid(cert: Any) -> Certificate:
    """Negate every price: the trader is paid for the loop instead of paying."""
    return replace(cert, offers=tuple(replace(o, price=-o.price) for o in cert.offers))


TAMPER_RULES: dict[str, tuple[Tamper, ...]] = {
    "money_pump": (pump_backwards, refuse_first_trade),
    "utility": (lower_along_accepted_trade,),
    "axiom_violation": (indifferent_everywhere,),
    "axiom_holds": (relation_breaking_axiom,),
    "cardinal_money_pump": (refuse_first_swap, loop_loses_money),
    "utility_potential": (swap_pays_more_than_gain,),
    "revealed_preference_cycle": (next_bundle_unaffordable,),
    "afriat_utility": (zero_multiplier, level_above_budget),
    "homothetic_utility": (homothetic_level_too_high,),
    "pairwise_consistency": (budgets_breaking_warp,),
    "choice_violation": (choose_whole_menu,),
    "rationalising_order": (best_rejected_item,),
    "choice_axiom_holds": (choices_breaking_axiom,),
    "dutch_book": (take_other_side, no_stakes),
    "probability": (move_mass_across_event,),
    "expected_utility": (reverse_a_comparison,),
    "vnm_violation": (double_one_weight,),
    "continuity_violation": (swap_mixture_weights,),
    "dominating_policy": (swap_policies,),
    "bayes_prior": (prior_without_full_support,),
    "rationalisation": (belief_with_better_reply,),
    "admissible_beliefs": (belief_with_better_reply,),
    "dominance_elimination": (drop_first_elimination,),
    "weak_dominance": (drop_first_weak_elimination,),
    "committee_pump": (pump_backwards,),
    "multi_utility": (member_ranks_fewer_items,),
    "realizer": (realizer_misses_order,),
    "trading_pump": (trader_is_paid,),
    "random_utility": (first_weight_doubled, first_probability_moved),
    "separating_inequality": (bound_raised_to_data, data_of_best_order),
    "menu_random_utility": (first_weight_doubled, first_probability_moved),
    "menu_separating_inequality": (bound_raised_to_data, menu_data_of_an_order),
}
