"""The bits of ranking information in a net's confident preferences, and how they change.

A strict partial order ``C`` on ``n`` items is consistent with ``e(C)`` of the ``n!`` rankings,
so it pins down ``log₂ n! − log₂ e(C)`` bits (:func:`coherence.subagents.information_bits`).
Here ``C`` is the transitive closure of a net's *confident* preferences (``P[i, j] ≥ ½ +
margin``). The bridge sits below :mod:`coherence.subagents` in the package layering, so the
counter of linear extensions is passed in (``counter=count_linear_extensions``); without one,
bits are ``None``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from coherence.errors import InputError

__all__ = [
    "EXACT_BITS_MAX",
    "PreferenceBits",
    "PreferenceChange",
    "compare_preferences",
    "preference_bits",
]


#: up to this many items the preference bits are counted exactly (O(2ⁿ · n) per count)
EXACT_BITS_MAX = 14


# ----------------------------------------------------------------------------- bits
@dataclass(frozen=True)
class PreferenceBits:
    """Bits of ranking information in a net's confident preferences (immutable).

    Attributes:
        bits: ``log₂ n! − log₂ e(C)`` for the transitive closure of the confident relation
            ``C``; ``None`` when ``C`` has a cycle (``cyclic``: a money pump among confident
            preferences, so no ranking is consistent with it) or no counter was given.
        exact: whether the count of linear extensions was exact (else estimated).
        confident_pairs: the number of pairs with ``|P − ½| ≥ margin``; ``n``: items;
            ``margin``: the confidence margin used.
    """

    bits: float | None
    exact: bool
    confident_pairs: int
    n: int
    margin: float
    cyclic: bool = False

    @property
    def max_bits(self) -> float:
        """``log₂ n!``: the bits of a complete ranking."""
        return math.lgamma(self.n + 1) / math.log(2)


def _confident(P: np.ndarray, margin: float) -> np.ndarray:
    C = 0.5 + margin <= P
    np.fill_diagonal(C, False)
    return np.asarray(C)


#: ``counter(relation, close=True, exact=..., samples=..., seed=...)`` with ``.bits`` and
#: ``.exact``: :func:`coherence.subagents.count_linear_extensions`
Counter = Callable[..., Any]


def _cyclic(C: np.ndarray) -> bool:
    from coherence.graphs import transitive_closure

    return bool(np.diag(transitive_closure(C)).any())


def _bits_of(C: np.ndarray, counter: Counter | None, samples: int, seed: int
             ) -> tuple[float | None, bool]:
    """Bits of the closure of an acyclic strict relation ``C`` (``None`` without a
    counter)."""
    from coherence.relations import PreferenceRelation

    if counter is None:
        return None, False
    n = C.shape[0]
    rel = PreferenceRelation(tuple(range(n)), C | np.eye(n, dtype=bool))
    count = counter(rel, close=True, exact=n <= EXACT_BITS_MAX, samples=samples, seed=seed)
    return round(float(count.bits), 12), bool(count.exact)


def preference_bits(P: Any, counter: Counter | None, *, margin: float = 0.25,
                    samples: int = 2000, seed: int = 0) -> PreferenceBits:
    """Bits of ranking information the confident preferences pin down: ``log₂ n! − log₂ e(C)``
    (:func:`coherence.subagents.information_bits`) of the transitive closure of
    ``C = {(i, j) : P[i, j] ≥ ½ + margin}``. Exact (dynamic programming over down-sets,
    O(2ⁿ · n)) up to :data:`EXACT_BITS_MAX` items; above, the sequential-importance-sampling
    estimate with ``samples`` draws (O(samples · n²)). A cyclic ``C`` has no ranking:
    ``bits`` is ``None`` and ``cyclic`` true.

    >>> from coherence.subagents import count_linear_extensions
    >>> P = [[0.5, 0.9, 0.9], [0.1, 0.5, 0.6], [0.1, 0.4, 0.5]]  # a on top, b ? c unsure
    >>> round(preference_bits(P, count_linear_extensions).bits, 6)  # log2(3!) − log2(2)
    1.584963
    """
    M = _as_matrix(P)
    _check_margin(margin)
    C = _confident(M, margin)
    if _cyclic(C):
        return PreferenceBits(None, True, int(C.sum()), M.shape[0], float(margin), True)
    bits, exact = _bits_of(C, counter, samples, seed)
    return PreferenceBits(bits, exact, int(C.sum()), M.shape[0], float(margin))


def _check_margin(margin: float) -> None:
    if not (isinstance(margin, int | float) and 0 <= margin < 0.5):
        raise InputError(f"margin must be in [0, 0.5), got {margin!r}")


def _as_matrix(P: Any) -> np.ndarray:
    if hasattr(P, "detach"):
        P = P.detach().cpu().double().numpy()
    M = np.asarray(P, dtype=np.float64)
    if M.ndim != 2 or M.shape[0] != M.shape[1] or M.shape[0] < 3:
        raise InputError(f"P must be a square matrix of at least 3 items, got {M.shape}")
    if not np.isfinite(M).all():
        raise InputError("P contains NaN or inf")
    return M


# ----------------------------------------------------------------------------- changes
@dataclass(frozen=True)
class PreferenceChange:
    """How a perturbed net's preferences differ from the base net's (immutable).

    Attributes:
        flipped: fraction of unordered pairs whose majority preference flips (``P`` crosses
            ½); ``confident_flipped``: the same among the base's confident pairs.
        delta_expected_cyclic_triads, delta_hard_cyclic_triads: changes in the exact cycle
            metrics (:func:`~coherence.bridge.expected_cyclic_triads`,
            :func:`~coherence.bridge.hard_cyclic_triads`).
        bits_lost: the base's preference bits minus the bits of the part of its confident
            order the perturbed net still holds confidently (``≥ 0``; ``None`` when the base
            order is cyclic or no counter was given).
    """

    flipped: float
    confident_flipped: float
    delta_expected_cyclic_triads: float
    delta_hard_cyclic_triads: float
    bits_lost: float | None


def compare_preferences(P0: Any, P1: Any, *, counter: Counter | None = None,
                        margin: float = 0.25, samples: int = 2000, seed: int = 0
                        ) -> PreferenceChange:
    """The change from base preferences ``P0`` to ``P1`` on the same items. O(n²) plus two
    linear-extension counts (see :func:`preference_bits`).

    >>> from coherence.subagents import count_linear_extensions
    >>> P0 = [[0.5, 0.9, 0.9], [0.1, 0.5, 0.9], [0.1, 0.1, 0.5]]
    >>> P1 = [[0.5, 0.9, 0.9], [0.1, 0.5, 0.4], [0.1, 0.6, 0.5]]  # b and c swap
    >>> ch = compare_preferences(P0, P1, counter=count_linear_extensions)
    >>> round(ch.flipped, 4), round(ch.bits_lost, 6)
    (0.3333, 1.0)
    """
    from coherence.bridge.triads import expected_cyclic_triads, hard_cyclic_triads

    A, B = _as_matrix(P0), _as_matrix(P1)
    if A.shape != B.shape:
        raise InputError(f"P0 is {A.shape} but P1 is {B.shape}")
    _check_margin(margin)
    n = A.shape[0]
    iu = np.triu_indices(n, 1)
    flip = (A[iu] > 0.5) != (B[iu] > 0.5)
    C0 = _confident(A, margin)
    conf = C0[iu] | C0.T[iu]
    confident_flipped = float(flip[conf].mean()) if conf.any() else 0.0
    d_ect = expected_cyclic_triads(B, device="cpu") - expected_cyclic_triads(A, device="cpu")
    d_hard = (hard_cyclic_triads(B, device="cpu").count
              - hard_cyclic_triads(A, device="cpu").count)
    lost = None
    if counter is not None and not _cyclic(C0):
        b0, _ = _bits_of(C0, counter, samples, seed)
        kept, _ = _bits_of(C0 & _confident(B, margin), counter, samples, seed)
        assert b0 is not None and kept is not None
        lost = max(0.0, b0 - kept)
    return PreferenceChange(float(flip.mean()), confident_flipped, float(d_ect), float(d_hard),
                            lost)
