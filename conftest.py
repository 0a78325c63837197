"""Collection settings for the doctests in the packages (the tests themselves live in tests/)."""

import importlib.util

collect_ignore = ["coherence/__main__.py", "benchmarks", "examples", "docs", "site"]
if importlib.util.find_spec("torch") is None:  # the bridge's examples need the torch extra
    collect_ignore.append("coherence/bridge")
