"""The observer bus: every verdict made by :func:`coherence.probe` and the assertion helpers
is handed to :func:`notify`, which calls each registered observer (the pytest plugin's
collector is one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the bus itself loads nothing: the pytest plugin imports it in every run
    from coherence.verdict import Verdict

__all__ = ["Observer", "add_observer", "notify", "remove_observer"]

Observer = Callable[["Verdict"], None]
_OBSERVERS: list[Observer] = []


def add_observer(fn: Observer) -> None:
    """Call ``fn(verdict)`` for every verdict that :func:`notify` is given. O(1).

    >>> from coherence import PreferenceRelation, check
    >>> seen = []
    >>> add_observer(seen.append)
    >>> notify(check(PreferenceRelation.from_pairs([("a", "b")])))
    >>> remove_observer(seen.append)
    >>> [v.status for v in seen]
    ['coherent']
    """
    _OBSERVERS.append(fn)


def remove_observer(fn: Observer) -> None:
    """Stop calling ``fn``; unknown observers are ignored. O(number of observers).

    >>> seen = []
    >>> add_observer(seen.append)
    >>> remove_observer(seen.append)
    >>> remove_observer(seen.append)  # already gone: nothing happens
    >>> from coherence import PreferenceRelation, check
    >>> notify(check(PreferenceRelation.from_pairs([("a", "b")])))
    >>> seen
    []
    """
    if fn in _OBSERVERS:
        _OBSERVERS.remove(fn)


def notify(verdict: Verdict) -> None:
    """Hand ``verdict`` to every observer (the pytest plugin collects them for its report).

    O(number of observers).

    >>> from coherence import PreferenceRelation, check
    >>> subjects = []
    >>> def record(verdict):
    ...     subjects.append(verdict.subject)
    >>> add_observer(record)
    >>> notify(check(PreferenceRelation.from_pairs([("a", "b"), ("b", "a")])))
    >>> remove_observer(record)
    >>> subjects
    ['preference relation']
    """
    for fn in list(_OBSERVERS):
        fn(verdict)
