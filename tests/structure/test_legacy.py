"""The flat 0.1 module paths still import, warn, and lead to the same objects."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from coherence._legacy import MOVED

# one public name each old module held, and where it lives now
SAMPLES = {
    "coherence.relation": "PreferenceRelation",
    "coherence.axioms": "check_transitive",
    "coherence.pump": "MoneyPump",
    "coherence.cardinal": "WillingnessToPay",
    "coherence.graph": "strongly_connected_components",
    "coherence.exact_lp": "as_fraction",
    "coherence.budget": "BudgetData",
    "coherence.revealed": "check_garp",
    "coherence.afriat": "afriat_utility",
    "coherence.indices": "ccei",
    "coherence.choice": "ChoiceData",
    "coherence.lotteries": "LotteryPreferences",
    "coherence.dominance": "DecisionProblem",
    "coherence.games": "Game",
    "coherence.probe": "TradingPump",
    "coherence.report": "write_report",
    "coherence.svg": "cycle_svg",
}


def test_every_moved_path_has_a_sample() -> None:
    assert set(SAMPLES) == set(MOVED)


@pytest.mark.parametrize("old", sorted(MOVED))
def test_old_path_warns_and_finds_the_new_object(old: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match="moved to"):
        module = importlib.import_module(old)
    name = SAMPLES[old]
    new = next(
        importlib.import_module(t) for t in MOVED[old] if hasattr(importlib.import_module(t), name)
    )
    assert getattr(module, name) is getattr(new, name)
    with pytest.raises(AttributeError):
        _ = module.no_such_name


def test_probe_stays_the_function_after_importing_the_old_module() -> None:
    code = (
        "import warnings; warnings.simplefilter('ignore')\n"
        "import coherence\n"
        "from coherence.probe import TradingPump\n"
        "import coherence.probe\n"
        "assert coherence.probe.__name__ == 'probe', coherence.probe\n"
        "class A:\n"
        "    def prefers(self, a, b): return a < b\n"
        "v = coherence.probe(A(), items=[1, 2, 3], seed=0)\n"
        "print(v.status)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "coherent"


def test_an_old_path_is_not_a_package() -> None:
    sys.modules.pop("coherence.relation", None)
    with pytest.warns(DeprecationWarning), pytest.raises(ImportError):
        importlib.import_module("coherence.relation._pump")
