"""Parts on disk: each finished chunk's rows are written as one part file as soon as they
arrive, a rerun with ``resume`` skips the chunks whose parts exist, and the parts are merged
into the output (CSV or Parquet) in chunk order at the end.

Layout: the output ``OUT`` gets a folder ``OUT.parts/`` holding ``manifest.json`` (the run's
fingerprint: the input and the settings) and ``part-<index>-<digest>.<csv|parquet>``, each
followed by its seal ``part-….json`` (the part's SHA-256 and row count). Every file is written
to a temporary name and renamed, so an interrupted run leaves only whole parts. A part is taken
on resume only when the fingerprint and the chunk's keys match and its bytes match its seal;
any other part is written again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from coherence.bulk._chunks import Chunk
from coherence.errors import InputError

#: column types a store knows: how each is written to CSV and typed in Parquet
TYPES = ("str", "int", "float", "bool")
FORMATS = ("csv", "parquet")


def csv_cell(v: Any) -> str:
    """A value as a CSV cell: empty for ``None``, ``true``/``false``, ``repr`` for floats (it
    reads back as the same float), ``str`` otherwise.

    >>> [csv_cell(v) for v in (None, True, 0.1, 3, "a")]
    ['', 'true', '0.1', '3', 'a']
    """
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v) if isinstance(v, float) else str(v)


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, header: bool = True
             ) -> str:
    """Rows as CSV text (``\\n`` line ends), cells by :func:`csv_cell`. O(cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _typed(cell: str, kind: str) -> Any:
    if cell == "":
        return None
    if kind == "bool":
        return cell == "true"
    if kind == "int":
        return int(cell)
    if kind == "float":
        return float(cell)
    return cell


def output_format(path: str | Path) -> str:
    """``"parquet"`` for a ``.parquet``/``.pq`` path, ``"csv"`` for ``.csv``; anything else is
    an :class:`InputError`."""
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise InputError(f"{path}: the output must end in .csv or .parquet")


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise InputError('Parquet output needs pyarrow: pip install "coherence[dask]"'
                         ) from None
    return pyarrow


class PartStore:
    """The parts of one bulk run writing to ``output``; see the module notes for the layout.

    ``schema`` lists ``(column, type)`` pairs (types in :data:`TYPES`); rows are sequences in
    that order. ``fingerprint`` identifies the input and settings: resuming parts made with
    another fingerprint is an :class:`InputError`. Without ``resume`` old parts are removed.
    """

    def __init__(self, output: str | Path, schema: Sequence[tuple[str, str]], *,
                 fingerprint: str, resume: bool = False) -> None:
        self.output = Path(output)
        self.format = output_format(self.output)
        if self.format == "parquet":
            _pyarrow()
        bad = [t for _, t in schema if t not in TYPES]
        if bad:
            raise ValueError(f"unknown column types {bad}; use {TYPES}")
        self.schema = tuple(schema)
        self.fingerprint = fingerprint
        self.parts = self.output.with_name(self.output.name + ".parts")
        if not self.output.parent.is_dir():
            raise InputError(f"{self.output}: the folder {self.output.parent} does not exist")
        if self.output.is_dir():
            raise InputError(f"{self.output} is a folder; name a file to write")
        if self.parts.exists() and not self.parts.is_dir():
            raise InputError(f"{self.parts} is in the way: it is not a folder of parts")
        manifest = self.parts / "manifest.json"
        if resume and manifest.is_file():
            try:
                had = json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint")
            except (ValueError, AttributeError):
                had = None
            if had != fingerprint:
                raise InputError(
                    f"{self.parts}: these parts were made from other input or settings; "
                    "rerun without --resume to start again")
        else:
            if self.parts.exists():
                shutil.rmtree(self.parts)
            self.parts.mkdir()
            self._write(manifest, json.dumps({"fingerprint": fingerprint}).encode())

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.schema)

    def _name(self, chunk: Chunk) -> Path:
        return self.parts / f"part-{chunk.index:06d}-{chunk.digest}.{self.format}"

    def _seal(self, chunk: Chunk) -> Path:
        return self._name(chunk).with_suffix(".json")

    def _intact(self, chunk: Chunk) -> bool:
        """Whether ``chunk``'s part is on disk whole: its seal (written after it) holds the
        part's SHA-256 (and row count), and the bytes still match. O(size of the part)."""
        part, seal = self._name(chunk), self._seal(chunk)
        try:
            doc = json.loads(seal.read_text(encoding="utf-8"))
            return isinstance(doc, dict) and doc.get("sha256") == _sha256(part.read_bytes())
        except (OSError, ValueError):
            return False

    def finished(self, chunks: Iterable[Chunk]) -> set[int]:
        """The indices of ``chunks`` whose parts are on disk, whole (a part that was cut,
        emptied or changed since it was written does not count: its chunk runs again)."""
        return {c.index for c in chunks if self._intact(c)}

    def write(self, chunk: Chunk, rows: Sequence[Sequence[Any]]) -> None:
        """Write ``chunk``'s rows as its part, then its seal (each atomically)."""
        if self.format == "csv":
            data = csv_text(self.columns, rows, header=False).encode("utf-8")
        else:
            data = self._parquet_bytes(rows)
        self._write(self._name(chunk), data)
        seal = {"sha256": _sha256(data), "rows": len(rows)}
        self._write(self._seal(chunk), json.dumps(seal).encode())

    def read(self, chunk: Chunk) -> list[list[Any]]:
        """The rows of ``chunk``'s part, typed by the schema (CSV cells read back: empty is
        ``None``)."""
        path = self._name(chunk)
        if self.format == "parquet":
            table = _pyarrow().parquet.read_table(path)
            return [list(r.values()) for r in table.to_pylist()]
        with path.open(newline="", encoding="utf-8") as fh:
            return [[_typed(v, t) for v, (_, t) in zip(row, self.schema)]
                    for row in csv.reader(fh)]

    def merge(self, chunks: Sequence[Chunk]) -> Path:
        """Join every chunk's part, in chunk order, into the output (atomically) and remove
        the parts. A missing part is a :class:`~coherence.errors.InputError`."""
        ordered = sorted(chunks, key=lambda c: c.index)
        names = [self._name(c) for c in ordered]
        missing = [n.name for c, n in zip(ordered, names) if not self._intact(c)]
        if missing:
            raise InputError(f"{self.parts}: {len(missing)} part(s) missing or damaged, e.g. "
                             f"{missing[0]}")
        if self.format == "csv":
            text = csv_text(self.columns, [], header=True).encode("utf-8")
            data = text + b"".join(n.read_bytes() for n in names)
        else:
            pa = _pyarrow()
            tables = [pa.parquet.read_table(n) for n in names]
            table = pa.concat_tables(tables) if tables else self._table([])
            sink = pa.BufferOutputStream()
            pa.parquet.write_table(table, sink)
            data = sink.getvalue().to_pybytes()
        self._write(self.output, data)
        shutil.rmtree(self.parts)
        return self.output

    def _table(self, rows: Sequence[Sequence[Any]]) -> Any:
        pa = _pyarrow()
        kinds = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(),
                 "bool": pa.bool_()}
        schema = pa.schema([(c, kinds[t]) for c, t in self.schema])
        cols = list(zip(*rows)) if rows else [() for _ in self.schema]
        return pa.table([pa.array(list(col), type=schema.field(i).type)
                         for i, col in enumerate(cols)], schema=schema)

    def _parquet_bytes(self, rows: Sequence[Sequence[Any]]) -> bytes:
        pa = _pyarrow()
        sink = pa.BufferOutputStream()
        pa.parquet.write_table(self._table(rows), sink)
        return bytes(sink.getvalue().to_pybytes())

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
