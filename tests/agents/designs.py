"""Agent designs for the replay tests: exploitable ones, and the same designs fixed.

Standard library only, so that a worker process imports this module in milliseconds.
"""

from __future__ import annotations

import random
from fractions import Fraction

RANKS = {"ann": "ABC", "bob": "BCA", "cat": "CAB"}
BEATS = {("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")}
RANK = {"a": 3, "b": 2, "c": 1, "d": 0}
GUT = {"rain": Fraction(1, 2), "sun": Fraction(2, 5), "snow": Fraction(3, 10)}


class Cyclic:
    def prefers(self, a, b):
        return (a, b) in BEATS


class CyclicChooser:
    def choose(self, menu):
        if len(menu) == 2:
            a, b = menu
            return a if (a, b) in BEATS else b
        return menu[0]


class Committee:
    """Trades by majority: a Condorcet cycle, so a 3-trade pump."""

    def votes(self, holding, offered):
        return {m: r.index(offered) < r.index(holding) for m, r in RANKS.items()}

    def accept(self, holding, offered, price):
        return sum(self.votes(holding, offered).values()) >= 2 and price <= 1


class Dictator:
    """The same committee, fixed: ann decides alone."""

    def accept(self, holding, offered, price):
        r = RANKS["ann"]
        return r.index(offered) < r.index(holding) and price <= 1


class CoinTrader:
    """Accepts at random (not reproducibly): replaying it changes answers between rounds."""

    def accept(self, holding, offered, price):
        return random.SystemRandom().random() < 0.5


class Compromise:
    """Takes b from any menu holding a, b and c (the compromise effect), else the best."""

    def choose(self, menu):
        if {"a", "b", "c"} <= set(menu):
            return "b"
        return max(menu, key=RANK.get)


class Best:
    def choose(self, menu):
        return max(menu, key=RANK.get)


class Gut:
    def price(self, event):
        return min(Fraction(1), sum((GUT[s] for s in event), Fraction(0)))


class Calibrated:
    def price(self, event):
        return Fraction(len(event), len(GUT))
