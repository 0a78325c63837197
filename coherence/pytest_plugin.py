"""pytest plugin for coherence (registered through the ``pytest11`` entry point).

Registers assertion rewriting for :mod:`coherence.assertions`, the ``--coherence-*`` option
group and the ``coherence`` marker.
"""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("coherence.assertions")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("coherence", "coherence: exploit and certificate checks")
    group.addoption(
        "--coherence-report",
        action="store",
        default=None,
        metavar="PATH",
        help="write every certificate found in the run to PATH (JSON, or HTML for .html)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "coherence(agent=None, items=None): declare a coherence check of an agent"
    )
