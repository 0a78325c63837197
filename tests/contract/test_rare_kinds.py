"""The contract for certificate kinds that draws from the registered strategies reach rarely
or never: one known instance of each, checked clause by clause like the rest.

* a trading pump, found by probing a trader that swaps round a cycle for a fee;
* a committee pump, on the Condorcet profile (3 voters, 3 items, majority rule);
* a continuity violation, on ``p ≻ q ≻ r`` with ``¼p + ¾r ≽ q ≻ ¾p + ¼r``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from fractions import Fraction

import pytest

import coherence
from coherence.agents import probe
from coherence.beliefs import Lottery, LotteryPreferences, vnm_axioms
from coherence.subagents import Committee, Majority
from coherence.verdict import Verdict
from tests.contract.checks import CONTRACT_CHECKS

_NEXT: dict[Hashable, Hashable] = {"rock": "paper", "paper": "scissors", "scissors": "rock"}


class CyclicTrader:
    """Pays up to 1 to swap for the next item round rock → paper → scissors → rock."""

    def accept(self, holding: Hashable, offered: Hashable, price: Fraction) -> bool:
        return _NEXT[holding] == offered and price <= 1


def trading_pump() -> Verdict:
    return probe(CyclicTrader, items=list(_NEXT), seed=0, max_examples=20, database=None)


def committee_pump() -> Verdict:
    rankings = [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]
    return coherence.check(Committee.from_rankings(rankings, Majority()))


def continuity_violation() -> Verdict:
    p, q, r = (Lottery.sure(x) for x in "abc")
    low, high = Lottery.mixture(Fraction(1, 4), p, r), Lottery.mixture(Fraction(3, 4), p, r)
    prefs = LotteryPreferences.from_pairs([(p, q), (q, r), (p, r), (low, q), (q, high)])
    return vnm_axioms(prefs).continuity


#: certificate kind → a verdict holding one
RARE_KINDS: dict[str, Callable[[], Verdict]] = {
    "trading_pump": trading_pump,
    "committee_pump": committee_pump,
    "continuity_violation": continuity_violation,
}


@pytest.fixture(scope="module", params=sorted(RARE_KINDS))
def rare(request: pytest.FixtureRequest) -> tuple[str, Verdict]:
    return request.param, RARE_KINDS[request.param]()


def test_the_example_holds_its_kind(rare: tuple[str, Verdict]) -> None:
    kind, verdict = rare
    assert verdict.certificate.kind == kind
    assert verdict.status == "exploitable"


@pytest.mark.parametrize("clause", CONTRACT_CHECKS, ids=lambda c: c.__name__)
def test_contract_of_rare_kinds(
    rare: tuple[str, Verdict], clause: Callable[[Verdict], None]
) -> None:
    clause(rare[1])
