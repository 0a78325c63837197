"""Every ```console and ```bash block in README.md and docs/ that calls ``coherence`` runs.

A block is a list of steps. In a ```console block a step is a ``$ `` line (continued by a
trailing backslash) and the lines after it up to the next ``$ `` line, its shown output; in a
```bash block every command line is a step with no shown output. A block runs when one of its
steps calls ``coherence``; its steps run in order, each in ``bash`` with ``coherence`` standing
for ``python -m coherence`` of the running interpreter, in a fresh folder that holds the
repository's ``examples/`` (and ``../shared/`` where the shared data sets lie beside the
repository; a block that names them is skipped elsewhere, as is one that checks a rendering
where no Chromium is on ``PATH``). Then

* the exit status must be the one the page states: ``$ echo $?`` and its output after the
  step, or a comment ``# exit 1`` / ``# exit status 1``; otherwise 0 or 1;
* a shown output must match what the step prints, as in a doctest (``...`` for any text, white
  space normalised); a shown JSON document (``--json``) must be a part of the real one: every
  field it shows is in the real output with the value shown, ``...`` standing for more fields,
  more list items, or any value.

A block that cannot run (a synopsis, a recipe for the reader's own project, an installation)
says so with ``<!-- skip: reason -->`` on the line above it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.docs.test_examples import PAGES, ROOT, Block, fences, output_matches

SHARED = ROOT.parent / "shared"
SHELLS = ("console", "bash", "sh", "shell")
_CALLS = re.compile(r"^(\S+=\S+\s+)*coherence(\s|$)")
_EXIT = re.compile(r"#.*?\bexit(?: status)?:? (?P<code>\d)\b")
_MORE = "\u2026more"
_ANY = "\u2026any"


@dataclass
class Step:
    line: int
    command: str
    output: list[str] = field(default_factory=list)
    exit: int | None = None


def steps(block: Block) -> list[Step]:
    """The steps of a ```console or ```bash block. O(lines)."""
    out: list[Step] = []
    lines = block.source.splitlines()
    prompt = block.lang == "console"
    i = 0
    while i < len(lines):
        text = lines[i]
        starts = text.startswith("$ ") if prompt else bool(text.strip()) and not text.lstrip(
        ).startswith("#")
        if not starts:
            if prompt and out:
                out[-1].output.append(text)
            i += 1
            continue
        command, line = (text[2:] if prompt else text), block.line + i
        while command.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            command = command.rstrip()[:-1] + " " + lines[i].strip()
        i += 1
        if command.strip() == "echo $?" and out:
            out.append(Step(line, command))
            continue
        m = _EXIT.search(command)
        out.append(Step(line, command.strip(), exit=int(m["code"]) if m else None))
    merged: list[Step] = []
    for step in out:  # "$ echo $?" states the exit status of the step before it
        if step.command == "echo $?" and merged:
            shown = "".join(step.output).strip()
            merged[-1].exit = int(shown) if shown.isdigit() else merged[-1].exit
        else:
            merged.append(step)
    return merged


def runnable() -> list[Block]:
    found = []
    for page in PAGES:
        for block, _ in fences(page):
            if block.lang in SHELLS and any(_CALLS.match(s.command) for s in steps(block)):
                found.append(block)
    return found


def _shown_json(text: str) -> Any:
    text = re.sub(r",\s*\.\.\.\s*}", f', "{_MORE}": true}}', text)
    text = re.sub(r",\s*\.\.\.\s*]", f', "{_MORE}"]', text)
    text = re.sub(r":\s*\.\.\.", f': "{_ANY}"', text)
    return json.loads(text)


def json_within(shown: Any, real: Any, where: str = "$") -> None:
    """Check that the ``shown`` JSON is a part of ``real`` (see the module docstring)."""
    if shown == _ANY:
        return
    if isinstance(shown, dict):
        assert isinstance(real, dict), f"{where}: shown an object, the output has {real!r}"
        for key, value in shown.items():
            if key == _MORE:
                continue
            assert key in real, f"{where}: the page shows {key!r}, the output has no such field"
            json_within(value, real[key], f"{where}.{key}")
    elif isinstance(shown, list):
        more = bool(shown) and shown[-1] == _MORE
        items = shown[:-1] if more else shown
        assert isinstance(real, list), f"{where}: shown a list, the output has {real!r}"
        assert len(real) >= len(items) if more else len(real) == len(items), (
            f"{where}: the page shows {len(items)} items, the output has {len(real)}"
        )
        for k, (s, r) in enumerate(zip(items, real, strict=False)):
            json_within(s, r, f"{where}[{k}]")
    else:
        assert shown == real, f"{where}: the page shows {shown!r}, the output has {real!r}"


def _workdir(tmp_path: Path) -> Path:
    work = tmp_path / "repo"
    work.mkdir()
    (work / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    if SHARED.is_dir():
        (tmp_path / "shared").symlink_to(SHARED, target_is_directory=True)
    return work


def _check(block: Block, step: Step, proc: subprocess.CompletedProcess[str]) -> None:
    where = f"{block.where.split(':')[0]}:{step.line}: {step.command}"
    detail = f"\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    if step.exit is not None:
        assert proc.returncode == step.exit, f"{where}: exit {proc.returncode}{detail}"
    else:
        assert proc.returncode in (0, 1), f"{where}: exit {proc.returncode}{detail}"
    shown = "\n".join(step.output).strip()
    if not shown:
        return
    if "--json" in step.command and shown.startswith("{"):
        json_within(_shown_json(shown), json.loads(proc.stdout))
    else:
        assert output_matches(shown + "\n", proc.stdout), (
            f"{where}: printed\n{proc.stdout}\nbut the page shows\n{shown}"
        )


@pytest.mark.slow
@pytest.mark.parametrize("block", runnable(), ids=lambda b: b.where)
def test_commands_run(block: Block, tmp_path: Path) -> None:
    if block.skip:
        pytest.skip(block.skip)
    if "../shared/" in block.source and not SHARED.is_dir():
        pytest.skip("needs the shared data sets beside the repository")
    if "--check-rendering" in block.source:
        from coherence.reporting import find_chromium

        if find_chromium() is None:
            pytest.skip("needs headless Chromium")
    work = _workdir(tmp_path)
    env = {**os.environ, "COHERENCE_PY": sys.executable, "COLUMNS": "200"}
    prelude = 'coherence() { "$COHERENCE_PY" -m coherence "$@"; }\n'
    for step in steps(block):
        proc = subprocess.run(
            ["bash", "-c", prelude + step.command], cwd=work, env=env,
            capture_output=True, text=True, timeout=300,
        )
        _check(block, step, proc)


def test_steps_are_read(tmp_path: Path) -> None:
    """Prompts, continuations, shown output, ``echo $?`` and ``# exit`` comments."""
    page = tmp_path / "p.md"
    page.write_text(
        "```console\n$ coherence relation a.csv \\\n    --json\n{\"a\": 1, ...}\n$ echo $?\n1\n"
        "$ coherence wtp b.csv   # exit 0: coherent\n```\n", encoding="utf-8",
    )
    (block, _), = fences(page)
    got = [(s.command, s.output, s.exit) for s in steps(block)]
    assert got == [
        ("coherence relation a.csv  --json", ['{"a": 1, ...}'], 1),
        ("coherence wtp b.csv   # exit 0: coherent", [], 0),
    ]


def test_shown_json_is_a_part_of_the_output() -> None:
    real = {"a": 1, "b": [1, 2, 3], "c": {"d": "x", "e": None}}
    json_within(_shown_json('{"a": 1, "b": [1, ...], "c": {"d": ...}, ...}'), real)
    with pytest.raises(AssertionError, match="no such field"):
        json_within(_shown_json('{"exploitable_components": 1}'), real)
    with pytest.raises(AssertionError, match="shows 2 items"):
        json_within(_shown_json('{"b": [1, 2]}'), real)
