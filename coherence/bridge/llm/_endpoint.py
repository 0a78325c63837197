"""An OpenAI-compatible HTTP endpoint as a backend (standard library only).

Requests run as ``asyncio`` tasks, each a blocking ``urllib`` call in a worker thread, at most
``concurrency`` at once; a timeout, a connection error, a 429 or 5xx status or a malformed
body is retried up to ``retries`` times with exponential backoff (``backoff · 2ᵏ`` seconds);
what still fails becomes a :class:`~coherence.bridge.llm.Fault` for that prompt alone.
"""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from coherence.bridge.llm._backends import Fault
from coherence.errors import InputError

__all__ = ["OpenAIBackend"]


class _Retry(Exception):
    """A failure worth retrying (the message is the fault's)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class OpenAIBackend:
    """``/v1/chat/completions`` (``chat=True``) or ``/v1/completions`` of an OpenAI-compatible
    server at ``base_url`` (e.g. ``http://127.0.0.1:8000``), model ``model``.

    ``output="answers"`` returns each answer's text; ``"logprobs"`` asks for one token with
    ``top_logprobs`` and returns ``{token: log-probability}`` (stripped tokens, the largest
    kept when two strip to the same label). The seed of each question is sent as ``seed``.
    ``api_key`` is sent as a bearer token when given.

    >>> OpenAIBackend("http://127.0.0.1:9", "m").params["temperature"]
    1.0
    """

    base_url: str
    model: str
    chat: bool = True
    output: str = "answers"
    temperature: float = 1.0
    max_tokens: int = 16
    top_logprobs: int = 5
    api_key: str | None = field(default=None, repr=False)
    concurrency: int = 8
    retries: int = 3
    backoff: float = 0.5
    timeout: float = 30.0
    batch_size: int = 64

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise InputError(f"base_url must be http(s)://…, got {self.base_url!r}")
        if self.output not in ("answers", "logprobs"):
            raise InputError(f"output must be answers or logprobs, got {self.output!r}")
        if self.concurrency < 1 or self.retries < 0 or self.timeout <= 0 or self.backoff < 0:
            raise InputError("concurrency ≥ 1, retries ≥ 0, timeout > 0 and backoff ≥ 0")

    @property
    def model_id(self) -> str:
        return f"{self.base_url.rstrip('/')}#{self.model}"

    @property
    def params(self) -> dict[str, Any]:
        p: dict[str, Any] = {"temperature": float(self.temperature), "chat": self.chat}
        if self.output == "logprobs":
            p["top_logprobs"] = self.top_logprobs
        else:
            p["max_tokens"] = self.max_tokens
        return p

    def _body(self, prompt: str, seed: int) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "temperature": self.temperature,
                                "seed": seed}
        if self.chat:
            body["messages"] = [{"role": "user", "content": prompt}]
        else:
            body["prompt"] = prompt
        if self.output == "logprobs":
            body["max_tokens"] = 1
            body["logprobs"] = True if self.chat else self.top_logprobs
            if self.chat:
                body["top_logprobs"] = self.top_logprobs
        else:
            body["max_tokens"] = self.max_tokens
        return body

    def _post(self, body: dict[str, Any]) -> Any:
        path = "/v1/chat/completions" if self.chat else "/v1/completions"
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(self.base_url.rstrip("/") + path,
                                     data=json.dumps(body).encode(), headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise _Retry("http", f"HTTP {exc.code}") from None
            return Fault("http", f"HTTP {exc.code}: {exc.reason}")
        except TimeoutError:
            raise _Retry("timeout", f"no answer within {self.timeout} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            kind = "timeout" if isinstance(reason, TimeoutError) else "http"
            raise _Retry(kind, f"{type(reason).__name__}: {reason}") from None
        try:
            return self._read(json.loads(raw))
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise _Retry("malformed", f"malformed response: {type(exc).__name__}: {exc}"
                         ) from None

    def _read(self, doc: Any) -> Any:
        choice = doc["choices"][0]
        if self.output == "answers":
            text = choice["message"]["content"] if self.chat else choice["text"]
            if not isinstance(text, str):
                raise TypeError(f"answer is {type(text).__name__}")
            return text
        if self.chat:
            top = choice["logprobs"]["content"][0]["top_logprobs"]
            pairs = [(t["token"], t["logprob"]) for t in top]
        else:
            pairs = list(choice["logprobs"]["top_logprobs"][0].items())
        out: dict[str, float] = {}
        for tok, lp in pairs:
            key = str(tok).strip()
            out[key] = max(float(lp), out.get(key, float("-inf")))
        return out

    async def _one(self, sem: asyncio.Semaphore, prompt: str, seed: int) -> Any:
        async with sem:
            last = Fault("http", "not asked")
            for attempt in range(self.retries + 1):
                try:
                    return await asyncio.to_thread(self._post, self._body(prompt, seed))
                except _Retry as exc:
                    last = Fault(exc.reason, str(exc))
                if attempt < self.retries:
                    await asyncio.sleep(self.backoff * 2 ** attempt)
            return Fault(last.reason, f"{last.message} (after {self.retries + 1} tries)")

    async def _all(self, prompts: Sequence[str], seeds: Sequence[int]) -> list[Any]:
        sem = asyncio.Semaphore(self.concurrency)
        return list(await asyncio.gather(
            *(self._one(sem, p, int(s)) for p, s in zip(prompts, seeds, strict=True))))

    def __call__(self, prompts: Sequence[str], seeds: Sequence[int]) -> list[Any]:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self._all(prompts, seeds))
        box: list[Any] = []  # inside a running loop (a notebook): run in a thread of its own
        t = threading.Thread(target=lambda: box.append(asyncio.run(self._all(prompts, seeds))))
        t.start()
        t.join()
        return box[0]
