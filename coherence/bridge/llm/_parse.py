"""Reading a forced-choice answer: which of the two options it names, or none."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coherence.errors import InputError

__all__ = ["AnswerParser"]

#: what counts as "first", "second" or "unparseable"
FIRST, SECOND, NONE = 0, 1, -1


@dataclass(frozen=True)
class AnswerParser:
    """Finds the first standalone label in an answer: ``labels[0]`` means the option shown
    first, ``labels[1]`` the one shown second; an answer naming neither is unparseable.

    ``labels`` are matched as whole words (case-sensitive unless ``ignore_case``), optionally
    wrapped in brackets or followed by punctuation (``"(A)"``, ``"B."``). A custom ``pattern``
    (a regular expression with one group capturing a label) replaces the default search.
    O(length of the answer).

    >>> p = AnswerParser()
    >>> p.parse("I would choose B."), p.parse("A"), p.parse("Neither"), p.parse("(A) tea")
    (1, 0, -1, 0)
    >>> AnswerParser(labels=("yes", "no"), ignore_case=True).parse("No, thanks")
    1
    """

    labels: tuple[str, str] = ("A", "B")
    pattern: str | None = None
    ignore_case: bool = False
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        labels = tuple(self.labels)
        if len(labels) != 2 or not all(isinstance(s, str) and s.strip() for s in labels):
            raise InputError(f"labels: expected two non-empty labels, got {self.labels!r}")
        a, b = (s.lower() for s in labels) if self.ignore_case else labels
        same = a == b
        if same:
            raise InputError(f"labels: the two labels are the same ({labels[0]!r})")
        object.__setattr__(self, "labels", labels)
        flags = re.IGNORECASE if self.ignore_case else 0
        if self.pattern is None:
            alts = "|".join(re.escape(s) for s in sorted(labels, key=len, reverse=True))
            text = rf"(?<![\w])({alts})(?![\w])"
        else:
            text = self.pattern
        try:
            rx = re.compile(text, flags)
        except re.error as exc:
            raise InputError(f"answer pattern: {exc}") from None
        if rx.groups < 1:
            raise InputError("answer pattern: needs one group capturing the label")
        object.__setattr__(self, "_regex", rx)

    def parse(self, answer: object) -> int:
        """``0`` (first option), ``1`` (second) or ``-1`` (unparseable, also for non-text)."""
        if not isinstance(answer, str):
            return NONE
        m = self._regex.search(answer)
        if m is None:
            return NONE
        got = m.group(1)
        for k, label in enumerate(self.labels):
            if got == label or (self.ignore_case and got.lower() == label.lower()):
                return k
        return NONE
