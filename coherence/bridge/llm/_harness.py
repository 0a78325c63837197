"""The elicitation loop: render prompts, answer from the cache or the backend, tally.

Questions are keyed by :func:`~coherence.bridge.llm.cache_key`; misses go to the backend in
batches, each batch's answers are stored as it returns (so an interrupted run resumes), and
faults are tallied per ordered prompt, never raised. Overhead per question: one SHA-256, one
B-tree look-up, one regular-expression search (see ``benchmarks/llm_harness.py``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coherence.bridge.llm._backends import Backend, CallableBackend, Fault
from coherence.bridge.llm._cache import ResponseCache, cache_key
from coherence.bridge.llm._elicit import LLMElicitation, PairFault
from coherence.bridge.llm._parse import NONE, AnswerParser
from coherence.bridge.llm._select import dense_pairs, priority_pairs, sampled_pairs
from coherence.bridge.llm._template import PromptTemplate, check_item_texts
from coherence.errors import InputError
from coherence.validation import check_integer

__all__ = ["elicit_llm"]

POLICIES = ("half", "exclude")
SELECTIONS = ("dense", "sampled", "active")


@dataclass
class _Tally:
    """Mutable counts while eliciting (frozen into an :class:`LLMElicitation` at the end)."""

    n: int
    first: np.ndarray = field(init=False)
    second: np.ndarray = field(init=False)
    unparseable: np.ndarray = field(init=False)
    faulted: np.ndarray = field(init=False)
    asked: np.ndarray = field(init=False)
    faults: dict[tuple[int, int], tuple[int, Fault]] = field(default_factory=dict)
    calls: int = 0
    hits: int = 0

    def __post_init__(self) -> None:
        z = np.zeros((self.n, self.n))
        self.first, self.second = z.copy(), z.copy()
        self.unparseable = np.zeros((self.n, self.n), dtype=np.int64)
        self.faulted = self.unparseable.copy()
        self.asked = self.unparseable.copy()

    def fault(self, i: int, j: int, f: Fault) -> None:
        self.faulted[i, j] += 1
        count, first = self.faults.get((i, j), (0, f))
        self.faults[(i, j)] = (count + 1, first)


@dataclass(frozen=True)
class _Run:
    """Everything one elicitation fixes: the backend, the prompts, the parsing."""

    backend: Backend
    items: tuple[str, ...]
    template: PromptTemplate
    parser: AnswerParser
    policy: str
    seed: int
    cache: ResponseCache | None
    batch_size: int
    progress: Callable[[int, int], None] | None

    def params(self) -> dict[str, Any]:
        return {**dict(self.backend.params), "output": self.backend.output}


def _count(run: _Run, tally: _Tally, i: int, j: int, value: Any) -> None:
    """Tally one answer of prompt ``(i, j)``."""
    if isinstance(value, Fault):
        tally.fault(i, j, value)
        return
    if run.backend.output == "logprobs":
        la, lb = (float(value.get(lab, -math.inf)) for lab in run.parser.labels)
        if la == lb == -math.inf:
            side: float | None = None
        else:
            top = max(la, lb)
            side = math.exp(lb - top) / (math.exp(la - top) + math.exp(lb - top))
    else:
        k = run.parser.parse(value)
        side = None if k == NONE else float(k)
    if side is None:
        tally.unparseable[i, j] += 1
        if run.policy == "half":
            tally.first[i, j] += 0.5
            tally.second[i, j] += 0.5
        return
    tally.first[i, j] += 1 - side
    tally.second[i, j] += side


def _ask(run: _Run, tally: _Tally, pairs: Sequence[tuple[int, int]], k: int) -> None:
    """``k`` more samples of each pair in both orders, from the cache or the backend."""
    params = run.params()
    model = run.backend.model_id
    todo: list[tuple[int, int, str, str, int]] = []
    for a, b in pairs:
        for i, j in ((a, b), (b, a)):
            prompt = run.template.render(run.items[i], run.items[j])
            start = int(tally.asked[i, j])
            for s in range(start, start + k):
                key = cache_key(model, prompt, params, run.seed, s)
                todo.append((i, j, prompt, key, int(hashlib.sha256(key.encode()).hexdigest()
                                                    [:8], 16)))
            tally.asked[i, j] += k
    cached = run.cache.get_many(t[3] for t in todo) if run.cache is not None else {}
    miss = [t for t in todo if t[3] not in cached]
    for i, j, _, key, _ in todo:
        if key in cached:
            _count(run, tally, i, j, cached[key])
    tally.hits += len(todo) - len(miss)
    done = len(todo) - len(miss)
    if run.progress is not None:
        run.progress(done, len(todo))
    for start in range(0, len(miss), run.batch_size):
        chunk = miss[start:start + run.batch_size]
        answers = run.backend([t[2] for t in chunk], [t[4] for t in chunk])
        if not isinstance(answers, list) or len(answers) != len(chunk):
            answers = [Fault("malformed", "the backend returned the wrong number of answers")
                       ] * len(chunk)
        tally.calls += len(chunk)
        good = [(t[3], a) for t, a in zip(chunk, answers, strict=True)
                if not isinstance(a, Fault)]
        if run.cache is not None and good:
            run.cache.put_many(good)
        for t, a in zip(chunk, answers, strict=True):
            _count(run, tally, t[0], t[1], a)
        done += len(chunk)
        if run.progress is not None:
            run.progress(done, len(todo))


def _freeze(run: _Run, tally: _Tally, samples: int) -> LLMElicitation:
    faults = tuple(
        PairFault(run.items[i], run.items[j], c, f.reason, f.message)
        for (i, j), (c, f) in sorted(tally.faults.items())
    )
    return LLMElicitation(run.items, run.backend.model_id, run.backend.output, run.policy,
                          samples, tally.first, tally.second, tally.unparseable,
                          tally.faulted, tally.asked, faults, tally.calls, tally.hits)


def elicit_llm(
    backend: Backend | Callable[[list[str]], Any],
    items: Sequence[str],
    template: str | PromptTemplate,
    *,
    samples: int = 10,
    parser: AnswerParser | None = None,
    unparseable: str = "half",
    pairs: str = "dense",
    budget: int | None = None,
    rounds: int = 3,
    seed: int = 0,
    cache: str | ResponseCache | None = None,
    batch_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LLMElicitation:
    """Ask a language model every chosen pair of ``items`` in both orders.

    Args:
        backend: a :class:`~coherence.bridge.llm.Backend`, or a plain function from a list of
            prompts to a list of answer texts (wrapped in :class:`CallableBackend`).
        items: the item texts (at least 3, distinct, non-blank).
        template: a :class:`PromptTemplate` or its text, with ``{a}`` and ``{b}``.
        samples: K answers per ordered prompt (1 for log-probability backends).
        parser: reads the answers (default: the first standalone ``A`` or ``B``).
        unparseable: ``"half"`` (an unparseable answer counts ½ for each option, as Utility
            Engineering does) or ``"exclude"`` (it is not counted).
        pairs: ``"dense"`` (every pair), ``"sampled"`` (``budget`` random pairs) or
            ``"active"`` (``budget`` pairs over ``rounds`` rounds, uncertain and under-sampled
            first; see :mod:`coherence.bridge.llm`).
        seed: part of every cache key and of each sample's seed.
        cache: a folder (or :class:`ResponseCache`): answers found there cost no call.
        progress: ``progress(done, total)`` after each batch.

    Returns:
        An :class:`LLMElicitation`; ``.matrix()`` is the order-paired ``P``.

    Cost: ``2 · K`` questions per pair; O(1) harness work per question.

    >>> pick_first = lambda prompts: ["A"] * len(prompts)  # always the option shown first
    >>> el = elicit_llm(pick_first, ["tea", "coffee", "water"], "{a} (A) or {b} (B)?",
    ...                 samples=2)
    >>> el.calls, float(el.matrix()[0, 1]), round(el.positional_bias().estimate, 2)
    (12, 0.5, 0.5)
    """
    run, samples = _setup(backend, items, template, samples, parser, unparseable, pairs, seed,
                          cache, batch_size, progress)
    tally = _Tally(len(run.items))
    n = len(run.items)
    rng = np.random.default_rng(seed)
    if pairs == "dense":
        _ask(run, tally, dense_pairs(n), samples)
    else:
        m = check_integer(budget if budget is not None else 4 * n, "budget", min_value=1)
        if pairs == "sampled":
            _ask(run, tally, sampled_pairs(n, m, rng), samples)
        else:
            _active(run, tally, m, check_integer(rounds, "rounds", min_value=1), samples, rng)
    return _freeze(run, tally, samples)


def _active(run: _Run, tally: _Tally, m: int, rounds: int, samples: int,
            rng: np.random.Generator) -> None:
    """Round 0 a connected random sample, then the highest-priority pairs each round."""
    n = len(run.items)
    per = max(1, m // rounds)
    first = sampled_pairs(n, max(per, n - 1), rng)
    _ask(run, tally, first, samples)
    spent = len(first)
    while spent < m:
        el = _freeze(run, tally, samples)
        tot = el.chose_first + el.chose_second
        allowed = None if run.backend.output == "answers" else ~el.observed
        chosen = priority_pairs(el.matrix(), tot + tot.T, min(per, m - spent), allowed)
        if not chosen:
            break
        _ask(run, tally, chosen, samples)
        spent += len(chosen)


def _setup(backend: Any, items: Sequence[str], template: Any, samples: int,
           parser: AnswerParser | None, unparseable: str, pairs: str, seed: int,
           cache: Any, batch_size: int | None, progress: Any) -> tuple[_Run, int]:
    if not hasattr(backend, "model_id"):
        backend = CallableBackend(backend)
    tmpl = template if isinstance(template, PromptTemplate) else PromptTemplate(template)
    if unparseable not in POLICIES:
        raise InputError(f"unparseable must be half or exclude, got {unparseable!r}")
    if pairs not in SELECTIONS:
        raise InputError(f"pairs must be dense, sampled or active, got {pairs!r}")
    samples = check_integer(samples, "samples", min_value=1)
    if backend.output == "logprobs":
        samples = 1
    store = ResponseCache(cache) if isinstance(cache, str) or hasattr(cache, "__fspath__") \
        else cache
    size = batch_size or int(getattr(backend, "batch_size", 64))
    run = _Run(backend, check_item_texts(items), tmpl, parser or AnswerParser(), unparseable,
               check_integer(seed, "seed"), store, check_integer(size, "batch_size",
                                                                 min_value=1), progress)
    return run, samples


