"""Running the user's code in this process: what it prints stays off stdout, and an
``os._exit`` it calls becomes an agent fault instead of ending the command silently.

Commands that import and call user code in-process (``check`` and ``replay`` with
``--isolation none``, ``audit-net``, ``audit-llm``, ``compression``) run it inside
:func:`quiet_stdout`. Only Python-level calls of ``os._exit`` are caught; C code that calls
``exit`` or crashes still ends the process (the worker-process isolation of ``check`` is
the way to survive those).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["UserCodeExited", "UserCodeFault", "UserCodeHung", "UserCodeQuit", "quiet_stdout",
           "within"]


class UserCodeFault(BaseException):
    """The user's code, run in this process, exited or hung (the CLI's exit 3).

    A ``BaseException``, like ``SystemExit``, so that user code catching ``Exception`` does
    not swallow it; the guards that turn ``SystemExit`` into an agent fault see it too.
    ``passes_through`` tells the target loader to let it pass instead of calling it an
    import failure (exit 2).
    """

    passes_through = True


class UserCodeExited(UserCodeFault):
    """The user's code called ``os._exit(status)`` while a command ran it."""

    def __init__(self, status: Any) -> None:
        super().__init__(f"the target called os._exit({status!r})")
        self.status = status


class UserCodeHung(UserCodeFault):
    """The user's code did not return within its time limit."""


class UserCodeQuit(UserCodeFault):
    """The user's code raised ``SystemExit`` (``sys.exit``) out of a command's guard."""


def within(seconds: float | None, fn: Callable[[], T], what: str) -> T:
    """``fn()`` on a daemon thread, waited for at most ``seconds`` (``None``: no limit, in
    this thread): its value, or what it raised; :class:`UserCodeHung` naming ``what`` when
    it runs longer (the thread is abandoned, never killed). O(1) besides ``fn``.

    >>> within(5.0, lambda: 6 * 7, "the sum")
    42
    >>> import time
    >>> within(0.05, lambda: time.sleep(10), "importing slow.py")
    Traceback (most recent call last):
    ...
    coherence.cli._user_code.UserCodeHung: importing slow.py took longer than 0.05 s
    """
    if seconds is None:
        return fn()
    box: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            box.append((True, fn()))
        except BaseException as exc:  # handed to the waiting thread, raised there
            box.append((False, exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if not box:
        raise UserCodeHung(f"{what} took longer than {seconds:g} s")
    ok, value = box[0]
    if not ok:
        raise value
    return value


def add_timeout_flag(p: argparse.ArgumentParser) -> None:
    """``--timeout SECONDS`` for commands that run user code whole (``audit-net``,
    ``compression``): each of the factory call and the audit may take that long (default:
    no limit); past it the command ends with an agent fault (exit 3)."""
    p.add_argument("--timeout", type=float, default=None, metavar="S",
                   help="seconds the target's factory, and then the audit, may each take "
                        "before it counts as an agent fault (default: no limit)")


@contextmanager
def _no_exit() -> Iterator[None]:
    """While active, ``os._exit`` called in this process raises :class:`UserCodeExited`;
    a child forked meanwhile still exits for real (its pid differs). O(1)."""
    real = os._exit
    owner = os.getpid()
    homes = [m for m in (os, sys.modules.get("posix"), sys.modules.get("nt")) if m is not None]

    def refuse(status: int) -> Any:
        if os.getpid() != owner:
            real(status)
        raise UserCodeExited(status)

    for home in homes:
        home._exit = refuse  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for home in homes:
            home._exit = real  # type: ignore[attr-defined]


@contextmanager
def quiet_stdout(active: bool) -> Iterator[None]:
    """While active, whatever writes to file descriptor 1 (an in-process agent's C code,
    ``os.write(1, ...)``, ``print``) goes to a scratch file, so that stdout holds only the
    verdict, ``os._exit`` raises :class:`UserCodeExited` and a ``SystemExit`` leaving the
    block becomes :class:`UserCodeQuit`. O(1) set-up.

    >>> with quiet_stdout(True):
    ...     print("the user's chatter")
    >>> with quiet_stdout(True):
    ...     os._exit(0)
    Traceback (most recent call last):
    ...
    coherence.cli._user_code.UserCodeExited: the target called os._exit(0)
    """
    if not active:
        yield
        return
    with _no_exit():
        try:
            sys.stdout.flush()
            saved = os.dup(1)
        except (OSError, ValueError):
            yield
            return
        with tempfile.TemporaryFile() as scratch:
            os.dup2(scratch.fileno(), 1)
            try:
                with contextlib.redirect_stdout(io.StringIO()):  # print() as well as C code
                    yield
            except SystemExit as exc:  # sys.exit in user code: never the command's status
                raise UserCodeQuit(f"the target called sys.exit({exc.code!r})") from None
            finally:
                sys.stdout.flush()
                os.dup2(saved, 1)
                os.close(saved)
