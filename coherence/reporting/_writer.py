"""Write a report file: HTML (:func:`~coherence.reporting.render_html`) or JSON, atomically,
and only onto a regular file (or a new name) that is none of the command's inputs."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from coherence.errors import InputError
from coherence.reporting import _html
from coherence.reporting._findings import report_json

__all__ = ["check_report_target", "write_report"]


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def check_report_target(path: str | os.PathLike[str], *,
                        inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Check that a report may be written to ``path``; return it as a :class:`Path`.

    Refused with an :class:`~coherence.errors.InputError` (CLI exit 2): a folder that does
    not exist; a symbolic link (even to a regular file); anything but a regular file (a
    folder, a device such as ``/dev/null``, a FIFO, a socket); and a file that is one of
    ``inputs`` (the files the command reads), however it is named. A name that does not
    exist yet is fine. O(1 + len(inputs)) ``stat`` calls.

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_report_target(folder / "report.html").name
    'report.html'
    >>> check_report_target("/dev/null")
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: /dev/null: not a regular file (a character device); ...
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: folder {folder} does not exist")
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None
    if stat.S_ISLNK(st.st_mode):
        raise InputError(f"{path}: a symbolic link; refusing to write through it")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file ({_kind(st.st_mode)}); refusing to write "
                         "there")
    for source in inputs:
        try:
            if _same_file(st, os.stat(source)):
                raise InputError(f"{path}: is the input {source}; refusing to overwrite it")
        except OSError:
            continue
    return target


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def write_report(path: str | os.PathLike[str], findings: Iterable[Any], *,
                 title: str = "coherence report",
                 inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Write the findings to ``path``: HTML when it ends in ``.html``/``.htm``, else JSON.

    ``path`` is checked first (:func:`check_report_target`: no symbolic link, device, FIFO
    or folder, none of ``inputs``). The report is written to a temporary file in the same
    folder, flushed to disk and renamed over ``path``, so a reader never sees half a report
    and a failed write leaves ``path`` as it was. O(size of the report).

    >>> import json, pathlib, tempfile
    >>> from coherence import PreferenceRelation, check
    >>> v = check(PreferenceRelation.from_pairs([("a", "b")]))
    >>> path = write_report(pathlib.Path(tempfile.mkdtemp()) / "report.json", [v])
    >>> json.loads(path.read_text())["findings"][0]["verdict"]["status"]
    'coherent'
    """
    sources = list(inputs)
    target = check_report_target(path, inputs=sources)
    items = list(findings)
    if target.suffix.lower() in (".html", ".htm"):
        text = _html.render_html(items, title=title)
    else:
        text = json.dumps(report_json(items), indent=2) + "\n"
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        check_report_target(target, inputs=sources)  # nothing was swapped in meanwhile
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
