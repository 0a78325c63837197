"""Import paths of the flat 0.1 layout, kept working for one release with a DeprecationWarning.

``import coherence.relation`` (and every other module path that moved when the package was
grouped by problem) finds the module's public names in their new home and warns once per
import. The table below is the whole record of what moved where; nothing else refers to it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["MOVED", "install"]

#: old module path → the public modules that now hold its names
MOVED: dict[str, tuple[str, ...]] = {
    "coherence.relation": ("coherence.relations",),
    "coherence.axioms": ("coherence.relations",),
    "coherence.pump": ("coherence.relations",),
    "coherence.cardinal": ("coherence.relations",),
    "coherence.graph": ("coherence.graphs",),
    "coherence.exact_lp": ("coherence._exact",),
    "coherence.budget": ("coherence.budgets",),
    "coherence.revealed": ("coherence.budgets", "coherence.graphs"),
    "coherence.afriat": ("coherence.budgets",),
    "coherence.indices": ("coherence.budgets",),
    "coherence.choice": ("coherence.budgets",),
    "coherence.lotteries": ("coherence.beliefs",),
    "coherence.dominance": ("coherence.decisions",),
    "coherence.games": ("coherence.decisions",),
    "coherence.probe": ("coherence.agents",),
    "coherence.report": ("coherence.reporting",),
    "coherence.svg": ("coherence.reporting",),
}


class _MovedModule(types.ModuleType):
    """A stand-in for a moved module: attribute look-ups go to the modules that now hold them."""

    _targets: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # no __path__ etc.: the old path is not a package
            raise AttributeError(name)
        for target in self._targets:
            module = importlib.import_module(target)
            if hasattr(module, name):
                return getattr(module, name)
        raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _MovedModule(spec.name)
        module._targets = MOVED[spec.name]
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        new = " and ".join(MOVED[module.__name__])
        warnings.warn(
            f"{module.__name__} moved to {new}; the old path goes away in the next release",
            DeprecationWarning,
            stacklevel=2,  # warnings skips importlib frames: this is the importer
        )


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(fullname, _Loader())


def install() -> None:
    """Put the finder for moved modules on ``sys.meta_path`` (idempotent). O(1)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
