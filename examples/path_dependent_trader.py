"""Incomplete but unexploitable: a trader that keeps whatever it holds unless it is beaten.

Homes differ in two ways (space and light). The trader pays up to 1 to swap its home for one
that is at least as good in both ways and better in one; any other offer it refuses, so it
keeps what it holds. Many pairs are incomparable, so where it ends up depends on the order of
the offers (path dependence), but no sequence of trades brings it back to a home it held
with less money: it cannot be pumped, and no single utility describes its choices.

    coherence check examples/path_dependent_trader.py:agent   # exit 0, no exploit found

The verdict is evidence, not proof (status ``no_exploit_found``): a trader may remember,
so no finite search covers every history.
"""

from fractions import Fraction

HOMES = {
    "attic": (1, 3),
    "basement": (2, 1),
    "cottage": (2, 3),
    "loft": (3, 2),
    "villa": (3, 3),
    "studio": (1, 1),
}
ITEMS = list(HOMES)
EXPECTED = "no_exploit_found"


def _beats(a: str, b: str) -> bool:
    (sa, la), (sb, lb) = HOMES[a], HOMES[b]
    return sa >= sb and la >= lb and (sa, la) != (sb, lb)


class KeepUnlessBeaten:
    """Accepts a swap iff the offered home dominates the one it holds and the price is ≤ 1."""

    def __init__(self) -> None:
        self.history: list[str] = []  # it remembers, but never acts against its preferences

    def accept(self, holding: str, offered: str, price: Fraction) -> bool:
        self.history.append(offered)
        return _beats(offered, holding) and price <= 1


agent = KeepUnlessBeaten
