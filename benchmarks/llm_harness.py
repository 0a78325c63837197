"""Harness overhead per prompt of :func:`coherence.bridge.llm.elicit_llm`, on cache miss and
cache hit, next to the backend's own time.

Run: ``python benchmarks/llm_harness.py [--n 40] [--samples 5]``. Two backends: a trivial
callable (returns "A"; its time is the floor of any backend) and a tiny randomly initialised
GPT-2 (``transformers``, 1 layer, 16 dimensions, log-probabilities of the answer tokens,
batches of 64). For each, one run fills a fresh cache (misses: the backend is called for every
prompt) and a second run reads it back (hits: no call). The harness's time per prompt is the
run's wall time less the time spent inside the backend, divided by the prompts; the audit
(fits, metrics, certificate) is timed apart.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from coherence.bridge.llm import CallableBackend, audit_elicitation, elicit_llm


class Timed:
    """Wraps a backend and adds up the seconds spent inside it."""

    def __init__(self, inner):
        self.inner = inner
        self.model_id = inner.model_id
        self.output = inner.output
        self.params = inner.params
        self.batch_size = getattr(inner, "batch_size", 64)
        self.seconds = 0.0

    def __call__(self, prompts, seeds):
        t0 = time.perf_counter()
        out = self.inner(prompts, seeds)
        self.seconds += time.perf_counter() - t0
        return out


def tiny_lm(items):
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    from coherence.bridge.llm import CausalLMBackend

    words = ["[PAD]", "[UNK]", "A", "B", "Option", "or", "Answer", *items]
    tok = Tokenizer(models.WordLevel({w: k for k, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]")
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(words), n_positions=32, n_embd=16,
                                       n_layer=1, n_head=2, bos_token_id=None,
                                       eos_token_id=None))
    return CausalLMBackend(model, fast, device="cpu", model_id="tiny-gpt2", batch_size=64)


def measure(name, backend, items, template, samples):
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for phase in ("miss", "hit"):
            timed = Timed(backend)
            t0 = time.perf_counter()
            el = elicit_llm(timed, items, template, samples=samples, cache=folder)
            wall = time.perf_counter() - t0
            prompts = int(el.asked.sum())
            t1 = time.perf_counter()
            audit_elicitation(el)
            audit = time.perf_counter() - t1
            rows.append((name, phase, prompts, el.calls, wall, timed.seconds,
                         (wall - timed.seconds) / prompts * 1e6,
                         timed.seconds / max(el.calls, 1) * 1e6, audit))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--samples", type=int, default=5)
    args = ap.parse_args()
    items = [f"item{k:03d}" for k in range(args.n)]
    template = "Option A {a} or Option B {b} Answer"
    audit_elicitation(elicit_llm(lambda ps: ["A"] * len(ps), items[:5], template))  # warm-up
    rows = measure("callable (returns 'A')",
                   CallableBackend(lambda ps: ["A"] * len(ps), model_id="trivial"),
                   items, template, args.samples)
    rows += measure("tiny GPT-2, log-probs", tiny_lm(items), items, template, 1)
    print(f"n = {args.n} items, K = {args.samples} samples (callable), 1 (log-probs)\n")
    print("| backend | cache | prompts | backend calls | wall s | backend s | "
          "harness µs/prompt | backend µs/call | audit s |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]:.3f} | {r[5]:.3f} | "
              f"{r[6]:.1f} | {r[7]:.1f} | {r[8]:.3f} |")


if __name__ == "__main__":
    main()
