"""Stochastic choice: binary and menu choice frequencies, random-utility coherence with exact
certificates either way (a mixture of orders, or a separating inequality), likelihood-ratio
tests on counts with bootstrap p-values, and the triad conditions at scale.

>>> from coherence.stochastic import StochasticChoice, check_random_utility
>>> d = StochasticChoice.from_probabilities({("a", "b"): 0.6, ("b", "c"): 0.6, ("a", "c"): 0.7})
>>> check_random_utility(d).coherent
True
"""

from __future__ import annotations

from coherence.stochastic._certificates import RandomUtility, SeparatingInequality
from coherence.stochastic._csv import stochastic_from_csv
from coherence.stochastic._data import PairRecord, StochasticChoice
from coherence.stochastic._menu_csv import menus_from_csv
from coherence.stochastic._menus import (
    MenuChoice,
    MenuRandomUtility,
    MenuSeparatingInequality,
    block_marschak,
    check_menu_random_utility,
)
from coherence.stochastic._random_utility import check_random_utility
from coherence.stochastic._sampling import SampleTest, sample_test
from coherence.stochastic._triads import TriadCheck, check_triads

__all__ = [
    "MenuChoice",
    "MenuRandomUtility",
    "MenuSeparatingInequality",
    "PairRecord",
    "RandomUtility",
    "SampleTest",
    "SeparatingInequality",
    "StochasticChoice",
    "TriadCheck",
    "block_marschak",
    "check_menu_random_utility",
    "check_random_utility",
    "check_triads",
    "menus_from_csv",
    "sample_test",
    "stochastic_from_csv",
]
