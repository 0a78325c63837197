"""The API reference documents every public class and function exactly once.

The reference pages (``docs/reference/*.md``) render objects with mkdocstrings directives
(``::: coherence.relations``, with ``members`` or ``filters`` options). This test reads the
directives, works out which objects each one renders (a module's ``__all__``, narrowed by the
options) and checks, by object identity, that

* every class and function in the ``__all__`` of a public module (no ``_`` in its path) of
  ``coherence`` (``coherence.subagents`` and ``coherence.strategies`` with it) is rendered
  once, and only once (an object rendered on two pages makes two anchors for one name);
* no directive names a private module, and no page outside ``docs/reference`` renders objects;
* the root page ``docs/reference/coherence.md`` links every name of ``coherence.__all__`` to the
  page that documents it;
* README.md and the user pages name no private module and no moved 0.1 module path.

Which names a directive renders is read from griffe's static view of the source, as
mkdocstrings reads it (a name that only a lazy ``__getattr__`` provides is not rendered).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")
griffe = pytest.importorskip("griffe")

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference"
PACKAGES = ("coherence",)  # with coherence.subagents and coherence.strategies
#: public modules that are not an API: the plugin's hooks and the ``python -m`` entry point
NOT_API = {"coherence.pytest_plugin", "coherence.__main__"}

_DIRECTIVE = re.compile(r"^::: (?P<path>\S+)\s*$")


@dataclass(frozen=True)
class Directive:
    page: Path
    line: int
    path: str
    options: dict[str, Any]


def directives(page: Path) -> list[Directive]:
    """The ``::: path`` directives of a page with their (indented YAML) options. O(lines)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    out = []
    for i, line in enumerate(lines):
        m = _DIRECTIVE.match(line)
        if m is None:
            continue
        j = i + 1
        while j < len(lines) and (lines[j].startswith("    ") or not lines[j].strip()):
            j += 1
        block = yaml.safe_load("\n".join(lines[i + 1 : j])) or {}
        out.append(Directive(page, i + 1, m["path"], block.get("options", {}) or {}))
    return out


def _load(path: str) -> Any:
    """The module or object a dotted path names (the longest importable prefix, then attributes)."""
    parts = path.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for name in parts[k:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(path)


def _exported(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n
            for n, v in vars(module).items()
            if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__
        ]
    return list(names)


def _kept(name: str, options: dict[str, Any]) -> bool:
    members = options.get("members")
    if isinstance(members, list):
        return name in members
    if members is False:
        return False
    for pattern in options.get("filters", ["!^_[^_]"]):
        negated = pattern.startswith("!")
        found = re.search(pattern.lstrip("!"), name) is not None
        if found == negated:
            return False
    return True


def _api(obj: Any) -> bool:
    return inspect.isclass(obj) or inspect.isfunction(obj)


@functools.cache
def _static() -> Any:
    """The packages as mkdocstrings sees them: griffe's static analysis of the source."""
    loader = griffe.GriffeLoader(search_paths=[str(ROOT)])
    for pkg in PACKAGES:
        loader.load(pkg)
    loader.resolve_aliases(implicit=False, external=False)
    return loader.modules_collection


def _shown(member: Any) -> bool:
    """Whether mkdocstrings renders a module member without an explicit ``members`` list."""
    try:
        return bool(member.is_public and not member.is_module and member.docstring is not None)
    except griffe.AliasResolutionError:
        return False


def rendered(directive: Directive) -> list[Any]:
    """The classes and functions a directive renders at its top level (runtime objects).

    The names come from the static view (a name only a lazy ``__getattr__`` provides, or one
    without a docstring, is not rendered); the objects from importing them.
    """
    target = _load(directive.path)
    if not isinstance(target, ModuleType):
        return [target]
    members = _static()[directive.path].members
    listed = directive.options.get("members")
    if isinstance(listed, list):
        names = [n for n in listed if n in members]
    else:
        names = [n for n, m in members.items() if _kept(n, directive.options) and _shown(m)]
    objs = (getattr(target, n) for n in names)
    return [o for o in objs if _api(o)]


def public_modules() -> list[ModuleType]:
    out = []
    for pkg in PACKAGES:
        root = importlib.import_module(pkg)
        out.append(root)
        for info in pkgutil.walk_packages(root.__path__, f"{pkg}."):
            if any(part.startswith("_") for part in info.name.split(".")) or info.name in NOT_API:
                continue
            out.append(importlib.import_module(info.name))
    return out


PAGES = sorted(REFERENCE.glob("*.md"))
DIRECTIVES = [d for page in PAGES for d in directives(page)]


def test_directives_name_public_paths() -> None:
    private = [f"{d.page.name}:{d.line}: {d.path}" for d in DIRECTIVES if "._" in f".{d.path}"]
    assert not private, f"directives for private modules: {private}"
    elsewhere = [
        f"{page.relative_to(ROOT)}: {d.path}"
        for page in sorted((ROOT / "docs").rglob("*.md"))
        if page.parent != REFERENCE
        for d in directives(page)
    ]
    assert not elsewhere, f"objects rendered outside docs/reference: {elsewhere}"


def test_every_public_object_is_documented_once() -> None:
    counts: Counter[int] = Counter()
    where: dict[int, list[str]] = {}
    for d in DIRECTIVES:
        for obj in rendered(d):
            counts[id(obj)] += 1
            where.setdefault(id(obj), []).append(f"{d.page.name}:{d.line} ({d.path})")
    twice = {k: v for k, v in where.items() if counts[k] > 1}
    assert not twice, f"rendered more than once: {list(twice.values())}"
    missing = []
    for module in public_modules():
        if module.__name__ == "coherence":
            continue  # the root page lists its re-exports in prose, checked below
        for name in _exported(module):
            obj = getattr(module, name)
            if _api(obj) and counts[id(obj)] == 0:
                missing.append(f"{module.__name__}.{name}")
    assert not missing, f"public objects missing from docs/reference: {sorted(set(missing))}"


def test_root_page_links_every_reexport() -> None:
    import coherence

    text = (REFERENCE / "coherence.md").read_text(encoding="utf-8")
    linked = {id(_load(ident)) for ident in re.findall(r"\]\[([\w.]+)\]", text)}
    documented = {id(obj) for d in DIRECTIVES for obj in rendered(d)}
    unlinked = [
        name
        for name in coherence.__all__
        if name != "__version__" and id(getattr(coherence, name)) not in linked
    ]
    assert not unlinked, f"coherence.{unlinked} not linked from docs/reference/coherence.md"
    undocumented = [
        name
        for name in coherence.__all__
        if name != "__version__" and id(getattr(coherence, name)) not in documented
    ]
    assert not undocumented, f"coherence.{undocumented} linked but not rendered anywhere"


def test_prose_names_no_private_or_moved_module() -> None:
    """README.md and the user pages name public modules only (architecture.md explains the
    private layout to developers and may name private modules)."""
    from coherence._legacy import MOVED

    moved = [m for m in MOVED if m != "coherence.probe"]  # also the public function's name
    private = r"\bcoherence(?:\.\w+)*\._(?!_)\w+"
    old = r"\b(?:" + "|".join(map(re.escape, moved)) + r")\b"
    pattern = re.compile(f"{private}|{old}")
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found = [
        f"{page.relative_to(ROOT)}:{n}: {m.group(0)}"
        for page in pages
        if page.name != "architecture.md"
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        for m in pattern.finditer(line)
    ]
    assert not found, f"private or moved module paths in the docs: {found}"
