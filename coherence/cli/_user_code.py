"""Running the user's code in this process: what it prints stays off stdout, and an
``os._exit`` it calls becomes an agent fault instead of ending the command silently.

Commands that import and call user code in-process (``check`` and ``replay`` with
``--isolation none``, ``audit-net``, ``audit-llm``, ``compression``) run it inside
:func:`quiet_stdout`. Only Python-level calls of ``os._exit`` are caught; C code that calls
``exit`` or crashes still ends the process (the worker-process isolation of ``check`` is
the way to survive those).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["UserCodeExited", "quiet_stdout"]


class UserCodeExited(BaseException):
    """The user's code called ``os._exit(status)`` while a command ran it (exit 3).

    A ``BaseException``, like ``SystemExit``, so that user code catching ``Exception`` does
    not swallow it; the guards that turn ``SystemExit`` into an agent fault see it too.
    """

    def __init__(self, status: Any) -> None:
        super().__init__(f"the target called os._exit({status!r})")
        self.status = status


@contextmanager
def _no_exit() -> Iterator[None]:
    """While active, ``os._exit`` called in this process raises :class:`UserCodeExited`;
    a child forked meanwhile still exits for real (its pid differs). O(1)."""
    real = os._exit
    owner = os.getpid()

    def refuse(status: int) -> Any:
        if os.getpid() != owner:
            real(status)
        raise UserCodeExited(status)

    os._exit = refuse
    try:
        yield
    finally:
        os._exit = real


@contextmanager
def quiet_stdout(active: bool) -> Iterator[None]:
    """While active, whatever writes to file descriptor 1 (an in-process agent's C code,
    ``os.write(1, ...)``, ``print``) goes to a scratch file, so that stdout holds only the
    verdict, and ``os._exit`` raises :class:`UserCodeExited`. O(1) set-up.

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
            finally:
                sys.stdout.flush()
                os.dup2(saved, 1)
                os.close(saved)
