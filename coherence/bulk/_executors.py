"""Executors: where bulk work runs. Any :class:`concurrent.futures.Executor` will do; this
module adds an inline one (the serial run, in this process) and Dask's (a local cluster or an
existing scheduler), which is the engine for scale.

Dask is an optional extra (``pip install "coherence[dask]"``) and is imported only here, when
a cluster is asked for.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any

from coherence.errors import InputError


class DaskMissingError(InputError):
    """Dask (``dask`` and ``distributed``) is not installed; the message says how to install
    the optional extra."""


class InlineExecutor(Executor):
    """An executor that runs each task at once, in this process, when it is submitted (the
    serial run: the same code path as a cluster, with no pickling)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the caller decides what a failed task means
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            future.set_exception(exc)
        return future


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskMissingError(
            'running on Dask needs the optional extra: pip install "coherence[dask]"'
        ) from None
    return distributed


@contextmanager
def local_cluster(workers: int, *, threads_per_worker: int = 1,
                  memory_limit: str | int = "auto") -> Iterator[Executor]:
    """A Dask cluster of ``workers`` worker processes on this machine (each with a nanny that
    restarts it if it dies; its tasks are then rerun elsewhere), as an executor; closed on
    exit. Needs no set-up beyond the ``dask`` extra."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"the number of workers must be a positive integer, got {workers!r}")
    distributed = _distributed()
    os.environ.setdefault("DASK_DISTRIBUTED__WORKER__DAEMON", "False")
    with warnings.catch_warnings():  # e.g. "port 8787 is already in use": no dashboard here
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
            memory_limit=memory_limit, dashboard_address=":0", silence_logs=50)
    try:
        with distributed.Client(cluster) as client:
            yield client.get_executor(pure=False)
    finally:
        cluster.close()


@contextmanager
def connect(address: str, *, timeout: float = 10.0) -> Iterator[Executor]:
    """An existing Dask scheduler at ``address`` (``tcp://host:8786``; started by hand, over
    SSH or on Kubernetes with Dask's own deployment tools) as an executor. The workers need
    ``coherence`` installed; an unreachable scheduler is an :class:`InputError`."""
    distributed = _distributed()
    box: list[tuple[bool, Any]] = []

    def make() -> None:  # on a thread: a peer that accepts but never answers cannot hold us
        try:
            box.append((True, distributed.Client(address, timeout=timeout)))
        except Exception as exc:  # a non-Dask peer's bytes can fail in any way
            box.append((False, exc))

    maker = threading.Thread(target=make, daemon=True)
    maker.start()
    maker.join(2 * timeout)
    if not box:
        raise InputError(f"the Dask scheduler at {address} did not answer within "
                         f"{2 * timeout:g} s (is it a Dask scheduler?)")
    ok, client = box[0]
    if not ok:
        exc = client
        raise InputError(f"cannot reach the Dask scheduler at {address}: "
                         f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                         ) from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()


@contextmanager
def executor_for(workers: int | None = None, scheduler: str | None = None
                 ) -> Iterator[Executor | None]:
    """The executor the CLI's ``--workers N`` / ``--scheduler ADDRESS`` ask for: an existing
    scheduler, a local cluster of ``N`` workers, or ``None`` (inline) when neither is given."""
    if workers is not None and scheduler is not None:
        raise InputError("give --workers or --scheduler, not both")
    if scheduler is not None:
        with connect(scheduler) as ex:
            yield ex
    elif workers is not None:
        with local_cluster(workers) as ex:
            yield ex
    else:
        yield None
