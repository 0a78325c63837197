"""Agents that misbehave on purpose, for the isolation tests.

Standard library only, so that a worker process imports this module in milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import time
from fractions import Fraction

RANK = {"a": 4, "b": 3, "c": 2, "d": 1}
ITEMS = list(RANK)
WEAK = {"a": 2, "b": 2, "c": 1, "d": 1}


class Exits:
    """``prefers`` ends the interpreter with ``sys.exit(code)``."""

    def __init__(self, code=0):
        self.code = code

    def prefers(self, a, b):
        sys.exit(self.code)


class OsExit:
    """``prefers`` ends the process at once, with no clean-up."""

    def prefers(self, a, b):
        os._exit(0)


class Raises:
    """``prefers`` raises an exception of the given class (``BaseException`` ones too)."""

    def __init__(self, exc):
        self.exc = exc

    def prefers(self, a, b):
        raise self.exc("on purpose")


class SwallowsInterrupt:
    """Catches everything, the interval timer's interrupt included, and never answers."""

    def prefers(self, a, b):
        while True:
            with contextlib.suppress(BaseException):
                time.sleep(0.05)


class CLoop:
    """One long loop in C: nothing in the process can interrupt it."""

    def prefers(self, a, b):
        return sum(range(10**11)) > 0


class Late:
    """Coherent, but each answer takes 1.5 s."""

    def prefers(self, a, b):
        time.sleep(1.5)
        return RANK[a] > RANK[b]


class Printer:
    """Coherent, and chatty on stdout and stderr (in Python and below it)."""

    def prefers(self, a, b):
        print("thinking about", a, b)
        print("still thinking", file=sys.stderr)
        os.write(1, b"raw bytes on fd 1\n")
        return RANK[a] > RANK[b]


class Segfault:
    """Crashes the interpreter."""

    def prefers(self, a, b):
        import ctypes

        return ctypes.string_at(0)


class TieBreaker:
    """Maximises a weak order (a ~ b > c ~ d): the first of the best on pairs, a random one of
    the best on larger menus."""

    def choose(self, menu):
        best = max(WEAK[x] for x in menu)
        top = [x for x in menu if WEAK[x] == best]
        return top[0] if len(menu) == 2 else random.choice(top)


class ExitingTrader:
    def accept(self, holding, offered, price):
        sys.exit(1)


class ExitingBettor:
    def price(self, event):
        os._exit(3)


class PrintingRaiser:
    def price(self, event):
        print("the price of", sorted(event), "is a secret")
        raise GeneratorExit


_CALLS: dict[str, int] = {}
_RANDOM = random.SystemRandom()
KINDS = ("raise", "hang", "exit", "print", "drift", "random")
RAISES = (ValueError, SystemExit, KeyboardInterrupt, GeneratorExit, BaseException)


class Faulty:
    """A coherent agent (every protocol) that misbehaves from its ``trigger``-th call on, the
    calls counted over every copy of it (``token`` names the count): it raises, hangs, exits,
    prints, drifts to another coherent ranking, or answers at random (not reproducibly)."""

    def __init__(self, kind, trigger, token, which=0):
        self.kind, self.trigger, self.token, self.which = kind, trigger, token, which

    def _rank(self):
        n = _CALLS.get(self.token, 0)
        _CALLS[self.token] = n + 1
        if n < self.trigger:
            if self.kind == "print":
                print("call", n)
                os.write(2, b"stderr too\n")
            return RANK
        if self.kind == "raise":
            raise RAISES[self.which % len(RAISES)]("misbehaving")
        if self.kind == "hang":
            time.sleep(30)
        if self.kind == "exit":
            os._exit(self.which % 3)
        if self.kind == "drift":
            return {k: -v for k, v in RANK.items()}
        if self.kind == "random":
            return None
        return RANK

    def prefers(self, a, b):
        rank = self._rank()
        return _RANDOM.random() < 0.5 if rank is None else rank[a] > rank[b]

    def choose(self, menu):
        rank = self._rank()
        return _RANDOM.choice(menu) if rank is None else max(menu, key=rank.get)

    def accept(self, holding, offered, price):
        rank = self._rank()
        if rank is None:
            return _RANDOM.random() < 0.5
        return rank[offered] > rank[holding] and price <= 1

    def price(self, event):
        rank = self._rank()
        if rank is None:
            return _RANDOM.choice((Fraction(0), Fraction(1, 2), Fraction(1)))
        weights = {k: v - min(rank.values()) + 1 for k, v in rank.items()}
        return Fraction(sum(weights[s] for s in event), sum(weights.values()))
