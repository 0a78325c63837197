"""What the harness asks: a backend maps a batch of prompts to answers or log-probabilities.

A backend is any object with a ``model_id`` (part of every cache key), an ``output``
(``"answers"``: one text per prompt, or ``"logprobs"``: one mapping from answer label to
log-probability per prompt), ``params`` (the sampling parameters, also in the cache key) and
``__call__(prompts, seeds) → list``. An entry of the returned list may be a :class:`Fault`
(that prompt failed; the others stand). :class:`CallableBackend` wraps a plain function.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from coherence.errors import InputError

__all__ = ["Backend", "CallableBackend", "Fault", "check_answers"]


@dataclass(frozen=True)
class Fault:
    """One prompt the backend did not answer: ``reason`` is ``"raised"``, ``"timeout"``,
    ``"malformed"`` or ``"http"``; ``message`` says what happened (one line)."""

    reason: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"reason": self.reason, "message": self.message}


class Backend(Protocol):
    """The protocol of a backend (see the module's docstring)."""

    @property
    def model_id(self) -> str: ...

    @property
    def output(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...

    def __call__(self, prompts: Sequence[str], seeds: Sequence[int]) -> list[Any]: ...


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


@dataclass(frozen=True)
class CallableBackend:
    """A plain function ``fn(list of prompts) → list of answers`` as a backend.

    ``output="answers"`` (texts) or ``"logprobs"`` (one ``{label: log-probability}`` mapping
    per prompt). ``timeout`` (seconds, per call) runs ``fn`` in a worker thread and counts a
    call that takes longer as a fault of every prompt in it. ``batch_size`` caps the prompts
    per call. Exceptions and malformed results are returned as :class:`Fault` entries, never
    raised. The seeds are ignored (``fn`` takes the prompts only).

    >>> b = CallableBackend(lambda prompts: ["A" for _ in prompts], model_id="always-a")
    >>> b(["A or B?", "B or A?"], [0, 1])
    ['A', 'A']
    >>> CallableBackend(lambda prompts: 1 / 0)(["?"], [0])[0].reason
    'raised'
    """

    fn: Callable[[list[str]], Any]
    model_id: str = "callable"
    output: str = "answers"
    timeout: float | None = None
    batch_size: int = 256
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not callable(self.fn):
            raise InputError(f"backend: {type(self.fn).__name__} is not callable")
        if self.output not in ("answers", "logprobs"):
            raise InputError(f"backend output must be answers or logprobs, got {self.output!r}")
        if self.timeout is not None and not self.timeout > 0:
            raise InputError(f"backend timeout must be positive, got {self.timeout!r}")

    def __call__(self, prompts: Sequence[str], seeds: Sequence[int]) -> list[Any]:
        batch = list(prompts)
        box: list[Any] = []

        def call(on_worker: bool) -> None:
            try:
                box.append((True, self.fn(batch)))
            except KeyboardInterrupt as exc:
                if not on_worker:  # Ctrl-C, which only the main thread receives
                    raise
                box.append((False, exc))  # raised by the backend itself
            except BaseException as exc:  # SystemExit too: every way out is a fault
                box.append((False, exc))

        if self.timeout is None:
            call(False)
        else:  # a daemon thread: a call that never returns does not hold the process
            worker = threading.Thread(target=call, args=(True,), daemon=True)
            worker.start()
            worker.join(self.timeout)
            if not box:
                return [Fault("timeout", f"no answer within {self.timeout} s")] * len(batch)
        ok, out = box[0]
        if not ok:
            return [Fault("raised", _one_line(out))] * len(batch)
        return check_answers(out, len(batch), self.output)


def check_answers(out: Any, m: int, output: str) -> list[Any]:
    """``out`` as a list of ``m`` answers, each checked: a text (``output="answers"``) or a
    mapping of labels to finite-or-``-inf`` log-probabilities; anything else becomes a
    :class:`Fault` for that prompt (a wrong length, for all ``m``). O(m).

    >>> check_answers(["A", 3], 2, "answers")[1].reason
    'malformed'
    >>> check_answers({"A": 0.0}, 1, "logprobs")[0].message
    'expected a list of 1 answers, got dict'
    """
    if isinstance(out, str | bytes | Mapping) or not isinstance(out, Sequence):
        return [Fault("malformed", f"expected a list of {m} answers, got {type(out).__name__}")
                ] * m
    if len(out) != m:
        return [Fault("malformed", f"expected {m} answers, got {len(out)}")] * m
    return [_check_one(a, output) for a in out]


def _check_one(a: Any, output: str) -> Any:
    if isinstance(a, Fault):
        return a
    if output == "answers":
        if isinstance(a, str):
            return a
        return Fault("malformed", f"expected an answer text, got {type(a).__name__}")
    if not isinstance(a, Mapping):
        return Fault("malformed", f"expected a mapping of log-probabilities, got "
                                  f"{type(a).__name__}")
    clean: dict[str, float] = {}
    for k, v in a.items():
        try:
            x = float(v)
        except (TypeError, ValueError):
            return Fault("malformed", f"log-probability of {k!r} is not a number: {v!r}")
        if math.isnan(x) or x > 1e-9 or x == math.inf:
            return Fault("malformed", f"log-probability of {k!r} is {v!r}")
        clean[str(k)] = min(x, 0.0)
    return clean
