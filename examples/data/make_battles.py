"""Write the synthetic battle tables shipped in this folder (public domain, no real data).

``battles_sample.csv`` (arena format: ``model_a,model_b,winner``): 4,000 battles between 8
contestants drawn from a Bradley–Terry model, except that three of them, ``cirrus``,
``delta`` and ``ember``, play rock–paper–scissors (each beats the next in 70 % of their
decisive battles): a planted cycle that no ranking explains. 12 % of battles are ties and 5 %
ties where both were bad.

``judge_sample.csv`` (judge format: ``prompt,a,b,verdict``): 800 verdicts of a judge on the
answers of 5 systems to 40 prompts, each pair shown in both orders; the judge follows a
Bradley–Terry utility but prefers the answer shown first (a positional bias of about +0.1).

Run ``python examples/data/make_battles.py`` to write them again (seeded: the same files).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

MODELS = ("aurora", "borealis", "cirrus", "delta", "ember", "fjord", "granite", "harbor")
STRENGTH = (1.6, 1.1, 0.45, 0.4, 0.35, -0.3, -0.9, -1.5)
CYCLE = {("cirrus", "delta"): 0.7, ("delta", "ember"): 0.7, ("ember", "cirrus"): 0.7}
SYSTEMS = ("alpha", "bravo", "charlie", "dorado", "echo")
SYSTEM_UTILITY = (1.0, 0.5, 0.0, -0.5, -1.0)


def _p_first(a: str, b: str) -> float:
    """P(a wins a decisive battle against b)."""
    if (a, b) in CYCLE:
        return CYCLE[(a, b)]
    if (b, a) in CYCLE:
        return 1 - CYCLE[(b, a)]
    ua, ub = STRENGTH[MODELS.index(a)], STRENGTH[MODELS.index(b)]
    return float(1 / (1 + np.exp(ub - ua)))


def arena_rows(n_rows: int = 4000, seed: int = 17) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_rows):
        i, j = rng.choice(len(MODELS), size=2, replace=False)
        a, b = MODELS[i], MODELS[j]
        r = rng.random()
        if r < 0.12:
            winner = "tie"
        elif r < 0.17:
            winner = "tie (bothbad)"
        else:
            winner = "model_a" if rng.random() < _p_first(a, b) else "model_b"
        rows.append((a, b, winner))
    return rows


def judge_rows(prompts: int = 40, seed: int = 18) -> list[tuple[str, str, str, str]]:
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(prompts):
        for i in range(len(SYSTEMS)):
            for j in range(len(SYSTEMS)):
                if i == j:
                    continue
                z = SYSTEM_UTILITY[i] - SYSTEM_UTILITY[j] + 0.4  # +0.4: first shown favoured
                r = rng.random()
                if r < 0.08:
                    verdict = "tie"
                else:
                    verdict = "A" if rng.random() < 1 / (1 + np.exp(-z)) else "B"
                rows.append((f"prompt-{k:02d}", SYSTEMS[i], SYSTEMS[j], verdict))
    return rows


def main() -> None:
    with (HERE / "battles_sample.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("model_a", "model_b", "winner"))
        w.writerows(arena_rows())
    with (HERE / "judge_sample.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(("prompt", "a", "b", "verdict"))
        w.writerows(judge_rows())


if __name__ == "__main__":
    main()
