"""coherence.io sits on top: no other module of the packages imports it, and its public
names are exactly the package's ``__all__``."""

from __future__ import annotations

import ast
from pathlib import Path

import coherence.io

ROOT = Path(__file__).resolve().parents[2]


def _imports_io(path: Path) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        else:
            continue
        if any(n == "coherence.io" or n.startswith("coherence.io.") for n in names):
            lines.append(node.lineno)
    return lines


def test_nothing_in_the_packages_imports_coherence_io() -> None:
    offenders = []
    for pkg in ("coherence", "subagents", "strategies"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            if (ROOT / "coherence" / "io") in path.parents:
                continue
            offenders += [f"{path.relative_to(ROOT)}:{n}" for n in _imports_io(path)]
    assert not offenders, f"coherence.io is imported from {offenders}"


def test_public_names_are_functions_with_examples() -> None:
    for name in coherence.io.__all__:
        fn = getattr(coherence.io, name)
        assert callable(fn) and fn.__module__.startswith("coherence.io._")
        assert ">>>" in (fn.__doc__ or ""), f"{name} has no example"
