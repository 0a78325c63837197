"""networkx directed graphs ⇄ preference relations (needs ``pip install networkx``).

Thin wrappers over :meth:`coherence.relations.PreferenceRelation.from_networkx` and
:meth:`~coherence.relations.PreferenceRelation.to_networkx`: an edge ``x → y`` means
``x ≽ y``. The examples run with or without networkx: without it they check the error that
says what to install.
"""

from __future__ import annotations

from typing import Any

from coherence.relations import PreferenceRelation

__all__ = ["relation_from_networkx", "relation_to_networkx"]


def relation_from_networkx(graph: Any) -> PreferenceRelation:
    """The relation of a ``networkx.DiGraph`` whose edge ``x → y`` means ``x ≽ y`` (nodes
    are the items; self-loops set reflexivity). O(nodes + edges).

    >>> from coherence.errors import InputError
    >>> r = PreferenceRelation.from_pairs([("a", "b"), ("b", "c")])
    >>> try:
    ...     same = relation_from_networkx(relation_to_networkx(r)) == r
    ... except InputError as exc:  # networkx is not installed
    ...     same = "pip install networkx" in str(exc)
    >>> same
    True
    """
    return PreferenceRelation.from_networkx(graph)


def relation_to_networkx(relation: PreferenceRelation) -> Any:
    """A ``networkx.DiGraph`` with an edge ``x → y`` for every ``x ≽ y`` (``x ≠ y``), marked
    ``strict=True`` when ``x ≻ y``. O(n²).

    >>> from coherence.errors import InputError
    >>> r = PreferenceRelation.from_pairs([("a", "b"), ("b", "a"), ("b", "c")])
    >>> try:
    ...     G = relation_to_networkx(r)
    ...     ok = [(x, y) for x, y, s in G.edges(data="strict") if s] == [("b", "c")]
    ... except InputError as exc:  # networkx is not installed
    ...     ok = "pip install networkx" in str(exc)
    >>> ok
    True
    """
    return relation.to_networkx()
