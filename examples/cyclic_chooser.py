"""An exploitable agent: rock-paper-scissors tastes (each item beats the next one round).

It answers ``choose(menu)``: from any menu it takes the item that beats the most others. From
``[rock, scissors]`` it takes rock, from ``[scissors, paper]`` scissors, from ``[paper, rock]``
paper: a cycle, so a trader can sell it each item in turn, forever.

    coherence check examples/cyclic_chooser.py:agent      # exit 1, a 3-trade money pump
"""

ITEMS = ["rock", "paper", "scissors"]
EXPECTED = "exploitable"

_BEATS = {("paper", "rock"), ("scissors", "paper"), ("rock", "scissors")}


class CyclicChooser:
    """Takes the item of the menu that beats the most others (ties: first on the menu)."""

    def choose(self, menu: list[str]) -> str:
        return max(menu, key=lambda a: sum((a, b) in _BEATS for b in menu))


agent = CyclicChooser()
