"""Running chunks on an executor: a bounded window of tasks in flight, results handed over
as they finish, failed tasks submitted again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any, TypeVar

from coherence.bulk._chunks import Chunk, chunks_of
from coherence.bulk._executors import InlineExecutor
from coherence.errors import CoherenceError, InputError

R = TypeVar("R")

#: times a chunk whose task failed (a worker lost, a broken pool) is submitted again
RETRIES = 2


class BulkError(CoherenceError, RuntimeError):
    """A chunk could not be run: its task failed on every try (the executor's own failure,
    such as every worker lost; errors in one subject are recorded, not raised)."""


def run_chunks(task: Callable[..., R], chunks: Iterable[Chunk],
               payload: Callable[[Chunk], tuple[Any, ...]], *,
               executor: Executor | None = None, skip: Iterable[int] = (),
               on_result: Callable[[Chunk, R], None] | None = None,
               window: int | None = None, retries: int = RETRIES) -> dict[int, R]:
    """Run ``task(*payload(chunk))`` for every chunk whose index is not in ``skip`` on
    ``executor`` (default: inline, in order) and return the results by chunk index.

    At most ``window`` tasks are in flight (default: twice the executor's workers, or
    threads on Dask, and at least 8), and a chunk's payload is built only when it is
    submitted, so the memory the run holds is bounded by the window times the chunk size
    (the results aside). ``on_result(chunk, result)`` is called in this process as each task
    finishes (in completion order: write parts there). A task that raises is submitted again
    up to ``retries`` times (Dask itself reruns the tasks of a worker that died); then a
    :class:`BulkError` names the chunk. Tasks should record errors of the data they check
    in their results rather than raise.

    >>> from coherence.bulk import chunks_of
    >>> run_chunks(lambda keys: [k.upper() for k in keys], chunks_of(["a", "b", "c"], 2),
    ...            lambda c: (c.keys,))
    {0: ['A', 'B'], 1: ['C']}
    """
    ex = executor if executor is not None else InlineExecutor()
    if not callable(getattr(ex, "submit", None)):
        raise InputError(f"executor must be a concurrent.futures.Executor (with submit), got "
                         f"{type(ex).__name__}")
    window = default_window(ex) if window is None else window
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise InputError(f"window must be a positive integer, got {window!r}")
    skipped = set(skip)
    todo = [c for c in chunks if c.index not in skipped]
    results: dict[int, R] = {}
    tries: dict[int, int] = {}
    pending: dict[Future[Any], Chunk] = {}
    queue = list(reversed(todo))

    def submit(chunk: Chunk) -> None:
        try:
            future = ex.submit(task, *payload(chunk))
        except Exception as exc:  # a shut-down or broken executor
            raise BulkError(f"the executor refused chunk {chunk.index} ({_keys(chunk)}): "
                            f"{type(exc).__name__}: {exc}") from exc
        pending[future] = chunk

    try:
        while queue or pending:
            while queue and len(pending) < window:
                submit(queue.pop())
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in _in_order(done, pending):
                chunk = pending.pop(future)
                exc = future.exception()
                if exc is not None:
                    tries[chunk.index] = tries.get(chunk.index, 0) + 1
                    if tries[chunk.index] > retries:
                        raise BulkError(
                            f"chunk {chunk.index} ({_keys(chunk)}) failed "
                            f"{tries[chunk.index]} times: {type(exc).__name__}: {exc}"
                        ) from exc
                    submit(chunk)
                    continue
                result = future.result()
                results[chunk.index] = result
                if on_result is not None:
                    on_result(chunk, result)
    finally:
        for future in pending:
            future.cancel()
    return results


def default_window(executor: Executor) -> int:
    """Twice the parallelism of ``executor`` (Dask: its workers' threads; a process or thread
    pool: its workers), at least 8: enough to keep every worker busy while results travel."""
    workers = 0
    client = getattr(executor, "_client", None)
    if client is not None:
        try:
            workers = sum(client.nthreads().values())
        except Exception:  # a client that cannot answer: the floor
            workers = 0
    else:
        workers = int(getattr(executor, "_max_workers", 0) or 0)
    return max(8, 2 * workers)


def _in_order(done: set[Future[Any]], pending: Mapping[Future[Any], Chunk]
              ) -> list[Future[Any]]:
    return sorted(done, key=lambda f: pending[f].index)


def _keys(chunk: Chunk) -> str:
    shown = ", ".join(map(repr, chunk.keys[:3]))
    return shown + (f" and {len(chunk.keys) - 3} more" if len(chunk.keys) > 3 else "")


def _map_chunk(fn: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    return [fn(v) for v in values]


def bulk_map(fn: Callable[[Any], R], values: Sequence[Any], *, executor: Executor | None = None,
             chunk_size: int = 1, window: int | None = None) -> list[R]:
    """``[fn(v) for v in values]``, in chunks of ``chunk_size`` values, each chunk one task on
    ``executor`` (default: inline): the seam for sweeps (every checkpoint of a run, every
    setting of a property suite). ``fn`` and the values must pickle for a process or Dask
    executor. The results are in input order, whatever the order tasks finish in.

    >>> from coherence import check
    >>> from coherence.relations import PreferenceRelation
    >>> cycle = [("a", "b"), ("b", "c"), ("c", "a")]
    >>> rels = [PreferenceRelation.from_pairs(p) for p in (cycle[:2], cycle)]
    >>> [v.coherent for v in bulk_map(check, rels, chunk_size=2)]
    [True, False]
    """
    values = list(values)
    chunks = chunks_of([str(i) for i in range(len(values))], chunk_size)
    got = run_chunks(_map_chunk, chunks,
                     lambda c: (fn, [values[int(k)] for k in c.keys]),
                     executor=executor, window=window)
    return [r for c in chunks for r in got[c.index]]
