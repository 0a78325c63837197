"""The Hugging Face causal-LM backend on a tiny randomly initialised GPT-2 built from a
config, with a word-level tokenizer built in the test (nothing is downloaded)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
tokenizers = pytest.importorskip("tokenizers")

from coherence.bridge.llm import CausalLMBackend, audit_llm, elicit_llm  # noqa: E402
from coherence.errors import InputError  # noqa: E402

ITEMS = ["apple", "banana", "cherry", "date"]
TEMPLATE = "Option A : {a} . Option B : {b} . Which is better ? Answer :"


def tiny_lm(seed: int = 0):
    words = ["[PAD]", "[UNK]", "A", "B", "Option", ":", ".", "Which", "is", "better", "?",
             "Answer", *ITEMS]
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(
        {w: k for k, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.WhitespaceSplit()
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]",
                                                pad_token="[PAD]")
    torch.manual_seed(seed)
    config = transformers.GPT2Config(vocab_size=len(words), n_positions=64, n_embd=16,
                                     n_layer=1, n_head=2, bos_token_id=None,
                                     eos_token_id=None)
    return transformers.GPT2LMHeadModel(config), fast


@pytest.fixture(scope="module")
def lm():
    return tiny_lm()


def test_logprobs_match_a_direct_forward_pass_despite_left_padding(lm):
    model, tok = lm
    backend = CausalLMBackend(model, tok, device="cpu", model_id="tiny-gpt2")
    prompts = [TEMPLATE.format(a="apple", b="banana"), "Option A : cherry Answer :"]
    got = backend(prompts, [0, 1])
    for p, d in zip(prompts, got, strict=True):
        ids = torch.tensor([tok.encode(p, add_special_tokens=False)])
        with torch.no_grad():
            lp = torch.log_softmax(model(ids).logits[0, -1].double(), -1)
        a, b = tok.convert_tokens_to_ids(["A", "B"])
        assert d["A"] == pytest.approx(float(lp[a]), abs=1e-5)
        assert d["B"] == pytest.approx(float(lp[b]), abs=1e-5)


def test_a_tiny_model_is_audited_end_to_end_with_a_cache(lm, tmp_path):
    model, tok = lm
    backend = CausalLMBackend(model, tok, device="cpu", model_id="tiny-gpt2", batch_size=5)
    result = audit_llm(backend, ITEMS, TEMPLATE, cache=str(tmp_path))
    el = result.elicitation
    assert el.output == "logprobs" and el.calls == 12 and el.unparseable.sum() == 0
    assert result.verdict.verify()
    P = el.matrix()
    np.testing.assert_allclose(P + P.T, 1.0)
    again = audit_llm(backend, ITEMS, TEMPLATE, cache=str(tmp_path))
    assert again.elicitation.calls == 0 and again.elicitation.cache_hits == 12
    np.testing.assert_array_equal(again.elicitation.matrix(), P)


def test_sampled_answers_are_seeded_and_mostly_unparseable_for_a_random_model(lm):
    model, tok = lm
    backend = CausalLMBackend(model, tok, output="answers", device="cpu", model_id="tiny")
    a = elicit_llm(backend, ITEMS[:3], TEMPLATE, samples=4)
    b = elicit_llm(backend, ITEMS[:3], TEMPLATE, samples=4)
    np.testing.assert_array_equal(a.unparseable, b.unparseable)
    np.testing.assert_array_equal(a.chose_first, b.chose_first)
    assert a.asked.sum() == 24 and a.unparseable.sum() > 0


def test_labels_must_be_single_tokens(lm):
    model, tok = lm
    with pytest.raises(InputError, match="single tokens"):
        CausalLMBackend(model, tok, labels=("A B", "B"), device="cpu")
