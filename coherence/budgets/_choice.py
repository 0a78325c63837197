"""Choice from menus: WARP, congruence (SARP), Sen's α and β, and rationalising orders.

Data are observations ``(A_t, C_t)``: a menu ``A_t`` and the non-empty chosen set
``C_t ⊆ A_t`` (one element for single-valued choice, several for a choice correspondence).
Revealed preference: ``x R y`` iff ``x ∈ C_t`` and ``y ∈ A_t`` for some ``t``; strictly,
``x P y`` iff moreover ``y ∉ C_t``.

* WARP (Samuelson 1938; Arrow 1959 for correspondences): never ``x R y`` and ``y P x``.
* Congruence (Richter 1966): never ``x R* y`` and ``y P x`` with ``R*`` the transitive
  closure. It holds iff a weak order (a utility ``u``) has ``C_t = argmax_{A_t} u`` for every
  observation; for single-valued data it is SARP (Houthakker 1950) and the order is strict.
  Tested in O(n² + Σ|A_t||C_t|) with strongly connected components, like GARP.
* Sen's α (contraction): ``A_s ⊆ A_t`` ⇒ ``C_t ∩ A_s ⊆ C_s``; Sen's β (expansion):
  ``A_s ⊆ A_t``, ``x, y ∈ C_s``, ``y ∈ C_t`` ⇒ ``x ∈ C_t`` (Sen 1971, "Choice functions and
  revealed preference", RES 38). Checked over the observed pairs of nested menus.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from coherence.errors import CertificationError, InputError
from coherence.graphs import (
    condensation,
    shortest_cycle_through,
    strongly_connected_components,
    topological_layers,
)
from coherence.verdict import Certificate, Verdict, label_to_json

__all__ = [
    "ChoiceAxiomHolds",
    "ChoiceData",
    "ChoiceViolation",
    "RationalisingOrder",
    "check_choice_warp",
    "check_congruence",
    "check_sen_alpha",
    "check_sen_beta",
]


def _as_set(x: Any, what: str) -> frozenset[Hashable]:
    if isinstance(x, str | bytes) or not isinstance(x, Iterable):
        raise InputError(f"{what} must be a collection of alternatives, got {x!r}")
    try:
        out = frozenset(x)
    except TypeError as exc:
        raise InputError(f"{what}: unhashable alternative ({exc})") from None
    if not out:
        raise InputError(f"{what} must not be empty")
    return out


@dataclass(frozen=True, eq=False, init=False)
class ChoiceData:
    """Observed choices from menus (immutable, validated).

    Args:
        menus: one collection of hashable alternatives per observation.
        choices: per observation, the chosen alternative (single-valued choice) or a set /
            frozenset / list of chosen alternatives (a choice correspondence). Every choice
            must be non-empty and lie in its menu.

    >>> d = ChoiceData([["a", "b"], ["a", "b", "c"]], ["a", {"a", "c"}])
    >>> d.T, d.items, d.single_valued
    (2, ('a', 'b', 'c'), False)
    """

    menus: tuple[frozenset[Hashable], ...]
    choices: tuple[frozenset[Hashable], ...]
    _items: tuple[Hashable, ...] = field(repr=False)
    _index: Mapping[Hashable, int] = field(repr=False)

    def __init__(self, menus: Iterable[Iterable[Hashable]], choices: Iterable[Any]) -> None:
        if isinstance(menus, str | bytes) or not isinstance(menus, Iterable):
            raise InputError("menus must be a sequence of collections")
        sets = tuple(_as_set(m, f"menu {t}") for t, m in enumerate(menus))
        if not isinstance(choices, Iterable) or isinstance(choices, str | bytes):
            raise InputError("choices must be a sequence (one per menu)")
        raw = tuple(choices)
        if len(raw) != len(sets):
            raise InputError(f"{len(sets)} menus but {len(raw)} choices")
        if not sets:
            raise InputError("choice data need at least one observation")
        chosen = []
        for t, c in enumerate(raw):
            cs = (_as_set(c, f"choice {t}") if isinstance(c, set | frozenset | list)
                  else _as_set([c], f"choice {t}"))
            if not cs <= sets[t]:
                bad = next(iter(cs - sets[t]))
                raise InputError(f"observation {t}: chosen {bad!r} is not on the menu")
            chosen.append(cs)
        seen: dict[Hashable, int] = {}
        for m in sets:
            for x in sorted(m, key=repr):
                seen.setdefault(x, len(seen))
        object.__setattr__(self, "menus", sets)
        object.__setattr__(self, "choices", tuple(chosen))
        object.__setattr__(self, "_items", tuple(seen))
        object.__setattr__(self, "_index", seen)

    @property
    def items(self) -> tuple[Hashable, ...]:
        """All alternatives, in order of first appearance (sorted by ``repr`` within a menu)."""
        return self._items

    def index(self, x: Hashable) -> int:
        """Position of alternative ``x`` in :attr:`items`."""
        return self._index[x]

    @property
    def T(self) -> int:
        """Number of observations."""
        return len(self.menus)

    @property
    def single_valued(self) -> bool:
        """``True`` when every choice is one alternative."""
        return all(len(c) == 1 for c in self.choices)

    def relations(self) -> tuple[np.ndarray, np.ndarray]:
        """``(R, P)`` over :attr:`items` (diagonals ``False``). O(n² + Σ|A_t||C_t|)."""
        n = len(self.items)
        R = np.zeros((n, n), dtype=bool)
        P = np.zeros((n, n), dtype=bool)
        for A, C in zip(self.menus, self.choices, strict=True):
            a = [self.index(x) for x in A]
            c = [self.index(x) for x in C]
            rest = [self.index(x) for x in A - C]
            R[np.ix_(c, a)] = True
            if rest:
                P[np.ix_(c, rest)] = True
        np.fill_diagonal(R, False)
        return R, P

    def witness(self, x: Hashable, y: Hashable, strict: bool = False) -> int | None:
        """An observation where ``x`` is chosen with ``y`` on the menu (and ``y`` not chosen
        when ``strict``), or ``None``."""
        for t, (A, C) in enumerate(zip(self.menus, self.choices, strict=True)):
            if x in C and y in A and (not strict or y not in C):
                return t
        return None


def _items_json(xs: Iterable[Hashable]) -> list[Any]:
    return [label_to_json(x) for x in xs]


def _label_from_json(v: Any) -> Hashable:
    """An alternative read back from JSON: lists become tuples (labels must be hashable)."""
    return tuple(_label_from_json(x) for x in v) if isinstance(v, list) else v


def _set_json(xs: frozenset[Hashable]) -> list[Any]:
    """A set of alternatives as a JSON list in a fixed order (by JSON text)."""
    return sorted(_items_json(xs), key=lambda v: json.dumps(v, sort_keys=True))


def _data_json(data: ChoiceData) -> dict[str, Any]:
    """``{"menus", "choices"}``: every observation, each a list of alternatives."""
    return {"menus": [_set_json(m) for m in data.menus],
            "choices": [_set_json(c) for c in data.choices]}


def _data_from_json(doc: Mapping[str, Any]) -> ChoiceData:
    """The :class:`ChoiceData` written by :func:`_data_json`."""
    return ChoiceData([[_label_from_json(x) for x in m] for m in doc["menus"]],
                      [[_label_from_json(x) for x in c] for c in doc["choices"]])


@dataclass(frozen=True, eq=False)
class ChoiceViolation(Certificate):
    """Observations that contradict a choice axiom.

    * ``WARP``/``congruence``: ``cycle = (x0, ..., x_{k-1})`` with ``x_s`` chosen while
      ``x_{s+1}`` (and finally ``x0``) was on the menu, at least one step strictly (the next
      alternative was rejected). An agent that trades along the cycle accepts every swap and
      pays for the strict one: a money pump.
    * ``alpha``/``beta``: ``observations = (s, t)`` with ``A_s ⊆ A_t`` and ``cycle = (x,)``
      (α: ``x ∈ C_t ∩ A_s`` but ``x ∉ C_s``) or ``(x, y)`` (β: ``x, y ∈ C_s``, ``y ∈ C_t``,
      ``x ∉ C_t``).
    """

    data: ChoiceData
    axiom: str
    cycle: tuple[Hashable, ...]
    observations: tuple[int, ...] = ()

    kind: ClassVar[str] = "choice_violation"
    exploit: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not self.observations and self.axiom in ("WARP", "congruence"):
            d, c = self.data, self.cycle
            n = len(c)
            obs = []
            for s in range(n):
                x, y = c[s], c[(s + 1) % n]
                t = d.witness(x, y, strict=True)
                obs.append(d.witness(x, y) if t is None else t)
            object.__setattr__(self, "observations", tuple(-1 if t is None else t for t in obs))

    def verify(self) -> bool:
        d, c, o = self.data, self.cycle, self.observations
        if any(not 0 <= t < d.T for t in o):
            return False
        if self.axiom in ("WARP", "congruence"):
            n = len(c)
            if n < 2 or len(set(c)) != n or len(o) != n:
                return False
            if self.axiom == "WARP" and n != 2:
                return False
            strict = False
            for s in range(n):
                x, y, t = c[s], c[(s + 1) % n], o[s]
                if not (x in d.choices[t] and y in d.menus[t]):
                    return False
                strict |= y not in d.choices[t]
            return strict
        if len(o) != 2:
            return False
        s, t = o
        As, At, Cs, Ct = d.menus[s], d.menus[t], d.choices[s], d.choices[t]
        if not As <= At:
            return False
        if self.axiom == "alpha" and len(c) == 1:
            return c[0] in Ct and c[0] in As and c[0] not in Cs
        if self.axiom == "beta" and len(c) == 2:
            x, y = c
            return x in Cs and y in Cs and y in Ct and x not in Ct
        return False

    def explain(self) -> str:
        d, c, o = self.data, self.cycle, self.observations
        if self.axiom in ("WARP", "congruence"):
            name = "WARP" if self.axiom == "WARP" else "Congruence (SARP)"
            lines = [f"{name} is violated: " + " → ".join(map(repr, (*c, c[0])))]
            for s in range(len(c)):
                x, y, t = c[s], c[(s + 1) % len(c)], o[s]
                how = "rejected" if y not in d.choices[t] else "also available"
                lines.append(f"  observation {t}: chose {x!r} while {y!r} was {how}")
            lines.append("  holding the last alternative, the agent swaps along the cycle back to "
                         "where it started and pays for each strict step: a money pump")
            return "\n".join(lines)
        s, t = o
        if self.axiom == "alpha":
            return (f"Sen's α is violated: menu {s} ⊆ menu {t}; {c[0]!r} is chosen from the "
                    f"larger menu {t} but not from the smaller menu {s}")
        return (f"Sen's β is violated: menu {s} ⊆ menu {t}; {c[0]!r} and {c[1]!r} are both chosen "
                f"from menu {s}, {c[1]!r} is chosen from menu {t} but {c[0]!r} is not")

    def to_json(self) -> dict[str, Any]:
        """The witness and the observed menus and choices it refers to (all of them)."""
        return {"kind": self.kind, "axiom": self.axiom, "cycle": _items_json(self.cycle),
                "observations": list(self.observations), **_data_json(self.data)}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> ChoiceViolation:
        return cls(_data_from_json(doc), str(doc["axiom"]),
                   tuple(_label_from_json(x) for x in doc["cycle"]),
                   tuple(int(t) for t in doc["observations"]))


@dataclass(frozen=True, eq=False)
class RationalisingOrder(Certificate):
    """Integer utility levels over the alternatives with ``C_t = argmax_{A_t} u`` for every
    observation (Richter 1966). Strictly ordered when the data are single-valued."""

    data: ChoiceData
    utility: tuple[int, ...]

    kind: ClassVar[str] = "rationalising_order"
    exploit: ClassVar[bool] = False

    def value(self, x: Hashable) -> int:
        """``u(x)``."""
        return self.utility[self.data.index(x)]

    def verify(self) -> bool:
        if len(self.utility) != len(self.data.items):
            return False
        for A, C in zip(self.data.menus, self.data.choices, strict=True):
            top = max(self.value(x) for x in A)
            if {x for x in A if self.value(x) == top} != C:
                return False
        return True

    def explain(self) -> str:
        order = sorted(self.data.items, key=lambda x: -self.value(x))
        parts: list[tuple[Hashable, str]] = []
        for x in order:
            sep = " ~ " if parts and self.value(x) == self.value(parts[-1][0]) else " ≻ "
            parts.append((x, sep))
        text = "".join((sep if i else "") + repr(x) for i, (x, sep) in enumerate(parts))
        return (f"Choices are rationalised by the order {text}: every observed choice is the set "
                "of best alternatives on its menu, so no sequence of swaps costs the agent money.")

    def to_json(self) -> dict[str, Any]:
        """The utility by alternative (``utility``; ``items`` and ``levels`` in order, which
        survive labels that print alike) and the observed menus and choices."""
        return {"kind": self.kind,
                "utility": {str(label_to_json(x)): u
                            for x, u in zip(self.data.items, self.utility, strict=True)},
                "items": _items_json(self.data.items), "levels": list(self.utility),
                **_data_json(self.data)}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> RationalisingOrder:
        data = _data_from_json(doc)
        level = {_label_from_json(x): int(u)
                 for x, u in zip(doc["items"], doc["levels"], strict=True)}
        return cls(data, tuple(level[x] for x in data.items))


@dataclass(frozen=True, eq=False)
class ChoiceAxiomHolds(Certificate):
    """A pairwise axiom (WARP, Sen's α, Sen's β) holds on the observed data: re-checked."""

    data: ChoiceData
    axiom: str

    kind: ClassVar[str] = "choice_axiom_holds"
    exploit: ClassVar[bool] = False

    def verify(self) -> bool:
        return _find(self.data, self.axiom) is None

    def explain(self) -> str:
        name = {"WARP": "WARP", "alpha": "Sen's α", "beta": "Sen's β"}[self.axiom]
        return f"{name} holds on all {self.data.T} observations."

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "axiom": self.axiom, "observations": self.data.T,
                **_data_json(self.data)}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> ChoiceAxiomHolds:
        return cls(_data_from_json(doc), str(doc["axiom"]))


def _find(data: ChoiceData, axiom: str) -> ChoiceViolation | None:
    if axiom == "WARP":
        R, P = data.relations()
        bad = R & P.T
        if not bad.any():
            return None
        i, j = (int(v) for v in np.argwhere(bad)[0])
        x, y = data.items[i], data.items[j]
        return ChoiceViolation(data, "WARP", (x, y))
    nested = [(s, t) for s in range(data.T) for t in range(data.T)
              if s != t and data.menus[s] <= data.menus[t]]
    for s, t in nested:
        Cs, Ct, As = data.choices[s], data.choices[t], data.menus[s]
        if axiom == "alpha":
            for x in sorted(Ct & As - Cs, key=repr):
                return ChoiceViolation(data, "alpha", (x,), (s, t))
        else:
            if Cs & Ct:
                y = sorted(Cs & Ct, key=repr)[0]
                for x in sorted(Cs - Ct, key=repr):
                    return ChoiceViolation(data, "beta", (x, y), (s, t))
    return None


def _verdict(cert: Certificate, axiom: str, data: ChoiceData) -> Verdict:
    return Verdict.certify(cert, f"choice data ({axiom})", observations=data.T,
                           alternatives=len(data.items))


def check_congruence(data: ChoiceData) -> Verdict:
    """Congruence (SARP for single-valued data): a shortest cycle of revealed preference with
    a strict step, or a rationalising order. O(n² + Σ|A_t||C_t|) plus a breadth-first search.

    >>> v = check_congruence(ChoiceData([["a", "b"], ["b", "c"], ["a", "c"]], ["a", "b", "c"]))
    >>> v.coherent, v.certificate.cycle
    (False, ('a', 'b', 'c'))
    >>> check_congruence(ChoiceData([["a", "b"], ["b", "c"]], ["a", "b"])).certificate.utility
    (2, 1, 0)
    """
    R, P = data.relations()
    k, lab = strongly_connected_components(R)
    S = P & (lab[:, None] == lab[None, :])
    if S.any():
        cyc = shortest_cycle_through(R, S)
        if cyc is None:  # pragma: no cover
            raise CertificationError("congruence violation without a cycle")
        cert: Certificate = ChoiceViolation(data, "congruence",
                                            tuple(data.items[i] for i in cyc))
        return _verdict(cert, "congruence", data)
    C = condensation(R, lab, k)
    layer = topological_layers(C.T)  # edges worse → better: better alternatives higher
    u = tuple(int(v) for v in layer[lab])
    return _verdict(RationalisingOrder(data, u), "congruence", data)


def _pairwise(data: ChoiceData, axiom: str) -> Verdict:
    v = _find(data, axiom)
    if v is not None:
        return _verdict(v, axiom, data)
    return _verdict(ChoiceAxiomHolds(data, axiom), axiom, data)


def check_choice_warp(data: ChoiceData) -> Verdict:
    """WARP: a pair ``x R y`` and ``y P x``. O(n² + Σ|A_t||C_t|).

    >>> check_choice_warp(ChoiceData([["a", "b"], ["a", "b", "c"]], ["a", "b"])).coherent
    False
    """
    return _pairwise(data, "WARP")


def check_sen_alpha(data: ChoiceData) -> Verdict:
    """Sen's α over the observed pairs of nested menus. O(T² · menu size).

    >>> v = check_sen_alpha(ChoiceData([["a", "b"], ["a", "b", "c"]], ["b", "a"]))
    >>> v.coherent, v.certificate.cycle, v.certificate.observations
    (False, ('a',), (0, 1))
    """
    return _pairwise(data, "alpha")


def check_sen_beta(data: ChoiceData) -> Verdict:
    """Sen's β over the observed pairs of nested menus. O(T² · menu size).

    >>> v = check_sen_beta(ChoiceData([["a", "b"], ["a", "b", "c"]], [{"a", "b"}, "b"]))
    >>> v.coherent, v.certificate.cycle
    (False, ('a', 'b'))
    """
    return _pairwise(data, "beta")
