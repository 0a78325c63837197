"""Per-call time limits for agent calls.

A limited call uses a real-time interval timer (``SIGALRM``) when made from the main thread
of a Unix process with no other alarm pending, which interrupts a hung agent; elsewhere the
call runs on a daemon worker thread that is abandoned when it hangs. :func:`limit_session`
holds the alarm handler for a whole probe so that each call only arms and disarms the timer
(about 1 µs; ``benchmarks/probe.py``).
"""

from __future__ import annotations

import queue
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["CallTimedOut", "call_with_limit", "limit_session"]


class CallTimedOut(BaseException):
    """Raised inside a hung agent by the alarm handler (a BaseException so that an agent's
    ``except Exception`` cannot swallow it)."""


def _alarm_handler(signum: int, frame: Any) -> None:
    raise CallTimedOut


def _alarm_usable() -> bool:
    if not hasattr(signal, "setitimer"):
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    handler = signal.getsignal(signal.SIGALRM)
    if handler not in (signal.SIG_DFL, signal.SIG_IGN, None, _alarm_handler):
        return False  # someone else (e.g. a test-timeout plugin) owns the alarm
    return signal.getitimer(signal.ITIMER_REAL)[0] == 0.0


class _Worker:
    """A reusable daemon thread that runs agent calls for one calling thread."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name="coherence-agent-call",
                                       daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            fn, args, done, box = self.jobs.get()
            try:
                box["value"] = fn(*args)
            except BaseException as exc:  # handed back to the caller
                box["error"] = exc
            done.set()

    def run(self, fn: Callable[..., Any], args: tuple[Any, ...], limit: float) -> Any:
        box: dict[str, Any] = {}
        done = threading.Event()
        self.jobs.put((fn, args, done, box))
        if not done.wait(limit):
            raise CallTimedOut
        if "error" in box:
            raise box["error"]
        return box["value"]


_LOCAL = threading.local()


def _call_on_thread(fn: Callable[..., Any], args: tuple[Any, ...], limit: float) -> Any:
    worker = getattr(_LOCAL, "worker", None)
    if worker is None:
        worker = _LOCAL.worker = _Worker()
    try:
        return worker.run(fn, args, limit)
    except CallTimedOut:
        _LOCAL.worker = None  # it is stuck in the hung call: abandon it
        raise


_SESSION = {"depth": 0}
_MAIN = threading.main_thread().ident


@contextmanager
def limit_session() -> Iterator[None]:
    """Hold the ``SIGALRM`` handler for a whole probe, so each limited call only arms and
    disarms the timer (about 1 µs). Does nothing off the main thread or when another
    alarm is in use; nests."""
    if _SESSION["depth"] or not _alarm_usable():
        yield
        return
    old = signal.signal(signal.SIGALRM, _alarm_handler)
    _SESSION["depth"] += 1
    try:
        yield
    finally:
        _SESSION["depth"] -= 1
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, old)


def call_with_limit(fn: Callable[..., Any], args: tuple[Any, ...], limit: float | None) -> Any:
    """Call ``fn(*args)``; raise :class:`CallTimedOut` after ``limit`` seconds (``None``: none)."""
    if limit is None:
        return fn(*args)
    if _SESSION["depth"] and threading.get_ident() == _MAIN:
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return fn(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0)
    if _alarm_usable():
        old = signal.signal(signal.SIGALRM, _alarm_handler)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return fn(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0)
            signal.signal(signal.SIGALRM, old)
    return _call_on_thread(fn, args, limit)
