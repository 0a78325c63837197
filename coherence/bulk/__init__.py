"""Bulk runs: checks of many subjects or targets in chunks, on any
:class:`concurrent.futures.Executor` — inline by default, Dask's for scale — with results
written as parts when they arrive and a resumable merge.

>>> from coherence.bulk import chunks_of, run_chunks
>>> run_chunks(len, chunks_of(["a", "b", "c"], 2), lambda c: (c.keys,))
{0: 2, 1: 1}

:func:`local_cluster` (``--workers N`` in the CLI) starts a Dask cluster on this machine and
:func:`connect` (``--scheduler ADDRESS``) joins an existing one; both need the ``dask`` extra.
"""

from __future__ import annotations

from coherence.bulk._chunks import Chunk, chunks_of
from coherence.bulk._executors import (
    DaskMissingError,
    InlineExecutor,
    connect,
    executor_for,
    local_cluster,
)
from coherence.bulk._run import RETRIES, BulkError, bulk_map, default_window, run_chunks
from coherence.bulk._store import FORMATS, PartStore, csv_cell, csv_text, output_format

__all__ = [
    "FORMATS",
    "RETRIES",
    "BulkError",
    "Chunk",
    "DaskMissingError",
    "InlineExecutor",
    "PartStore",
    "bulk_map",
    "chunks_of",
    "connect",
    "csv_cell",
    "csv_text",
    "default_window",
    "executor_for",
    "local_cluster",
    "output_format",
    "run_chunks",
]
