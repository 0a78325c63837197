"""What the contract suite checks: every registered ``(type, strategy)`` pair.

The subjects are read from :mod:`strategies._registry` (``TYPE_STRATEGIES``, and
``COHERENCE_OPTIONS`` for strategies that draw coherent or exploitable examples on request),
so registering a type there is all it takes for the contract to cover it. A type is checked
with ``coherence.check(obj)``; a type whose check needs more than the object, or that is
checked through another object, has an entry in :data:`CHECK_HOOKS`. A registered type with
neither makes the suite fail.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from hypothesis import strategies as st

import coherence
import coherence.agents  # defines the agent certificate kinds
import coherence.subagents as subagents  # noqa: F401  (registers coherence.check for committees)
from coherence.beliefs import Lottery, LotteryPreferences
from coherence.strategies._registry import COHERENCE_OPTIONS, TYPE_STRATEGIES
from coherence.verdict import Certificate, Verdict

__all__ = [
    "CHECK_HOOKS",
    "FURTHER_CHECKERS",
    "SUBJECTS",
    "Further",
    "Subject",
    "cannot_check",
    "further_verdicts",
    "load",
    "verdict_of",
]


def load(path: str) -> Any:
    """The object a ``module:attribute`` path names."""
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


@dataclass(frozen=True)
class Subject:
    """One registered type and its strategy, as ``module:attribute`` paths."""

    type_path: str
    strategy_path: str

    @property
    def name(self) -> str:
        return self.type_path.partition(":")[2]

    @property
    def cls(self) -> type:
        return load(self.type_path)

    @property
    def variants(self) -> tuple[str, ...]:
        """``"any"`` (the defaults), then ``"coherent"``/``"exploitable"`` where offered."""
        return ("any", *COHERENCE_OPTIONS.get(self.strategy_path, {}))

    def strategy(self, variant: str = "any") -> st.SearchStrategy[Any]:
        options = COHERENCE_OPTIONS.get(self.strategy_path, {})
        kwargs = {} if variant == "any" else options[variant]
        return load(self.strategy_path)(**kwargs)


SUBJECTS: tuple[Subject, ...] = tuple(Subject(t, s) for t, s in TYPE_STRATEGIES)

Hook = Callable[[Any, st.DataObject], Verdict]


def _check_problem(problem: Any, data: st.DataObject) -> Verdict:
    """``check(problem, policy)`` for a policy drawn for the problem: one act, or the uniform
    mixture of a set of acts."""
    acts = problem.acts
    policy = data.draw(
        st.one_of(
            st.sampled_from(acts),
            st.sets(st.sampled_from(acts), min_size=1).map(
                lambda s: {a: Fraction(1, len(s)) for a in sorted(s)}
            ),
        ),
        label="policy",
    )
    return coherence.check(problem, policy)


def _check_lottery(lottery: Lottery, data: st.DataObject) -> Verdict:
    """A lottery is checked through preferences over it: with a second lottery ``q`` (drawn
    by ``st.from_type``), either expected-utility preferences over ``lottery``, ``q`` and
    their even mixture, or an independence reversal (``lottery ≻ q`` but ``αq + (1−α)r ≻
    αlottery + (1−α)r``)."""
    q = data.draw(st.from_type(Lottery), label="second lottery")
    if lottery != q and data.draw(st.booleans(), label="reversal"):
        r = data.draw(st.from_type(Lottery), label="common consequence")
        a = Fraction(data.draw(st.integers(1, 9), label="alpha"), 10)
        pm, qm = Lottery.mixture(a, lottery, r), Lottery.mixture(a, q, r)
        return coherence.check(LotteryPreferences.from_pairs([(lottery, q), (qm, pm)]))
    outcomes = sorted({*lottery.outcomes, *q.outcomes}, key=repr)
    u = data.draw(st.lists(st.integers(0, 9), min_size=len(outcomes), max_size=len(outcomes)))
    lots = list(dict.fromkeys([lottery, q, Lottery.mixture(Fraction(1, 2), lottery, q)]))
    return coherence.check(LotteryPreferences.from_utility(dict(zip(outcomes, u)), lots))


def _check_election(election: Any, data: st.DataObject) -> Verdict:
    """An election is checked as its majority committee (one member per distinct ballot)."""
    return coherence.check(election.committee())


#: How to check a registered type whose check needs more than the object
#: (``check(problem, policy)``) or that is checked through another object. Keys are the
#: registry's type paths.
CHECK_HOOKS: dict[str, Hook] = {
    "coherence.decisions:DecisionProblem": _check_problem,
    "coherence.beliefs:Lottery": _check_lottery,
    "coherence.subagents.preflib:Election": _check_election,
}

@dataclass(frozen=True)
class Further:
    """A public checker besides ``coherence.check`` (``module:function``; it returns a
    verdict, a report with ``.verdicts``, or a certificate), and the strategy to draw its
    input from when the registered one draws more than it accepts."""

    checker: str
    strategy: str | None = None

    @property
    def name(self) -> str:
        return self.checker.partition(":")[2]


#: Public checkers besides ``coherence.check`` whose answers must keep the same contract.
#: Keys are registry type paths.
FURTHER_CHECKERS: dict[str, tuple[Further, ...]] = {
    "coherence.relations:PreferenceRelation": (
        Further("coherence.relations:check_reflexive"),
        Further("coherence.relations:check_complete"),
        Further("coherence.relations:check_transitive"),
        Further("coherence.relations:check_negatively_transitive"),
        Further("coherence.relations:check_acyclic"),
        Further(
            "coherence.subagents:decompose", "coherence.strategies.relations:strict_partial_orders"
        ),
    ),
    "coherence.budgets:BudgetData": (
        Further("coherence.budgets:check_sarp"),
        Further("coherence.budgets:check_warp"),
        Further("coherence.budgets:check_wgarp"),
        Further("coherence.budgets:check_harp"),
    ),
    "coherence.budgets:ChoiceData": (
        Further("coherence.budgets:check_choice_warp"),
        Further("coherence.budgets:check_sen_alpha"),
        Further("coherence.budgets:check_sen_beta"),
    ),
    "coherence.beliefs:LotteryPreferences": (Further("coherence.beliefs:vnm_axioms"),),
    "coherence.decisions:Game": (Further("coherence.decisions:eliminate_weakly_dominated"),),
}


def cannot_check(subject: Subject) -> str | None:
    """Why ``subject`` cannot be checked, or ``None`` when it can."""
    if subject.type_path in CHECK_HOOKS:
        return None
    if coherence.check.dispatch(subject.cls) is coherence.check.dispatch(object):
        return (
            f"registered type {subject.type_path} has no coherence.check implementation and "
            "no entry in CHECK_HOOKS (tests/contract/subjects.py)"
        )
    return None


def verdict_of(subject: Subject, obj: Any, data: st.DataObject) -> Verdict:
    """The verdict on ``obj``: through its hook, or ``coherence.check(obj)``."""
    hook = CHECK_HOOKS.get(subject.type_path)
    return hook(obj, data) if hook is not None else coherence.check(obj)


def further_verdicts(further: Further, obj: Any) -> list[Verdict]:
    """The verdicts of a further checker on ``obj``: a report's verdicts in order, or a bare
    certificate certified under the checker's name."""
    out = load(further.checker)(obj)
    if isinstance(out, Certificate):
        return [Verdict.certify(out, further.name)]
    verdicts = getattr(out, "verdicts", None)
    if isinstance(verdicts, Mapping):
        return list(verdicts.values())
    return [out]
