"""``coherence audit-llm --backend TARGET --items FILE --template TEXT``: audit a language
model's forced choices.

``TARGET`` (``path/file.py:function`` or ``package.module:function``) takes a list of prompt
strings and returns a list of answer strings. ``FILE`` holds one item text per line (blank
lines ignored; at least 3). ``TEXT`` holds ``{a}`` (shown first) and ``{b}`` (shown second).
Every pair is asked in both orders, ``--samples`` times each; answers are read for the first
standalone label of ``--labels``. Exit 0 coherent, 1 money pump, 2 bad input, 3 when every
question failed (the backend raised, timed out or answered out of form).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from coherence.cli._check import check_seconds_option
from coherence.cli._common import _out, add_json_flag, collect, emit, seed_type
from coherence.cli._progress import add_quiet_flag, progress_for
from coherence.cli._user_code import quiet_stdout, within
from coherence.errors import InputError


def _labels(text: str) -> tuple[str, str]:
    parts = [s.strip() for s in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise InputError(f"--labels: expected two labels separated by a comma, got {text!r}")
    return parts[0], parts[1]


#: the most samples per ordered pair the command asks for
MAX_SAMPLES = 10_000
#: seconds a batch of prompts may take before the backend is counted as hung
TIMEOUT = 600.0


def _run(args: argparse.Namespace) -> int:
    from coherence.agents import load_target
    from coherence.bridge import require_torch
    from coherence.bridge.llm import (
        AnswerParser,
        CallableBackend,
        PromptTemplate,
        audit_elicitation,
        elicit_llm,
        read_item_texts,
    )

    require_torch()
    if not 1 <= args.samples <= MAX_SAMPLES:
        raise InputError(f"--samples must be between 1 and {MAX_SAMPLES}, got {args.samples}")
    check_seconds_option(args.timeout, "--timeout")
    if args.cache is not None and not args.cache.strip():
        raise InputError("--cache: name a folder")
    template = PromptTemplate(args.template)
    items = read_item_texts(args.items)
    parser = AnswerParser(_labels(args.labels), pattern=args.answer_regex,
                          ignore_case=args.ignore_case)
    with quiet_stdout(True):  # what the backend's module does on import is its own
        _, fn = within(args.timeout, lambda: load_target(args.backend),
                       f"importing {args.backend}")
    if not callable(fn):
        raise InputError(f"{args.backend} is not callable")
    backend = CallableBackend(fn, model_id=args.model_id or args.backend, timeout=args.timeout)
    progress = progress_for(args)
    n = len(items)
    total = n * (n - 1) if args.pairs == "dense" else None
    what = f"{total} ordered pairs" if total else f"{args.pairs} pairs"
    callback = progress.callback([f"asking {what} of {n} items, K = {args.samples}"])
    try:
        with quiet_stdout(True):  # what the backend prints never mixes with the verdict
            el: Any = elicit_llm(backend, items, template, samples=args.samples,
                                 parser=parser, unparseable=args.unparseable, pairs=args.pairs,
                                 budget=args.budget, seed=args.seed, cache=args.cache,
                                 progress=callback)
    finally:
        callback.close()
    with progress.stage("fitting utilities, cycles, certificate"):
        result = audit_elicitation(el)
    collect(result.verdict, args.backend)
    if result.verdict.status == "fault":
        reason = getattr(result.verdict.certificate, "message", "the backend failed")
        print(f"coherence: agent fault: {reason}", file=sys.stderr)
    elif (counts := el.unparseable_summary())["faulted"]:  # the verdict stands on the rest
        first = el.faults[0] if el.faults else None
        print(f"coherence: warning: {counts['faulted']} of {counts['asked']} answers faulted "
              "and were left out" + (f"; first: {first.reason}: {first.message}" if first
                                     else ""), file=sys.stderr)
    if args.json:
        emit(result.to_json())
    else:
        _out(result.explain() + "\n")
    return result.verdict.exit_code


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit-llm",
        help="audit a language model's forced choices for money pumps (needs torch)",
        description=(
            "Ask a language model (a function from prompts to answers) every pair of items in "
            "both orders, K samples each, with a response cache; measure positional bias, "
            "cycle rates and fits, and certify a shortest majority money pump or a utility. "
            "Exit 0 coherent, 1 pump, 2 bad input, 3 every question failed."
        ),
    )
    p.add_argument("--backend", required=True, metavar="TARGET",
                   help="FILE.py:function or module:function: list of prompts -> answers")
    p.add_argument("--items", required=True, metavar="FILE", help="one item text per line")
    p.add_argument("--template", required=True, metavar="TEXT",
                   help="the prompt, with {a} (shown first) and {b} (shown second)")
    p.add_argument("--samples", type=int, default=10, metavar="K",
                   help="answers per ordered pair (default 10)")
    p.add_argument("--cache", default=None, metavar="DIR",
                   help="answers cache: a rerun makes no backend call, a stopped run resumes")
    p.add_argument("--labels", default="A,B", metavar="FIRST,SECOND",
                   help="the answer labels for the option shown first and second (default A,B)")
    p.add_argument("--answer-regex", default=None, metavar="REGEX",
                   help="a regular expression whose first group captures the label")
    p.add_argument("--ignore-case", action="store_true", help="match labels in any case")
    p.add_argument("--unparseable", choices=("half", "exclude"), default="half",
                   help="an unreadable answer counts 1/2 for each option (half, default) "
                        "or not at all (exclude)")
    p.add_argument("--pairs", choices=("dense", "sampled", "active"), default="dense",
                   help="which pairs to ask (default dense: all)")
    p.add_argument("--budget", type=int, default=None, metavar="M",
                   help="pairs to ask for sampled and active selection (default 4n)")
    p.add_argument("--seed", type=seed_type, default=0, help="part of every cache key (default 0)")
    p.add_argument("--timeout", type=float, default=TIMEOUT, metavar="S",
                   help="seconds per backend call (a batch of prompts) before it counts as "
                        f"a fault (default {TIMEOUT:g})")
    p.add_argument("--model-id", default=None, help="the model's name in the cache keys "
                                                    "(default: TARGET)")
    add_quiet_flag(p)
    add_json_flag(p)
    p.set_defaults(func=_run)
