"""A coherent agent: it strictly prefers whichever item has the higher fixed utility.

    coherence check examples/utility_maximiser.py:agent   # exit 0, the utility ordering
"""

ITEMS = ["apple", "banana", "cherry", "durian"]
EXPECTED = "coherent"

UTILITY = {"apple": 3, "banana": 1, "cherry": 2, "durian": 0}


class UtilityMaximiser:
    """Strictly prefers a to b iff u(a) > u(b)."""

    def prefers(self, a: str, b: str) -> bool:
        return UTILITY[a] > UTILITY[b]


agent = UtilityMaximiser()
