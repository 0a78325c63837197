"""Every ```python example in README.md and docs/ runs, and prints what the page shows.

Each page runs in a fresh namespace, its blocks in order, with the repository root as the
working directory, so a block may use what an earlier block on the same page defined. A block
fails the page's test when it raises. A ```text block that directly follows a ```python block
(nothing but blank lines between them) is that block's output: what the block prints must match
it, as a doctest's output does (``...`` stands for any text, runs of white space, line breaks
included, compare equal). Top-level ``test_*`` functions that a page defines and that take no
arguments (Hypothesis ``@given`` tests) are called too, with few examples. The ```console and
```bash blocks are run by ``test_commands.py``.

Blocks are skipped when

* the nearest non-blank line above the fence is ``<!-- skip: reason -->`` (for code that needs a
  user's own project or data files that are not in the repository; use it sparingly);
* PyTorch is missing and the block imports ``torch`` or ``coherence.bridge``;
* the block uses a name that only a skipped block defines.

A moved module path (``coherence.relation`` and the like), or a deprecated call made by an
example, raises here instead of warning.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import importlib.util
import inspect
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
HAS_TORCH = importlib.util.find_spec("torch") is not None

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w-]*).*$")
_SKIP = re.compile(r"^\s*<!--\s*skip\b(?::\s*(?P<reason>.*?))?\s*-->\s*$")
_NEEDS_TORCH = re.compile(
    r"^\s*(import\s+torch\b|from\s+torch\b|(from|import)\s+coherence\.bridge\b)", re.M
)


@dataclass(frozen=True)
class Block:
    """One fenced block: its source (dedented), where it starts and, for ```python, the
    output shown after it."""

    page: Path
    line: int  # 1-based line of the first code line
    source: str
    skip: str | None  # the reason given by a ``<!-- skip -->`` marker
    lang: str = "python"
    output: str | None = None  # the ```text block right after it, if any

    @property
    def where(self) -> str:
        return f"{_name(self.page)}:{self.line}"


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else str(page)


def fences(page: Path) -> Iterator[tuple[Block, int]]:
    """Every fenced block of a markdown page with the 1-based line of its closing fence, in
    order. O(lines)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if m is None:
            i += 1
            continue
        indent, fence = m["indent"], m["fence"]
        close = re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        if j == len(lines):
            raise AssertionError(f"{_name(page)}:{i + 1}: unclosed code fence")
        body = [
            line[len(indent) :] if line.startswith(indent) else line for line in lines[i + 1 : j]
        ]
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        marker = _SKIP.match(lines[k]) if k >= 0 else None
        skip = (marker["reason"] or "marked as not runnable") if marker else None
        yield Block(page, i + 2, "\n".join(body) + "\n", skip, m["lang"] or "text"), j + 1
        i = j + 1


def blocks(page: Path, lang: str = "python") -> Iterator[Block]:
    """The blocks of one language on a markdown page, in order; a ```python block carries
    the ```text block that directly follows it as its ``output``. O(lines)."""
    found = list(fences(page))
    for k, (block, end) in enumerate(found):
        if block.lang != lang:
            continue
        if lang == "python" and k + 1 < len(found):
            after, _ = found[k + 1]
            # the next fence opens right after this one closes (blank lines between)
            if after.lang == "text" and _only_blank(page, end, after.line - 1):
                block = Block(block.page, block.line, block.source, block.skip,
                              block.lang, after.source)
        yield block


def _only_blank(page: Path, after_line: int, fence_line: int) -> bool:
    lines = page.read_text(encoding="utf-8").splitlines()
    return all(not x.strip() for x in lines[after_line : fence_line - 1])


def output_matches(shown: str, printed: str) -> bool:
    """Whether ``printed`` matches the ``shown`` output as in a doctest (``...`` for any
    text, white space normalised). O(len(shown) · len(printed)) at worst."""
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    return doctest.OutputChecker().check_output(shown, printed, flags)


def _bound(tree: ast.Module) -> set[str]:
    """Names a block binds (assignments, imports, definitions; nested ones too)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _used(tree: ast.Module) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _run(block: Block, namespace: dict[str, object]) -> None:
    # Padding keeps the markdown line numbers, so a traceback points into the page.
    code = compile("\n" * (block.line - 1) + block.source, str(block.page), "exec")
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(code, namespace)
    except Exception as exc:
        raise AssertionError(
            f"example at {block.where} raised {type(exc).__name__}: {exc}"
        ) from exc
    if block.output is not None and not output_matches(block.output, printed.getvalue()):
        raise AssertionError(
            f"example at {block.where} printed\n{printed.getvalue()}\n"
            f"but the page shows\n{block.output}"
        )


def _call_tests(page: Path, namespace: dict[str, object]) -> None:
    """Call the page's argument-free ``test_*`` functions (Hypothesis tests with 10 examples)."""
    from hypothesis import HealthCheck, settings

    quick = settings(
        max_examples=10,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    for name, fn in list(namespace.items()):
        if not name.startswith("test_") or not callable(fn):
            continue
        if inspect.signature(fn).parameters:
            continue  # needs pytest fixtures
        runner = quick(fn) if hasattr(fn, "hypothesis") else fn
        try:
            runner()
        except Exception as exc:
            raise AssertionError(f"{_name(page)}: example test {name} failed: {exc!r}") from exc


@pytest.mark.parametrize(
    "page", [p for p in PAGES if any(blocks(p))], ids=lambda p: str(p.relative_to(ROOT))
)
def test_examples_run(
    page: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    page_blocks = list(blocks(page))
    monkeypatch.chdir(ROOT)
    if HAS_TORCH and any(_NEEDS_TORCH.search(b.source) for b in page_blocks):
        import torch

        # the examples are tiny: one thread keeps them fast on a busy machine
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        request.addfinalizer(lambda: torch.set_num_threads(threads))
    namespace: dict[str, object] = {"__name__": "__docs__"}
    unavailable: set[str] = set()  # names only a skipped block defines
    ran = 0
    with warnings.catch_warnings():
        # a moved module path, and any deprecated call made by an example itself
        warnings.filterwarnings("error", message=r".* moved to .*", category=DeprecationWarning)
        warnings.filterwarnings("error", category=DeprecationWarning, module="__docs__")
        for block in page_blocks:
            tree = ast.parse(block.source, block.where)
            needs_torch = _NEEDS_TORCH.search(block.source) is not None
            if block.skip or (needs_torch and not HAS_TORCH) or _used(tree) & unavailable:
                unavailable |= _bound(tree) - set(namespace)
                continue
            unavailable -= _bound(tree)
            _run(block, namespace)
            ran += 1
        _call_tests(page, namespace)
    if ran == 0:
        pytest.skip("every example on this page is skipped here")


def test_blocks_are_found(tmp_path: Path) -> None:
    """The extractor sees indented fences and markers, and ignores other languages."""
    text = "\n".join(
        [
            "<!-- skip: needs a project -->",
            "",
            "```python",
            "import my_project",
            "```",
            "```bash",
            "ls",
            "```",
            "!!! note",
            "    ```python",
            "    x = 1",
            "    ```",
        ]
    )
    sample = tmp_path / "sample.md"
    sample.write_text(text, encoding="utf-8")
    assert [(b.line, b.source, b.skip) for b in blocks(sample)] == [
        (4, "import my_project\n", "needs a project"),
        (11, "x = 1\n", None),
    ]
