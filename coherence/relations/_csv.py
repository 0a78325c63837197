"""Preference relations and willingness-to-pay matrices read from CSV rows.

``better,worse[,strict]`` rows give a relation, ``holding,offered,pay`` rows a
willingness-to-pay matrix; these are the formats of ``coherence relation`` and ``coherence wtp``.
"""

from __future__ import annotations

import math

import numpy as np

from coherence._csvio import read_csv_rows
from coherence.errors import InputError
from coherence.relations._relation import PreferenceRelation
from coherence.relations._wtp import WillingnessToPay

__all__ = ["relation_from_csv", "wtp_from_csv"]

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def relation_from_csv(path: str) -> PreferenceRelation:
    """Read ``better,worse[,strict]`` rows (strict defaults to true). O(rows + n²).

    A row says ``better ≽ worse``; with ``strict`` true it also says *not* ``worse ≽ better``,
    so a strict row contradicted by a reverse row is an error. Two non-strict rows in both
    orders make an indifference. Unlisted pairs are incomparable. Labels are strings.

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "rel.csv"
    >>> _ = f.write_text("better,worse,strict\\nrock,scissors,true\\na,b,false\\nb,a,false\\n")
    >>> r = relation_from_csv(str(f))
    >>> r.prefers("rock", "scissors"), r.weakly_prefers("scissors", "rock")
    (True, False)
    >>> r.weakly_prefers("a", "b") and r.weakly_prefers("b", "a")
    True
    """
    rows = read_csv_rows(path, ("better", "worse"))
    if not rows:
        raise InputError(f"{path}: no rows")
    pairs: list[tuple[str, str]] = []
    strict_pairs: set[tuple[str, str]] = set()
    for lineno, row in enumerate(rows, start=2):
        a, b = row["better"], row["worse"]
        if a == b:
            raise InputError(f"{path}:{lineno}: an item cannot be compared with itself ({a!r})")
        s = (row.get("strict") or "true").lower()
        if s not in _TRUE | _FALSE:
            raise InputError(f"{path}:{lineno}: strict must be true or false, got {s!r}")
        pairs.append((a, b))
        if s in _TRUE:
            strict_pairs.add((a, b))
    listed = set(pairs)
    for a, b in sorted(strict_pairs):
        if (b, a) in listed:
            raise InputError(
                f"{path}: {a!r} is listed as strictly better than {b!r} and also as at least as "
                f"good the other way"
            )
    return PreferenceRelation.from_pairs(pairs)


def wtp_from_csv(path: str) -> WillingnessToPay:
    """Read ``holding,offered,pay`` rows: the most the agent pays to swap holding for offered.

    Unlisted swaps are refused (``-inf``); a negative ``pay`` is a swap the agent accepts only
    when paid. O(rows + n²).

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "wtp.csv"
    >>> _ = f.write_text("holding,offered,pay\\na,b,1\\nb,a,-2\\n")
    >>> w = wtp_from_csv(str(f))
    >>> w.items, float(w.matrix[0, 1]), float(w.matrix[1, 0])
    (('a', 'b'), 1.0, -2.0)
    """
    rows = read_csv_rows(path, ("holding", "offered", "pay"))
    if not rows:
        raise InputError(f"{path}: no rows")
    labels: dict[str, int] = {}
    for r in rows:
        for x in (r["holding"], r["offered"]):
            labels.setdefault(x, len(labels))
    W = np.full((len(labels), len(labels)), -np.inf)
    for lineno, r in enumerate(rows, start=2):
        if r["holding"] == r["offered"]:
            raise InputError(
                f"{path}:{lineno}: an item cannot be swapped for itself ({r['holding']!r})"
            )
        try:
            v = float(r["pay"])
        except ValueError:
            raise InputError(f"{path}:{lineno}: pay must be a number, got {r['pay']!r}") from None
        if not math.isfinite(v):
            raise InputError(f"{path}:{lineno}: pay must be a finite number, got {r['pay'][:40]!r}")
        if v == 0 and any(c in "123456789" for c in r["pay"].split("e")[0].split("E")[0]):
            raise InputError(f"{path}:{lineno}: pay {r['pay'][:40]!r} is below the range of a "
                             "float (it would read as 0)")
        W[labels[r["holding"]], labels[r["offered"]]] = v
    return WillingnessToPay(tuple(labels), W)
