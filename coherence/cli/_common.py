"""Helpers shared by the CLI subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from coherence._csvio import read_csv_rows
from coherence.errors import InputError
from coherence.validation import check_file
from coherence.verdict import Verdict

T = TypeVar("T")

__all__ = ["add_json_flag", "emit", "emit_verdict", "read_csv_rows", "read_with"]


def add_json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def emit(doc: dict[str, Any]) -> None:
    """Print one JSON document."""
    sys.stdout.write(json.dumps(doc) + "\n")


def emit_verdict(verdict: Verdict, as_json: bool) -> int:
    """Print a verdict (JSON or text) and return its exit code."""
    if as_json:
        emit(verdict.to_json())
    else:
        print(verdict.explain())
    return verdict.exit_code


def read_with(path: str, parse: Callable[[str], T]) -> T:
    """Read a UTF-8 text file and parse it; errors name the file (one line)."""
    p = check_file(path)
    try:
        return parse(p.read_text(encoding="utf-8"))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
