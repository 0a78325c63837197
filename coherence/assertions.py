"""Assertion helpers for tests: ``assert_coherent``, ``assert_exploitable`` and, for agents
probed with :func:`coherence.probe`, ``assert_agent_coherent`` and ``assert_agent_exploitable``.

The "coherent" helpers pass on a coherence certificate and also on a verdict of status
``"no_exploit_found"`` (a trader whose search found no pump): that is evidence, not proof, in
the way a property test passes when it finds no counterexample. The returned verdict says so
(``verdict.conclusive`` is false and ``verdict.explain()`` reads "no exploit found (evidence,
not proof)").

Every verdict the helpers compute is handed to :func:`coherence.reporting.notify`, so the pytest
plugin's ``--coherence-report`` lists it.

This module is registered for pytest's assertion rewriting by the plugin, and the helpers set
``__tracebackhide__`` so failures point at the caller's line.
"""

from __future__ import annotations

from typing import Any

from coherence.dispatch import check
from coherence.errors import CoherenceAssertionError
from coherence.verdict import Verdict

__all__ = [
    "CoherenceAssertionError",
    "assert_agent_coherent",
    "assert_agent_exploitable",
    "assert_coherent",
    "assert_exploitable",
]


def _verdict(obj: Any, *args: Any, **kwargs: Any) -> Verdict:
    if isinstance(obj, Verdict):
        return obj
    verdict = check(obj, *args, **kwargs)
    from coherence.reporting import notify

    notify(verdict)
    return verdict


def assert_coherent(obj: Any, *args: Any, **kwargs: Any) -> Verdict:
    """Assert that ``obj`` (or a ready :class:`Verdict`) is coherent; return the verdict.

    ``obj`` goes to :func:`coherence.check` with the other arguments. Passes on a coherence
    certificate or on "no exploit found" evidence. On failure raises
    :class:`CoherenceAssertionError` whose message tells the exploit as a story ("holding A,
    the agent pays ε to trade for B …").

    >>> from coherence import PreferenceRelation
    >>> assert_coherent(PreferenceRelation.from_pairs([("a", "b"), ("b", "c")])).status
    'coherent'
    >>> cyclic = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])
    >>> try:
    ...     assert_coherent(cyclic)
    ... except CoherenceAssertionError as exc:
    ...     print(str(exc).splitlines()[:2])
    ['preference relation: EXPLOITABLE', 'Money pump in 3 trades:']
    """
    __tracebackhide__ = True
    verdict = _verdict(obj, *args, **kwargs)
    if not verdict.coherent:
        raise CoherenceAssertionError(verdict.explain(), verdict)
    return verdict


def assert_exploitable(obj: Any, *args: Any, **kwargs: Any) -> Verdict:
    """Assert that ``obj`` is exploitable (a verified exploit exists); return the verdict.

    Fails on a coherence certificate, on "no exploit found" evidence and on an agent fault.

    >>> from coherence import PreferenceRelation
    >>> v = assert_exploitable(PreferenceRelation.from_pairs([("a", "b"), ("b", "a")]))
    Traceback (most recent call last):
    ...
    coherence.errors.CoherenceAssertionError: expected an exploit, but the check says:
    preference relation: coherent
    ...
    >>> cyclic = PreferenceRelation.from_pairs([("a", "b"), ("b", "c"), ("c", "a")])
    >>> assert_exploitable(cyclic).certificate.kind
    'money_pump'
    """
    __tracebackhide__ = True
    verdict = _verdict(obj, *args, **kwargs)
    if verdict.status != "exploitable":
        raise CoherenceAssertionError(
            "expected an exploit, but the check says:\n" + verdict.explain(), verdict
        )
    return verdict


def _replay_hint(kwargs: dict[str, Any]) -> str:
    if kwargs.get("seed") is not None:
        return f"(replay: the same probe with seed={kwargs['seed']} finds it again)"
    return "(replay: run the test again; Hypothesis's example database replays a trader's pump)"


def assert_agent_coherent(agent: Any, *, items: Any, **probe_kwargs: Any) -> Verdict:
    """Probe ``agent`` (see :func:`coherence.probe`) and assert no exploit was found.

    Passes on a coherence certificate (status ``"coherent"``) and on a trader's
    :class:`~coherence.agents.NoPumpFound` (status ``"no_exploit_found"``: evidence, not
    proof, as a property test passes when it finds no counterexample). Fails with
    :class:`CoherenceAssertionError` when an exploit is found (the message tells the shrunk
    pump as a story and how to replay it) or when the agent faulted (raised, hung,
    contradicted itself). Returns the verdict.

    >>> class Ranked:
    ...     def prefers(self, a, b):
    ...         return a > b
    >>> assert_agent_coherent(Ranked(), items=[1, 2, 3], seed=0).status
    'coherent'
    >>> class Upgrader:  # pays up to 1 to swap for a later letter: no pump, but no proof
    ...     def accept(self, holding, offered, price):
    ...         return offered > holding and price <= 1
    >>> v = assert_agent_coherent(Upgrader, items=list("abc"), seed=0, max_examples=5,
    ...                           max_steps=5)
    >>> v.status, v.conclusive
    ('no_exploit_found', False)
    """
    __tracebackhide__ = True
    from coherence.agents import probe

    verdict = probe(agent, items=items, **probe_kwargs)
    if verdict.status == "exploitable":
        raise CoherenceAssertionError(
            f"{verdict.explain()}\n{_replay_hint(probe_kwargs)}", verdict
        )
    if verdict.status == "fault":
        raise CoherenceAssertionError(
            "the agent faulted, so nothing can be concluded:\n" + verdict.explain(), verdict
        )
    return verdict  # "coherent", or "no_exploit_found" (evidence, not proof)


def assert_agent_exploitable(agent: Any, *, items: Any, **probe_kwargs: Any) -> Verdict:
    """Probe ``agent`` and assert a verified exploit was found; returns the verdict.

    Fails on a coherence certificate, on "no exploit found" evidence and on an agent fault.

    >>> beats = {("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")}
    >>> def prefers(a, b):
    ...     return (a, b) in beats
    >>> v = assert_agent_exploitable(prefers, items=["rock", "paper", "scissors"], seed=0)
    >>> v.status, len(v.certificate.cycle)
    ('exploitable', 3)
    """
    __tracebackhide__ = True
    from coherence.agents import probe

    verdict = probe(agent, items=items, **probe_kwargs)
    if verdict.status != "exploitable":
        raise CoherenceAssertionError(
            "expected an exploit, but the probe says:\n" + verdict.explain(), verdict
        )
    return verdict
