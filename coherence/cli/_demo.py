"""``coherence demo``: check the example agent designs and print what was found."""

from __future__ import annotations

import argparse
from pathlib import Path

import coherence
from coherence._load import load_module
from coherence.cli import CommandError
from coherence.cli._common import add_json_flag, emit
from coherence.dispatch import check
from coherence.relation import PreferenceRelation


def examples_dir() -> Path:
    """The bundled examples (wheel) or the repository's ``examples/`` (source checkout)."""
    here = Path(coherence.__file__).resolve().parent
    for cand in (here / "_examples", here.parent / "examples"):
        if cand.is_dir():
            return cand
    raise CommandError("example agent designs not found; run from a source checkout")


def _elicit(agent: object, items: list[str]) -> PreferenceRelation:
    """x ≽ y iff the agent does not strictly prefer y to x (one question per ordered pair)."""
    return PreferenceRelation.from_comparison(lambda x, y: not agent.prefers(y, x), items)  # type: ignore[attr-defined]


def _run(args: argparse.Namespace) -> int:
    folder = Path(args.examples) if args.examples else examples_dir()
    results = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        mod = load_module(str(path))
        agent = getattr(mod, "agent", None)
        items = getattr(mod, "ITEMS", None)
        if agent is None or items is None or not hasattr(agent, "prefers"):
            continue
        verdict = check(_elicit(agent, list(items)))
        assert verdict.verify()
        results.append((path.name, verdict))
    if not results:
        raise CommandError(f"no example agents found in {folder}")
    if args.json:
        emit({"examples": [{"example": n, **v.to_json()} for n, v in results]})
    else:
        for name, v in results:
            print(f"== {name} ==")
            print(v.explain())
            print(f"(certificate verified exactly: {v.verify()})\n")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="check the example agent designs and show the certificates")
    p.add_argument("--examples", metavar="DIR", help="folder of example agents (default: bundled)")
    add_json_flag(p)
    p.set_defaults(func=_run)
