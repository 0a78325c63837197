"""Reading PrefLib election files as committees of voters.

PrefLib (Mattei & Walsh 2013; format of 2022) files ``.soc``, ``.soi``, ``.toc`` and ``.toi``
hold ``# KEY: value`` header lines — among them ``# ALTERNATIVE NAME k: name`` — then one line
per distinct ballot: ``count: order``. An order lists alternative numbers best first,
separated by commas; ``{a,b}`` is a tie. The extension fixes what a ballot may be:

=====  ===============================  ========================
type   orders                           ties
=====  ===============================  ========================
soc    complete                         no
soi    incomplete allowed               no
toc    complete                         yes
toi    incomplete allowed               yes
=====  ===============================  ========================

An :class:`Election` becomes a :class:`~subagents.committee.Committee` with one member per
distinct ballot and the ballot's count as its count; unranked alternatives are read as
``"ignore"`` (a pair counts only when the ballot ranks both) or ``"below"`` (ranked beats
unranked).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from coherence.errors import InputError
from coherence.subagents.committee import Committee, Unranked
from coherence.subagents.rules import Majority, Rule
from coherence.validation import check_file, check_integer

__all__ = ["Election", "parse_preflib", "read_preflib"]

_DATA_TYPES = ("soc", "soi", "toc", "toi")
_COUNT_LINE = re.compile(r"^\s*(-?\d+)\s*:\s*(.*?)\s*$")
_ALT_NAME = re.compile(r"^ALTERNATIVE NAME\s+(\d+)$")

Ballot = tuple[tuple[int, ...], ...]  # tiers of alternative numbers, best first


@dataclass(frozen=True)
class Election:
    """The content of a PrefLib file.

    Attributes:
        alternatives: alternative number → name, in increasing number order.
        ballots: ``(count, tiers)`` per distinct ballot, tiers best first; a count may be 0.
        data_type: ``"soc"``, ``"soi"``, ``"toc"`` or ``"toi"``.
        metadata: the other header fields, as written.
    """

    alternatives: dict[int, str]
    ballots: tuple[tuple[int, Ballot], ...]
    data_type: str = "toi"
    metadata: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.alternatives:
            raise InputError("an election needs at least one alternative")
        if not self.ballots:
            raise InputError("an election needs at least one ballot")
        if self.data_type not in _DATA_TYPES:
            raise InputError(f"unknown PrefLib data type {self.data_type!r}")
        for count, tiers in self.ballots:
            check_integer(count, "ballot count", min_value=0)
            _check_ballot(tiers, self.alternatives, self.data_type, where="ballot")

    @property
    def voters(self) -> int:
        """Total number of voters."""
        return sum(c for c, _ in self.ballots)

    def ranks(self) -> np.ndarray:
        """``(ballots × alternatives)`` integer scores: tier ``t`` of ``T`` scores ``T − t``,
        unranked ``−1``. Columns follow :attr:`alternatives`; ballots with count 0 (PrefLib
        lists unused orders that way) are left out."""
        col = {a: j for j, a in enumerate(self.alternatives)}
        cast = [b for b in self.ballots if b[0] > 0]
        R = np.full((len(cast), len(col)), -1, dtype=np.int64)
        for k, (_, tiers) in enumerate(cast):
            T = len(tiers)
            for t, tier in enumerate(tiers):
                R[k, [col[a] for a in tier]] = T - t
        return R

    def committee(self, rule: Rule | None = None, *, unranked: Unranked = "ignore") -> Committee:
        """A committee with one member per distinct ballot (count = its voters); items are the
        alternative numbers. Default rule: simple :class:`~subagents.rules.Majority`."""
        if self.voters == 0:
            raise InputError("every ballot has count 0: the election has no voters")
        return Committee.from_ranks(
            self.ranks(), rule if rule is not None else Majority(),
            items=tuple(self.alternatives), counts=[c for c, _ in self.ballots if c > 0],
            unranked=unranked,
        )

    def to_preflib(self) -> str:
        """The election as PrefLib text (headers, then ``count: order`` lines)."""
        uniq = len(self.ballots)
        lines = [
            f"# DATA TYPE: {self.data_type}",
            f"# NUMBER ALTERNATIVES: {len(self.alternatives)}",
            f"# NUMBER VOTERS: {self.voters}",
            f"# NUMBER UNIQUE ORDERS: {uniq}",
        ]
        lines += [f"# ALTERNATIVE NAME {a}: {name}" for a, name in self.alternatives.items()]
        for count, tiers in self.ballots:
            parts = [
                str(t[0]) if len(t) == 1 else "{" + ",".join(str(a) for a in t) + "}"
                for t in tiers
            ]
            lines.append(f"{count}: {','.join(parts)}")
        return "\n".join(lines) + "\n"


def _check_ballot(
    tiers: Ballot, alternatives: Collection[int], data_type: str, *, where: str
) -> None:
    seen: set[int] = set()
    if not tiers:
        raise InputError(f"{where}: empty ballot")
    for tier in tiers:
        if not tier:
            raise InputError(f"{where}: empty tie {{}}")
        for a in tier:
            if a not in alternatives:
                raise InputError(f"{where}: unknown alternative {a}")
            if a in seen:
                raise InputError(f"{where}: alternative {a} is ranked twice")
            seen.add(a)
        if len(tier) > 1 and data_type in ("soc", "soi"):
            raise InputError(f"{where}: a tie {{...}} is not allowed in a .{data_type} file")
    if data_type in ("soc", "toc") and len(seen) != len(alternatives):
        unranked = (a for a in alternatives if a not in seen)  # a range: in increasing order
        missing = next(unranked) if isinstance(alternatives, range) else min(unranked)
        raise InputError(
            f"{where}: a .{data_type} ballot must rank every alternative (missing {missing})"
        )


def _parse_order(text: str, where: str) -> Ballot:
    tiers: list[tuple[int, ...]] = []
    i, s = 0, text.replace(" ", "")
    if not s:
        raise InputError(f"{where}: empty ballot")
    while i < len(s):
        if s[i] == "{":
            j = s.find("}", i)
            if j < 0:
                raise InputError(f"{where}: unclosed '{{'")
            body = s[i + 1 : j]
            tokens = body.split(",") if body else []
            tiers.append(tuple(_alt(tok, where) for tok in tokens))
            i = j + 1
        else:
            j = s.find(",", i)
            j = len(s) if j < 0 else j
            tok = s[i:j]
            if "}" in tok or "{" in tok:
                raise InputError(f"{where}: malformed tie in {text!r}")
            tiers.append((_alt(tok, where),))
            i = j
        if i < len(s):
            if s[i] != ",":
                raise InputError(f"{where}: expected ',' in {text!r}")
            i += 1
            if i == len(s):
                raise InputError(f"{where}: trailing ',' in {text!r}")
    return tuple(tiers)


def _alt(tok: str, where: str) -> int:
    if not tok.isdigit():
        raise InputError(f"{where}: {tok!r} is not an alternative number")
    return int(tok)


def parse_preflib(text: str, *, source: str = "<text>", data_type: str | None = None) -> Election:
    """Parse PrefLib text. ``data_type`` overrides the ``# DATA TYPE`` header (else the header,
    else ``"toi"``, the most permissive).

    Raises:
        InputError: a malformed line (with its line number), an unknown or repeated
            alternative, a negative count, a tie or a missing alternative where the
            data type forbids it, or a ``NUMBER VOTERS`` header that disagrees with the counts.

    >>> e = parse_preflib("# DATA TYPE: soc\\n2: 1,2,3\\n1: 3,1,2\\n")
    >>> e.alternatives, e.voters, e.committee().condorcet_winner()
    ({1: '1', 2: '2', 3: '3'}, 3, 1)
    """
    text = text.removeprefix("\ufeff")  # a byte-order mark is not part of the first line
    meta: dict[str, str] = {}
    names: dict[int, str] = {}
    raw: list[tuple[int, str, str]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        where = f"{source}:{lineno}"
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            body = stripped[1:].strip()
            key, sep, value = body.partition(":")
            if not sep:
                continue  # a free comment
            key, value = key.strip(), value.strip()
            m = _ALT_NAME.match(key)
            if m:
                names[int(m.group(1))] = value
            else:
                meta[key] = value
            continue
        m = _COUNT_LINE.match(stripped)
        if not m:
            raise InputError(f"{where}: expected 'count: order', got {stripped[:40]!r}")
        raw.append((int(m.group(1)), m.group(2), where))
    dt = (data_type or meta.get("DATA TYPE") or "toi").lower()
    if dt not in _DATA_TYPES:
        raise InputError(f"{source}: unknown PrefLib data type {dt!r}")
    ballots: list[tuple[int, Ballot]] = []
    for count, order, where in raw:
        if count < 0:
            raise InputError(f"{where}: count must be a non-negative integer, got {count}")
        ballots.append((count, _parse_order(order, where)))
    if not ballots:
        raise InputError(f"{source}: no ballots")
    pool = _alternatives(meta.get("NUMBER ALTERNATIVES"), names, ballots, source)
    for (_count, tiers), (_, _, where) in zip(ballots, raw, strict=True):
        _check_ballot(tiers, pool, dt, where=where)
    if isinstance(pool, range):
        _check_declared(pool, ballots, source)
    alternatives = pool if isinstance(pool, dict) else {a: str(a) for a in pool}
    total = sum(c for c, _ in ballots)
    nv = meta.get("NUMBER VOTERS")
    if nv is not None and (not nv.isdigit() or int(nv) != total):
        raise InputError(f"{source}: NUMBER VOTERS is {nv} but the counts add up to {total}")
    return Election(alternatives, tuple(ballots), dt, meta)


def _alternatives(
    n_alt: str | None, names: dict[int, str], ballots: list[tuple[int, Ballot]], source: str
) -> dict[int, str] | range:
    """The alternatives: the named ones, else ``1..NUMBER ALTERNATIVES`` (a ``range``: nothing
    is allocated before the ballots are checked against it), else those the ballots rank."""
    if n_alt is not None and (not n_alt.isdigit() or int(n_alt) < 1):
        raise InputError(f"{source}: NUMBER ALTERNATIVES must be a positive integer")
    if names:
        if n_alt is not None and int(n_alt) != len(names):
            raise InputError(
                f"{source}: NUMBER ALTERNATIVES is {n_alt} but {len(names)} are named"
            )
        return dict(sorted(names.items()))
    if n_alt is not None:
        return range(1, int(n_alt) + 1)
    return {a: str(a) for a in sorted({a for _, tiers in ballots for tier in tiers for a in tier})}


def _check_declared(pool: range, ballots: list[tuple[int, Ballot]], source: str) -> None:
    """A declared number of unnamed alternatives is checked against the content: each of
    ``1..n`` must be ranked by some ballot (one neither named nor ranked is nowhere in the
    file, and a 200-byte file cannot declare 10⁸ of them). O(size of the ballots)."""
    ranked = {a for _, tiers in ballots for tier in tiers for a in tier}
    if len(pool) > len(ranked):
        missing = next(a for a in pool if a not in ranked)
        raise InputError(
            f"{source}: NUMBER ALTERNATIVES is {len(pool)}, but no alternative is named and no "
            f"ballot ranks alternative {missing}"
        )


def read_preflib(path: str | Path, *, data_type: str | None = None) -> Election:
    """Read a PrefLib file. The data type comes from ``data_type``, else the ``# DATA TYPE``
    header, else the file extension.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "votes.soi"
    >>> _ = path.write_text("3: 1,2\\n2: 2\\n")
    >>> e = read_preflib(path)
    >>> e.data_type, e.ballots
    ('soi', ((3, ((1,), (2,))), (2, ((2,),))))
    """
    p = check_file(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    ext = p.suffix.lower().lstrip(".")
    dt = data_type
    if dt is None and "# DATA TYPE" not in text and ext in _DATA_TYPES:
        dt = ext
    return parse_preflib(text, source=str(path), data_type=dt)
