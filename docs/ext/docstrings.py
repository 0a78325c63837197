"""Griffe extension for the API reference: docstrings written for doctest and Sphinx, in Markdown.

The docstrings carry doctest examples (``>>> ...`` lines, run by pytest) and Sphinx roles
(``:class:`~coherence.errors.InputError```). Markdown would read ``>>>`` as three nested
quotes and print the roles verbatim, so before rendering:

* each run of doctest lines (the prompt lines, their ``...`` continuations and the expected
  output, up to a blank line) becomes a ``pycon`` code block, without ``# doctest:`` flags;
* each role becomes a cross-reference to the object it names, resolved like Sphinx does
  (relative names against the enclosing classes and modules). The reference is optional: a
  name that is not in the API reference (``fractions.Fraction``) stays plain code.

Loaded by ``mkdocs.yml`` (``extensions: [docs/ext/docstrings.py]``); nothing imports it.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|attr|mod|data|exc|obj|const|type):`(?P<tilde>~?)(?P<target>[^`<>]+)`"
)
_FLAGS = re.compile(r"\s*#\s*doctest:.*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_PROMPT = re.compile(r"^(?P<indent>\s*)>>>(\s|$)")


def fence_doctests(text: str) -> str:
    """Wrap every run of doctest lines outside code fences in a ``pycon`` fence. O(lines).

    >>> fence_doctests("Example:\\n\\n>>> 1 + 1  # doctest: +SKIP\\n2\\n\\nDone.").splitlines()
    ['Example:', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'Done.']
    """
    out: list[str] = []
    lines = text.split("\n")
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            in_fence = not in_fence
        prompt = None if in_fence else _PROMPT.match(line)
        if prompt is None:
            out.append(line)
            i += 1
            continue
        indent = prompt["indent"]
        out.append(f"{indent}```pycon")
        while i < len(lines) and lines[i].strip():
            out.append(_FLAGS.sub("", lines[i]))
            i += 1
        out.append(f"{indent}```")
    return "\n".join(out)


def _resolve(target: str, obj: griffe.Object | griffe.Alias) -> str:
    """The full path a Sphinx role's target names, seen from ``obj``."""
    target = target.strip().lstrip(".")
    first, _, rest = target.partition(".")
    if first in ("coherence", "subagents", "strategies"):
        return target
    scope: Any = obj
    while scope is not None:
        if (scope.is_module or scope.is_class) and first in scope.members:
            member = scope.members[first]
            # an imported name: point at the object itself, where it is documented
            base = member.target_path if member.is_alias else f"{scope.path}.{first}"
            return f"{base}.{rest}" if rest else base
        scope = scope.parent
    return target


def link_roles(text: str, obj: griffe.Object | griffe.Alias) -> str:
    """Replace Sphinx roles by optional cross-references (plain code when unresolved)."""

    def replace(match: re.Match[str]) -> str:
        target = match["target"].strip()
        title = target.rsplit(".", 1)[-1] if match["tilde"] else target
        identifier = _resolve(target, obj)
        return f'<autoref identifier="{identifier}" optional><code>{title}</code></autoref>'

    return _ROLE.sub(replace, text)


class DocstringsToMarkdown(griffe.Extension):
    """Rewrite every docstring once the object tree is loaded."""

    def _rewrite(self, obj: griffe.Object) -> None:
        if obj.docstring is not None:
            obj.docstring.value = link_roles(fence_doctests(obj.docstring.value), obj)

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        self._rewrite(obj)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        self._rewrite(pkg)
