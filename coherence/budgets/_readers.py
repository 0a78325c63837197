"""Reading budget data as it comes: CSV files and data frames in long, wide or intercept form.

Three layouts, one row of the source per observation (or per observation and good):

* **wide** (the default): one column of prices and one of quantities per good. Unnamed, they
  are the columns ``p_<good>`` and ``x_<good>``; named (``prices``/``quantities``), each is a
  list of column names or a glob pattern (``"price_*"``), paired by position or, when both
  are patterns, by the text the ``*`` matched;
* **intercepts**: a budget line given by where it meets each axis (``intercepts``, as in
  Choi, Kariv, Müller & Silverman 2014): the prices are ``1/intercept`` exactly and income
  is 1, with quantities as in the wide layout;
* **long**: one row per observation and good (``good``, ``price``, ``quantity`` name the three
  columns, ``observation`` says which rows form one observation).

A subject is keyed by one or several columns (``subject``; absent, every row is one subject
``"1"``); subjects are kept in order of appearance, observations in file order, and each
subject has the goods it uses (a good whose cells are all empty for a subject, or that has no
row for it, is not one of its goods). Cells are read as text and converted to floats, which
the number policy then reads (:mod:`coherence.numbers`: ``0.1`` is 1/10); data frames give
their values as they are (ints, floats, Fractions and Decimals are kept). Every defect raises
an :class:`~coherence.errors.InputError` subclass naming the file, the line (or the frame's
row) and the column. This module turns a :class:`~coherence.budgets._tables.Table` into rows
of numbers (:class:`SubjectParts`); :mod:`coherence.budgets._data` makes the data objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, TypedDict

import numpy as np

from coherence._exact import as_fraction, rational_parts, reading_of
from coherence.budgets._tables import Table, cell, is_missing, matrix, one_line, show, text_of
from coherence.errors import BudgetShapeError, InputError, NonFiniteError, ZeroExpenditureError

__all__ = ["COST_RANGE", "ColumnNames", "Layout", "SubjectParts", "read_subjects"]

_GLOB = frozenset("*?[")


class ColumnNames(TypedDict, total=False):
    """The column names a reader takes as keywords (see :class:`Layout`)."""

    observation: str | None
    prices: str | Sequence[str] | None
    quantities: str | Sequence[str] | None
    intercepts: str | Sequence[str] | None
    good: str | None
    price: str | None
    quantity: str | None


def _names(spec: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """A column spec as a tuple of names or patterns: a string is split at commas."""
    if spec is None:
        return None
    parts = spec.split(",") if isinstance(spec, str) else [str(s) for s in spec]
    out = tuple(p.strip() for p in parts if p.strip())
    return out or None


@dataclass(frozen=True)
class Layout:
    """Which columns hold what (``None``: not given). Strings are comma-separated lists;
    any name may be a glob pattern except ``observation``, ``good``, ``price`` and ``quantity``.
    ``single``: every row is one subject ``"1"`` (``subject`` is then ignored)."""

    subject: str | Sequence[str] | None = None
    observation: str | None = None
    prices: str | Sequence[str] | None = None
    quantities: str | Sequence[str] | None = None
    intercepts: str | Sequence[str] | None = None
    good: str | None = None
    price: str | None = None
    quantity: str | None = None
    single: bool = False

    @staticmethod
    def flag(name: str) -> str:
        """How messages name a parameter: as the command line's flag and the keyword."""
        return f"--{name}/{name}="

    def mode(self) -> str:
        """``"long"``, ``"intercepts"`` or ``"wide"``, after checking the combination."""
        f = self.flag
        if self.good is not None:
            if self.prices is not None or self.quantities is not None or self.intercepts:
                raise InputError(f"{f('good')} (one row per good) takes {f('price')} and "
                                 f"{f('quantity')}, not {f('prices')}, {f('quantities')} or "
                                 f"{f('intercepts')}")
            if self.price is None or self.quantity is None:
                raise InputError(f"{f('good')} needs {f('price')} and {f('quantity')}")
            if self.observation is None:
                raise InputError(f"{f('good')} needs {f('observation')} (which rows are one "
                                 "observation)")
            return "long"
        if self.price is not None or self.quantity is not None:
            raise InputError(f"{f('price')} and {f('quantity')} go with {f('good')}; for one "
                             f"column per good use {f('prices')} and {f('quantities')}")
        if self.intercepts is not None:
            if self.prices is not None:
                raise InputError(f"give {f('intercepts')} or {f('prices')}, not both")
            if self.quantities is None:
                raise InputError(f"{f('intercepts')} needs {f('quantities')}")
            return "intercepts"
        if (self.prices is None) != (self.quantities is None):
            raise InputError(f"give both {f('prices')} and {f('quantities')}")
        return "wide"


@dataclass(frozen=True)
class SubjectParts:
    """One subject's observations as read: ``T × K`` arrays (float64, or object arrays when
    some entry is exact), the goods and a label per observation."""

    key: str
    prices: np.ndarray
    quantities: np.ndarray
    goods: tuple[str, ...]
    labels: tuple[str, ...]
    #: the exact numbers when the reader computed them for the whole table at once: rows of
    #: price numerators, price denominators, quantity numerators and denominators, and
    #: whether they were given exactly (not a reading of the float arrays)
    exact: tuple[Any, ...] | None = None


# -------------------------------------------------------------------------- columns


def _resolve(table: Table, specs: tuple[str, ...], param: str, layout: Layout
             ) -> tuple[list[str], list[str], bool]:
    """Column names for ``specs`` (names or globs, in order), the good each one names (the
    text a pattern's ``*`` matched, else the column name) and whether a pattern was used."""
    cols: list[str] = []
    stems: list[str] = []
    pattern = False
    for spec in specs:
        if _GLOB & set(spec):
            pattern = True
            hits = [h for h in table.header if fnmatchcase(h, spec)]
            if not hits:
                raise BudgetShapeError(f"{table.name}: no column matches {layout.flag(param)} "
                                       f"{spec!r} (columns: {_listing(table.header)})")
            pre, _, suf = spec.partition("*")
            single = spec.count("*") == 1 and not (_GLOB - {"*"}) & set(spec)
            cols += hits
            stems += [h[len(pre): len(h) - len(suf)] if single else h for h in hits]
        else:
            if spec not in table.header:
                raise BudgetShapeError(f"{table.name}: no column {spec!r} ({layout.flag(param)}; "
                                       f"columns: {_listing(table.header)})")
            cols.append(spec)
            stems.append(spec)
    if len(set(cols)) != len(cols):
        raise BudgetShapeError(f"{table.name}: {layout.flag(param)} names a column twice")
    return cols, stems, pattern


def _listing(header: Iterable[str]) -> str:
    h = [c if c.isprintable() and len(c) <= 40 else show(c) for c in header]
    return ", ".join(h[:20]) + (", …" if len(h) > 20 else "")


def _default_goods(table: Table, layout: Layout) -> tuple[list[str], list[str], list[str]]:
    cols = table.header
    pgoods = [c[2:] for c in cols if c.startswith("p_") and len(c) > 2]
    xgoods = {c[2:] for c in cols if c.startswith("x_") and len(c) > 2}
    if not pgoods:
        f = layout.flag
        raise BudgetShapeError(
            f"{table.name}: no price columns (p_<good>) among {_listing(cols)}; name the "
            f"columns with {f('prices')} and {f('quantities')}, or {f('intercepts')}, or "
            f"{f('good')}, {f('price')} and {f('quantity')} for one row per good")
    missing = [f"x_{g}" for g in pgoods if g not in xgoods]
    extra = sorted(f"p_{g}" for g in xgoods if g not in set(pgoods))
    if missing or extra:
        raise BudgetShapeError(f"{table.name}: missing column(s) {', '.join(missing + extra)}")
    return [f"p_{g}" for g in pgoods], [f"x_{g}" for g in pgoods], pgoods


def _wide_columns(table: Table, layout: Layout, mode: str
                  ) -> tuple[list[str], list[str], list[str]]:
    """Price (or intercept) and quantity columns, paired, and the goods' names."""
    pspec = _names(layout.intercepts if mode == "intercepts" else layout.prices)
    xspec = _names(layout.quantities)
    if pspec is None and xspec is None:
        return _default_goods(table, layout)
    pname = "intercepts" if mode == "intercepts" else "prices"
    if pspec is None or xspec is None:
        raise InputError(f"give both {layout.flag(pname)} and {layout.flag('quantities')}")
    pcols, pstems, ppat = _resolve(table, pspec, pname, layout)
    xcols, xstems, xpat = _resolve(table, xspec, "quantities", layout)
    if len(pcols) != len(xcols):
        raise BudgetShapeError(f"{table.name}: {len(pcols)} {pname} column(s) "
                               f"({', '.join(pcols)}) but {len(xcols)} quantity column(s) "
                               f"({', '.join(xcols)})")
    if ppat and xpat and len(set(xstems)) == len(xstems) and set(pstems) == set(xstems):
        by_stem = dict(zip(pstems, pcols, strict=True))
        pcols = [by_stem[s] for s in xstems]
    goods = xstems if xpat else xcols
    if len(set(goods)) != len(goods):
        goods = xcols
    return pcols, xcols, goods


def _single(table: Table, name: str | None, param: str, layout: Layout) -> str | None:
    if name is None:
        return None
    name = name.strip()
    if name not in table.header:
        raise BudgetShapeError(f"{table.name}: no column {name!r} ({layout.flag(param)}; "
                               f"columns: {_listing(table.header)})")
    return name


# -------------------------------------------------------------------------- subjects


def _keys(table: Table, layout: Layout) -> list[str]:
    """The subject of every row (``"1"`` for all when there is no subject column)."""
    spec = _names(layout.subject)
    if layout.single:
        return ["1"] * table.n
    if spec is None:
        if "subject" not in table.header:
            return ["1"] * table.n
        spec = ("subject",)
    cols, _, _ = _resolve(table, spec, "subject", layout)
    columns = [table.column(c) for c in cols]
    keys = []
    seen: dict[str, tuple[str, ...]] = {}
    for i in range(table.n):
        parts = []
        for c, values in zip(cols, columns, strict=True):
            v = values[i]
            if is_missing(v):
                raise InputError(f"{table.name}: {table.place(i)}, column {c}: missing "
                                 "subject id")
            parts.append(text_of(v))
        key = "/".join(parts)
        if seen.setdefault(key, tuple(parts)) != tuple(parts):
            raise InputError(f"{table.name}: {table.place(i)}: the subject key {key!r} is "
                             f"also that of {seen[key]!r} (columns {', '.join(cols)}): the "
                             "values contain '/'")
        keys.append(key)
    return keys


def _groups(keys: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        out.setdefault(k, []).append(i)
    return out


def _labels(table: Table, rows: list[int], obs: list[Any] | None, col: str | None,
            key: str) -> tuple[str, ...]:
    """Observation labels of one subject (1, 2, … without an observation column); a label
    used twice is an error naming both rows."""
    if obs is None or col is None:
        return tuple(str(t + 1) for t in range(len(rows)))
    seen: dict[str, int] = {}
    for i in rows:
        v = obs[i]
        if is_missing(v):
            raise InputError(f"{table.name}: {table.place(i)}, column {col}: missing value")
        label = text_of(v)
        if label in seen:
            raise InputError(f"{table.name}: {table.place(i)}, column {col}: subject {key} has "
                             f"observation {label!r} twice (also {table.place(seen[label])})")
        seen[label] = i
    return tuple(seen)


def _wide_subject(table: Table, key: str, rows: list[int], cols: tuple[list[str], list[str]],
                  cells: tuple[list[list[Any]], list[list[Any]]], goods: list[str],
                  intercepts: bool, numbers: str | None
                  ) -> tuple[list[list[Any]], list[list[Any]], list[int]]:
    """Prices (``1/intercept`` exactly with ``intercepts``, ``numbers`` reading the floats)
    and quantities of one subject, leaving out the goods with no cell filled."""
    pcols, xcols = cols
    pcells, xcells = cells
    keep = [k for k in range(len(goods))
            if any(not is_missing(pcells[k][i]) or not is_missing(xcells[k][i]) for i in rows)]
    if not keep:
        raise BudgetShapeError(f"{table.name}: subject {key} has no prices or quantities "
                               "(all their cells are empty)")
    P: list[list[Any]] = []
    X: list[list[Any]] = []
    for i in rows:
        p_row, x_row = [], []
        for k in keep:
            p = cell(table, i, pcols[k], pcells[k][i], "intercept" if intercepts else "price")
            if intercepts:
                p = 1 / as_fraction(p, what=pcols[k], numbers=numbers)
            p_row.append(p)
            x_row.append(cell(table, i, xcols[k], xcells[k][i], "quantity"))
        P.append(p_row)
        X.append(x_row)
    return P, X, keep


def _plain_column(col: list[Any], positive: bool) -> np.ndarray | None:
    """The column as float64 when every cell is plain: all text or all floats, each one the
    cell rules accept (finite, a positive price or a non-negative quantity, no digits that
    underflow to 0); ``None`` sends the table through the cell-by-cell reading, which names
    any bad cell. O(rows)."""
    kinds = {type(v) for v in col}
    if kinds not in ({str}, {float}):
        return None
    if str in kinds and any(not v or "_" in v for v in col):
        return None
    try:
        a = np.array(col, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (np.isfinite(a).all() and ((a > 0).all() if positive else (a >= 0).all())):
        return None
    if str in kinds:
        for i in np.flatnonzero(a == 0).tolist():
            if any(ch in "123456789" for ch in col[i].lower().split("e")[0]):
                return None
    return a


def _read_wide_plain(table: Table, pcols: list[str], xcols: list[str], goods: list[str],
                     groups: dict[str, list[int]], intercepts: bool, numbers: str | None,
                     labels: Any) -> list[SubjectParts] | None:
    """The whole table at once when every price and quantity cell is plain: one vectorised
    parse per column and one vectorised rational reading (:func:`rational_parts`) of all
    cells, so that each subject's exact numbers come with it. ``None`` when some cell is not
    plain (the cell-by-cell reading then decides, with its messages). O(rows × goods)."""
    read = [_plain_column(table.column(c), True) for c in pcols]
    read += [_plain_column(table.column(c), False) for c in xcols]
    cols = [c for c in read if c is not None]
    if len(cols) != len(read):
        return None
    Pin = np.column_stack(cols[:len(pcols)])
    X = np.column_stack(cols[len(pcols):])
    if not (X > 0).any(axis=1).all():
        return None  # a subject buys nothing: the cell-by-cell reading names it
    mode = reading_of(numbers)
    pn, pd = rational_parts(Pin, mode)
    xn, xd = rational_parts(X, mode)
    if intercepts:  # price = 1/intercept exactly: the parts swap
        if pn.dtype == object or pd.dtype == object or max(int(pn.max()), int(pd.max())) >= 2**53:
            return None
        pn, pd = pd, pn
        P = pn.astype(np.float64) / pd.astype(np.float64)  # exact operands: correctly rounded
    else:
        P = Pin
    lists = [m.tolist() for m in (pn, pd, xn, xd)]
    out = []
    K = len(goods)
    for key, rows in groups.items():
        Ps, Xs = P[rows], X[rows]
        origin = _Origin([[i] * K for i in rows], list(pcols), list(xcols))
        _check_range(table, key, Ps, Xs, origin)
        exact = (*([m[i] for i in rows] for m in lists), intercepts)
        out.append(SubjectParts(key, Ps, Xs, tuple(goods), labels(key, rows), exact))
    return out


def _read_wide(table: Table, layout: Layout, mode: str, keys: list[str],
               numbers: str | None) -> list[SubjectParts]:
    pcols, xcols, goods = _wide_columns(table, layout, mode)
    obs_col = _single(table, layout.observation, "observation", layout)
    obs = table.column(obs_col) if obs_col else None
    groups = _groups(keys)
    plain = _read_wide_plain(table, pcols, xcols, goods, groups, mode == "intercepts", numbers,
                             lambda key, rows: _labels(table, rows, obs, obs_col, key))
    if plain is not None:
        return plain
    cells = ([table.column(c) for c in pcols], [table.column(c) for c in xcols])
    out = []
    for key, rows in groups.items():
        P, X, keep = _wide_subject(table, key, rows, (pcols, xcols), cells, goods,
                                   mode == "intercepts", numbers)
        labels = _labels(table, rows, obs, obs_col, key)
        origin = _Origin([[i] * len(keep) for i in rows], [pcols[k] for k in keep],
                         [xcols[k] for k in keep])
        out.append(_parts(table, key, P, X, tuple(goods[k] for k in keep), labels, origin))
    return out


def _read_long(table: Table, layout: Layout, keys: list[str]) -> list[SubjectParts]:
    cols = [_single(table, getattr(layout, a), a, layout)
            for a in ("observation", "good", "price", "quantity")]
    obs_col, good_col, p_col, x_col = (str(c) for c in cols)
    obs, good, price, qty = (table.column(c) for c in (obs_col, good_col, p_col, x_col))
    out = []
    for key, rows in _groups(keys).items():
        where: dict[str, dict[str, int]] = {}
        goods: dict[str, None] = {}
        for i in rows:
            for c, v in ((obs_col, obs[i]), (good_col, good[i])):
                if is_missing(v):
                    raise InputError(f"{table.name}: {table.place(i)}, column {c}: missing "
                                     "value")
            label, g = text_of(obs[i]), text_of(good[i])
            at = where.setdefault(label, {})
            if g in at:
                raise InputError(f"{table.name}: {table.place(i)}: subject {key}, observation "
                                 f"{label!r} has good {g!r} twice (also {table.place(at[g])})")
            at[g] = i
            goods.setdefault(g, None)
        P, X, src = [], [], []
        for label, at in where.items():
            lack = [g for g in goods if g not in at]
            if lack:
                i0 = min(at.values())
                raise BudgetShapeError(
                    f"{table.name}: {table.place(i0)}: subject {key}, observation {label!r} "
                    f"has no row for good {lack[0]!r} (its other observations do)")
            P.append([cell(table, at[g], p_col, price[at[g]], "price") for g in goods])
            X.append([cell(table, at[g], x_col, qty[at[g]], "quantity") for g in goods])
            src.append([at[g] for g in goods])
        origin = _Origin(src, [p_col] * len(goods), [x_col] * len(goods))
        out.append(_parts(table, key, P, X, tuple(goods), tuple(where), origin))
    return out


@dataclass(frozen=True)
class _Origin:
    """Where entry ``(t, k)`` was read: row ``rows[t][k]``, columns ``pcols[k]``/``xcols[k]``."""

    rows: list[list[int]]
    pcols: list[str]
    xcols: list[str]

    def at(self, table: Table, t: int, k: int, price: bool) -> str:
        col = self.pcols[k] if price else self.xcols[k]
        return f"{table.place(self.rows[t][k])}, column {col}"


#: every cost p·x must lie in this range, so that the float layer computes costs and their
#: ratios (up to 1e300) without overflow or underflow
COST_RANGE = (1e-150, 1e150)


def _floats(M: np.ndarray) -> np.ndarray:
    if M.dtype != object:
        return M.astype(np.float64)
    out = np.empty(M.shape, dtype=np.float64)
    for idx, v in np.ndenumerate(M):
        try:
            out[idx] = float(v)
        except OverflowError:
            out[idx] = math.inf
    return out


def _check_range(table: Table, key: str, P: np.ndarray, X: np.ndarray, origin: _Origin
                 ) -> None:
    """Reject numbers whose costs leave :data:`COST_RANGE`, naming the cells. O(TK)."""
    Pf, Xf = _floats(P), _floats(X)
    pos = np.where(Xf > 0, Xf, np.inf)
    with np.errstate(all="ignore"):
        hi = float(Pf.max()) * float(Xf.max(axis=0).sum())
        lo = float(Pf.min()) * float(pos.min())
    if COST_RANGE[0] <= lo and hi <= COST_RANGE[1]:
        return
    big = hi > COST_RANGE[1]
    tp, kp = np.unravel_index(Pf.argmax() if big else Pf.argmin(), Pf.shape)
    tx, kx = np.unravel_index(Xf.argmax() if big else pos.argmin(), Xf.shape)
    what = f"reach about {hi:.3g}" if big else f"fall to about {lo:.3g}"
    raise NonFiniteError(
        f"{table.name}: {origin.at(table, int(tp), int(kp), True)}: subject {key}: the price "
        f"{Pf[tp, kp]:g} with the quantity {Xf[tx, kx]:g} "
        f"({origin.at(table, int(tx), int(kx), False)}) make costs {what}, outside "
        f"{COST_RANGE[0]:g} to {COST_RANGE[1]:g}, where the checks compute")


def _parts(table: Table, key: str, P: list[list[Any]], X: list[list[Any]],
           goods: tuple[str, ...], labels: tuple[str, ...], origin: _Origin) -> SubjectParts:
    for t, x in enumerate(X):
        if not any(v > 0 for v in x):
            cols = ", ".join(dict.fromkeys(origin.xcols))
            raise ZeroExpenditureError(
                f"{table.name}: {table.place(origin.rows[t][0])}: subject {key} buys nothing "
                f"(column(s) {cols} all 0)")
    Pm, Xm = matrix(P), matrix(X)
    _check_range(table, key, Pm, Xm, origin)
    return SubjectParts(key, Pm, Xm, tuple(goods), labels)


def read_subjects(table: Table, layout: Layout, numbers: str | None = None
                  ) -> list[SubjectParts]:
    """Every subject of ``table`` under ``layout``, in order of appearance.

    ``numbers`` is the reading of floats (:mod:`coherence.numbers`) used where the reader
    computes exactly: the prices ``1/intercept`` (``None``: the reading in force).

    O(rows × goods), with one Python conversion per cell.

    >>> import pandas as pd
    >>> from coherence.budgets._tables import frame_table
    >>> frame = pd.DataFrame({"who": ["a", "a", "a", "a"], "t": [1, 1, 2, 2],
    ...                       "good": ["x", "y", "x", "y"], "p": [1, 2, 2, 1],
    ...                       "q": [1, 0, 0, 1]})
    >>> [s] = read_subjects(frame_table(frame), Layout(subject="who", observation="t",
    ...                                                good="good", price="p", quantity="q"))
    >>> s.key, s.goods, s.labels, s.prices.tolist()
    ('a', ('x', 'y'), ('1', '2'), [[1, 2], [2, 1]])
    """
    try:
        mode = layout.mode()
        keys = _keys(table, layout)
        if table.n == 0:
            raise BudgetShapeError(f"{table.name}: no observations")
        if mode == "long":
            return _read_long(table, layout, keys)
        return _read_wide(table, layout, mode, keys, numbers)
    except InputError as exc:
        raise type(exc)(one_line(str(exc))) from None
