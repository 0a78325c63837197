"""The library reaches its strategies and subagents only as ``coherence.strategies`` and
``coherence.subagents``: the repository's top-level folders of those names are never imported
(installed, they do not exist, and a user's own modules of those names must stay theirs)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import coherence
from coherence import verdict
import coherence.strategies, coherence.subagents, coherence.pytest_plugin
from coherence.subagents import Committee, Majority, UtilityMember
c = Committee([UtilityMember({"a": 3, "b": 2, "c": 1}), UtilityMember({"a": 1, "b": 3, "c": 2}),
               UtilityMember({"a": 2, "b": 1, "c": 3})], Majority())
v = coherence.check(c)
verdict.Verdict.from_json(v.to_json())
for name in coherence.strategies.__all__:
    getattr(coherence.strategies, name)
for package in verdict._CHECKER_PACKAGES:
    __import__(package)
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("strategies", "subagents"))
assert not bad, bad
print("ok")
"""


def test_the_top_level_folders_are_never_imported(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
