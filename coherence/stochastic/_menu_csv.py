"""The long CSV of menu choice data: one row per menu and chosen item (and subject).

Columns: ``menu`` (the menu's items separated by ``;``), ``item`` (the item chosen) and either
``count`` (how often it was chosen from that menu) or ``p`` (its share, decimal or ``p/q``);
an optional ``subject``. Items of a menu without a row were never chosen from it. Other
columns are ignored.
"""

from __future__ import annotations

from typing import Any

from coherence._csvio import read_csv_rows
from coherence.errors import InputError
from coherence.stochastic._menus import MenuChoice

__all__ = ["menus_from_csv"]


def _table(rows: list[tuple[int, dict[str, str]]], path: str
           ) -> tuple[dict[tuple[str, ...], dict[str, str]], bool]:
    counts = None
    table: dict[tuple[str, ...], dict[str, str]] = {}
    for line, row in rows:
        menu = tuple(v.strip() for v in row["menu"].split(";"))
        if any(v == "" for v in menu):
            raise InputError(f"{path}:{line}: menu {row['menu']!r} has an empty item")
        has_count, has_p = row.get("count", "") != "", row.get("p", "") != ""
        if has_count == has_p:
            raise InputError(f"{path}:{line}: give exactly one of 'count' and 'p'")
        if counts is None:
            counts = has_count
        elif counts != has_count:
            raise InputError(f"{path}:{line}: counts and shares are mixed in one subject")
        # a menu's rows may come in any order: key it by its items as a set
        key = next((m for m in table if set(m) == set(menu) and len(m) == len(menu)), menu)
        cell = table.setdefault(key, {})
        if row["item"] in cell:
            raise InputError(f"{path}:{line}: item {row['item']!r} appears twice for menu "
                             f"{row['menu']!r}")
        cell[row["item"]] = row["count"] if has_count else row["p"]
    return table, bool(counts)


def menus_from_csv(path: str, *, subject: str | None = None) -> dict[str, MenuChoice]:
    """Read the long menu CSV into one :class:`MenuChoice` per subject (``subject`` names the
    subject column; default ``"subject"`` when present, else one subject ``""``). Errors name
    the file (and line). O(rows · menus).

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = f.write_text("menu,item,count\\na;b,a,3\\na;b,b,1\\n")
    >>> menus_from_csv(str(f))[""].probability("a", ("a", "b"))
    Fraction(3, 4)
    """
    rows = read_csv_rows(path, ("menu", "item"))
    key = subject if subject is not None else ("subject" if rows and "subject" in rows[0]
                                               else None)
    if key is not None and rows and key not in rows[0]:
        raise InputError(f"{path}: no subject column {key!r}")
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, row in enumerate(rows, start=2):
        groups.setdefault("" if key is None else row[key], []).append((line, row))
    if not groups:
        raise InputError(f"{path}: no rows")
    out: dict[str, MenuChoice] = {}
    for name, group in groups.items():
        where = f" (subject {name!r})" if key is not None else ""
        table, counts = _table(group, path)
        build: Any = MenuChoice.from_counts if counts else MenuChoice.from_probabilities
        try:
            out[name] = build(table)
        except InputError as exc:
            raise InputError(f"{path}{where}: {exc}") from None
    return out
