"""Helpers shared by the CLI subcommands."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from coherence.errors import InputError
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


def read_csv_rows(path: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Read a CSV with a header; every column in ``required`` must be present."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames
        if not header:
            raise InputError(f"{path}: empty file or missing header")
        names = [h.strip() for h in header]
        missing = [c for c in required if c not in names]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = []
        for lineno, row in enumerate(reader, start=2):
            if None in row:
                raise InputError(f"{path}:{lineno}: more fields than header columns")
            clean = {str(k).strip(): (v.strip() if v is not None else "")
                     for k, v in row.items()}
            if any(clean.get(c) in (None, "") for c in required):
                raise InputError(f"{path}:{lineno}: missing value")
            rows.append(clean)
    return rows


def read_with(path: str, parse: Callable[[str], T]) -> T:
    """Read a UTF-8 text file and parse it; errors name the file (one line)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: no such file")
    try:
        return parse(p.read_text(encoding="utf-8"))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
