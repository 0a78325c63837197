"""Reading CSV files with a header row: the one CSV reader behind the CLI and the data readers."""

from __future__ import annotations

import csv
from pathlib import Path

from coherence.errors import InputError
from coherence.validation import check_file

__all__ = ["read_csv_rows"]


def read_csv_rows(path: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Read a CSV file with a header row; every column in ``required`` must be present and filled.

    Cells are stripped; an empty optional cell reads as ``""``. Every problem (no file, not
    UTF-8, malformed CSV, a missing column or value, a row longer than the header) raises
    :class:`~coherence.errors.InputError` naming the file and line. O(size of the file).

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.csv"
    >>> _ = f.write_text("better,worse\\na,b\\n")
    >>> read_csv_rows(str(f), ("better", "worse"))
    [{'better': 'a', 'worse': 'b'}]
    """
    p = check_file(path)
    try:
        return _rows(p, path, required)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise InputError(f"{path}: malformed CSV: {exc}") from None


def _rows(p: Path, path: str, required: tuple[str, ...]) -> list[dict[str, str]]:
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
