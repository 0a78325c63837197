"""Sources of budget data as tables of cells, and the reading of one cell.

A :class:`Table` is what the readers of :mod:`coherence.budgets._readers` see: a CSV file
(cells as stripped text) or a pandas/polars DataFrame (cells as the frame holds them), with
the place of every row for messages. A numeric cell is read as text, converted to a float and
checked (finite, within the float range, positive for prices, non-negative for quantities);
every problem raises an :class:`~coherence.errors.InputError` subclass naming the place and
the column, on one line.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from coherence.errors import (
    BudgetShapeError,
    InputError,
    NegativeQuantityError,
    NonFiniteError,
    NonPositivePriceError,
)
from coherence.validation import check_file

__all__ = ["Table", "cell", "csv_table", "frame_table", "is_missing", "matrix", "one_line",
           "show", "text_of"]

_SHOW = 40


@dataclass(frozen=True)
class Table:
    """A rectangular source: its name (for messages), header, row count, a column by name
    (a list of cells) and the place of a row (``"line 7"``, ``"row 'a'"``)."""

    name: str
    header: tuple[str, ...]
    n: int
    column: Callable[[str], list[Any]]
    place: Callable[[int], str]


def csv_table(path: str | Path) -> Table:
    """A CSV file with a header row, cells as (stripped) text; blank lines are skipped.

    Malformed CSV, text that is not UTF-8, a duplicate or empty column name in use, and a row
    with more or fewer fields than the header raise :class:`~coherence.errors.InputError`
    naming the line. O(size of the file).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "b.csv"
    >>> _ = f.write_text("a,b\\n1, 2\\n\\n3,4\\n")
    >>> t = csv_table(f)
    >>> t.header, t.column("b"), t.place(1)
    (('a', 'b'), ['2', '4'], 'line 4')
    """
    p = check_file(path)
    name = str(path)
    reader: Any = None
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            if header is None:
                raise InputError(f"{name}: empty file")
            rows: list[list[str]] = []
            lines: list[int] = []
            for row in reader:
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) != len(header):
                    raise InputError(f"{name}: line {reader.line_num}: {len(row)} fields, the "
                                     f"header has {len(header)}")
                rows.append([c.strip() for c in row])
                lines.append(reader.line_num)
    except UnicodeDecodeError as exc:
        raise InputError(one_line(f"{name}: not UTF-8 text ({exc.reason} at byte "
                                  f"{exc.start})")) from None
    except csv.Error as exc:
        at = f"line {reader.line_num}: " if reader is not None else ""
        raise InputError(one_line(f"{name}: {at}malformed CSV: {_line(str(exc))}")) from None
    except InputError as exc:
        raise InputError(one_line(str(exc))) from None
    heads = tuple(h.strip() for h in header)
    pos = {h: i for i, h in enumerate(heads)}

    def column(c: str) -> list[Any]:
        if heads.count(c) > 1:
            raise BudgetShapeError(f"{name}: the header has column {c!r} more than once")
        k = pos[c]
        return [r[k] for r in rows]

    return Table(name, heads, len(rows), column, lambda i: f"line {lines[i]}")


def frame_table(frame: Any) -> Table:
    """A pandas or polars DataFrame (anything with ``columns`` and ``frame[c].to_list()``).

    Values are kept as the frame holds them; a pandas row is named by its index label.
    O(rows) per column read.

    >>> import pandas as pd
    >>> t = frame_table(pd.DataFrame({"a": [1, 2]}, index=["u", "v"]))
    >>> t.header, t.column("a"), t.place(1)
    (('a',), [1, 2], "row 'v'")
    """
    try:
        cols = list(frame.columns)
    except AttributeError:
        raise InputError(f"expected a data frame, got {type(frame).__name__}") from None
    by_name = {str(c): c for c in cols}
    index = getattr(frame, "index", None)
    labels = list(index) if index is not None and not callable(index) else None

    def column(c: str) -> list[Any]:
        series = frame[by_name[c]]
        to_list = getattr(series, "to_list", None) or series.tolist
        return list(to_list())

    def place(i: int) -> str:
        return f"row {labels[i]!r}" if labels is not None else f"row {i}"

    return Table("data frame", tuple(by_name), len(frame), column, place)


# -------------------------------------------------------------------------- cells


def _line(text: str) -> str:
    return " ".join(text.split())


def one_line(text: str) -> str:
    r"""``text`` with every character that is not printable escaped (a message stays one line).

    >>> one_line("a\nb")
    'a\\nb'
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def show(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= _SHOW else s[: _SHOW - 1] + "…"


def is_missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, float):
        return math.isnan(v)
    return type(v).__name__ in ("NAType", "NaTType")


def text_of(v: Any) -> str:
    """A key cell as text (an integral float is written as an integer)."""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _float_of(s: str) -> float:
    """The float a numeric cell holds; ``ValueError`` with the reason otherwise."""
    if "_" in s:
        raise ValueError("not a number")
    try:
        f = float(s)
    except ValueError:
        raise ValueError("not a number") from None
    if math.isnan(f) or (math.isinf(f) and s.lstrip("+-").lower() in ("inf", "infinity")):
        raise ValueError("not finite")
    if math.isinf(f):
        raise ValueError("beyond the range of a float")
    if f == 0 and any(ch in "123456789" for ch in s.lower().split("e")[0]):
        raise ValueError("below the range of a float (it would read as 0)")
    return f


def _value(v: Any) -> Any:
    """A numeric cell: text through float, numbers as they are; ``ValueError`` otherwise."""
    if isinstance(v, str):
        return _float_of(v.strip())
    if isinstance(v, bool) or not isinstance(v, int | float | Fraction | Decimal):
        raise ValueError("not a number")
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError("not finite")
    if isinstance(v, Decimal) and not v.is_finite():
        raise ValueError("not finite")
    try:
        if not math.isfinite(float(v)):
            raise ValueError("beyond the range of a float")
    except OverflowError:
        raise ValueError("beyond the range of a float") from None
    return v


_RULES = {
    "price": (lambda v: v > 0, NonPositivePriceError, "a price must be positive"),
    "intercept": (lambda v: v > 0, NonPositivePriceError, "an intercept must be positive"),
    "quantity": (lambda v: v >= 0, NegativeQuantityError, "a quantity must be non-negative"),
}


def cell(table: Table, i: int, col: str, v: Any, kind: str) -> Any:
    """The number in row ``i`` of column ``col``, checked as a ``kind``; errors name both."""
    where = f"{table.name}: {table.place(i)}, column {col}"
    if is_missing(v):
        raise InputError(f"{where}: missing value")
    try:
        x = _value(v)
    except ValueError as exc:
        err = NonFiniteError if str(exc) != "not a number" else InputError
        raise err(f"{where}: {exc}: {show(v)}") from None
    ok, err_type, rule = _RULES[kind]
    if not ok(x):
        raise err_type(f"{where}: {rule}, got {show(v)}")
    return x


def matrix(rows: list[list[Any]]) -> np.ndarray:
    """float64 when every entry is a float or a small int, else an object array."""
    if all(type(v) is float for r in rows for v in r):
        return np.array(rows, dtype=np.float64)
    return np.array(rows, dtype=object)
