"""Credences over a finite state space: Dutch books ⇄ probability measures (de Finetti).

Constructor (stable)::

    Credences(states, bets, conditional=())

* ``states`` — a non-empty sequence of distinct hashable labels (the finite state space Ω).
* ``bets`` — a sequence of ``(event, price)`` pairs: ``event`` is a collection of states (a
  set, list or tuple; an empty one is allowed), ``price`` what the agent pays for a unit bet
  that returns 1 if the true state lies in ``event`` (int, Fraction, finite float, Decimal or
  a decimal / ``"p/q"`` string; parsed exactly).
* ``conditional`` — optional ``(event, given, price)`` triples: a unit bet on ``event`` that is
  called off (stakes returned) unless the state lies in ``given``.

A positive stake ``s`` on a bet means the agent buys ``s`` unit bets at its own price, a
negative one that it sells ``|s|`` of them; in state ``w`` an unconditional bet pays
``s · (1[w ∈ E] − p)`` and a conditional one ``s · 1[w ∈ B] · (1[w ∈ A] − p)``.

**Theorem (de Finetti 1937; finite form by Gordan's alternative).** Exactly one holds:

* a *Dutch book*: stakes whose total payoff is negative in every state; or
* a probability measure ``π`` on Ω with ``π(E) = p`` for every priced event and
  ``π(A ∩ B) = p · π(B)`` for every conditional bet.

:func:`check_credences` returns the one that holds, verified in exact arithmetic. Books are
made small (:mod:`coherence.beliefs._small_books`): pruned to an irreducible book (drop any
bet and no book remains on the rest, each drop decided exactly), and the book with the
fewest bets when an exhaustive search is cheap; the verdict says which was proved.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, ClassVar

import numpy as np

from coherence._exact import as_fraction, gordan
from coherence._exact.display import shown as number_text
from coherence._jsonio import JSONSource, by_label, json_object, label_from_json
from coherence.beliefs._small_books import single_bet_book, small_book
from coherence.errors import CertificationError, InputError
from coherence.validation import check_integer, check_mapping, check_type
from coherence.verdict import Certificate, Verdict, label_to_json

__all__ = [
    "Credences",
    "DutchBook",
    "ProbabilityMeasure",
    "check_credences",
]

_Event = frozenset[Hashable]

#: payoff matrices with more entries than this are first searched for a small book by a
#: float LP (checked exactly) rather than decided by the full exact LP
_LARGE = 2_000


def _event(ev: Any, index: dict[Hashable, int], what: str) -> _Event:
    if isinstance(ev, str | bytes) or not isinstance(ev, Iterable):
        raise InputError(f"{what} must be a collection of states, got {ev!r}")
    out = []
    for s in ev:
        try:
            known = s in index
        except TypeError:
            raise InputError(f"{what} contains an unhashable state {s!r}") from None
        if not known:
            raise InputError(f"{what} names an unknown state {s!r}")
        out.append(s)
    return frozenset(out)


def _unpack(row: Any, size: int, what: str) -> tuple[Any, ...]:
    try:
        values = tuple(row)
    except TypeError:
        values = ()
    if len(values) != size:
        raise InputError(what)
    return values


@dataclass(frozen=True, eq=False, init=False)
class Credences:
    """An agent's prices for unit bets on events of a finite state space.

    See the module docstring for the meaning of ``states``, ``bets`` and ``conditional``.
    After construction ``bets`` is a tuple of ``(frozenset, Fraction)`` and ``conditional`` a
    tuple of ``(frozenset, frozenset, Fraction)``. Raises :class:`InputError` for an empty or
    duplicated state space, unknown states, unhashable labels and non-finite prices. Prices
    outside ``[0, 1]`` are accepted (they are incoherent, not malformed).

    >>> c = Credences(["rain", "sun"], [({"rain"}, "0.6"), ({"sun"}, "3/5")])
    >>> c.n_states, c.n_bets, c.bets[1][1]
    (2, 2, Fraction(3, 5))
    """

    states: tuple[Hashable, ...]
    bets: tuple[tuple[_Event, Fraction], ...]
    conditional: tuple[tuple[_Event, _Event, Fraction], ...]

    def __init__(
        self,
        states: Iterable[Hashable],
        bets: Iterable[Any],
        conditional: Iterable[Any] = (),
    ) -> None:
        if isinstance(states, str | bytes) or not isinstance(states, Iterable):
            raise InputError("states must be a sequence of labels")
        labels = tuple(states)
        if not labels:
            raise InputError("the state space is empty")
        try:
            index = {s: i for i, s in enumerate(labels)}
        except TypeError:
            raise InputError("states must be hashable") from None
        if len(index) != len(labels):
            raise InputError("states must be distinct")
        priced = []
        for k, b in enumerate(bets):
            ev, price = _unpack(b, 2, f"bet {k} must be an (event, price) pair")
            priced.append((_event(ev, index, f"bet {k} event"),
                           as_fraction(price, what=f"bet {k} price")))
        cond = []
        for k, b in enumerate(conditional):
            ev, given, price = _unpack(
                b, 3, f"conditional bet {k} must be an (event, given, price) triple"
            )
            cond.append((
                _event(ev, index, f"conditional bet {k} event"),
                _event(given, index, f"conditional bet {k} condition"),
                as_fraction(price, what=f"conditional bet {k} price"),
            ))
        object.__setattr__(self, "states", labels)
        object.__setattr__(self, "bets", tuple(priced))
        object.__setattr__(self, "conditional", tuple(cond))

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def from_probability(
        cls, probability: Mapping[Hashable, Any], events: Iterable[Iterable[Hashable]]
    ) -> Credences:
        """Coherent credences: price every event in ``events`` at its probability.

        >>> Credences.from_probability({"a": "1/4", "b": "3/4"}, [["a"], ["a", "b"]]).bets[0]
        (frozenset({'a'}), Fraction(1, 4))
        """
        states = tuple(probability)
        pi = {s: as_fraction(v, what=f"probability of {s!r}") for s, v in probability.items()}
        bets = []
        for ev in events:
            e = frozenset(ev)
            bets.append((e, sum((pi[s] for s in e if s in pi), Fraction(0))))
        return cls(states, bets)

    @classmethod
    def from_json(cls, doc: JSONSource) -> Credences:
        """Build from ``{"states": [...], "bets": [{"event": [...], "price": "1/3"}, ...],
        "conditional": [{"event": [...], "given": [...], "price": ...}]}`` (a dict, JSON
        text, an open file or a :class:`~pathlib.Path`). ``conditional`` is optional; state
        labels are strings or integers. O(size of the document).

        >>> doc = '{"states": ["a", "b"], "bets": [{"event": ["a"], "price": "1/3"}]}'
        >>> Credences.from_json(doc).bets
        ((frozenset({'a'}), Fraction(1, 3)),)
        """
        return _credences_from_doc(doc, _input_label)

    def to_json(self) -> dict[str, Any]:
        """The JSON form read by :meth:`from_json` (prices as exact strings).

        >>> Credences(["a", "b"], [(["a"], 0.25)]).to_json()
        {'states': ['a', 'b'], 'bets': [{'event': ['a'], 'price': '1/4'}]}
        """
        doc: dict[str, Any] = {
            "states": [label_to_json(s) for s in self.states],
            "bets": [
                {"event": self._labels(e), "price": str(p)} for e, p in self.bets
            ],
        }
        if self.conditional:
            doc["conditional"] = [
                {"event": self._labels(a), "given": self._labels(b), "price": str(p)}
                for a, b, p in self.conditional
            ]
        return doc

    # -- views --------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return len(self.states)

    @property
    def n_bets(self) -> int:
        """Number of bets, unconditional then conditional."""
        return len(self.bets) + len(self.conditional)

    def _labels(self, event: frozenset[Hashable]) -> list[Any]:
        return [label_to_json(s) for s in self.states if s in event]

    def describe_bet(self, j: int) -> str:
        """A short text for bet ``j`` (unconditional first, then conditional)."""
        if j < len(self.bets):
            e, p = self.bets[j]
            return f"{{{', '.join(map(repr, (s for s in self.states if s in e)))}}} at {p}"
        a, b, p = self.conditional[j - len(self.bets)]
        ea = ", ".join(repr(s) for s in self.states if s in a)
        eb = ", ".join(repr(s) for s in self.states if s in b)
        return f"{{{ea}}} given {{{eb}}} at {p}"

    @cached_property
    def payoff_matrix(self) -> np.ndarray:
        """Exact payoffs (object array of Fractions), shape ``(n_states, n_bets)``: entry
        ``[w, j]`` is what one unit of bet ``j`` bought at its price pays in state ``w``."""
        G = np.empty((self.n_states, self.n_bets), dtype=object)
        for j, (e, p) in enumerate(self.bets):
            for w, s in enumerate(self.states):
                G[w, j] = (1 if s in e else 0) - p
        off = len(self.bets)
        for j, (a, b, p) in enumerate(self.conditional):
            for w, s in enumerate(self.states):
                G[w, off + j] = ((1 if s in a else 0) - p) if s in b else Fraction(0)
        return G

    def restrict(self, bets: Sequence[int]) -> Credences:
        """The credences on a subset of the bets (indices as in :attr:`payoff_matrix`)."""
        keep = set(bets)
        nb = len(self.bets)
        return Credences(
            self.states,
            [b for j, b in enumerate(self.bets) if j in keep],
            [c for j, c in enumerate(self.conditional) if j + nb in keep],
        )


def _input_label(s: Any) -> Hashable:
    if isinstance(s, str | int) and not isinstance(s, bool):
        return s
    raise InputError(f"state labels must be strings or integers, got {s!r}")


def _json_rows(
    doc: Mapping[str, Any], key: str, fields: tuple[str, ...], label: Callable[[Any], Hashable]
) -> list[tuple[Any, ...]]:
    raw = check_type(doc.get(key, []), list, f"'{key}'")
    out = []
    for k, r in enumerate(raw):
        check_mapping(r, f"{key}[{k}]", required=fields)
        vals = []
        for f in fields:
            v = r[f]
            if f in ("event", "given"):
                v = [label(x) for x in check_type(v, list, f"{key}[{k}].{f}")]
            vals.append(v)
        out.append(tuple(vals))
    return out


def _credences_from_doc(source: JSONSource, label: Callable[[Any], Hashable]) -> Credences:
    doc = json_object(
        source, what="credences", required=("states", "bets"),
        allowed=("states", "bets", "conditional"),
    )
    states = check_type(doc["states"], list, "'states'")
    return Credences(
        [label(s) for s in states],
        _json_rows(doc, "bets", ("event", "price"), label),
        _json_rows(doc, "conditional", ("event", "given", "price"), label),
    )


def _scale_to_integers(stakes: Sequence[Fraction]) -> list[Fraction]:
    """The same direction with coprime integer entries (a positive multiple). O(len)."""
    den = math.lcm(*(v.denominator for v in stakes))
    ints = [int(v * den) for v in stakes]
    g = math.gcd(*ints) or 1
    return [Fraction(v // g) for v in ints]


@dataclass(frozen=True, eq=False)
class DutchBook(Certificate):
    """Stakes per bet with a sure loss: total payoff ``≤ −sure_loss < 0`` in every state.

    ``stakes[j]`` is the number of unit bets ``j`` the agent buys at its own price (negative:
    sells). ``sure_loss`` is the least the agent loses, i.e. ``−max_w payoff(w)``.
    """

    credences: Credences
    stakes: tuple[Fraction, ...]
    sure_loss: Fraction

    kind: ClassVar[str] = "dutch_book"
    exploit: ClassVar[bool] = True

    @property
    def support(self) -> tuple[int, ...]:
        """Indices of the bets with a non-zero stake."""
        return tuple(j for j, s in enumerate(self.stakes) if s != 0)

    @property
    def payoffs(self) -> dict[Hashable, Fraction]:
        """The agent's exact total payoff in each state."""
        G = self.credences.payoff_matrix
        sup = list(self.support)
        if sup:
            tot = G[:, sup].dot(np.asarray([self.stakes[j] for j in sup], dtype=object))
        else:
            tot = [Fraction(0)] * self.credences.n_states
        return {s: Fraction(v) for s, v in zip(self.credences.states, tot, strict=True)}

    def verify(self) -> bool:
        """Exact: stakes are rationals, the loss is positive, and every state's payoff is at
        most ``−sure_loss``. O(states × bets)."""
        if len(self.stakes) != self.credences.n_bets:
            return False
        if not all(isinstance(s, Fraction | int) for s in self.stakes):
            return False
        if not isinstance(self.sure_loss, Fraction | int) or self.sure_loss <= 0:
            return False
        return all(v <= -self.sure_loss for v in self.payoffs.values())

    def explain(self) -> str:
        c = self.credences
        lines = [f"Dutch book with {len(self.support)} bet(s):"]
        for j in self.support:
            s = self.stakes[j]
            verb = "buys" if s > 0 else "sells"
            lines.append(f"  the agent {verb} {number_text(abs(s))} unit bet(s) on "
                         f"{c.describe_bet(j)}")
        pay = self.payoffs
        shown = ", ".join(f"{s!r}: {number_text(v)}" for s, v in list(pay.items())[:12])
        more = "" if len(pay) <= 12 else f", … ({len(pay) - 12} more)"
        lines.append(f"  its net payoff in each state: {shown}{more}")
        lines.append(f"  whatever happens it loses at least {number_text(self.sure_loss)}.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The bets staked (``bet`` indexes the bets of ``credences``), the sure loss, the
        payoff in each state, and the credences themselves so the book can be re-checked."""
        c = self.credences
        nb = len(c.bets)
        stakes = []
        for j in self.support:
            if j < nb:
                e, p = c.bets[j]
                entry = {"event": c._labels(e), "price": str(p)}
            else:
                a, b, p = c.conditional[j - nb]
                entry = {"event": c._labels(a), "given": c._labels(b), "price": str(p)}
            stakes.append({**entry, "stake": str(self.stakes[j]), "bet": j})
        return {
            "kind": self.kind,
            "stakes": stakes,
            "sure_loss": str(self.sure_loss),
            "payoffs": {str(label_to_json(s)): str(v) for s, v in self.payoffs.items()},
            "credences": c.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> DutchBook:
        c = _credences_from_doc(doc["credences"], label_from_json)
        stakes = [Fraction(0)] * c.n_bets
        for entry in doc["stakes"]:
            j = check_integer(entry["bet"], "bet of a stake", min_value=0, max_value=c.n_bets - 1)
            stakes[j] = as_fraction(entry["stake"], what="stake")
        return cls(c, tuple(stakes), as_fraction(doc["sure_loss"], what="sure loss"))


@dataclass(frozen=True, eq=False)
class ProbabilityMeasure(Certificate):
    """A probability on the states consistent with every price (so no Dutch book exists).

    ``probability[w]`` is the mass of ``credences.states[w]``.
    """

    credences: Credences
    probability: tuple[Fraction, ...]

    kind: ClassVar[str] = "probability"
    exploit: ClassVar[bool] = False

    @property
    def measure(self) -> dict[Hashable, Fraction]:
        """Mapping state → probability."""
        return dict(zip(self.credences.states, self.probability, strict=True))

    def verify(self) -> bool:
        """Exact: non-negative, sums to one, ``π(E) = p`` for every bet and ``π(A∩B) = p·π(B)``
        for every conditional bet. O(states × bets)."""
        c = self.credences
        pi = self.probability
        if len(pi) != c.n_states or not all(isinstance(v, Fraction | int) for v in pi):
            return False
        if any(v < 0 for v in pi) or sum(pi) != 1:
            return False
        m = self.measure
        for e, p in c.bets:
            if sum((m[s] for s in e), Fraction(0)) != p:
                return False
        for a, b, p in c.conditional:
            pab = sum((m[s] for s in a & b), Fraction(0))
            pb = sum((m[s] for s in b), Fraction(0))
            if pab != p * pb:
                return False
        return True

    def explain(self) -> str:
        m = self.measure
        shown = ", ".join(f"P({s!r}) = {number_text(v)}" for s, v in list(m.items())[:12])
        more = "" if len(m) <= 12 else f", … ({len(m) - 12} more)"
        return (
            "No Dutch book: every price is the probability of its event under "
            f"{shown}{more}; any combination of these bets has expected payoff 0 under this "
            "probability, so it cannot lose in every state."
        )

    def to_json(self) -> dict[str, Any]:
        """The probability of each state, and the credences it is consistent with."""
        return {
            "kind": self.kind,
            "probability": {str(label_to_json(s)): str(v) for s, v in self.measure.items()},
            "credences": self.credences.to_json(),
        }

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> ProbabilityMeasure:
        c = _credences_from_doc(doc["credences"], label_from_json)
        return cls(c, tuple(by_label(doc["probability"], c.states, what="probability")))


def dutch_book(credences: Credences, *, minimise: bool = True) -> DutchBook | None:
    """A verified Dutch book against ``credences``, or ``None`` when none exists.

    ``None`` is returned only together with an exactly verified probability measure having
    been found (see :func:`check_credences`); this helper raises
    :class:`~coherence.errors.CertificationError` when neither side verifies.

    >>> dutch_book(Credences(["a", "b"], [(["a"], "1/2"), (["b"], "1/2")])) is None
    True
    """
    v = check_credences(credences, minimise=minimise)
    return v.certificate if isinstance(v.certificate, DutchBook) else None


def _book(c: Credences, stakes_found: Sequence[Fraction]) -> DutchBook:
    """The book with the stakes found scaled to coprime integers, and its exact sure loss."""
    stakes = _scale_to_integers([Fraction(s) for s in stakes_found])
    sup = [j for j, v in enumerate(stakes) if v != 0]
    pay = c.payoff_matrix[:, sup].dot(np.asarray([stakes[j] for j in sup], dtype=object))
    return DutchBook(c, tuple(stakes), -max(Fraction(v) for v in pay))


def check_credences(credences: Credences, *, minimise: bool = True) -> Verdict:
    """Dutch book or consistent probability measure for ``credences`` (de Finetti 1937).

    One margin-maximising LP decides (:func:`coherence._exact.gordan`), made exact; a
    coherent answer carries a probability measure verified exactly, an incoherent one a book
    verified exactly. With ``minimise`` (the default) the book is made small and its size
    proved (:mod:`coherence.beliefs._small_books`). A book's verdict carries
    ``bets_in_book`` (the bets staked) and ``book_size``, what is proved about that number:

    * ``"fewest"`` — no book uses fewer bets: every set of fewer bets is coherent on its own,
      shown by a probability that gives each of its bets expected payoff 0 (or the book is a
      single bet);
    * ``"irreducible"`` — dropping any one bet of the book leaves a set of bets coherent on
      its own (shown the same way), so no book lies inside this one, and it has at most
      ``|Ω|`` bets (its payoff columns are linearly independent); a book with fewer bets
      elsewhere is not ruled out (the exhaustive search would take more than 300 exact
      solves);
    * ``"unminimised"`` — nothing is claimed (``minimise=False``): the bets the decisive LP
      staked, possibly more than ``|Ω|``.

    Cost: one HiGHS LP on ``|Ω| × bets`` and its exact rounding; minimising adds one exact
    solve on ``|Ω| × |book|`` per bet of the book tried, and at most 300 small exact solves
    for the fewest; exact verification O(|Ω| · bets).

    Raises:
        CertificationError: if neither certificate could be verified exactly (a bug).

    >>> v = check_credences(Credences(["rain", "sun"], [(["rain"], "0.6"), (["sun"], "3/5")]))
    >>> v.coherent, v.certificate.stakes, v.certificate.sure_loss, v.quantities["book_size"]
    (False, (Fraction(1, 1), Fraction(1, 1)), Fraction(1, 5), 'fewest')
    >>> check_credences(Credences(["a", "b"], [(["a"], "1/4")])).certificate.probability
    (Fraction(1, 4), Fraction(3, 4))
    """
    c = credences
    if c.n_bets == 0:
        pi = (Fraction(1),) + (Fraction(0),) * (c.n_states - 1)
        return Verdict.certify(ProbabilityMeasure(c, pi), "credences")
    Gx = c.payoff_matrix
    found = None
    if minimise:
        single = single_bet_book(Gx)
        if single is not None:
            found = (single, "fewest")
        elif Gx.size > _LARGE:  # a float LP's small book, checked exactly, spares the full
            found = small_book(Gx)  # exact rounding of a wide LP
    if found is None:
        res = gordan(Gx)
        if res is not None and res.weights is not None:
            return Verdict.certify(ProbabilityMeasure(c, res.weights), "credences")
        if res is None or res.stakes is None:
            raise CertificationError("credences: neither a Dutch book nor a probability was found")
        found = small_book(Gx, res.stakes) if minimise else (list(res.stakes), "unminimised")
    assert found is not None  # small_book returns a book when given one
    stakes, size = found
    book = _book(c, stakes)
    return Verdict.certify(
        book, "credences", bets_in_book=len(book.support), book_size=size
    )
