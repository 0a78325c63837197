"""Probing stateless comparers (``prefers``) and choosers (``choose``).

The strict preference is elicited on every ordered pair of items (``n(n-1)`` calls, in a
random order so that hidden state shows), a random sample of ``max_examples`` questions is
asked again, and the relation goes to :func:`coherence.relations.check_relation`: a shortest
money pump or a weak utility. A chooser reveals ``a ≻ b`` when it takes ``a`` from
``[a, b]`` *and* from ``[b, a]``; when its binary choices are acyclic it is also offered up
to 50 larger random menus (each in two orders) and its consistent choices are checked for
congruence (SARP, :func:`coherence.budgets.check_congruence`), which catches menu effects.
An answer that changes when asked again (a menu offered twice included), or ``a ≻ b``
together with ``b ≻ a``, is an agent fault. Before an exploit is reported its questions are
asked again (:func:`~coherence.agents._probing.confirm`), so a chooser that breaks ties at
random is a fault, never an exploit; the verdict holds the questions for ``coherence replay``.
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from typing import Any

import numpy as np

from coherence.agents._adapter import Agent
from coherence.agents._probing import (
    Progress,
    Question,
    confirm,
    inconsistent,
    replay_doc,
    restate,
)
from coherence.relations import MoneyPump, PreferenceRelation, check_relation
from coherence.verdict import Verdict

__all__ = ["probe_relation"]

Pair = tuple[int, int]


def probe_relation(ag: Agent, items: tuple[Hashable, ...], max_examples: int,
                   seed: int | None, progress: Progress | None) -> Verdict:
    """Probe a comparer or chooser. ``n(n-1) + max_examples`` calls (plus 100 menus for a
    coherent chooser, and a replay of at least 32 answers for an exploit); the relation check
    is O(n²)."""
    n = len(items)
    rng = random.Random(seed)
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    rng.shuffle(pairs)
    recheck = rng.sample(pairs, min(max_examples, len(pairs)))
    answers = _elicit(ag, items, pairs, recheck, progress)
    if isinstance(answers, Verdict):
        return answers
    P = _strict_matrix(ag, items, answers)
    if isinstance(P, Verdict):
        return P
    weak = P.copy()
    np.fill_diagonal(weak, True)
    inner = check_relation(PreferenceRelation(items, weak))
    subject = f"agent {ag.name}"
    quantities = {**inner.quantities, "items": n}
    if isinstance(inner.certificate, MoneyPump):
        questions = [q for t in inner.certificate.trades
                     for q in strict_questions(ag.protocol, t.offered, t.holding)]
        return _reported(ag, inner, questions, quantities)
    if ag.protocol == "choose" and inner.coherent and n >= 3:
        menus = _larger_menus(ag, items, P, max_examples, rng)
        quantities["menus_asked"] = min(max_examples, 50)
        if isinstance(menus, Verdict):
            return menus
        verdict, asked = menus
        if not verdict.coherent:
            cert: Any = verdict.certificate
            questions = [q for t in cert.observations
                         for q in _menu_questions(asked[t], cert.data.choices[t])]
            return _reported(ag, verdict, questions, {**quantities, **verdict.quantities})
    return restate(inner, subject, **quantities, agent_calls=ag.calls)


def _reported(ag: Agent, inner: Verdict, questions: list[Question],
              quantities: dict[str, Any]) -> Verdict:
    """The exploit, once its questions gave the same answers again; else the fault."""
    changed = confirm(ag, questions)
    if changed is not None:
        return changed
    return restate(inner, f"agent {ag.name}", **quantities, agent_calls=ag.calls,
                   replay=replay_doc(ag, questions))


def strict_questions(protocol: str, x: Hashable, y: Hashable) -> list[Question]:
    """The questions that show ``x ≻ y`` to a comparer or chooser: both orders of the pair
    (what a money pump's trade rests on, and what a replay record must hold). O(1)."""
    if protocol == "choose":
        return [Question("choose", ([x, y],), x), Question("choose", ([y, x],), x)]
    return [Question("prefers", (x, y), True), Question("prefers", (y, x), False)]


def _menu_questions(menu: list[Hashable], chosen: Any) -> list[Question]:
    choice = next(iter(chosen)) if isinstance(chosen, frozenset | set) else chosen
    return [Question("choose", (list(menu),), choice),
            Question("choose", (list(menu[::-1]),), choice)]


def _ask(ag: Agent, items: tuple[Hashable, ...], i: int, j: int) -> Any:
    """``prefers(items[i], items[j])``, or the position of what is chosen from the pair."""
    if ag.protocol == "choose":
        return items.index(ag.choose((items[i], items[j])))
    return ag.prefers(items[i], items[j])


def _elicit(ag: Agent, items: tuple[Hashable, ...], pairs: list[Pair], recheck: list[Pair],
            progress: Progress | None) -> dict[Pair, Any] | Verdict:
    """Every pair's answer, then the sample asked again; a fault verdict when one changes."""
    total = len(pairs) + len(recheck)
    step = max(1, total // 100)
    answers: dict[Pair, Any] = {}
    for k, (i, j) in enumerate(pairs):
        answers[i, j] = _ask(ag, items, i, j)
        if progress is not None and k % step == 0:
            progress(k, total)
    for k, (i, j) in enumerate(recheck):
        again = _ask(ag, items, i, j)
        if again != answers[i, j]:
            return _changed_answer(ag, items, i, j, answers[i, j], again)
        if progress is not None and k % step == 0:
            progress(len(pairs) + k, total)
    if progress is not None:
        progress(total, total)
    return answers


def _strict_matrix(ag: Agent, items: tuple[Hashable, ...],
                   answers: dict[Pair, Any]) -> np.ndarray | Verdict:
    """The revealed strict preference ``P[i, j]`` (``items[i] ≻ items[j]``). O(n²).

    A chooser reveals ``a ≻ b`` iff it takes ``a`` from ``[a, b]`` and from ``[b, a]``; a
    comparer that answers ``a ≻ b`` and ``b ≻ a`` is at fault.
    """
    n = len(items)
    if ag.protocol == "choose":
        first = np.zeros((n, n), dtype=bool)
        for (i, j), c in answers.items():
            first[i, j] = c == i  # took the first item of [items[i], items[j]]
        return first & ~first.T
    P = np.zeros((n, n), dtype=bool)
    for (i, j), a in answers.items():
        P[i, j] = a
    both = P & P.T
    if both.any():
        i, j = (int(x) for x in np.argwhere(both)[0])
        a, b = items[i], items[j]
        return inconsistent(ag, f"{ag.name} strictly prefers {a!r} to {b!r} and {b!r} to {a!r}",
                            f"prefers({a!r}, {b!r}) -> True", f"prefers({b!r}, {a!r}) -> True")
    return P


def _larger_menus(ag: Agent, items: tuple[Hashable, ...], P: np.ndarray, max_examples: int,
                  rng: random.Random) -> tuple[Verdict, list[list[Hashable]]] | Verdict:
    """Choices from ``max_examples`` (at most 50) random menus of 3 to 6 items, each offered in
    two orders; the ones made the same way both times join the strict binary choices, and
    congruence (SARP) is checked (:func:`coherence.budgets.check_congruence`). A violation
    is a cycle of strict revealed preferences: the agent takes ``x`` with ``y`` on the menu,
    whatever the order, and ``y`` with ``x`` on another. A menu offered again (as a set) and
    answered otherwise is a fault. Returns the verdict and the menus as asked (by
    observation), or the fault verdict."""
    from coherence.budgets import ChoiceData, check_congruence

    n = len(items)
    observed: list[tuple[frozenset[Hashable], Hashable]] = []
    asked: list[list[Hashable]] = []
    for i, j in zip(*np.nonzero(P), strict=True):
        observed.append((frozenset((items[i], items[j])), items[i]))
        asked.append([items[i], items[j]])
    first_seen: dict[frozenset[Hashable], tuple[list[Hashable], Hashable]] = {}
    for _ in range(min(max_examples, 50)):
        size = rng.randint(3, min(n, 6))
        menu = [items[i] for i in rng.sample(range(n), size)]
        first = ag.choose(menu)
        if ag.choose(menu[::-1]) != first:
            continue
        key = frozenset(menu)
        if key in first_seen:
            before, took = first_seen[key]
            if took != first:
                return _menu_changed(ag, before, took, menu, first)
            continue
        first_seen[key] = (menu, first)
        observed.append((key, first))
        asked.append(menu)
    if not observed:
        observed.append((frozenset(items[:1]), items[0]))
        asked.append([items[0]])
    data = ChoiceData(tuple(m for m, _ in observed), tuple(c for _, c in observed))
    return check_congruence(data), asked


def _menu_changed(ag: Agent, before: list[Hashable], took: Hashable, menu: list[Hashable],
                  now: Hashable) -> Verdict:
    q1 = f"choose({[*before]!r})"
    q2 = f"choose({[*menu]!r})"
    return inconsistent(ag, f"{ag.name} chose differently from the same menu offered again",
                        f"{q1} -> {took!r}", f"{q2} -> {now!r} (the same menu, asked again)")


def _changed_answer(ag: Agent, items: tuple[Hashable, ...], i: int, j: int, first: Any,
                    again: Any) -> Verdict:
    """The fault verdict for an agent that answered the same question differently."""
    if ag.protocol == "choose":
        q = f"choose([{items[i]!r}, {items[j]!r}])"
        shown_first, shown_again = repr(items[first]), repr(items[again])
    else:
        q = f"prefers({items[i]!r}, {items[j]!r})"
        shown_first, shown_again = repr(first), repr(again)
    return inconsistent(ag, f"{ag.name} answered the same question differently: {q}",
                        f"{q} -> {shown_first}", f"{q} -> {shown_again} (asked again)")
