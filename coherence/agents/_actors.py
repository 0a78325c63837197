"""Probing actors (``act``): a dominating policy or a prior that makes each act Bayes-optimal.

``items`` are :class:`~coherence.decisions.DecisionProblem` s; the agent's act (a label, or a
mapping act → probability) in each problem goes to :func:`coherence.decisions.check_policy`
(the complete class theorem: an undominated policy is Bayes-optimal under some prior). Each
problem is asked twice (the first ``max_examples``); the first exploit is reported, once the
act was asked again (:func:`~coherence.agents._probing.confirm`) and came out the same.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from coherence.agents._adapter import Agent
from coherence.agents._probing import (
    Progress,
    Question,
    confirm,
    inconsistent,
    replay_doc,
    restate,
)
from coherence.errors import AgentFaulted, InputError
from coherence.validation import check_type
from coherence.verdict import AgentFault, Verdict

__all__ = ["probe_actor"]


def probe_actor(ag: Agent, problems: tuple[Hashable, ...], max_examples: int,
                seed: int | None, progress: Progress | None) -> Verdict:
    """Ask the act in each problem (twice for the first ``max_examples``) and check it.

    ``len(problems) + min(len(problems), max_examples)`` calls, one policy check (an exact
    LP) per problem. ``seed`` is unused: every problem is asked.
    """
    from coherence.decisions import DecisionProblem, check_policy

    for p in problems:
        check_type(p, DecisionProblem, "to probe act(problem), each item")
    first: Verdict | None = None
    total = len(problems)
    for k, problem in enumerate(problems):
        assert isinstance(problem, DecisionProblem)
        action = _policy(ag, problem, k)
        if k < max_examples:
            again = _policy(ag, problem, k)
            if problem.policy_vector(again) != problem.policy_vector(action):
                return inconsistent(
                    ag, f"{ag.name} acted differently in the same decision problem ({k + 1})",
                    f"act(problem {k + 1}) -> {action!r}",
                    f"act(problem {k + 1}) -> {again!r} (asked again)")
        inner = check_policy(problem, action)
        if progress is not None:
            progress(k + 1, total)
        quantities = {**inner.quantities, "problem": k + 1, "problems": total}
        if not inner.coherent:
            questions = [Question("act", (problem,), action)]
            changed = confirm(ag, questions)
            if changed is not None:
                return changed
            return restate(inner, f"agent {ag.name}", **quantities, agent_calls=ag.calls,
                           replay=replay_doc(ag, questions))
        if first is None:
            first = restate(inner, f"agent {ag.name}", **quantities, agent_calls=ag.calls)
    assert first is not None
    return first


def _policy(ag: Agent, problem: Any, k: int) -> Any:
    """The agent's act in ``problem``; an action the problem does not offer breaks protocol."""
    action = ag.act(problem)
    try:
        problem.policy_vector(action)
    except InputError as exc:
        raise AgentFaulted(AgentFault(
            "invalid", f"{ag.name}: act(problem {k + 1}) returned {action!r}, which is not a "
            f"policy of the problem ({exc})")) from None
    return action
