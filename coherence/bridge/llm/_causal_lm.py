"""A local Hugging Face ``transformers`` causal language model as a backend.

One forward pass per batch of prompts (left padded, so every prompt's last token sits in the
last column): the next-token logits of the answer labels give their log-probabilities
(``output="logprobs"``), or one next token is sampled per prompt at ``temperature`` from a
generator seeded per question (``output="answers"``). O(batch · length) model work per
batch; runs on CUDA when available.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from coherence.bridge._torch import require_torch, resolve_device
from coherence.bridge.llm._backends import Fault, _one_line
from coherence.errors import InputError

__all__ = ["CausalLMBackend"]


def _label_token(tokenizer: Any, label: str) -> int:
    ids = tokenizer.encode(label, add_special_tokens=False)
    if len(ids) != 1:
        raise InputError(f"answer label {label!r} is {len(ids)} tokens for this tokenizer; "
                         "labels must be single tokens")
    return int(ids[0])


@dataclass(frozen=True, eq=False)
class CausalLMBackend:
    """A causal LM (``model(input_ids, attention_mask=…, position_ids=…).logits``) and its
    tokenizer (a ``transformers`` tokenizer; a pad token is required, or the EOS token is
    used).

    Args:
        model: e.g. ``AutoModelForCausalLM`` output, in eval mode.
        tokenizer: the matching tokenizer; each label must be one token.
        labels: the answer labels (as for :class:`AnswerParser`).
        output: ``"logprobs"`` (the labels' next-token log-probabilities, renormalised over
            the whole vocabulary) or ``"answers"`` (one sampled next token, decoded).
        temperature: for sampling; ``model_id``: the cache's name for the model (default: its
            config's ``name_or_path`` or class name).
        device: ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``.

    >>> CausalLMBackend.__name__
    'CausalLMBackend'
    """

    model: Any
    tokenizer: Any
    labels: tuple[str, str] = ("A", "B")
    output: str = "logprobs"
    temperature: float = 1.0
    batch_size: int = 16
    model_id: str = ""
    device: Any = "auto"
    params: dict[str, Any] = field(init=False)
    _ids: tuple[int, int] = field(init=False, repr=False)
    _dev: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.output not in ("answers", "logprobs"):
            raise InputError(f"output must be answers or logprobs, got {self.output!r}")
        if not self.temperature > 0:
            raise InputError(f"temperature must be positive, got {self.temperature!r}")
        tok = self.tokenizer
        if getattr(tok, "pad_token_id", None) is None:
            if getattr(tok, "eos_token", None) is None:
                raise InputError("the tokenizer has neither a pad token nor an EOS token")
            tok.pad_token = tok.eos_token
        tok.padding_side = "left"
        ids = tuple(_label_token(tok, s) for s in self.labels)
        if ids[0] == ids[1]:
            raise InputError(f"labels {self.labels!r} are the same token")
        dev = resolve_device(self.device)
        self.model.to(dev).eval()
        name = self.model_id or str(getattr(getattr(self.model, "config", None),
                                            "name_or_path", "") or type(self.model).__name__)
        params: dict[str, Any] = {"labels": list(self.labels)}
        if self.output == "answers":
            params["temperature"] = self.temperature
        object.__setattr__(self, "model_id", name)
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "_ids", ids)
        object.__setattr__(self, "_dev", dev)

    def next_token_logits(self, prompts: Sequence[str]) -> Any:
        """``len(prompts) × vocab`` float32 logits of the next token (one forward pass)."""
        torch = require_torch()
        enc = self.tokenizer(list(prompts), return_tensors="pt", padding=True,
                             add_special_tokens=False)
        ids = enc["input_ids"].to(self._dev)
        mask = enc["attention_mask"].to(self._dev)
        pos = (mask.cumsum(dim=1) - 1).clamp_(min=0)
        with torch.no_grad():
            out = self.model(input_ids=ids, attention_mask=mask, position_ids=pos)
        return out.logits[:, -1, :].float()

    def __call__(self, prompts: Sequence[str], seeds: Sequence[int]) -> list[Any]:
        torch = require_torch()
        try:
            logits = self.next_token_logits(prompts)
        except Exception as exc:
            return [Fault("raised", _one_line(exc))] * len(prompts)
        if self.output == "logprobs":
            lp = torch.log_softmax(logits.double(), dim=-1)[:, list(self._ids)].cpu().tolist()
            return [{self.labels[0]: a, self.labels[1]: b} for a, b in lp]
        probs = torch.softmax(logits.double() / self.temperature, dim=-1).cpu()
        out: list[Any] = []
        for row, seed in zip(probs, seeds, strict=True):
            g = torch.Generator().manual_seed(int(seed))
            tok = int(torch.multinomial(row, 1, generator=g))
            out.append(self.tokenizer.decode([tok]))
        return out
