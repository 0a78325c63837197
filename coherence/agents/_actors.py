"""Probing actors (``act``): a dominating policy or a prior that makes each act Bayes-optimal.

``items`` are :class:`~coherence.decisions.DecisionProblem` s; the agent's act (a label, or a
mapping act → probability) in each problem goes to :func:`coherence.decisions.check_policy`
(the complete class theorem: an undominated policy is Bayes-optimal under some prior). Each
problem is asked twice (the first ``max_examples``); the first exploit is reported.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from coherence.agents._adapter import Agent
from coherence.agents._probing import Progress, inconsistent, restate
from coherence.errors import AgentProtocolError, InputError
from coherence.validation import check_type
from coherence.verdict import Verdict

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
            again = ag.act(problem)
            if again != action:
                return inconsistent(
                    ag, f"{ag.name} acted differently in the same decision problem ({k + 1})",
                    f"act(problem {k + 1}) -> {action!r}",
                    f"act(problem {k + 1}) -> {again!r} (asked again)")
        inner = check_policy(problem, action)
        if progress is not None:
            progress(k + 1, total)
        quantities = {**inner.quantities, "problem": k + 1, "problems": total,
                      "agent_calls": ag.calls}
        if not inner.coherent:
            return restate(inner, f"agent {ag.name}", **quantities)
        if first is None:
            first = restate(inner, f"agent {ag.name}", **quantities)
    assert first is not None
    return first


def _policy(ag: Agent, problem: Any, k: int) -> Any:
    """The agent's act in ``problem``; an action the problem does not offer breaks protocol."""
    action = ag.act(problem)
    try:
        problem.policy_vector(action)
    except InputError as exc:
        raise AgentProtocolError(
            f"act(problem {k + 1}) returned {action!r}, which is not a policy of the "
            f"problem ({exc})"
        ) from None
    return action
