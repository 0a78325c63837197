"""Helpers shared by the CLI subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from coherence._csvio import read_csv_rows
from coherence.errors import InputError
from coherence.validation import check_file
from coherence.verdict import Verdict

T = TypeVar("T")

__all__ = [
    "add_json_flag",
    "add_report_flag",
    "check_report_path",
    "collect",
    "emit",
    "emit_verdict",
    "gathering",
    "input_files",
    "read_csv_rows",
    "read_with",
    "seed_type",
    "wants_report",
]

#: the verdicts a command hands to its ``--report`` (``None``: no report asked for)
_FINDINGS: ContextVar[list[tuple[Verdict, str]] | None] = ContextVar(
    "coherence_cli_findings", default=None)


def add_json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def add_report_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--report", metavar="PATH", default=None,
                   help="also write the verdicts as a report: a self-contained HTML page with "
                        "pictures for .html/.htm, else JSON (never over an input file)")


def wants_report() -> bool:
    """Whether the running command gathers verdicts for ``--report``. O(1)."""
    return _FINDINGS.get() is not None


def collect(verdict: Verdict, name: str = "") -> None:
    """Hand a verdict to the running command's ``--report`` (nothing when none was asked
    for). O(1)."""
    found = _FINDINGS.get()
    if found is not None:
        found.append((verdict, name))


#: the largest seed the commands take (numpy's and torch's generators take any below 2⁶³)
MAX_SEED = 2**63 - 1


def seed_type(text: str) -> int:
    """``--seed``: a whole number from 0 to 2⁶³ − 1 (argparse's one-line exit 2 otherwise).

    >>> seed_type("7")
    7
    >>> seed_type("-5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a whole number from 0 to 2**63 - 1, got '-5'
    """
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 0 to 2**63 - 1, got {text!r}")
    return value


def input_files(args: argparse.Namespace) -> list[str]:
    """The files a command reads, which its ``--report`` may never overwrite: the data file,
    the items file (``@FILE`` for ``check``), and the source file of each ``FILE.py:OBJECT``
    target or backend. O(args).

    >>> input_files(argparse.Namespace(target=["agents/a.py:agent", "pkg.mod:agent"],
    ...                                items="@items.txt"))
    ['items.txt', 'agents/a.py']
    """
    out = []
    for k in ("file", "items"):
        value = getattr(args, k, None)
        if isinstance(value, str):
            out.append(value[1:] if k == "items" and value.startswith("@") else value)
    for k in ("target", "backend"):
        value = getattr(args, k, None)
        for spec in value if isinstance(value, list) else [value]:
            if isinstance(spec, str) and ":" in spec:
                source = spec.rpartition(":")[0]
                if source.endswith(".py") or "/" in source or "\\" in source:
                    out.append(source)
    return out


def check_report_path(report: str | None, inputs: list[str] | None = None) -> None:
    """``--report``, before the command runs: its folder exists, and it is no symbolic link,
    folder, device or FIFO, and none of ``inputs`` (exit 2; see
    :func:`coherence.reporting.check_report_target`)."""
    if report is None:
        return
    from coherence.reporting import check_report_target

    if not Path(report).parent.is_dir():
        raise InputError(f"--report: folder {Path(report).parent} does not exist")
    check_report_target(report, inputs=inputs or ())


@contextmanager
def gathering(report: str | None, inputs: list[str]) -> Iterator[None]:
    """Run a command body gathering its verdicts, then write them to ``report`` (checked
    before the command runs: its folder exists and it is none of ``inputs``)."""
    if report is None:
        yield
        return
    from coherence.reporting import Finding, write_report

    check_report_path(report, inputs)
    if any(Path(report).resolve() == Path(i).resolve() for i in inputs):
        raise InputError(f"--report: {report} is an input of this command")
    token = _FINDINGS.set([])
    try:
        yield
        found = _FINDINGS.get() or []
    finally:
        _FINDINGS.reset(token)
    write_report(report, [Finding.from_verdict(v, n) for v, n in found], inputs=inputs)


def _out(text: str) -> None:
    """Write to stdout; a reader that went away (``| head``) leaves the verdict standing."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more reaches the closed pipe


def emit(doc: dict[str, Any]) -> None:
    """Print one JSON document."""
    _out(json.dumps(doc) + "\n")


def emit_verdict(verdict: Verdict, as_json: bool) -> int:
    """Print a verdict (JSON or text), hand it to ``--report``, return its exit code."""
    collect(verdict)
    if as_json:
        emit(verdict.to_json())
    else:
        _out(verdict.explain() + "\n")
    return verdict.exit_code


def read_with(path: str, parse: Callable[[str], T]) -> T:
    """Read a UTF-8 text file and parse it; errors name the file (one line)."""
    p = check_file(path)
    try:
        return parse(p.read_text(encoding="utf-8"))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
