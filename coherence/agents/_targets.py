"""Load ``path/to/file.py:object`` or ``package.module:object`` targets (for the CLI)."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

from coherence.errors import InputError
from coherence.validation import check_file

__all__ = ["load_module", "load_target"]


def load_module(spec: str) -> ModuleType:
    """Import a module by dotted name or by ``.py`` file path.

    A file is imported under a private name, so it never shadows a module of the user's, with
    its folder on ``sys.path`` so that it can import its sibling modules (as pytest and uvicorn
    do); a dotted name is looked up with the working folder on ``sys.path``. Import errors
    become :class:`~coherence.errors.InputError` (one line). O(the import).

    >>> load_module("fractions").__name__
    'fractions'
    >>> load_module("no/such/agents.py")
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: no/such/agents.py: no such file
    """
    if spec.endswith(".py") or "/" in spec or "\\" in spec:
        path = check_file(spec)
        name = f"_coherence_target_{abs(hash(path.resolve()))}"
        s = importlib.util.spec_from_file_location(name, path)
        if s is None or s.loader is None:
            raise InputError(f"{spec}: cannot be imported")
        mod = importlib.util.module_from_spec(s)
        _on_path(str(path.resolve().parent))
        sys.modules[name] = mod
        try:
            s.loader.exec_module(mod)
        except Exception as exc:
            sys.modules.pop(name, None)
            raise InputError(f"{spec}: import failed: {type(exc).__name__}: {exc}") from None
        return mod
    _on_path(os.getcwd())
    try:
        return importlib.import_module(spec)
    except Exception as exc:
        raise InputError(f"cannot import {spec!r}: {type(exc).__name__}: {exc}") from None


def _on_path(folder: str) -> None:
    """Put ``folder`` first on ``sys.path`` unless it is there already. O(len(sys.path))."""
    if folder not in sys.path:
        sys.path.insert(0, folder)


def load_target(target: str) -> tuple[ModuleType, Any]:
    """Split ``MODULE:OBJECT`` and return ``(module, object)`` (``OBJECT`` may be dotted).

    >>> module, obj = load_target("fractions:Fraction.from_float")
    >>> module.__name__, obj(0.5)
    ('fractions', Fraction(1, 2))
    """
    mod_spec, sep, attr = target.rpartition(":")
    if not sep or not mod_spec or not attr:
        raise InputError(f"target must be MODULE:OBJECT, got {target!r}")
    mod = load_module(mod_spec)
    obj: Any = mod
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise InputError(f"{mod_spec} has no attribute {attr!r}") from None
    return mod, obj
