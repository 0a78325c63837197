"""Assertion helpers for tests: ``assert_coherent``, ``assert_exploitable`` and, for agents
probed with :func:`coherence.probe`, ``assert_agent_coherent`` and ``assert_agent_exploitable``.

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

    On failure raises :class:`CoherenceAssertionError` whose message tells the exploit as a
    story ("holding A, the agent pays ε to trade for B …").
    """
    __tracebackhide__ = True
    verdict = _verdict(obj, *args, **kwargs)
    if not verdict.coherent:
        raise CoherenceAssertionError(verdict.explain(), verdict)
    return verdict


def assert_exploitable(obj: Any, *args: Any, **kwargs: Any) -> Verdict:
    """Assert that ``obj`` is exploitable (a verified exploit exists); return the verdict."""
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

    Fails with :class:`CoherenceAssertionError` when an exploit is found (the message tells
    the shrunk pump as a story) or when the agent faulted (raised, hung, contradicted itself).
    Returns the verdict.
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
    return verdict


def assert_agent_exploitable(agent: Any, *, items: Any, **probe_kwargs: Any) -> Verdict:
    """Probe ``agent`` and assert a verified exploit was found; returns the verdict."""
    __tracebackhide__ = True
    from coherence.agents import probe

    verdict = probe(agent, items=items, **probe_kwargs)
    if verdict.status != "exploitable":
        raise CoherenceAssertionError(
            "expected an exploit, but the probe says:\n" + verdict.explain(), verdict
        )
    return verdict
