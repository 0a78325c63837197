"""A content-addressed disk cache of backend answers (SQLite, in the standard library).

An entry's key is the SHA-256 of its model id, prompt, sampling parameters, seed and sample
index, so the same question asked again costs no backend call, and an elicitation interrupted
part-way resumes where it stopped: every batch of answers is committed as it arrives.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from coherence.errors import InputError

__all__ = ["ResponseCache", "cache_key"]


def cache_key(model: str, prompt: str, params: Mapping[str, Any], seed: int | None,
              index: int) -> str:
    """The hex SHA-256 of one question: model id, prompt, sampling parameters (sorted),
    seed and sample index, as canonical JSON. O(length of the prompt).

    >>> k = cache_key("m", "A or B?", {"temperature": 1.0}, 0, 3)
    >>> len(k), k == cache_key("m", "A or B?", {"temperature": 1.0}, 0, 3)
    (64, True)
    >>> k == cache_key("m", "A or B?", {"temperature": 1.0}, 0, 4)
    False
    """
    doc = {"model": model, "prompt": prompt, "params": dict(sorted(params.items())),
           "seed": seed, "index": index}
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResponseCache:
    """Answers on disk under ``folder/responses.sqlite``, keyed by :func:`cache_key`.

    Values are JSON (an answer string, or a mapping of labels to log-probabilities). Safe
    across threads of one process; each :meth:`put_many` is one transaction, so a run that is
    interrupted keeps every batch it finished. O(1) per entry (B-tree index).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     c = ResponseCache(d)
    ...     c.put_many([("k1", "A")])
    ...     c.get_many(["k1", "k2"]), len(c)
    ({'k1': 'A'}, 1)
    """

    def __init__(self, folder: str | Path) -> None:
        p = Path(folder)
        try:
            p.mkdir(parents=True, exist_ok=True)
            self.path = p / "responses.sqlite"
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            # write-ahead log, synced at checkpoints: a committed batch survives the
            # process dying (the resume case); only a power cut may lose the latest batches
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self._db.commit()
            self._db.execute("SELECT key, value FROM answers LIMIT 0")  # a table of ours
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"--cache {folder}: cannot open the cache: {exc}") from None
        self._folder = str(folder)
        self._lock = threading.Lock()

    def _failed(self, exc: sqlite3.Error) -> InputError:
        return InputError(f"--cache {self._folder}: the cache failed ({exc}); another run may "
                          "hold it, or it is damaged")

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The cached values among ``keys`` (missing keys are left out, and so are values
        that are not an answer text or a mapping of labels to numbers: a damaged entry is
        asked again and replaced). ``InputError`` when the database fails (locked by another
        run past sqlite's 5 s wait, or damaged)."""
        keys = list(keys)
        out: dict[str, Any] = {}
        try:
            with self._lock:
                for start in range(0, len(keys), 500):
                    chunk = keys[start:start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = self._db.execute(
                        f"SELECT key, value FROM answers WHERE key IN ({marks})", chunk)
                    for k, v in rows:
                        value = _decoded(v)
                        if value is not None:
                            out[k] = value
        except sqlite3.Error as exc:
            raise self._failed(exc) from None
        return out

    def put_many(self, entries: Iterable[tuple[str, Any]]) -> None:
        """Store ``(key, value)`` pairs in one transaction (``InputError`` as for
        :meth:`get_many`)."""
        rows = [(k, json.dumps(v, ensure_ascii=False)) for k, v in entries]
        try:
            with self._lock, self._db:
                self._db.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def __len__(self) -> int:
        try:
            with self._lock:
                return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def close(self) -> None:
        """Close the database (the cache object is unusable afterwards)."""
        with self._lock:
            self._db.close()


def _decoded(text: Any) -> Any:
    """A stored value read back: an answer text or a ``{label: number}`` mapping, else
    ``None`` (not JSON, or JSON of another shape). O(len(text)).

    >>> _decoded('"A"'), _decoded('{"A": -0.1}'), _decoded("not json"), _decoded("[1, 2]")
    ('A', {'A': -0.1}, None, None)
    """
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(x, int | float) and not isinstance(x, bool)
            for k, x in value.items()):
        return value
    return None
