"""Progress of long CLI jobs on stderr, in named stages, drawn by ``tqdm``.

Shown only when stderr is a terminal and ``--quiet`` is not given; with output redirected
(a pipe, a file, CI logs) nothing is written, so stderr keeps its one-line contract for
errors. ``COHERENCE_PROGRESS=always`` or ``never`` overrides the terminal test (``always`` is
what a test uses to see the stages without a terminal).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["Progress", "add_quiet_flag", "progress_for"]

T = TypeVar("T")

#: the environment variable that forces progress on (``always``) or off (``never``)
ENV = "COHERENCE_PROGRESS"


def add_quiet_flag(p: argparse.ArgumentParser) -> None:
    """``--quiet``: no progress on stderr (errors are still reported)."""
    p.add_argument("--quiet", "-q", action="store_true",
                   help="show no progress on stderr (shown by default only on a terminal)")


def _enabled(stream: Any, quiet: bool) -> bool:
    forced = os.environ.get(ENV, "").strip().lower()
    if quiet or forced == "never":
        return False
    if forced == "always":
        return True
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _columns(stream: Any) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        return 0


class Progress:
    """Named stages of one command, each a ``tqdm`` bar on ``stream`` (stderr by default).

    Disabled (writing nothing at all) unless ``stream`` is a terminal, or ``COHERENCE_PROGRESS
    =always``; ``quiet`` disables it whatever the terminal. Each stage's bar is cleared when the
    stage ends, so a finished command leaves only its own output. O(1) per update.

    >>> import io
    >>> out = io.StringIO()  # not a terminal: nothing is drawn
    >>> progress = Progress(stream=out)
    >>> with progress.stage("checking subjects", total=3) as advance:
    ...     for _ in range(3):
    ...         advance()
    >>> out.getvalue(), progress.enabled
    ('', False)
    """

    def __init__(self, *, quiet: bool = False, stream: Any = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _enabled(self.stream, quiet)

    def _bar(self, name: str, total: int | None) -> Any:
        from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]

        # a terminal of unknown size (columns 0: tqdm would draw nothing) gets 80 × 24
        sized = _columns(self.stream) > 0
        return tqdm(total=total, desc=name, file=self.stream, leave=False,
                    disable=not self.enabled, mininterval=0.1, dynamic_ncols=sized,
                    ncols=None if sized else 80, nrows=None if sized else 24)

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Callable[..., None]]:
        """A stage: yields ``advance(n=1, note=None)``, which moves the bar on by ``n`` and
        shows ``note`` (e.g. the subject being checked) beside it."""
        bar = self._bar(name, total)

        def advance(n: int = 1, note: Any = None) -> None:
            if note is not None:
                bar.set_postfix_str(str(note)[:40], refresh=False)
            bar.update(n)

        try:
            yield advance
        finally:
            bar.close()

    def iterate(self, name: str, items: Sequence[T], note: Callable[[T], Any] | None = None
                ) -> Iterable[T]:
        """``items`` one by one inside a stage of ``len(items)`` steps."""
        with self.stage(name, total=len(items)) as advance:
            for item in items:
                if note is not None and self.enabled:
                    advance(0, note(item))
                yield item
                advance()

    def callback(self, stages: Sequence[str]) -> StagedCallback:
        """A ``progress(done, total)`` callback for code that reports counts only: a count
        that starts again (smaller than the last one) or a new total begins the next of
        ``stages`` (the last name is kept for any further restarts)."""
        return StagedCallback(self, tuple(stages) or ("working",))


class StagedCallback:
    """``progress(done, total)`` turned into named stages of a :class:`Progress`."""

    def __init__(self, progress: Progress, stages: tuple[str, ...]) -> None:
        self.progress = progress
        self.stages = stages
        self.index = -1
        self.bar: Any = None
        self.done = 0
        self.total: int | None = None

    def __call__(self, done: int, total: int) -> None:
        if not self.progress.enabled:
            return
        if self.bar is None or done < self.done or total != self.total:
            self.close()
            self.index = min(self.index + 1, len(self.stages) - 1)
            self.bar = self.progress._bar(self.stages[self.index], max(int(total), 0) or None)
            self.done, self.total = 0, total
        step = max(0, min(done, total) - self.done)
        if step:
            self.bar.update(step)
        self.done = max(self.done, min(done, total))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def progress_for(args: argparse.Namespace) -> Progress:
    """The progress display for a parsed command line (its ``--quiet``, where it has one)."""
    return Progress(quiet=bool(getattr(args, "quiet", False)))
