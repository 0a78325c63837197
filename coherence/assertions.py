"""Assertion helpers for tests: ``assert_coherent`` and ``assert_exploitable``.

This module is registered for pytest's assertion rewriting by the plugin, and the helpers set
``__tracebackhide__`` so failures point at the caller's line.
"""

from __future__ import annotations

from typing import Any

from coherence.dispatch import check
from coherence.verdict import Verdict

__all__ = ["CoherenceAssertionError", "assert_coherent", "assert_exploitable"]


class CoherenceAssertionError(AssertionError):
    """Raised by :func:`assert_coherent`; ``.verdict`` holds the verdict with its certificate."""

    def __init__(self, message: str, verdict: Verdict) -> None:
        super().__init__(message)
        self.verdict = verdict


def _verdict(obj: Any, *args: Any, **kwargs: Any) -> Verdict:
    return obj if isinstance(obj, Verdict) else check(obj, *args, **kwargs)


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
