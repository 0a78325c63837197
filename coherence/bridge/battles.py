"""Pairwise battles and judge verdicts: reading them, and their win counts.

A *battle* is one comparison of two named contestants with one of four outcomes: the first
won, the second won, a tie, or a tie where both were bad. Two table formats are read:

* **arena** (leaderboard battles, as in Chatbot Arena's public data and FastChat's
  ``compute_mle_elo``): columns ``model_a, model_b, winner`` with ``winner`` one of
  ``model_a``, ``model_b``, ``tie``, ``tie (bothbad)``;
* **judge** (LLM-as-judge verdicts): columns ``prompt, a, b, verdict`` where ``a`` and ``b``
  name the two contestants shown to the judge, ``a`` first, and ``verdict`` is ``A``, ``B``,
  ``tie`` or ``tie (bothbad)`` (case-insensitive). The prompt is kept as context only: the
  counts pool every prompt.

A header row is required; other columns are ignored; labels are compared after stripping
white space (winner labels also case-insensitively). Counting policy (stated, as in
Bradley–Terry fits of arena data): a tie of either kind gives each side half a point; the
summary counts the two tie kinds separately. Pairs never compared carry no information and
are never read as a preference (see :func:`coherence.bridge.audit_battles`).

Bad input raises :class:`BattleDataError` (an :class:`~coherence.errors.InputError`) naming
the file, line and label: a missing column, an unknown winner label, a self-battle
(``model_a == model_b``), an empty table, and a contestant that appears in fewer than
``min_battles`` rows (default 2: with one battle its strength is unbounded, a win or a loss
is all there is to go on).
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coherence.errors import InputError
from coherence.relations import PreferenceRelation
from coherence.validation import check_file

__all__ = [
    "ARENA_COLUMNS",
    "JUDGE_COLUMNS",
    "OUTCOMES",
    "BattleCounts",
    "BattleDataError",
    "Battles",
    "battle_counts",
    "battles_from_columns",
    "read_battles",
]

#: outcome codes, in order: the first side won, the second won, a tie, a tie where both were bad
OUTCOMES = ("first", "second", "tie", "tie (bothbad)")
#: required columns of an arena table (model_a, model_b, winner)
ARENA_COLUMNS = ("model_a", "model_b", "winner")
#: required columns of a judge table (prompt, a, b, verdict)
JUDGE_COLUMNS = ("prompt", "a", "b", "verdict")

_LABELS = {
    "arena": {"model_a": 0, "model_b": 1, "tie": 2, "tie (bothbad)": 3},
    "judge": {"a": 0, "b": 1, "tie": 2, "tie (bothbad)": 3},
}


class BattleDataError(InputError):
    """A battle or judge table that cannot be counted (missing columns, unknown labels,
    self-battles, contestants seen too rarely, an empty table)."""


@dataclass(frozen=True, eq=False)
class Battles:
    """A table of battles, encoded (immutable).

    Attributes:
        models: contestant names, sorted.
        first, second: ``int32`` indices into ``models`` of each battle's two sides (``first``
            is ``model_a`` / the judge's ``A``, shown first).
        outcome: ``int8`` codes into :data:`OUTCOMES` (0 first won, 1 second won, 2 tie,
            3 tie both bad).
        kind: ``"arena"`` or ``"judge"``.
    """

    models: tuple[str, ...]
    first: np.ndarray
    second: np.ndarray
    outcome: np.ndarray
    kind: str = "arena"

    def __post_init__(self) -> None:
        n = len(self.models)
        if len(set(self.models)) != n:
            raise BattleDataError("contestant names must be distinct")
        arrays = []
        for name, dtype in (("first", np.int32), ("second", np.int32), ("outcome", np.int8)):
            a = np.asarray(getattr(self, name))
            if a.ndim != 1 or a.dtype.kind not in "iu":
                raise BattleDataError(f"{name} must be a 1-d integer array")
            a = a.astype(dtype, copy=True)
            a.setflags(write=False)
            object.__setattr__(self, name, a)
            arrays.append(a)
        f, s, o = arrays
        if not (len(f) == len(s) == len(o)):
            raise BattleDataError("first, second and outcome must have one entry per battle")
        if len(f) and (min(f.min(), s.min()) < 0 or max(f.max(), s.max()) >= n):
            raise BattleDataError("a battle names a contestant index out of range")
        if len(o) and (o.min() < 0 or o.max() > 3):
            raise BattleDataError("outcome codes are 0..3")
        if self.kind not in _LABELS:
            raise BattleDataError(f"kind must be arena or judge, got {self.kind!r}")

    def __len__(self) -> int:
        return int(self.first.shape[0])

    @property
    def n(self) -> int:
        """The number of contestants."""
        return len(self.models)

    def counts(self) -> BattleCounts:
        """The win counts (:func:`battle_counts`)."""
        return battle_counts(self)


@dataclass(frozen=True, eq=False)
class BattleCounts:
    """Outcome counts per ordered pair of contestants (immutable).

    Attributes:
        models: contestant names.
        wins: ``wins[i, j]``, decisive wins of ``i`` over ``j`` (``int64``, ``n × n``).
        ties: ``ties[i, j]``, plain ties between ``i`` and ``j`` (symmetric).
        bothbad: ``bothbad[i, j]``, "tie (bothbad)" outcomes between ``i`` and ``j``
            (symmetric).
        first_wins, second_wins: decisive battles won by the side shown first / second.
    """

    models: tuple[str, ...]
    wins: np.ndarray
    ties: np.ndarray
    bothbad: np.ndarray
    first_wins: int = 0
    second_wins: int = 0

    def __post_init__(self) -> None:
        n = len(self.models)
        for name in ("wins", "ties", "bothbad"):
            a = np.array(getattr(self, name), dtype=np.int64)
            if a.shape != (n, n):
                raise BattleDataError(f"{name} must be {n} × {n}, got shape {a.shape}")
            if (a < 0).any():
                raise BattleDataError(f"{name} must be non-negative counts")
            if np.diagonal(a).any():
                raise BattleDataError(f"{name} has a self-battle on its diagonal")
            if name != "wins" and not (a == a.T).all():
                raise BattleDataError(f"{name} must be symmetric")
            a.setflags(write=False)
            object.__setattr__(self, name, a)

    @property
    def n(self) -> int:
        return len(self.models)

    @property
    def points2(self) -> np.ndarray:
        """Twice the points of ``i`` against ``j``: ``2·wins + ties + bothbad`` (integers, so
        every comparison of points is exact)."""
        return 2 * self.wins + self.ties + self.bothbad

    @property
    def points(self) -> np.ndarray:
        """Points of ``i`` against ``j`` (a tie of either kind is ½ each), float64."""
        return self.points2 / 2.0

    @property
    def games(self) -> np.ndarray:
        """Battles between ``i`` and ``j`` (symmetric)."""
        return self.wins + self.wins.T + self.ties + self.bothbad

    @property
    def compared(self) -> np.ndarray:
        """Boolean mask of the pairs that met at least once (symmetric, false diagonal)."""
        return self.games > 0

    @property
    def battles(self) -> int:
        """The number of battles counted."""
        return int(self.games.sum()) // 2

    def probabilities(self) -> np.ndarray:
        """``P[i, j]``: the share of points ``i`` took from ``j`` (ties ½), and ½ for a pair
        never compared and on the diagonal. ``P + Pᵀ = 1``. O(n²)."""
        g = self.games
        with np.errstate(invalid="ignore", divide="ignore"):
            P = np.where(g > 0, self.points2 / np.maximum(2 * g, 1), 0.5)
        np.fill_diagonal(P, 0.5)
        return P

    def majority_relation(self) -> PreferenceRelation:
        """``i ≽ j`` iff ``i`` and ``j`` met and ``i`` took at least half the points, decided
        on the integer counts (exact); pairs never compared are left unrelated, so no pump
        ever runs through a pair without data. Reflexive. O(n²).

        >>> c = BattleCounts(("x", "y"), [[0, 3], [1, 0]], [[0, 0], [0, 0]], [[0, 0], [0, 0]])
        >>> c.majority_relation().weak.astype(int).tolist()
        [[1, 1], [0, 1]]
        """
        p2 = self.points2
        W = self.compared & (p2 >= p2.T)
        np.fill_diagonal(W, True)
        return PreferenceRelation(self.models, W)

    def summary(self) -> dict[str, Any]:
        """Totals: battles, decisive ones, both tie kinds, compared pairs, and the share of
        decisive battles the first-shown side won."""
        n = self.n
        decisive = int(self.wins.sum())
        compared = int(np.triu(self.compared, 1).sum())
        return {
            "battles": self.battles,
            "contestants": n,
            "decisive": decisive,
            "ties": int(np.triu(self.ties, 1).sum()),
            "ties_bothbad": int(np.triu(self.bothbad, 1).sum()),
            "compared_pairs": compared,
            "pairs": n * (n - 1) // 2,
            "first_wins": self.first_wins,
            "second_wins": self.second_wins,
        }


def battle_counts(battles: Battles) -> BattleCounts:
    """Count outcomes per ordered pair with one ``bincount``. O(rows + n²).

    >>> b = battles_from_columns(["x", "x", "y"], ["y", "y", "x"], ["model_a", "tie", "model_a"])
    >>> c = battle_counts(b)
    >>> c.wins.tolist(), c.ties.tolist(), c.points.tolist()
    ([[0, 1], [1, 0]], [[0, 1], [1, 0]], [[0.0, 1.5], [1.5, 0.0]])
    """
    n = battles.n
    key = (battles.outcome.astype(np.int64) * n + battles.first) * n + battles.second
    C = np.bincount(key, minlength=4 * n * n).reshape(4, n, n).astype(np.int64)
    return BattleCounts(
        battles.models,
        C[0] + C[1].T,
        C[2] + C[2].T,
        C[3] + C[3].T,
        first_wins=int(C[0].sum()),
        second_wins=int(C[1].sum()),
    )


#: a column as integer codes into its distinct raw values
Column = tuple[np.ndarray, list[str]]


def _codes(values: Sequence[str]) -> Column:
    """Integer codes of ``values`` and the distinct values (in order of first appearance).
    O(len) dictionary look-ups."""
    index: dict[str, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64,
                        count=len(values))
    return codes, list(index)


def _encode(col_a: Column, col_b: Column, col_w: Column, kind: str, min_battles: int,
            where: Any) -> Battles:
    """Encode three coded columns; ``where(k)`` names data row ``k`` in error messages.
    Contestants are named after stripping white space and listed in sorted order."""
    if kind not in _LABELS:
        raise BattleDataError(f"format must be arena or judge, got {kind!r}")
    (ca, raw_a), (cb, raw_b), (cw, raw_w) = col_a, col_b, col_w
    if not len(ca):
        raise BattleDataError("no battles: the table has a header and no rows")
    models = tuple(sorted({x.strip() for x in raw_a} | {x.strip() for x in raw_b}))
    index = {m: i for i, m in enumerate(models)}
    first = np.array([index[x.strip()] for x in raw_a], dtype=np.int64)[ca]
    second = np.array([index[x.strip()] for x in raw_b], dtype=np.int64)[cb]
    if "" in index:
        k = int(np.flatnonzero((first == index[""]) | (second == index[""]))[0])
        raise BattleDataError(f"{where(k)}: a contestant name is empty")
    odd = next((m for m in models if any(ord(c) < 32 for c in m)), None)
    if odd is not None:  # a NUL or other control character: a damaged or binary file
        k = int(np.flatnonzero((first == index[odd]) | (second == index[odd]))[0])
        raise BattleDataError(f"{where(k)}: the contestant name {odd!r} holds a control "
                              "character")
    labels = _LABELS[kind]
    outcome = np.array([labels.get(w.strip().lower(), -1) for w in raw_w], dtype=np.int64)[cw]
    if (outcome < 0).any():
        k = int(np.flatnonzero(outcome < 0)[0])
        allowed = ", ".join(repr(x) for x in (labels if kind == "arena" else
                                              ("A", "B", "tie", "tie (bothbad)")))
        raise BattleDataError(f"{where(k)}: unknown {'winner' if kind == 'arena' else 'verdict'}"
                              f" label {raw_w[cw[k]]!r} (one of {allowed})")
    same = first == second
    if same.any():
        k = int(np.flatnonzero(same)[0])
        raise BattleDataError(f"{where(k)}: a self-battle ({models[first[k]]!r} against itself)")
    seen = np.bincount(first, minlength=len(models)) + np.bincount(second, minlength=len(models))
    rare = np.flatnonzero(seen < min_battles)
    if rare.size:
        m = int(rare[0])
        k = int(np.flatnonzero((first == m) | (second == m))[0])
        raise BattleDataError(
            f"{where(k)}: {models[m]!r} appears in {int(seen[m])} battle(s), fewer than "
            f"min_battles = {min_battles} (its strength is not identified; drop its rows or "
            f"lower min_battles / --min-battles)"
        )
    return Battles(models, first, second, outcome, kind)


def battles_from_columns(
    model_a: Sequence[Hashable],
    model_b: Sequence[Hashable],
    winner: Sequence[str],
    *,
    kind: str = "arena",
    min_battles: int = 1,
) -> Battles:
    """Battles from three equal-length columns (lists, numpy arrays, pandas Series): the two
    sides and the outcome label (arena: ``model_a``, ``model_b``, ``tie``, ``tie (bothbad)``;
    judge: ``A``, ``B``, ``tie``, ``tie (bothbad)``). Names are converted with ``str``;
    contestants are listed in sorted order. Rows are named by their 1-based position in
    errors; ``min_battles`` (default 1 here, 2 in :func:`read_battles`) is the fewest rows a
    contestant may appear in. O(rows).

    >>> b = battles_from_columns(["y", "x"], ["z", "y"], ["model_a", "tie (bothbad)"])
    >>> b.models, b.first.tolist(), b.outcome.tolist()
    (('x', 'y', 'z'), [1, 0], [0, 3])
    """
    a = [str(x) for x in model_a]
    b = [str(x) for x in model_b]
    w = [str(x) for x in winner]
    if not (len(a) == len(b) == len(w)):
        raise BattleDataError(f"columns of different lengths: {len(a)}, {len(b)}, {len(w)}")
    return _encode(_codes(a), _codes(b), _codes(w), kind, min_battles,
                   lambda k: f"row {k + 1}")


def read_battles(path: str, *, format: str = "auto", min_battles: int = 2,
                 engine: str = "auto") -> Battles:
    """Read an arena or judge CSV (see the module docstring); ``format="auto"`` picks arena
    when the header has ``model_a, model_b, winner`` and judge when it has ``prompt, a, b,
    verdict``. Errors name the file and line. O(rows).

    ``engine``: ``"pandas"`` reads with pandas' C parser into categorical columns (1–2 s
    for 10⁶ rows on a busy 2-core machine; needs ``coherence[pandas]``), ``"csv"`` with the
    standard library's reader and a dictionary per column (several times slower);
    ``"auto"`` uses pandas when it is installed. Both give the same battles; a table pandas
    cannot read as it stands (a short or long row, a missing value) is read again by the
    ``csv`` engine, whose errors name the line.

    Raises:
        BattleDataError: see the module docstring; ``min_battles`` (default 2) is the fewest
            rows a contestant may appear in.

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "battles.csv"
    >>> _ = f.write_text("model_a,model_b,winner\\nx,y,model_a\\ny,x,tie (bothbad)\\n")
    >>> b = read_battles(str(f))
    >>> b.kind, b.models, b.counts().summary()["ties_bothbad"]
    ('arena', ('x', 'y'), 1)
    >>> _ = f.write_text("model_a,model_b,winner\\nx,y,model_a\\ny,x,draw\\n")
    >>> read_battles(str(f))
    Traceback (most recent call last):
    ...
    coherence.bridge.battles.BattleDataError: ...battles.csv:3: unknown winner label 'draw' ...
    """
    p = check_file(path)
    if min_battles < 1:
        raise BattleDataError(f"min_battles must be at least 1, got {min_battles}")
    if engine not in ("auto", "pandas", "csv"):
        raise BattleDataError(f"engine must be auto, pandas or csv, got {engine!r}")
    header = _header(p, path)
    names = [h.strip().lower() for h in header]
    kind = _detect(path, names, format)
    wanted = ARENA_COLUMNS if kind == "arena" else JUDGE_COLUMNS
    twice = [c for c in wanted if names.count(c) > 1]
    if twice:
        raise BattleDataError(f"{path}: column {twice[0]!r} appears {names.count(twice[0])} "
                              "times in the header")
    idx = [names.index(c) for c in (ARENA_COLUMNS if kind == "arena" else ("a", "b", "verdict"))]
    cols = _pandas_columns(p, idx, len(header)) if engine != "csv" else None
    if cols is None and engine == "pandas":
        _require_pandas()
    if cols is None:
        cols = _csv_columns(p, path, idx, len(header))

    def where(k: int) -> str:
        return f"{path}:{_line_of(p, k)}"

    try:
        return _encode(cols[0], cols[1], cols[2], kind, min_battles, where)
    except BattleDataError as exc:
        msg = str(exc)
        raise BattleDataError(msg if msg.startswith(path) else f"{path}: {msg}") from None


def _header(p: Any, path: str) -> list[str]:
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError as exc:
        raise BattleDataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from None
    except csv.Error as exc:
        raise BattleDataError(f"{path}: malformed CSV: {exc}") from None
    if not header:
        raise BattleDataError(f"{path}: empty file (a header row is required)")
    return header


def _require_pandas() -> None:
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise BattleDataError('engine="pandas" needs pandas: pip install "coherence[pandas]"') \
            from None


def _pandas_columns(p: Any, idx: list[int], width: int) -> list[Column] | None:
    """The three columns through pandas' C parser as categoricals, or ``None`` when pandas is
    missing or the table is not plainly rectangular and filled (the ``csv`` engine then
    reads it and names the faulty line). Every column is parsed (``usecols`` would let a row
    with more fields than the header through); only the three become categoricals, the
    others keep pandas' own types (as categoricals, unique time stamps cost 25× more).
    O(rows · width)."""
    try:
        import pandas as pd
    except ImportError:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # anything pandas would warn about: read again
            df = pd.read_csv(p, header=0, index_col=False, dtype=dict.fromkeys(idx, "category"),
                             keep_default_na=False, na_filter=False, encoding="utf-8-sig",
                             engine="c", skip_blank_lines=True, low_memory=False)
    except Exception:  # the csv engine is the reference: it reads the file or says why not
        return None
    if df.shape[1] != width:
        return None
    out: list[Column] = []
    for j in idx:
        col = df.iloc[:, j]
        if not isinstance(col.dtype, pd.CategoricalDtype):
            return None
        codes = col.cat.codes.to_numpy().astype(np.int64)
        if (codes < 0).any():
            return None
        out.append((codes, [str(x) for x in col.cat.categories]))
    if any("" in cats for _, cats in out):  # a short row or an empty cell: the csv engine
        return None                          # tells them apart and names the line
    return out


def _csv_columns(p: Any, path: str, idx: list[int], width: int) -> list[Column]:
    """The three columns through the standard library's reader; a row with more fields
    than the header's ``width`` is refused (an unquoted comma shifts the columns). O(rows)."""
    try:
        with p.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            rows = [r for r in reader if r]
    except UnicodeDecodeError as exc:
        raise BattleDataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from None
    except csv.Error as exc:
        raise BattleDataError(f"{path}: malformed CSV: {exc}") from None
    long = next((k for k, r in enumerate(rows) if len(r) > width), None)
    if long is not None:
        raise BattleDataError(f"{path}:{_line_of(p, long)}: {len(rows[long])} fields, more "
                              f"than the header's {width} (a comma in a name needs quotes)")
    try:
        return [_codes([r[i] for r in rows]) for i in idx]
    except IndexError:
        k = next(i for i, r in enumerate(rows) if len(r) <= max(idx))
        raise BattleDataError(f"{path}:{_line_of(p, k)}: {len(rows[k])} field(s), fewer than "
                              "the header's") from None


def _detect(path: str, names: list[str], format: str) -> str:
    if format not in ("auto", "arena", "judge"):
        raise BattleDataError(f"format must be auto, arena or judge, got {format!r}")
    has = {k: all(c in names for c in cols)
           for k, cols in (("arena", ARENA_COLUMNS), ("judge", JUDGE_COLUMNS))}
    if format == "auto":
        for k in ("arena", "judge"):
            if has[k]:
                return k
        missing = [c for c in ARENA_COLUMNS if c not in names]
        raise BattleDataError(
            f"{path}: missing column(s) {', '.join(missing)} (an arena table has "
            f"{', '.join(ARENA_COLUMNS)}; a judge table has {', '.join(JUDGE_COLUMNS)})"
        )
    if not has[format]:
        need = ARENA_COLUMNS if format == "arena" else JUDGE_COLUMNS
        missing = [c for c in need if c not in names]
        raise BattleDataError(f"{path}: missing column(s) {', '.join(missing)}")
    return format


def _line_of(p: Any, k: int) -> int:
    """The file line on which data row ``k`` (0-based, blank lines skipped) ends; read again
    only when an error is reported. O(k)."""
    with p.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        seen = -1
        for r in reader:
            if r:
                seen += 1
                if seen == k:
                    return reader.line_num
    return k + 2
