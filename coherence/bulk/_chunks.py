"""Chunks: the unit of bulk work (a run of subjects or targets, in input order)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from coherence.errors import InputError


@dataclass(frozen=True)
class Chunk:
    """Keys ``keys`` (subject ids or targets) forming chunk number ``index`` of a run; chunks
    are numbered from 0 in input order, so merging them by index restores that order."""

    index: int
    keys: tuple[str, ...]

    @property
    def digest(self) -> str:
        """A short content address of the chunk's keys (SHA-256 of their text), so a part
        written for other keys is never taken for this chunk on resume."""
        h = hashlib.sha256()
        for k in self.keys:
            h.update(k.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        return h.hexdigest()[:16]


def chunks_of(keys: Sequence[str], size: int) -> tuple[Chunk, ...]:
    """``keys`` cut into consecutive chunks of ``size`` (the last may be shorter). O(len(keys)).

    >>> [c.keys for c in chunks_of(["a", "b", "c"], 2)]
    [('a', 'b'), ('c',)]
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise InputError(f"the chunk size must be a positive integer, got {size!r}")
    keys = tuple(keys)
    return tuple(Chunk(i, keys[s:s + size]) for i, s in enumerate(range(0, len(keys), size)))
