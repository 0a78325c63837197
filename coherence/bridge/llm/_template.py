"""Prompt templates over item texts and the items files they are filled from."""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from coherence.errors import InputError

__all__ = ["PromptTemplate", "read_item_texts"]


@dataclass(frozen=True)
class PromptTemplate:
    """A forced-choice prompt with the fields ``{a}`` (shown first) and ``{b}`` (shown second).

    Any other field, or a template without both fields, is an
    :class:`~coherence.errors.InputError`; literal braces are written ``{{`` and ``}}``.
    Rendering is ``str.format`` (O(length)).

    >>> t = PromptTemplate("Which do you prefer, (A) {a} or (B) {b}? Answer A or B.")
    >>> t.render("tea", "coffee")
    'Which do you prefer, (A) tea or (B) coffee? Answer A or B.'
    >>> PromptTemplate("Pick {a}")
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: template: missing field {b}
    """

    text: str

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise InputError(f"template: expected text, got {type(self.text).__name__}")
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(self.text) if f is not None]
        except ValueError as exc:
            raise InputError(f"template: {exc}") from None
        for name in ("a", "b"):
            if name not in fields:
                raise InputError(f"template: missing field {{{name}}}")
        other = sorted({f for f in fields if f not in ("a", "b")})
        if other:
            raise InputError(f"template: unknown field {{{other[0]}}} (only {{a}} and {{b}})")

    def render(self, a: str, b: str) -> str:
        """The prompt showing ``a`` first and ``b`` second."""
        return self.text.format(a=a, b=b)


def check_item_texts(items: Sequence[str], what: str = "items") -> tuple[str, ...]:
    """The item texts as a tuple: at least 3, each a non-blank string, no repeats."""
    out = tuple(items)
    for k, x in enumerate(out):
        if not isinstance(x, str) or not x.strip():
            raise InputError(f"{what}: item {k} has no text")
    if len(set(out)) != len(out):
        dup = next(x for x in out if out.count(x) > 1)
        raise InputError(f"{what}: item {dup!r} appears twice")
    if len(out) < 3:
        raise InputError(f"{what}: need at least 3 items, got {len(out)}")
    return out


def read_item_texts(path: str | Path) -> tuple[str, ...]:
    """Item texts from a UTF-8 file, one per line; blank lines are ignored, surrounding white
    space is stripped. Fewer than 3 items is an :class:`~coherence.errors.InputError`. O(size).

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
    ...     _ = fh.write("tea\\n\\ncoffee\\nwater\\n")
    >>> read_item_texts(fh.name)
    ('tea', 'coffee', 'water')
    >>> os.unlink(fh.name)
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{path}: {'a folder, not a file' if p.is_dir() else 'no such file'}")
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()  # a byte-order mark is no text
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text: {exc.reason}") from None
    return check_item_texts([s.strip() for s in lines if s.strip()], str(path))
