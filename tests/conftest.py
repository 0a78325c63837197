"""Shared test configuration: Hypothesis profiles.

``ci`` (default) keeps the suite fast; ``thorough`` (``HYPOTHESIS_PROFILE=thorough``) runs
ten times as many examples.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
