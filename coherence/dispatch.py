"""``coherence.check``: one entry point that dispatches on the type of what is checked.

Checkers register themselves with ``@check.register(SomeType)`` (``functools.singledispatch``);
extra positional and keyword arguments are passed through (e.g. ``check(problem, policy)``).
"""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from coherence.beliefs import (
    Credences,
    LotteryPreferences,
    check_credences,
    check_lottery_preferences,
)
from coherence.budgets import BudgetData, ChoiceData, check_congruence
from coherence.decisions import DecisionProblem, Game, check_game, check_policy
from coherence.errors import InputError
from coherence.relations import (
    PreferenceRelation,
    WillingnessToPay,
    check_relation,
    check_willingness_to_pay,
)
from coherence.stochastic import (
    MenuChoice,
    StochasticChoice,
    check_menu_random_utility,
    check_random_utility,
)
from coherence.verdict import Verdict

__all__ = ["check"]


@singledispatch
def check(obj: Any, *args: Any, **kwargs: Any) -> Verdict:
    """Check ``obj`` for exploitability and return a :class:`~coherence.verdict.Verdict`.

    The verdict holds an exploit certificate (money pump, Dutch book, dominating policy, ...)
    or a coherence certificate (utility, prior, order, ...); both verify exactly. Supported
    types are listed in the API reference; an unsupported object raises
    :class:`~coherence.errors.InputError`. Extra arguments go to the checker (e.g. the
    efficiency of :func:`~coherence.budgets.check_garp`). Costs what the checker costs.

    >>> from coherence import PreferenceRelation
    >>> v = check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")]))
    >>> v.status, v.certificate.kind, v.verify()
    ('exploitable', 'money_pump', True)
    >>> check(PreferenceRelation.from_pairs([("a", "b"), ("b", "c")])).status
    'coherent'
    >>> check(42)
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: don't know how to check an object of type int
    >>> class Ranker:
    ...     def prefers(self, a, b): return a < b
    >>> check(Ranker())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: ... Ranker: it answers 'prefers', so probe it with ...
    >>> check(lambda a, b: a < b)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: ... function: a callable is an agent ..., so probe it with ...
    """
    name = type(obj).__name__
    from coherence.agents import PROTOCOLS

    methods = [m for m in PROTOCOLS if callable(getattr(obj, m, None))]
    if methods:  # a decision-maker, not data: it has to be asked questions
        raise InputError(
            f"don't know how to check an object of type {name}: it answers {methods[0]!r}, so "
            "probe it with coherence.probe(agent, items=...) (or `coherence check FILE:OBJ`)"
        )
    if callable(obj):  # a function or a factory: probe tells its protocol from its signature
        raise InputError(
            f"don't know how to check an object of type {name}: a callable is an agent to "
            "ask questions, so probe it with coherence.probe(fn, items=...) (protocol= when "
            "its name or arguments do not tell which; or `coherence check FILE:OBJ`)"
        )
    raise InputError(f"don't know how to check an object of type {name}")


@check.register
def _(obj: PreferenceRelation) -> Verdict:
    return check_relation(obj)


@check.register
def _(obj: WillingnessToPay) -> Verdict:
    return check_willingness_to_pay(obj)


@check.register
def _(obj: BudgetData, efficiency: Any = 1) -> Verdict:
    from coherence.budgets import check_garp

    return check_garp(obj, efficiency)


@check.register
def _(obj: ChoiceData) -> Verdict:
    return check_congruence(obj)


@check.register
def _(obj: Credences) -> Verdict:
    return check_credences(obj)


@check.register
def _(obj: LotteryPreferences) -> Verdict:
    return check_lottery_preferences(obj)


@check.register
def _(obj: DecisionProblem, policy: Any = None) -> Verdict:
    if policy is None:
        raise InputError("check(problem, policy): a policy (act or act → probability) is needed")
    return check_policy(obj, policy)


@check.register
def _(obj: Game) -> Verdict:
    return check_game(obj)


@check.register
def _(obj: StochasticChoice) -> Verdict:
    return check_random_utility(obj)


@check.register
def _(obj: MenuChoice) -> Verdict:
    return check_menu_random_utility(obj)
