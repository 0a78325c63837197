"""An exploitable agent: rock-paper-scissors preferences (each item beats the next)."""

ITEMS = ["rock", "paper", "scissors"]

_BEATS = {("paper", "rock"), ("scissors", "paper"), ("rock", "scissors")}


class CyclicChooser:
    """Strictly prefers a to b iff a beats b in rock-paper-scissors."""

    def prefers(self, a: str, b: str) -> bool:
        return (a, b) in _BEATS


agent = CyclicChooser()
