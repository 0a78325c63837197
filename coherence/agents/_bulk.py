"""Many agent designs at once: :func:`check_targets` probes every target (a list, or every
``*.py`` file of a folder) as ``coherence check`` probes one, one task per target, on any
:class:`concurrent.futures.Executor` (inline by default; Dask's for scale)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coherence.agents._adapter import load_agent
from coherence.agents._probe import probe
from coherence.bulk import chunks_of, run_chunks
from coherence.errors import AgentFaulted, InputError
from coherence.verdict import Verdict


@dataclass(frozen=True)
class TargetResult:
    """One target's outcome: its verdict, or ``error`` when it could not be checked (a
    missing file or object, no items, an object that is no agent)."""

    target: str
    verdict: Verdict | None
    error: str | None = None

    @property
    def exit_code(self) -> int:
        """The verdict's exit status (0, 1 or 3), or 2 for an error."""
        return 2 if self.verdict is None else self.verdict.exit_code

    def to_json(self) -> dict[str, Any]:
        """``{"target": ..., "error": null, **verdict}`` (the verdict's own fields)."""
        if self.verdict is None:
            return {"target": self.target, "status": "error", "error": self.error}
        return {"target": self.target, **self.verdict.to_json(), "error": None}


def expand_targets(specs: Sequence[str]) -> list[str]:
    """Targets as given, with ``FOLDER:NAME`` standing for ``FILE.py:NAME`` for every
    ``*.py`` file of ``FOLDER`` (sorted by name; files starting with ``_`` left out). O(files).

    >>> expand_targets(["fractions:Fraction"])
    ['fractions:Fraction']
    """
    out: list[str] = []
    for spec in specs:
        where, sep, name = spec.rpartition(":")
        if sep and where and Path(where).is_dir():
            files = sorted(p for p in Path(where).glob("*.py") if not p.name.startswith("_"))
            if not files:
                raise InputError(f"{where}: no .py files in this folder")
            out.extend(f"{p}:{name}" for p in files)
        elif Path(spec).is_dir():
            raise InputError(f"{spec} is a folder: name the object, as {spec}:NAME")
        else:
            out.append(spec)
    if not out:
        raise InputError("no targets given")
    if len(set(out)) != len(out):
        dup = next(t for t in out if out.count(t) > 1)
        raise InputError(f"target {dup} is given twice")
    return out


def check_target(target: str, items: Sequence[Any] | None = None, *,
                 max_examples: int = 100, seed: int | None = None, timeout: float = 1.0,
                 isolation: str = "process", protocol: str | None = None,
                 budget: float | None = None) -> dict[str, Any]:
    """Probe one target as ``coherence check`` does and return its :class:`TargetResult` as
    JSON (plain data, so that it travels back from any worker). An import that fails, hangs
    or exits is an agent fault (exit 3); bad input is an error (exit 2).

    >>> check_target("no_such_module_here:agent")["status"]
    'error'
    """
    try:
        agent, found = load_agent(target, protocol=protocol, timeout=timeout,
                                  isolation=isolation, budget=budget)
    except AgentFaulted as exc:
        verdict = Verdict.inconclusive(exc.fault, f"agent {target}", agent_calls=0)
        return TargetResult(target, verdict).to_json()
    except InputError as exc:
        return TargetResult(target, None, str(exc)).to_json()
    with agent:
        use = items if items is not None else found
        if use is None:
            where = target.rpartition(":")[0]
            return TargetResult(target, None, f"no items to probe with: pass items or "
                                              f"define ITEMS in {where}").to_json()
        try:
            verdict = probe(agent, items=use, max_examples=max_examples, seed=seed)
        except InputError as exc:
            return TargetResult(target, None, str(exc)).to_json()
    return TargetResult(target, verdict).to_json()


def _check_chunk(targets: Sequence[str], items: Sequence[Any] | None,
                 options: dict[str, Any]) -> list[dict[str, Any]]:
    return [check_target(t, items, **options) for t in targets]


def check_targets(targets: Sequence[str], items: Sequence[Any] | None = None, *,
                  executor: Executor | None = None, max_examples: int = 100,
                  seed: int | None = None, timeout: float = 1.0,
                  isolation: str = "process", protocol: str | None = None,
                  budget: float | None = None) -> list[TargetResult]:
    """Every target's :class:`TargetResult`, in the order given (``FOLDER:NAME`` expanded by
    :func:`expand_targets`), one task per target on ``executor`` (default: inline). Each agent
    runs in a worker process of its own as in ``coherence check``; one target's fault or
    error never stops the others. Work: the sum of the probes.

    >>> [r.exit_code for r in check_targets(["no_such_module_here:agent"])]
    [2]
    """
    options = {"max_examples": max_examples, "seed": seed, "timeout": timeout,
               "isolation": isolation, "protocol": protocol, "budget": budget}
    names = expand_targets(targets)
    chunks = chunks_of(names, 1)
    got = run_chunks(_check_chunk, chunks, lambda c: (c.keys, items, options),
                     executor=executor)
    out = []
    for chunk in chunks:
        for doc in got[chunk.index]:
            verdict = None if doc["error"] is not None else Verdict.from_json(
                {k: v for k, v in doc.items() if k not in ("target", "error")})
            out.append(TargetResult(doc["target"], verdict, doc["error"]))
    return out
