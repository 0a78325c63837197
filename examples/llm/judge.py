"""A stand-in for a language model, for ``coherence audit-llm``: a function from a list of
prompts to a list of answers.

It prefers the fruit it ranks higher, says "A" more often than it should (a lean towards the
option shown first), and now and then answers something no parser can read. Answers are
random but reproducible: the n-th time a prompt is seen, its answer is drawn from a generator
seeded by the prompt and n.

    coherence audit-llm --backend examples/llm/judge.py:judge --items examples/llm/items.txt \\
        --template "Option A: {a}. Option B: {b}. Which do you prefer? Answer A or B." \\
        --samples 5 --cache .llm-cache          # exit 0; a second run makes no call
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter

RANK = {"apple": 0.0, "banana": 1.0, "cherry": 2.0, "mango": 3.0, "peach": 4.0}
_SEEN: Counter[str] = Counter()
_OPTION = re.compile(r"Option A: (?P<a>[^.]+)\. Option B: (?P<b>[^.]+)\.")


def _answer(prompt: str) -> str:
    _SEEN[prompt] += 1
    digest = hashlib.sha256(f"{prompt}#{_SEEN[prompt]}".encode()).digest()
    rng = random.Random(int.from_bytes(digest[:8], "big"))
    m = _OPTION.search(prompt)
    if m is None or rng.random() < 0.05:
        return "Both sound lovely."
    a, b = m["a"].strip(), m["b"].strip()
    logit = RANK.get(a, 0.0) - RANK.get(b, 0.0) + 0.4  # + 0.4: the first option's lean
    return "A" if rng.random() < 1 / (1 + math.exp(-logit)) else "B"


def judge(prompts: list[str]) -> list[str]:
    """One answer per prompt."""
    return [_answer(p) for p in prompts]
