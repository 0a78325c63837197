"""Menu choice frequencies: random-utility coherence by Block–Marschak polynomials.

Data: for menus ``A`` (sets of items) the share ``p(x, A)`` of choices of each ``x ∈ A``. A
random utility model (a population of linear orders, each choosing its best item of every
menu) reproduces them iff, on the complete domain (every menu of two or more items observed),
every Block–Marschak polynomial

    ``K(x, A) = Σ_{A ⊆ B ⊆ X} (−1)^{|B \\ A|} p(x, B)``,  ``x ∈ A``  (``p(x, {x}) = 1``)

is non-negative (Block & Marschak 1960; Falmagne 1978, "A representation theorem for finite
random scale systems", J. Math. Psych. 18). Under a random utility model ``K(x, A)`` is the
share of orders whose items above ``x`` are exactly ``X \\ A``, so the polynomials are a flow
on the lattice of subsets (from ``X`` down to ``∅``, the edge ``A → A \\ {x}`` carrying
``K(x, A)``); a path decomposition of that flow is a mixture of at most ``n·2ⁿ⁻¹`` orders with
exact weights (Fiorini 2004, "A short proof of a theorem of Falmagne", J. Math. Psych. 48).

Either way the answer is a certificate checked on its own:

* :class:`MenuRandomUtility`: orders and positive weights adding up to 1 that reproduce every
  observed ``p(x, A)`` in Fractions;
* :class:`MenuSeparatingInequality`: coefficients on "``x`` chosen from ``A``" and a bound that
  every linear order's choices obey and the data break — a negative Block–Marschak polynomial
  (bound 0), or on any domain a violation of regularity (``p(x, B) > p(x, A)`` for
  ``x ∈ A ⊂ B``). Verified by maximising over all orders exactly (dynamic programming over the
  set of items not yet ranked, O(2ⁿn·menus)).

On an incomplete domain whose data satisfy regularity no verdict is claimed: an
:class:`~coherence.errors.InputError` names the missing menus.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any, ClassVar

from coherence._exact import as_fraction
from coherence.errors import InputError
from coherence.verdict import Certificate, Verdict, label_from_json, label_to_json

__all__ = [
    "MenuChoice",
    "MenuRandomUtility",
    "MenuSeparatingInequality",
    "block_marschak",
    "check_menu_random_utility",
]

#: the most items the Block–Marschak test and the exact maximisation take (3ⁿ subset pairs)
MAX_ITEMS = 12

Menu = tuple[int, ...]
Entry = tuple[Menu, int, Fraction]  # (menu, chosen item, share or coefficient)


def _mask(menu: Iterable[int]) -> int:
    m = 0
    for v in menu:
        m |= 1 << v
    return m


def _members(mask: int) -> Menu:
    return tuple(v for v in range(mask.bit_length()) if mask >> v & 1)


@dataclass(frozen=True, eq=False)
class MenuChoice:
    """Choice shares over menus: ``data`` holds ``(menu, x, p(x, menu))`` for every item of
    every observed menu (menus as sorted item indices, two or more items), ``items`` the
    labels. Build with :meth:`from_probabilities` or :meth:`from_counts`."""

    items: tuple[Hashable, ...]
    data: tuple[Entry, ...]

    # -- constructors ------------------------------------------------------------------
    @classmethod
    def from_probabilities(cls, table: Mapping[Any, Mapping[Any, Any]], *,
                           items: Sequence[Hashable] | None = None) -> MenuChoice:
        """From ``{menu: {item: share}}`` (shares decimal, ``"p/q"`` or Fractions; items of a
        menu without a share get 0; each menu's shares add up to 1 exactly). O(size).

        >>> d = MenuChoice.from_probabilities({("a", "b"): {"a": 0.5, "b": 0.5}})
        >>> d.probability("a", ("a", "b"))
        Fraction(1, 2)
        """
        return cls._build(table, items, counts=False)

    @classmethod
    def from_counts(cls, table: Mapping[Any, Mapping[Any, Any]], *,
                    items: Sequence[Hashable] | None = None) -> MenuChoice:
        """From ``{menu: {item: count}}``: non-negative integer counts, each menu chosen from
        at least once; checked as their frequencies. O(size).

        >>> MenuChoice.from_counts({("a", "b", "c"): {"a": 2, "b": 1, "c": 1}}).probability(
        ...     "a", ("a", "b", "c"))
        Fraction(1, 2)
        """
        return cls._build(table, items, counts=True)

    @classmethod
    def _build(cls, table: Mapping[Any, Mapping[Any, Any]],
               items: Sequence[Hashable] | None, *, counts: bool) -> MenuChoice:
        if not isinstance(table, Mapping):
            raise InputError("menu data are a mapping {menu: {item: share or count}}")
        if items is None:
            seen: dict[Hashable, None] = {}
            for menu in table:
                for x in _menu_items(menu):
                    seen.setdefault(x, None)
            labels = tuple(seen)
        else:
            labels = tuple(items)
        idx = {x: i for i, x in enumerate(labels)}
        if len(idx) != len(labels):
            raise InputError("the items must be distinct")
        data: list[Entry] = []
        menus_seen: set[Menu] = set()
        for menu, shares in table.items():
            names = _menu_items(menu)
            if len(set(names)) != len(names):
                raise InputError(f"menu {names!r} names an item twice")
            if len(names) < 2:
                raise InputError(f"menu {names!r} has fewer than two items")
            unknown = [x for x in names if x not in idx]
            if unknown:
                raise InputError(f"menu {names!r} names unknown item {unknown[0]!r}")
            key = tuple(sorted(idx[x] for x in names))
            if key in menus_seen:
                raise InputError(f"menu {names!r} appears twice")
            menus_seen.add(key)
            if not isinstance(shares, Mapping):
                raise InputError(f"menu {names!r}: give {{item: share}}")
            outside = [x for x in shares if x not in names]
            if outside:
                raise InputError(f"menu {names!r}: chosen item {outside[0]!r} is not in the menu")
            what = "count" if counts else "share"
            vals = {x: as_fraction(v, what=f"{what} of {x!r} from {names!r}")
                    for x, v in shares.items()}
            if counts:
                if any(v < 0 or v.denominator != 1 for v in vals.values()):
                    raise InputError(f"menu {names!r}: counts must be non-negative integers")
                total = sum(vals.values(), Fraction(0))
                if total == 0:
                    raise InputError(f"menu {names!r}: no choice was counted")
                vals = {x: v / total for x, v in vals.items()}
            else:
                if any(not 0 <= v <= 1 for v in vals.values()):
                    raise InputError(f"menu {names!r}: shares must lie in [0, 1]")
                if sum(vals.values(), Fraction(0)) != 1:
                    raise InputError(f"menu {names!r}: the shares add up to "
                                     f"{sum(vals.values(), Fraction(0))}, not 1")
            for x in names:
                data.append((key, idx[x], vals.get(x, Fraction(0))))
        if len(labels) > MAX_ITEMS:
            raise InputError(f"menu data over {len(labels)} items: at most {MAX_ITEMS} are "
                             "checked (the test runs over all subsets of the items)")
        return cls(labels, tuple(sorted(data)))

    # -- views -------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.items)

    def menus(self) -> tuple[Menu, ...]:
        return tuple(sorted({m for m, _, _ in self.data}))

    def probability(self, x: Hashable, menu: Sequence[Hashable]) -> Fraction:
        """``p(x, menu)``; :class:`~coherence.errors.InputError` for an unobserved menu."""
        idx = {v: i for i, v in enumerate(self.items)}
        try:
            key, i = tuple(sorted(idx[v] for v in menu)), idx[x]
        except KeyError as exc:
            raise InputError(f"unknown item {exc.args[0]!r}") from None
        for m, v, p in self.data:
            if m == key and v == i:
                return p
        raise InputError(f"menu {tuple(menu)!r} with {x!r} was not observed")

    def missing_menus(self) -> tuple[Menu, ...]:
        """The menus of two or more items that the complete domain has and the data lack."""
        have = {_mask(m) for m in self.menus()}
        full = (1 << self.n) - 1
        return tuple(_members(s) for s in range(1, full + 1)
                     if s.bit_count() >= 2 and s not in have)

    def __repr__(self) -> str:
        return f"MenuChoice({self.n} items, {len(self.menus())} menus)"


def _menu_items(menu: Any) -> tuple[Hashable, ...]:
    if isinstance(menu, str | bytes) or not isinstance(menu, Iterable):
        raise InputError(f"a menu is a sequence of items, got {menu!r}")
    return tuple(menu)


# --------------------------------------------------------------------------------------
# Block–Marschak polynomials and the flow they form
# --------------------------------------------------------------------------------------


def _share_table(data: MenuChoice) -> dict[tuple[int, int], Fraction]:
    """``p[(mask, x)]`` for every observed menu and the singletons (share 1)."""
    p = {(_mask(m), x): q for m, x, q in data.data}
    for x in range(data.n):
        p[(1 << x, x)] = Fraction(1)
    return p


def block_marschak(data: MenuChoice) -> dict[tuple[Menu, int], Fraction]:
    """Every Block–Marschak polynomial ``K(x, A)`` (``x ∈ A``, every non-empty ``A``) of data on
    the complete domain. O(3ⁿn) Fraction additions. Raises
    :class:`~coherence.errors.InputError` when a menu is missing.

    >>> d = MenuChoice.from_probabilities({("a", "b"): {"a": "2/3", "b": "1/3"}})
    >>> sorted((tuple(d.items[v] for v in A), d.items[x], str(k))
    ...        for (A, x), k in block_marschak(d).items())
    [(('a',), 'a', '1/3'), (('a', 'b'), 'a', '2/3'), (('a', 'b'), 'b', '1/3'), (('b',), 'b', '2/3')]
    """
    missing = data.missing_menus()
    if missing:
        shown = ", ".join("{" + ", ".join(str(data.items[v]) for v in m) + "}"
                          for m in missing[:3])
        raise InputError(f"the Block–Marschak test needs every menu of two or more items; "
                         f"{len(missing)} are missing ({shown}{', …' if len(missing) > 3 else ''})")
    return {(_members(A), x): k for (A, x), k in _polynomials(data).items()}


def _polynomials(data: MenuChoice) -> dict[tuple[int, int], Fraction]:
    full = (1 << data.n) - 1
    p = _share_table(data)
    K: dict[tuple[int, int], Fraction] = {}
    for A in range(1, full + 1):
        rest = full & ~A
        for x in _members(A):
            total = Fraction(0)
            sub = rest
            while True:  # every B = A ∪ C with C ⊆ X \ A
                C = sub
                term = p[(A | C, x)]
                total += -term if C.bit_count() & 1 else term
                if sub == 0:
                    break
                sub = (sub - 1) & rest
            K[(A, x)] = total
    return K


def _decompose(n: int, K: dict[tuple[int, int], Fraction]
               ) -> tuple[tuple[tuple[int, ...], ...], tuple[Fraction, ...]]:
    """Orders (best first) and weights of a path decomposition of the flow ``K`` on the
    lattice of subsets: each path from the full set to ∅ removes, at each step, an item whose
    edge still carries flow; its weight is the least flow on it. At most one path per edge."""
    flow = {key: v for key, v in K.items() if v > 0}
    orders, weights = [], []
    full = (1 << n) - 1
    while True:
        S, path = full, []
        while S:
            x = next((v for v in _members(S) if flow.get((S, v), 0) > 0), None)
            if x is None:
                break
            path.append((S, x))
            S &= ~(1 << x)
        if S or not path:
            break
        w = min(flow[e] for e in path)
        for e in path:
            flow[e] -= w
        orders.append(tuple(x for _, x in path))
        weights.append(w)
    return tuple(orders), tuple(weights)


# --------------------------------------------------------------------------------------
# certificates
# --------------------------------------------------------------------------------------


def _entries_json(items: Sequence[Hashable], entries: Sequence[Entry], name: str
                  ) -> list[dict[str, Any]]:
    return [{"menu": [label_to_json(items[v]) for v in m], "item": label_to_json(items[x]),
             name: str(q)} for m, x, q in entries]


def _entries_from_json(doc: Sequence[Mapping[str, Any]], idx: Mapping[Hashable, int],
                       name: str) -> tuple[Entry, ...]:
    return tuple((tuple(sorted(idx[label_from_json(v)] for v in t["menu"])),
                  idx[label_from_json(t["item"])], as_fraction(t[name], what=name))
                 for t in doc)


def _best_choice(order: Sequence[int], menu: Menu) -> int:
    rank = {v: k for k, v in enumerate(order)}
    return min(menu, key=rank.__getitem__)


@dataclass(frozen=True)
class MenuRandomUtility(Certificate):
    """Linear orders (item indices, best first) with positive weights adding up to 1 whose
    choices reproduce every observed ``p(x, A)`` exactly. O(orders · menus · n) to verify."""

    items: tuple[Hashable, ...]
    data: tuple[Entry, ...]
    orders: tuple[tuple[int, ...], ...]
    weights: tuple[Fraction, ...]

    kind: ClassVar[str] = "menu_random_utility"
    exploit: ClassVar[bool] = False

    def verify(self) -> bool:
        n = len(self.items)
        if not self.orders or len(self.orders) != len(self.weights):
            return False
        if any(not isinstance(w, Fraction | int) or w <= 0 for w in self.weights):
            return False
        if sum(self.weights, Fraction(0)) != 1:
            return False
        if any(sorted(o) != list(range(n)) for o in self.orders):
            return False
        got: dict[tuple[Menu, int], Fraction] = {}
        for menu in {m for m, _, _ in self.data}:
            for o, w in zip(self.orders, self.weights, strict=True):
                key = (menu, _best_choice(o, menu))
                got[key] = got.get(key, Fraction(0)) + w
        return all(got.get((m, x), Fraction(0)) == p for m, x, p in self.data)

    def explain(self) -> str:
        lines = [f"The menu choices are those of a population of {len(self.orders)} kind(s) of "
                 "utility maximiser (a random utility model; Block–Marschak polynomials all "
                 "non-negative):"]
        for o, w in zip(self.orders, self.weights, strict=True):
            lines.append(f"  share {w}: " + " > ".join(str(self.items[v]) for v in o))
        lines.append("Each share p(x, A) is the weight of the members whose best item in A is x.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind,
                "orders": [[label_to_json(self.items[v]) for v in o] for o in self.orders],
                "weights": [str(w) for w in self.weights],
                "items": [label_to_json(x) for x in self.items],
                "data": _entries_json(self.items, self.data, "p")}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> MenuRandomUtility:
        items = tuple(label_from_json(x) for x in doc["items"])
        idx = {x: i for i, x in enumerate(items)}
        orders = tuple(tuple(idx[label_from_json(v)] for v in o) for o in doc["orders"])
        return cls(items, _entries_from_json(doc["data"], idx, "p"), orders,
                   tuple(as_fraction(w, what="weight") for w in doc["weights"]))


@dataclass(frozen=True)
class MenuSeparatingInequality(Certificate):
    """``Σ c · [x chosen from A] ≤ bound`` for the choices of every linear order, broken by the
    data (exploit). ``terms`` are ``(menu, x, c)``; a singleton menu is a constant (its item is
    always chosen). ``reason`` says where it came from (``"block_marschak"`` or
    ``"regularity"``). Verified by the exact maximum over all orders: dynamic programming over
    the set ``R`` of items not yet ranked (the next item ``x`` is chosen from every menu
    ``A ⊆ R`` holding it), O(2ⁿ·n·terms)."""

    items: tuple[Hashable, ...]
    data: tuple[Entry, ...]
    terms: tuple[Entry, ...]
    bound: Fraction
    reason: str = "block_marschak"

    kind: ClassVar[str] = "menu_separating_inequality"
    exploit: ClassVar[bool] = True

    def data_value(self) -> Fraction | None:
        """``c·p`` for the data; ``None`` when a term names an unobserved menu."""
        p = {(m, x): q for m, x, q in self.data}
        total = Fraction(0)
        for m, x, c in self.terms:
            if len(m) == 1:
                total += c
            elif (m, x) in p:
                total += c * p[(m, x)]
            else:
                return None
        return total

    def best_order_value(self) -> Fraction:
        """``max`` over linear orders of ``Σ c·[x chosen from A]``, exactly."""
        n = len(self.items)
        gain: dict[int, list[tuple[int, Fraction]]] = {}
        for m, x, c in self.terms:
            gain.setdefault(x, []).append((_mask(m), c))
        full = (1 << n) - 1
        best = [Fraction(0)] * (full + 1)  # best[R]: the most the items of R can still earn
        for R in range(1, full + 1):
            top = None
            for x in _members(R):
                g = sum((c for A, c in gain.get(x, ()) if A & ~R == 0), Fraction(0))
                v = g + best[R & ~(1 << x)]
                top = v if top is None or v > top else top
            assert top is not None
            best[R] = top
        return best[full]

    def verify(self) -> bool:
        n = len(self.items)
        if not self.terms or any(not m or x not in m or any(not 0 <= v < n for v in m)
                                 for m, x, _ in self.terms):
            return False
        value = self.data_value()
        if value is None or value <= self.bound:
            return False
        return self.best_order_value() <= self.bound

    def explain(self) -> str:
        value = self.data_value()
        head = ("regularity fails: an item is chosen more often from a larger menu"
                if self.reason == "regularity" else "a Block–Marschak polynomial is negative")
        lines = [f"No population of utility maximisers chooses from these menus this way "
                 f"({head}). A bet on the population's choices shows it: the bettor pays"]
        for m, x, c in self.terms:
            menu = "{" + ", ".join(str(self.items[v]) for v in m) + "}"
            lines.append(f"  {c} × [{self.items[x]} chosen from {menu}]")
        lines.append(f"and receives {self.bound}. Every utility maximiser makes the bettor pay "
                     f"at most {self.bound}, so every population does; these frequencies make "
                     f"them pay {value}, a gain of "
                     f"{None if value is None else value - self.bound} per round to whoever "
                     "takes the other side.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason,
                "terms": _entries_json(self.items, self.terms, "coefficient"),
                "bound": str(self.bound),
                "items": [label_to_json(x) for x in self.items],
                "data": _entries_json(self.items, self.data, "p")}

    @classmethod
    def _from_json(cls, doc: Mapping[str, Any]) -> MenuSeparatingInequality:
        items = tuple(label_from_json(x) for x in doc["items"])
        idx = {x: i for i, x in enumerate(items)}
        return cls(items, _entries_from_json(doc["data"], idx, "p"),
                   _entries_from_json(doc["terms"], idx, "coefficient"),
                   as_fraction(doc["bound"], what="bound"), str(doc.get("reason", "")))


# --------------------------------------------------------------------------------------
# the check
# --------------------------------------------------------------------------------------


def _regularity(data: MenuChoice) -> MenuSeparatingInequality | None:
    """The largest violation of regularity ``p(x, B) ≤ p(x, A)`` (``x ∈ A ⊂ B``) among the
    observed menus, as an inequality every order obeys (bound 0). O(menus² n)."""
    by_menu: dict[Menu, dict[int, Fraction]] = {}
    for m, x, q in data.data:
        by_menu.setdefault(m, {})[x] = q
    worst = None
    for B, pb in by_menu.items():
        for r in range(2, len(B)):
            for A in combinations(B, r):
                pa = by_menu.get(A)
                if pa is None:
                    continue
                for x in A:
                    gap = pb[x] - pa[x]
                    if gap > 0 and (worst is None or gap > worst[0]):
                        worst = (gap, A, B, x)
    if worst is None:
        return None
    _, A, B, x = worst
    return MenuSeparatingInequality(data.items, data.data,
                                    ((B, x, Fraction(1)), (A, x, Fraction(-1))), Fraction(0),
                                    "regularity")


def menu_certificate(data: MenuChoice) -> MenuRandomUtility | MenuSeparatingInequality:
    """The exact certificate either way (see :func:`check_menu_random_utility`)."""
    reg = _regularity(data)
    if reg is not None:
        return reg
    K = _polynomials(data) if not data.missing_menus() else None
    if K is None:
        block_marschak(data)  # raises, naming the missing menus
        raise AssertionError("unreachable")
    full = (1 << data.n) - 1
    negative = min(((k, key) for key, k in K.items()), default=None)
    if negative is not None and negative[0] < 0:
        A, x = negative[1]
        terms = []
        rest = full & ~A
        sub = rest
        while True:
            sign = -1 if sub.bit_count() & 1 else 1
            terms.append((_members(A | sub), x, Fraction(-sign)))
            if sub == 0:
                break
            sub = (sub - 1) & rest
        return MenuSeparatingInequality(data.items, data.data, tuple(terms), Fraction(0))
    orders, weights = _decompose(data.n, K)
    return MenuRandomUtility(data.items, data.data, orders, weights)


def check_menu_random_utility(data: MenuChoice) -> Verdict:
    """Could a population of utility maximisers choose from these menus with these shares?

    Regularity is checked on any domain (a violation is an exploit at once); on the complete
    domain the Block–Marschak polynomials decide (Block & Marschak 1960; Falmagne 1978): all
    non-negative gives a :class:`MenuRandomUtility` (a path decomposition of their flow, at
    most ``n·2ⁿ⁻¹`` orders), a negative one a :class:`MenuSeparatingInequality`. Both are
    verified exactly. O(3ⁿn) Fractions for the polynomials; an incomplete domain that passes
    regularity raises :class:`~coherence.errors.InputError` naming the missing menus.

    >>> d = MenuChoice.from_probabilities({
    ...     ("a", "b"): {"a": "1/2", "b": "1/2"}, ("a", "c"): {"a": "1/2", "c": "1/2"},
    ...     ("b", "c"): {"b": "1/2", "c": "1/2"}, ("a", "b", "c"): {"a": "1/3", "b": "1/3",
    ...                                                              "c": "1/3"}})
    >>> v = check_menu_random_utility(d)
    >>> v.coherent, sorted(map(str, v.certificate.weights))
    (True, ['1/6', '1/6', '1/6', '1/6', '1/6', '1/6'])
    >>> d = MenuChoice.from_probabilities({("a", "b"): {"a": "1/2", "b": "1/2"},
    ...                                    ("a", "b", "c"): {"a": 1}})  # a gains from c
    >>> v = check_menu_random_utility(d)
    >>> v.coherent, v.certificate.reason, v.certificate.data_value()
    (False, 'regularity', Fraction(1, 2))
    """
    cert = menu_certificate(data)
    q: dict[str, object] = ({"orders": len(cert.orders)} if isinstance(cert, MenuRandomUtility)
                            else {"violation": cert.data_value() - cert.bound})  # type: ignore[operator]
    return Verdict.certify(cert, "menu choice (random utility)", **q)
