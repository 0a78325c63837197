"""Hypothesis setup hook (``hypothesis`` entry point): registers ``st.from_type`` resolvers.

Hypothesis calls :func:`_hypothesis_setup_hook` at the end of its own import, so nothing that
imports Hypothesis may be imported at module level here (that would be circular). The
resolvers are wrapped in ``st.deferred`` so the strategy modules load on first use.
"""

from __future__ import annotations


def _hypothesis_setup_hook() -> None:
    from hypothesis import strategies as st

    from strategies._registry import TYPE_STRATEGIES

    for import_path, factory_path in TYPE_STRATEGIES:
        st.register_type_strategy(_LazyType.load(import_path), _deferred(st, factory_path))


def _deferred(st, factory_path: str):  # type: ignore[no-untyped-def]
    def build():  # type: ignore[no-untyped-def]
        return _LazyType.load(factory_path)()

    return st.deferred(build)


class _LazyType:
    @staticmethod
    def load(path: str):  # type: ignore[no-untyped-def]
        import importlib

        mod, _, attr = path.partition(":")
        return getattr(importlib.import_module(mod), attr)
