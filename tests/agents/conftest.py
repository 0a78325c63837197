"""The agent tests share worker processes (each imports a test module once, not per probe)."""

import pytest

from coherence.agents import reuse_workers


@pytest.fixture(autouse=True, scope="session")
def _shared_workers():
    with reuse_workers():
        yield
