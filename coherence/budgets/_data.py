"""Budget data: prices and chosen bundles, one row per observation.

An observation ``t`` is a price vector ``p_t`` (all positive) and the bundle ``x_t`` (all
non-negative, not zero) bought at those prices; spending ``p_t·x_t`` is the budget. The
revealed-preference checks in :mod:`coherence.budgets` read these objects. Data are
immutable, validated once, and exact: every float is a dyadic rational, and every
certificate is re-checked in exact arithmetic against these numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from coherence.errors import (
    BudgetDataError,
    BudgetShapeError,
    InputError,
    NegativeQuantityError,
    NonFiniteError,
    NonPositivePriceError,
    ZeroExpenditureError,
)
from coherence.validation import check_file, check_type

__all__ = [
    "BudgetData",
    "BudgetDataError",
    "BudgetPanel",
    "BudgetShapeError",
    "NegativeQuantityError",
    "NonFiniteError",
    "NonPositivePriceError",
    "ZeroExpenditureError",
    "budgets_from_csv",
]


def _matrix(a: Any, name: str) -> np.ndarray:
    try:
        m = np.array(a, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise BudgetShapeError(f"{name} must be numeric: {exc}") from None
    if m.ndim == 1:
        raise BudgetShapeError(f"{name} must be a T×K matrix (one row per observation), got 1-D")
    if m.ndim != 2:
        raise BudgetShapeError(f"{name} must be a T×K matrix, got {m.ndim} dimensions")
    return m


def _where(m: np.ndarray, mask: np.ndarray) -> str:
    t, k = np.argwhere(mask)[0]
    return f"observation {int(t)}, good {int(k)}: {m[t, k]!r}"


@dataclass(frozen=True, eq=False)
class BudgetData:
    """Prices and chosen bundles of one decision-maker (immutable, validated).

    Args:
        prices: ``T × K`` array, ``prices[t, k] > 0`` the price of good ``k`` at observation ``t``.
        quantities: ``T × K`` array, ``quantities[t, k] ≥ 0`` the amount bought.
        goods: optional names of the ``K`` goods (default ``"0", "1", ...``).

    Raises:
        BudgetShapeError: not two ``T × K`` matrices of the same shape, or ``T < 1``/``K < 1``.
        NonFiniteError: a NaN or infinite entry.
        NonPositivePriceError: a price ``≤ 0``.
        NegativeQuantityError: a quantity ``< 0``.
        ZeroExpenditureError: an observation whose bundle is zero.
    """

    prices: np.ndarray = field(repr=False)
    quantities: np.ndarray = field(repr=False)
    goods: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        P = _matrix(self.prices, "prices")
        X = _matrix(self.quantities, "quantities")
        if P.shape != X.shape:
            raise BudgetShapeError(
                f"prices are {P.shape[0]}×{P.shape[1]} but quantities are {X.shape[0]}×{X.shape[1]}"
            )
        T, K = P.shape
        if T < 1:
            raise BudgetShapeError("budget data need at least one observation (T ≥ 1)")
        if K < 1:
            raise BudgetShapeError("budget data need at least one good (K ≥ 1)")
        for m, name in ((P, "price"), (X, "quantity")):
            bad = ~np.isfinite(m)
            if bad.any():
                raise NonFiniteError(f"{name} is not finite at {_where(m, bad)}")
        if (P <= 0).any():
            raise NonPositivePriceError(f"price must be positive at {_where(P, P <= 0)}")
        if (X < 0).any():
            raise NegativeQuantityError(f"quantity must be non-negative at {_where(X, X < 0)}")
        zero = ~(X > 0).any(axis=1)
        if zero.any():
            raise ZeroExpenditureError(
                f"observation {int(np.flatnonzero(zero)[0])} buys nothing (zero expenditure)"
            )
        goods = tuple(str(g) for g in self.goods) if self.goods else tuple(map(str, range(K)))
        if len(goods) != K:
            raise BudgetShapeError(f"{len(goods)} good names for {K} goods")
        if len(set(goods)) != K:
            raise BudgetShapeError("good names must be distinct")
        P.setflags(write=False)
        X.setflags(write=False)
        object.__setattr__(self, "prices", P)
        object.__setattr__(self, "quantities", X)
        object.__setattr__(self, "goods", goods)

    # -- shape ---------------------------------------------------------------------------
    @property
    def T(self) -> int:
        """Number of observations."""
        return int(self.prices.shape[0])

    @property
    def K(self) -> int:
        """Number of goods."""
        return int(self.prices.shape[1])

    def __len__(self) -> int:
        return self.T

    # -- floats (fast layer) -----------------------------------------------------------
    def expenditure(self) -> np.ndarray:
        """``E[i, j] = p_i·x_j`` (float64, ``T × T``): the cost of bundle ``j`` at prices ``i``.

        One matrix product, O(T²K). Rounded; the exact layer never relies on it.
        """
        return self.prices @ self.quantities.T

    def own_expenditure(self) -> np.ndarray:
        """``e[t] = p_t·x_t`` (float64): what observation ``t`` spent. O(TK)."""
        return np.einsum("ij,ij->i", self.prices, self.quantities)

    # -- exact layer -------------------------------------------------------------------
    def exact_cost(self, i: int, j: int) -> Fraction:
        """``p_i·x_j`` exactly, as a :class:`~fractions.Fraction`. O(K)."""
        p, x = self.prices[i], self.quantities[j]
        return sum((Fraction(float(a)) * Fraction(float(b)) for a, b in zip(p, x, strict=True)),
                   Fraction(0))

    def same_bundle(self, i: int, j: int) -> bool:
        """``x_i == x_j`` exactly."""
        return bool(np.array_equal(self.quantities[i], self.quantities[j]))

    def subset(self, observations: Sequence[int] | np.ndarray) -> BudgetData:
        """The data restricted to the given observations (in that order)."""
        idx = np.asarray(observations, dtype=np.int64)
        return BudgetData(self.prices[idx], self.quantities[idx], self.goods)

    # -- readers -----------------------------------------------------------------------
    @classmethod
    def from_numpy(
        cls, prices: Any, quantities: Any, goods: Sequence[str] | None = None
    ) -> BudgetData:
        """Build from two ``T × K`` arrays (copied)."""
        return cls(prices, quantities, tuple(goods) if goods else ())

    @classmethod
    def from_pandas(cls, frame: Any, *, prices: Sequence[str] | None = None,
                    quantities: Sequence[str] | None = None) -> BudgetData:
        """Build from a DataFrame with columns ``p_<good>`` and ``x_<good>``.

        ``prices``/``quantities`` name the columns explicitly (same order) instead.
        """
        cols = [str(c) for c in frame.columns]
        pcols, xcols, goods = _price_quantity_columns(cols, prices, quantities, "data frame")
        try:
            P = frame[pcols].to_numpy(dtype=np.float64)
            X = frame[xcols].to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise BudgetShapeError(f"data frame: non-numeric price or quantity: {exc}") from None
        return cls(P, X, goods)

    @classmethod
    def from_csv(cls, path: str | Path, *, subject: str | None = None) -> BudgetData:
        """Read one decision-maker's data from a CSV (columns ``p_<good>``, ``x_<good>``).

        A file with a ``subject`` column holding several subjects needs ``subject`` (the id to
        read); :func:`budgets_from_csv` reads them all as a panel.
        """
        panel = budgets_from_csv(path, subject_column="subject")
        if subject is None:
            if len(panel) != 1:
                raise InputError(f"{path}: holds {len(panel)} subjects; name one")
            return next(iter(panel.values()))
        if subject not in panel.subjects:
            raise InputError(f"{path}: no subject {subject!r}")
        return panel[subject]


def _price_quantity_columns(
    cols: Sequence[str],
    prices: Sequence[str] | None,
    quantities: Sequence[str] | None,
    where: str,
) -> tuple[list[str], list[str], tuple[str, ...]]:
    if prices is not None or quantities is not None:
        if prices is None or quantities is None or len(prices) != len(quantities):
            raise BudgetShapeError(f"{where}: give as many price columns as quantity columns")
        missing = [c for c in (*prices, *quantities) if c not in cols]
        if missing:
            raise BudgetShapeError(f"{where}: missing column(s) {', '.join(missing)}")
        return list(prices), list(quantities), tuple(str(q) for q in quantities)
    pgoods = [c[2:] for c in cols if c.startswith("p_") and len(c) > 2]
    xgoods = {c[2:] for c in cols if c.startswith("x_") and len(c) > 2}
    if not pgoods:
        raise BudgetShapeError(f"{where}: no price columns (p_<good>)")
    missing = [f"x_{g}" for g in pgoods if g not in xgoods]
    extra = sorted(f"p_{g}" for g in xgoods if g not in set(pgoods))
    if missing or extra:
        raise BudgetShapeError(f"{where}: missing column(s) {', '.join(missing + extra)}")
    return [f"p_{g}" for g in pgoods], [f"x_{g}" for g in pgoods], tuple(pgoods)


@dataclass(frozen=True, eq=False)
class BudgetPanel(Mapping[str, BudgetData]):
    """Budget data of several subjects, keyed by subject id (a string), in file order."""

    data: Mapping[str, BudgetData]

    def __post_init__(self) -> None:
        d = dict(self.data)
        if not d:
            raise BudgetShapeError("a panel needs at least one subject")
        for k, v in d.items():
            check_type(v, BudgetData, f"subject {k!r}")
        object.__setattr__(self, "data", d)

    @property
    def subjects(self) -> tuple[str, ...]:
        """Subject ids in order."""
        return tuple(self.data)

    def __getitem__(self, key: str) -> BudgetData:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    @classmethod
    def from_pandas(cls, frame: Any, *, subject: str = "subject") -> BudgetPanel:
        """Split a long DataFrame (``subject``, ``p_<good>``, ``x_<good>``) by subject."""
        if subject not in frame.columns:
            raise BudgetShapeError(f"data frame: missing subject column {subject!r}")
        out: dict[str, BudgetData] = {}
        for key, part in frame.groupby(subject, sort=False):
            k = str(key[0] if isinstance(key, tuple) else key)
            out[k] = BudgetData.from_pandas(part.drop(columns=[subject]))
        return cls(out)

    @classmethod
    def from_csv(cls, path: str | Path, *, subject: str | None = "subject") -> BudgetPanel:
        """Read a long CSV; see :func:`budgets_from_csv`."""
        return budgets_from_csv(path, subject_column=subject)


def budgets_from_csv(
    path: str | Path, *, subject_column: str | None = "subject", require_subject: bool = False
) -> BudgetPanel:
    r"""Read budget data from a CSV with one row per observation.

    Columns ``p_<good>`` and ``x_<good>`` for the same goods, and an optional subject column
    (ignored when absent from the header; all rows are then one subject ``"1"``). Other
    columns are ignored; ``require_subject`` makes a missing subject column an error.
    Raises :class:`~coherence.errors.InputError` subclasses for a missing
    file, missing columns or values, non-numbers and every defect :class:`BudgetData` rejects.
    O(rows × columns).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "budgets.csv"
    >>> _ = f.write_text("subject,p_a,p_b,x_a,x_b\n1,1,2,1,2\n1,2,1,2,1\n2,1,1,3,0\n")
    >>> panel = budgets_from_csv(f)
    >>> panel.subjects, panel["1"].T, panel["2"].goods
    (('1', '2'), 2, ('a', 'b'))
    """
    p = check_file(path)
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise InputError(f"{path}: empty file") from None
        pcols, xcols, goods = _price_quantity_columns(header, None, None, str(path))
        pos = {h: i for i, h in enumerate(header)}
        sidx = pos.get(subject_column) if subject_column else None
        if require_subject and sidx is None:
            raise BudgetShapeError(f"{path}: missing subject column {subject_column!r}")
        groups: dict[str, list[list[float]]] = {}
        for lineno, row in enumerate(reader, start=2):
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(header):
                raise InputError(f"{path}:{lineno}: {len(row)} fields, header has {len(header)}")
            key = row[sidx].strip() if sidx is not None else "1"
            if sidx is not None and not key:
                raise InputError(f"{path}:{lineno}: missing subject id")
            vals: list[float] = []
            for c in (*pcols, *xcols):
                cell = row[pos[c]].strip()
                if not cell:
                    raise InputError(f"{path}:{lineno}: missing value in column {c}")
                try:
                    vals.append(float(cell))
                except ValueError:
                    raise InputError(
                        f"{path}:{lineno}: column {c}: not a number: {cell!r}"
                    ) from None
            groups.setdefault(key, []).append(vals)
    if not groups:
        raise BudgetShapeError(f"{path}: no observations")
    K = len(goods)
    out: dict[str, BudgetData] = {}
    for key, rows in groups.items():
        a = np.array(rows, dtype=np.float64)
        try:
            out[key] = BudgetData(a[:, :K], a[:, K:], goods)
        except BudgetDataError as exc:
            raise type(exc)(f"{path}: subject {key}: {exc}") from None
    return BudgetPanel(out)
