"""Load ``path/to/file.py:object`` or ``package.module:object`` targets in this process.

The loader itself lives in :mod:`coherence.agents._worker` (the agent's worker process uses
it too); here its outcomes become :class:`~coherence.errors.InputError` s.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from coherence.agents import _worker
from coherence.errors import InputError
from coherence.validation import check_file

__all__ = ["load_module", "load_target"]


def load_module(spec: str) -> ModuleType:
    """Import a module by dotted name or by ``.py`` file path, in this process.

    A file is imported under a private name (stable for its path), so it never shadows a
    module of the user's, with its folder on ``sys.path`` so that it can import its sibling
    modules (as pytest and uvicorn do); a dotted name is looked up with the working folder
    on ``sys.path``. Every failure of the import, ``SystemExit`` included, becomes an
    :class:`~coherence.errors.InputError` (one line). O(the import). To import a target
    where it cannot harm this process, use :func:`coherence.agents.load_agent`.

    >>> load_module("fractions").__name__
    'fractions'
    >>> load_module("no/such/agents.py")
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: no/such/agents.py: no such file
    """
    if _worker.is_file_spec(spec):
        check_file(spec)
    try:
        module: ModuleType = _worker.import_spec(spec)
    except (_worker.BadInput, _worker.Fault) as exc:
        raise InputError(str(exc)) from None
    return module


def load_target(target: str) -> tuple[ModuleType, Any]:
    """Split ``MODULE:OBJECT`` and return ``(module, object)`` (``OBJECT`` may be dotted).

    >>> module, obj = load_target("fractions:Fraction.from_float")
    >>> module.__name__, obj(0.5)
    ('fractions', Fraction(1, 2))
    """
    try:
        mod_spec, _ = _worker.split_target(target)
        if _worker.is_file_spec(mod_spec):
            check_file(mod_spec)
        module, obj = _worker.load_target(target)
    except (_worker.BadInput, _worker.Fault) as exc:
        raise InputError(str(exc)) from None
    return module, obj
