"""The long CSV of binary choice data: one row per unordered pair (and subject).

Columns: ``item_a``, ``item_b`` and either ``p`` (P(item_a chosen over item_b), decimal or
``p/q``) or the counts ``n_a``, ``n_b`` (also spelt ``n_a_chosen``, ``n_b_chosen``) with
``n_indifferent`` for ternary data; optional ``subject`` and ``n_trials`` (when present, the
counts must add up to it). Other columns are ignored.
"""

from __future__ import annotations

from typing import Any

from coherence._csvio import read_csv_rows
from coherence.errors import InputError
from coherence.stochastic._data import StochasticChoice

__all__ = ["stochastic_from_csv"]

_ALIASES = {"n_a_chosen": "n_a", "n_b_chosen": "n_b", "n_a_indifferent": "n_indifferent"}


def _clean(row: dict[str, str], path: str, line: int) -> dict[str, Any]:
    out: dict[str, Any] = {"item_a": row["item_a"], "item_b": row["item_b"]}
    for col, v in row.items():
        key = _ALIASES.get(col, col)
        if key in ("p", "n_a", "n_b", "n_indifferent") and v != "":
            if key in out:
                raise InputError(f"{path}:{line}: the column {key!r} is given twice")
            out[key] = v
    trials = row.get("n_trials", "")
    if trials != "" and "p" not in out:
        try:
            total = sum(int(out.get(k, "0")) for k in ("n_a", "n_b", "n_indifferent"))
            expected = int(trials)
        except ValueError:
            raise InputError(f"{path}:{line}: counts must be integers") from None
        if total != expected:
            raise InputError(f"{path}:{line}: the counts add up to {total}, not n_trials "
                             f"{expected}")
    return out


def stochastic_from_csv(path: str, *, subject: str | None = None
                        ) -> dict[str, StochasticChoice]:
    """Read the long CSV into one :class:`StochasticChoice` per subject (``subject`` names
    the subject column; default ``"subject"`` when present, else one subject ``""``).
    Errors name the file and line. O(rows).

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = f.write_text("item_a,item_b,p\\na,b,0.7\\nb,c,2/3\\n")
    >>> stochastic_from_csv(str(f))[""].probability("c", "b")
    Fraction(1, 3)
    """
    rows = read_csv_rows(path, ("item_a", "item_b"))
    key = subject if subject is not None else ("subject" if rows and "subject" in rows[0]
                                               else None)
    if key is not None and rows and key not in rows[0]:
        raise InputError(f"{path}: no subject column {key!r}")
    groups: dict[str, list[dict[str, Any]]] = {}
    for line, row in enumerate(rows, start=2):
        groups.setdefault("" if key is None else row[key], []).append(
            {**_clean(row, path, line), "_line": line})
    if not groups:
        raise InputError(f"{path}: no rows")
    out = {}
    for name, group in groups.items():
        try:
            out[name] = StochasticChoice.from_records(group)
        except InputError as exc:
            where = f" (subject {name!r})" if key is not None else ""
            raise InputError(f"{path}{where}: {exc}") from None
    return out
