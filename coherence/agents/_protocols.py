"""The five agent protocols (contract): the method a user's decision-maker offers.

=========  ============================================  ===================================
protocol   method                                        what it answers
=========  ============================================  ===================================
compare    ``prefers(a, b) -> bool``                     does it *strictly* prefer ``a``?
choose     ``choose(menu) -> item``                      which item of the menu does it take?
trade      ``accept(holding, offered, price) -> bool``   holding one item, does it pay
                                                         ``price`` to swap it for another?
                                                         (may remember earlier offers)
bet        ``price(event) -> number``                    the most it pays for a ticket worth 1
                                                         if ``event`` happens
act        ``act(problem) -> action``                    what it does in a decision problem
=========  ============================================  ===================================

The classes below are :func:`typing.runtime_checkable` protocols, for type hints and
``isinstance`` checks; :func:`coherence.agents.adapt` does not require them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Protocol, runtime_checkable

from coherence.agents import _worker

__all__ = [
    "ARITY",
    "PROTOCOLS",
    "SIGNATURES",
    "Actor",
    "Bettor",
    "Chooser",
    "Comparer",
    "Trader",
    "expected",
]

#: protocol method names (contract), in the order :func:`coherence.agents.adapt` tries them;
#: the signature of each, as error messages show it; how many arguments each is passed
#: (defined beside the worker, which imports only the standard library)
PROTOCOLS, SIGNATURES, ARITY = _worker.PROTOCOLS, _worker.SIGNATURES, _worker.ARITY


@runtime_checkable
class Comparer(Protocol):
    """Answers pairwise comparisons: ``prefers(a, b)`` iff ``a`` is strictly preferred."""

    def prefers(self, a: Any, b: Any, /) -> bool: ...


@runtime_checkable
class Chooser(Protocol):
    """Chooses one item from a non-empty menu (a list)."""

    def choose(self, menu: Sequence[Any], /) -> Any: ...


@runtime_checkable
class Trader(Protocol):
    """Holding ``holding``, accepts or refuses to pay ``price`` to swap it for ``offered``.

    ``price`` is a :class:`fractions.Fraction`; a negative price means the agent is paid.
    Traders may remember earlier offers (the probe gives each run a fresh copy). A trader may
    also define ``votes(holding, offered) -> Mapping[str, bool]`` (how each member of a
    committee voted); the votes are shown in the certificate and in reports.
    """

    def accept(self, holding: Any, offered: Any, price: Fraction, /) -> bool: ...


@runtime_checkable
class Bettor(Protocol):
    """Prices a ticket that pays 1 if ``event`` happens (its credence in the event)."""

    def price(self, event: Any, /) -> Any: ...


@runtime_checkable
class Actor(Protocol):
    """Picks an action in a decision problem."""

    def act(self, problem: Any, /) -> Any: ...


#: what an agent must offer, for error messages: one method, or any of them
expected = _worker.expected
