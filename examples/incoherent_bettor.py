"""An exploitable bettor: its credences in rain, sun and snow add up to more than 1.

Asked the most it would pay for a ticket worth 1 if the weather turns out to be in some
event, it adds up its gut feelings for the states in the event (capped at 1). Each feeling
looks reasonable on its own, but together they are incoherent: it pays 0.5 for a ticket on
rain and 0.7 for a ticket on sun-or-snow; exactly one of the two pays 1, so it loses 0.2
whatever the weather (a Dutch book).

    coherence check examples/incoherent_bettor.py:agent   # exit 1, a Dutch book
"""

from fractions import Fraction

ITEMS = ["rain", "sun", "snow"]  # the states of the world
EXPECTED = "exploitable"

GUT = {"rain": Fraction(1, 2), "sun": Fraction(2, 5), "snow": Fraction(3, 10)}


class GutFeelingBettor:
    """Prices a unit bet on an event (a set of states) at the sum of its gut feelings."""

    def price(self, event: frozenset[str]) -> Fraction:
        return min(Fraction(1), sum((GUT[s] for s in event), Fraction(0)))


agent = GutFeelingBettor()
