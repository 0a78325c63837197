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

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Unpack

import numpy as np

from coherence._exact import fraction_array, rational_parts, reading_of
from coherence._exact.numbers import NumberReading
from coherence.budgets._readers import ColumnNames, Layout, SubjectParts, read_subjects
from coherence.budgets._tables import csv_table, frame_table, one_line
from coherence.errors import (
    BudgetDataError,
    BudgetShapeError,
    InputError,
    NegativeQuantityError,
    NonFiniteError,
    NonPositivePriceError,
    ZeroExpenditureError,
)
from coherence.validation import check_type

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
    if raw.dtype.kind in "iu" and raw.size and int(np.abs(raw).max()) >= 2**53:
        raw = raw.astype(object)  # integers a float cannot hold are read exactly
    if raw.dtype == object and raw.size and not all(
        (isinstance(v, float | np.floating)
         or (isinstance(v, int | np.integer) and abs(int(v)) < 2**53))
        and not isinstance(v, bool)
        for v in raw.reshape(-1).tolist()
    ):  # exact entries, or integers a float cannot hold
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
        object.__setattr__(self, "numbers", reading_of(self.numbers))
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
    def from_pandas(cls, frame: Any, *, numbers: str | None = None,
                    **columns: Unpack[ColumnNames]) -> BudgetData:
        """One decision-maker's data from a pandas or polars DataFrame (every row is theirs).

        Columns ``p_<good>`` and ``x_<good>``, or the columns named as for
        :meth:`BudgetPanel.from_dataframe` (``prices``/``quantities``, ``intercepts``, or
        ``good``/``price``/``quantity`` with ``observation``); ``numbers`` as for the
        constructor. O(rows × goods).

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"price_a": [1, 2], "price_b": [2, 1],
        ...                       "a_bought": [3, 0], "b_bought": [0, 3]})
        >>> d = BudgetData.from_pandas(frame, prices="price_*", quantities="*_bought")
        >>> d.goods, d.prices.tolist()
        (('a', 'b'), [[1.0, 2.0], [2.0, 1.0]])
        """
        [part] = read_subjects(frame_table(frame), Layout(single=True, **columns), numbers)
        return _budget_data(part, numbers, "data frame")

    @classmethod
    def from_csv(cls, path: str | Path, *, subject: str | None = None,
                 subject_column: str | Sequence[str] | None = None, numbers: str | None = None,
                 **columns: Unpack[ColumnNames]) -> BudgetData:
        """Read one decision-maker's data from a CSV (see :func:`budgets_from_csv`).

        A file whose subject column (``subject_column``, default ``subject`` when present)
        holds several subjects needs ``subject``, the id to read. Columns are named as for
        :func:`budgets_from_csv`; ``numbers`` as for the constructor. O(rows × goods).

        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "one.csv"
        >>> _ = f.write_text("p_a,p_b,x_a,x_b\\n1,2,1,2\\n2,1,2,1\\n")
        >>> BudgetData.from_csv(f).T
        2
        """
        kw: dict[str, Any] = {"subject": subject_column} if subject_column is not None else {}
        panel = budgets_from_csv(path, numbers=numbers, **kw, **columns)
        if subject is None:
            if len(panel) != 1:
                raise InputError(f"{path}: holds {len(panel)} subjects; name one")
            return next(iter(panel.values()))
        if subject not in panel.subjects:
            raise InputError(f"{path}: no subject {subject!r}")
        return panel[subject]


def _budget_data(part: SubjectParts, numbers: str | None, where: str) -> BudgetData:
    try:
        parts = None if part.exact is None else _Parts(*part.exact)
        return BudgetData(part.prices, part.quantities, part.goods, numbers=numbers,
                          _parts=parts)
    except BudgetDataError as exc:
        raise type(exc)(one_line(f"{where}: subject {part.key}: {exc}")) from None


@dataclass(frozen=True, eq=False)
class BudgetPanel(Mapping[str, BudgetData]):
    """Budget data of several subjects, keyed by subject id (a string), in file order.

    ``labels`` optionally names each subject's observations (as the file did: a round, a
    budget number), one label per row of its data; :meth:`observation_labels` gives them.
    """

    data: Mapping[str, BudgetData]
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        d = dict(self.data)
        if not d:
            raise BudgetShapeError("a panel needs at least one subject")
        for k, v in d.items():
            check_type(v, BudgetData, f"subject {k!r}")
        labels = {str(k): tuple(str(x) for x in v) for k, v in dict(self.labels).items()}
        for k, names in labels.items():
            if k not in d:
                raise BudgetShapeError(f"labels for subject {k!r}, who has no data")
            if len(names) != d[k].T:
                raise BudgetShapeError(f"subject {k!r}: {len(names)} labels for {d[k].T} "
                                       "observations")
        object.__setattr__(self, "data", d)
        object.__setattr__(self, "labels", labels)

    @property
    def subjects(self) -> tuple[str, ...]:
        """Subject ids in order."""
        return tuple(self.data)

    def observation_labels(self, subject: str) -> tuple[str, ...]:
        """The labels of ``subject``'s observations, row by row: as read from the file's
        observation column, else ``"1"``, ``"2"``, … in order. O(T).

        >>> BudgetPanel({"a": BudgetData([[1], [2]], [[1], [1]])}).observation_labels("a")
        ('1', '2')
        """
        got = self.labels.get(subject)
        return got if got is not None else tuple(str(t + 1) for t in range(self[subject].T))

    def __getitem__(self, key: str) -> BudgetData:
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    @classmethod
    def from_dataframe(cls, frame: Any, *, subject: str | Sequence[str] | None = None,
                       numbers: str | None = None,
                       **columns: Unpack[ColumnNames]) -> BudgetPanel:
        """Split a pandas or polars DataFrame into subjects, read as it is laid out.

        * ``subject``: the column(s) keying a subject (several are joined with ``/``);
          default ``subject`` when the frame has one, else all rows are subject ``"1"``;
        * ``observation``: the column labelling observations (required with ``good``);
        * ``prices``, ``quantities``: one column per good, each a list of names, a
          comma-separated string or a glob pattern (``"price_*"``: the ``*`` names the
          good); default ``p_<good>`` and ``x_<good>``;
        * ``intercepts`` (with ``quantities``): budget lines by their intercepts, prices
          ``1/intercept`` exactly and income 1;
        * ``good``, ``price``, ``quantity``: long data, one row per observation and good.

        Each subject has the goods it uses. ``numbers`` as for :class:`BudgetData`. Errors
        (:class:`~coherence.errors.InputError` subclasses) name the row and the column.
        O(rows × goods).

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"id": [7, 7], "round": [1, 2], "x_int": [2.0, 4.0],
        ...                       "y_int": [4.0, 2.0], "x": [1.0, 2.0], "y": [2.0, 1.0]})
        >>> panel = BudgetPanel.from_dataframe(frame, subject="id", observation="round",
        ...                                    intercepts="x_int,y_int", quantities="x,y")
        >>> panel["7"].exact_prices(0), panel.observation_labels("7")
        ((Fraction(1, 2), Fraction(1, 4)), ('1', '2'))
        """
        parts = read_subjects(frame_table(frame), Layout(subject=subject, **columns), numbers)
        return _panel(parts, numbers, "data frame")

    @classmethod
    def from_pandas(cls, frame: Any, *, subject: str | Sequence[str] = "subject",
                    numbers: str | None = None,
                    **columns: Unpack[ColumnNames]) -> BudgetPanel:
        """:meth:`from_dataframe` with a subject column that must be there (default
        ``subject``). O(rows × goods).

        >>> import pandas as pd
        >>> frame = pd.DataFrame({"subject": ["u", "u", "v"], "p_a": [1, 2, 1],
        ...                       "x_a": [1, 1, 2]})
        >>> BudgetPanel.from_pandas(frame).subjects
        ('u', 'v')
        """
        return cls.from_dataframe(frame, subject=subject, numbers=numbers, **columns)

    @classmethod
    def from_csv(cls, path: str | Path, *, subject: str | Sequence[str] | None = "subject",
                 numbers: str | None = None, **columns: Unpack[ColumnNames]) -> BudgetPanel:
        """Read a CSV; see :func:`budgets_from_csv` (here ``subject`` names the subject
        column(s): ``"subject"`` is used when present, ``None`` reads one subject).

        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "b.csv"
        >>> _ = f.write_text("subject,p_a,x_a\\nu,1,1\\nv,2,1\\n")
        >>> BudgetPanel.from_csv(f).subjects
        ('u', 'v')
        """
        return budgets_from_csv(path, subject_column=subject, numbers=numbers, **columns)


def _panel(parts: list[SubjectParts], numbers: str | None, where: str) -> BudgetPanel:
    data = {p.key: _budget_data(p, numbers, where) for p in parts}
    return BudgetPanel(data, {p.key: p.labels for p in parts})


def budgets_from_csv(
    path: str | Path, *, subject: str | Sequence[str] | None = None,
    subject_column: str | Sequence[str] | None = "subject", require_subject: bool = False,
    numbers: str | None = None, **columns: Unpack[ColumnNames],
) -> BudgetPanel:
    r"""Read budget data from a CSV file as it is laid out, one subject per key.

    The columns are named as for :meth:`BudgetPanel.from_dataframe`: ``subject`` (one or
    several columns, required when given), ``observation``, ``prices`` and ``quantities``
    (lists or glob patterns; default ``p_<good>`` and ``x_<good>``), ``intercepts`` (prices
    ``1/intercept``, income 1), or ``good``, ``price`` and ``quantity`` for one row per
    observation and good. Without ``subject``, the ``subject_column`` keys subjects when the
    header has it (``None``: never; ``require_subject``: it must be there); without either,
    all rows are one subject ``"1"``. Other columns are ignored; each subject has the goods
    it uses. Cells are read as text, converted to floats and read by the number policy
    (``numbers``: ``"decimal"``, the default, reads ``0.1`` as 1/10 and
    ``0.3333333333333333`` as 1/3; ``"binary"`` keeps the floats' binary values; see
    :mod:`coherence.numbers`). Raises :class:`~coherence.errors.InputError` subclasses naming
    the line and the column for a missing file, malformed CSV, missing columns or values,
    non-numbers, numbers beyond the range of a float and every defect :class:`BudgetData`
    rejects. O(rows × columns).

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "budgets.csv"
    >>> _ = f.write_text("subject,p_a,p_b,x_a,x_b\n1,1,2,1,2\n1,2,1,2,1\n2,1,1,3,0\n")
    >>> panel = budgets_from_csv(f)
    >>> panel.subjects, panel["1"].T, panel["2"].goods
    (('1', '2'), 2, ('a', 'b'))
    >>> _ = f.write_text("id,t,good,p,q\n1,1,a,1,2\n1,1,b,2,1\n1,2,a,2,1\n1,2,b,1,2\n")
    >>> budgets_from_csv(f, subject="id", observation="t", good="good", price="p",
    ...                  quantity="q")["1"].quantities.tolist()
    [[2.0, 1.0], [1.0, 2.0]]
    """
    table = csv_table(path)
    if subject is None and subject_column is not None:
        names = [subject_column] if isinstance(subject_column, str) else list(subject_column)
        if require_subject or all(n in table.header for n in names):
            subject = subject_column
    layout = Layout(subject=subject, single=subject is None, **columns)
    return _panel(read_subjects(table, layout, numbers), numbers, str(path))
