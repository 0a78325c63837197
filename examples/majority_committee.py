"""An exploitable committee: three members, each with a ranking, trade by majority vote.

The rankings are the Condorcet profile: a majority prefers A to B, another B to C, and
another C to A, so the committee pays to trade B for A, A for C and C for B and is back
where it began, poorer. The certificate shows who voted for each trade.

    coherence check examples/majority_committee.py:agent   # exit 1, a 3-trade pump
"""

from fractions import Fraction

ITEMS = ["A", "B", "C"]
EXPECTED = "exploitable"

RANKINGS = {
    "ann": ["A", "B", "C"],
    "bob": ["B", "C", "A"],
    "cat": ["C", "A", "B"],
}


class MajorityCommittee:
    """Pays up to 1 for a swap that a strict majority of its members prefers."""

    def votes(self, holding: str, offered: str) -> dict[str, bool]:
        return {m: r.index(offered) < r.index(holding) for m, r in RANKINGS.items()}

    def accept(self, holding: str, offered: str, price: Fraction) -> bool:
        yes = sum(self.votes(holding, offered).values())
        return 2 * yes > len(RANKINGS) and price <= 1


agent = MajorityCommittee()
