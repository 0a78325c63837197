"""Audit language models: forced-choice elicitation with a cache, and prompt variants as a
committee.

Install with ``pip install "coherence[llm]"`` (torch and ``transformers``; the harness itself
needs neither: a plain function from prompts to answers is a backend). Each pair of item texts
is asked in both orders through a :class:`PromptTemplate` (``{a}`` shown first, ``{b}``
second), K samples each or the answer tokens' log-probabilities; :class:`AnswerParser` reads
the answers, and unparseable ones are counted under a stated policy (``"half"``: ½ each, as
Utility Engineering, Mazeika et al. 2025, does; or ``"exclude"``). The order-paired matrix
``P`` goes to :func:`coherence.bridge.audit_matrix`: cycle metrics, fits, and a verdict whose
money pump or utility is verified exactly. Answers are stored in a content-addressed
:class:`ResponseCache`, so a rerun makes no backend call and an interrupted run resumes.

Backends: any function (:class:`CallableBackend`), a local Hugging Face causal LM
(:class:`CausalLMBackend`: next-token logits of the answer labels, batched, left padding,
CUDA when present) and an OpenAI-compatible HTTP endpoint (:class:`OpenAIBackend`: async,
bounded concurrency, retries with exponential backoff, timeouts).
"""

from __future__ import annotations

from coherence.bridge.llm._audit import LLMAudit, audit_elicitation, audit_llm
from coherence.bridge.llm._backends import Backend, CallableBackend, Fault, check_answers
from coherence.bridge.llm._cache import ResponseCache, cache_key
from coherence.bridge.llm._causal_lm import CausalLMBackend
from coherence.bridge.llm._elicit import LLMElicitation, PairFault, PositionalBias
from coherence.bridge.llm._endpoint import OpenAIBackend
from coherence.bridge.llm._harness import elicit_llm
from coherence.bridge.llm._parse import AnswerParser
from coherence.bridge.llm._select import bt_complete, dense_pairs, priority_pairs, sampled_pairs
from coherence.bridge.llm._template import PromptTemplate, read_item_texts
from coherence.bridge.llm._variants import PromptCommittee, prompt_committee, variants_majority

__all__ = [
    "AnswerParser",
    "Backend",
    "CallableBackend",
    "CausalLMBackend",
    "Fault",
    "LLMAudit",
    "LLMElicitation",
    "OpenAIBackend",
    "PairFault",
    "PositionalBias",
    "PromptCommittee",
    "PromptTemplate",
    "ResponseCache",
    "audit_elicitation",
    "audit_llm",
    "bt_complete",
    "cache_key",
    "check_answers",
    "dense_pairs",
    "elicit_llm",
    "priority_pairs",
    "prompt_committee",
    "read_item_texts",
    "sampled_pairs",
    "variants_majority",
]
