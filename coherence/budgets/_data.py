"""Budget data: prices and chosen bundles, one row per observation.

An observation ``t`` is a price vector ``p_t`` (all positive) and the bundle ``x_t`` (all
non-negative, not zero) bought at those prices; spending ``p_t·x_t`` is the budget. The
revealed-preference checks in :mod:`coherence.budgets` read these objects. Data are
immutable, validated once, and exact: each entry is the rational the number policy reads
(:mod:`coherence.numbers`: a float is the decimal it was meant to be unless the binary
reading is asked for; Fractions, Decimals and strings are exact), the float64 arrays of the
fast layer hold the nearest floats, and every certificate is re-checked in exact arithmetic
against the rationals.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from coherence._exact import fraction_array, rational_parts
from coherence._exact.numbers import NumberReading, current_reading
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


def _matrix(a: Any, name: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The float64 matrix of ``a`` and, when ``a`` holds exact numbers (Fractions, Decimals,
    strings), their Fractions (else ``None``: the floats are read by the policy later)."""
    exact = None
    raw = a if isinstance(a, np.ndarray) else None
    if raw is None:
        try:
            raw = np.array(a, dtype=object)
        except (TypeError, ValueError) as exc:
            raise BudgetShapeError(f"{name} must be numeric: {exc}") from None
    if raw.dtype == object and raw.size and not all(
        isinstance(v, float | int | np.floating | np.integer) and not isinstance(v, bool)
        for v in raw.reshape(-1).tolist()
    ):
        try:
            exact = fraction_array(raw, what=name)
        except InputError as exc:
            raise BudgetShapeError(f"{name} must be numeric: {exc}") from None
        try:
            flat = [float(v) for v in exact.reshape(-1)]
        except OverflowError:
            raise NonFiniteError(f"{name}: an entry is beyond the range of a float") from None
        raw = np.array(flat, dtype=np.float64).reshape(raw.shape)
    try:
        m = np.array(raw, dtype=np.float64, copy=True)
    except (TypeError, ValueError, OverflowError) as exc:
        raise BudgetShapeError(f"{name} must be numeric: {exc}") from None
    _shape(m, name)
    return m, exact


def _shape(m: np.ndarray, name: str) -> None:
    if m.ndim == 1:
        raise BudgetShapeError(f"{name} must be a T×K matrix (one row per observation), got 1-D")
    if m.ndim != 2:
        raise BudgetShapeError(f"{name} must be a T×K matrix, got {m.ndim} dimensions")


def _where(m: np.ndarray, mask: np.ndarray) -> str:
    t, k = np.argwhere(mask)[0]
    return f"observation {int(t)}, good {int(k)}: {m[t, k]!r}"


@dataclass(frozen=True)
class _Parts:
    """Exact numerators and denominators of prices and quantities (rows of Python ints)."""

    pn: list[list[int]]
    pd: list[list[int]]
    xn: list[list[int]]
    xd: list[list[int]]
    given: bool

    @classmethod
    def of_floats(cls, P: np.ndarray, X: np.ndarray, reading: str) -> _Parts:
        """The policy's reading of two float matrices (vectorised). O(TK)."""
        mode: NumberReading = "binary" if reading == "binary" else "decimal"
        pn, pd = rational_parts(P, mode)
        xn, xd = rational_parts(X, mode)
        return cls(pn.tolist(), pd.tolist(), xn.tolist(), xd.tolist(), False)

    def prices(self, t: int) -> tuple[list[int], list[int]]:
        return self.pn[t], self.pd[t]

    def quantities(self, t: int) -> tuple[list[int], list[int]]:
        return self.xn[t], self.xd[t]

    def take(self, idx: np.ndarray) -> _Parts:
        rows = idx.tolist()
        pn, pd, xn, xd = ([m[r] for r in rows] for m in (self.pn, self.pd, self.xn, self.xd))
        return _Parts(pn, pd, xn, xd, given=self.given)


def _given_parts(data: BudgetData, Pq: np.ndarray | None, Xq: np.ndarray | None) -> _Parts:
    """Exact parts when some entries were given exactly (the rest read by the policy)."""
    if isinstance(data._parts, _Parts):
        return data._parts
    base = _Parts.of_floats(data.prices, data.quantities, str(data.numbers))
    out: list[list[list[int]]] = []
    for q, n, d in ((Pq, base.pn, base.pd), (Xq, base.xn, base.xd)):
        if q is None:
            out += [n, d]
            continue
        out += [[[v.numerator for v in row] for row in q.tolist()],
                [[v.denominator for v in row] for row in q.tolist()]]
    return _Parts(out[0], out[1], out[2], out[3], given=True)


@dataclass(frozen=True, eq=False)
class BudgetData:
    """Prices and chosen bundles of one decision-maker (immutable, validated).

    Args:
        prices: ``T × K`` array, ``prices[t, k] > 0`` the price of good ``k`` at observation ``t``.
        quantities: ``T × K`` array, ``quantities[t, k] ≥ 0`` the amount bought.
        goods: optional names of the ``K`` goods (default ``"0", "1", ...``).
        numbers: how floats are read (:mod:`coherence.numbers`): ``"decimal"`` (``0.8`` is
            ``4/5``) or ``"binary"`` (the float's dyadic value); ``None`` takes the reading
            in force (:func:`coherence.number_reading`, ``"decimal"`` by default). Exact
            entries (Fractions, Decimals, ``"p/q"`` strings) are kept exactly either way.

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
    numbers: str | None = None
    _parts: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        P, Pq = _matrix(self.prices, "prices")
        X, Xq = _matrix(self.quantities, "quantities")
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
        reading = current_reading() if self.numbers is None else self.numbers
        if reading not in ("decimal", "binary"):
            raise InputError(f"numbers must be 'decimal' or 'binary', got {reading!r}")
        object.__setattr__(self, "numbers", reading)
        if Pq is not None or Xq is not None or self._parts is not None:
            object.__setattr__(self, "_parts", _given_parts(self, Pq, Xq))

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
    @property
    def exact_given(self) -> bool:
        """Whether some entry was given exactly (not as a float), so that the rationals are
        not a reading of the float arrays."""
        return self._parts is not None and self._parts.given

    def _exact(self) -> _Parts:
        parts = self._parts
        if parts is None:
            parts = _Parts.of_floats(self.prices, self.quantities, str(self.numbers))
            object.__setattr__(self, "_parts", parts)
        return parts

    def exact_prices(self, t: int) -> tuple[Fraction, ...]:
        """The prices of observation ``t`` as the exact rationals the data hold. O(K).

        >>> BudgetData([[0.8, 1]], [[1, 2]]).exact_prices(0)
        (Fraction(4, 5), Fraction(1, 1))
        """
        n, d = self._exact().prices(t)
        return tuple(Fraction(a, b) for a, b in zip(n, d, strict=True))

    def exact_quantities(self, t: int) -> tuple[Fraction, ...]:
        """The bundle of observation ``t`` as the exact rationals the data hold. O(K)."""
        n, d = self._exact().quantities(t)
        return tuple(Fraction(a, b) for a, b in zip(n, d, strict=True))

    def exact_cost(self, i: int, j: int) -> Fraction:
        """``p_i·x_j`` exactly, as a :class:`~fractions.Fraction`. O(K).

        >>> BudgetData([[0.1, 0.2]], [[1, 1]]).exact_cost(0, 0)
        Fraction(3, 10)
        """
        parts = self._exact()
        pn, pd = parts.prices(i)
        xn, xd = parts.quantities(j)
        num, den = 0, 1
        for a, b, c, d in zip(pn, pd, xn, xd, strict=True):
            if a and c:
                bd = b * d
                num, den = num * bd + a * c * den, den * bd
        return Fraction(num, den)

    def same_bundle(self, i: int, j: int) -> bool:
        """``x_i == x_j`` exactly."""
        if self.exact_given:
            return self._exact().quantities(i) == self._exact().quantities(j)
        return bool(np.array_equal(self.quantities[i], self.quantities[j]))

    def subset(self, observations: Sequence[int] | np.ndarray) -> BudgetData:
        """The data restricted to the given observations (in that order)."""
        idx = np.asarray(observations, dtype=np.int64)
        parts = self._parts.take(idx) if self.exact_given else None
        return BudgetData(self.prices[idx], self.quantities[idx], self.goods,
                          numbers=self.numbers, _parts=parts)

    # -- readers -----------------------------------------------------------------------
    @classmethod
    def from_numpy(
        cls, prices: Any, quantities: Any, goods: Sequence[str] | None = None, *,
        numbers: str | None = None,
    ) -> BudgetData:
        """Build from two ``T × K`` arrays (copied); ``numbers`` as for the constructor."""
        return cls(prices, quantities, tuple(goods) if goods else (), numbers=numbers)

    @classmethod
    def from_pandas(cls, frame: Any, *, prices: Sequence[str] | None = None,
                    quantities: Sequence[str] | None = None,
                    numbers: str | None = None) -> BudgetData:
        """Build from a DataFrame with columns ``p_<good>`` and ``x_<good>``.

        ``prices``/``quantities`` name the columns explicitly (same order) instead;
        ``numbers`` as for the constructor.
        """
        cols = [str(c) for c in frame.columns]
        pcols, xcols, goods = _price_quantity_columns(cols, prices, quantities, "data frame")
        try:
            P = frame[pcols].to_numpy(dtype=np.float64)
            X = frame[xcols].to_numpy(dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise BudgetShapeError(f"data frame: non-numeric price or quantity: {exc}") from None
        return cls(P, X, goods, numbers=numbers)

    @classmethod
    def from_csv(cls, path: str | Path, *, subject: str | None = None,
                 numbers: str | None = None) -> BudgetData:
        """Read one decision-maker's data from a CSV (columns ``p_<good>``, ``x_<good>``).

        A file with a ``subject`` column holding several subjects needs ``subject`` (the id to
        read); :func:`budgets_from_csv` reads them all as a panel. ``numbers`` as for the
        constructor.
        """
        panel = budgets_from_csv(path, subject_column="subject", numbers=numbers)
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
    def from_pandas(cls, frame: Any, *, subject: str = "subject",
                    numbers: str | None = None) -> BudgetPanel:
        """Split a long DataFrame (``subject``, ``p_<good>``, ``x_<good>``) by subject."""
        if subject not in frame.columns:
            raise BudgetShapeError(f"data frame: missing subject column {subject!r}")
        out: dict[str, BudgetData] = {}
        for key, part in frame.groupby(subject, sort=False):
            k = str(key[0] if isinstance(key, tuple) else key)
            out[k] = BudgetData.from_pandas(part.drop(columns=[subject]), numbers=numbers)
        return cls(out)

    @classmethod
    def from_csv(cls, path: str | Path, *, subject: str | None = "subject",
                 numbers: str | None = None) -> BudgetPanel:
        """Read a long CSV; see :func:`budgets_from_csv`."""
        return budgets_from_csv(path, subject_column=subject, numbers=numbers)


def budgets_from_csv(
    path: str | Path, *, subject_column: str | None = "subject", require_subject: bool = False,
    numbers: str | None = None,
) -> BudgetPanel:
    r"""Read budget data from a CSV with one row per observation.

    Columns ``p_<good>`` and ``x_<good>`` for the same goods, and an optional subject column
    (ignored when absent from the header; all rows are then one subject ``"1"``). Other
    columns are ignored; ``require_subject`` makes a missing subject column an error. Cells
    are read as floats and then by the number policy (``numbers``: ``"decimal"``, the
    default, reads ``0.1`` as 1/10 and ``0.3333333333333333`` as 1/3; ``"binary"`` keeps
    the floats' binary values; see :mod:`coherence.numbers`).
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
            out[key] = BudgetData(a[:, :K], a[:, K:], goods, numbers=numbers)
        except BudgetDataError as exc:
            raise type(exc)(f"{path}: subject {key}: {exc}") from None
    return BudgetPanel(out)
