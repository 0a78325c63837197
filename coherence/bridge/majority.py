"""The majority relation of a choice-probability matrix, and its shortest money pump.

The majority relation has a strict 3-cycle through ``i ≻ j`` whenever ``s_j ≥ s_i`` (``s``
the strict out-degree), which finds a shortest pump in O(n²) without search; the pump, or the
utility that rules every pump out, is certified exactly by
:func:`coherence.relations.check_relation`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from coherence.bridge._torch import require_torch
from coherence.bridge.probabilities import prob_matrix, row_blocks
from coherence.bridge.triads import majority_scores
from coherence.errors import CertificationError, InputError
from coherence.relations import PreferenceRelation, check_relation
from coherence.verdict import Verdict

__all__ = ["find_majority_triad", "majority_pump", "majority_relation"]


def majority_relation(
    P: Any, items: Sequence[Hashable] | None = None, *, validate: bool = True
) -> PreferenceRelation:
    """The weak majority relation ``i ≽ j`` iff ``Pᵢⱼ ≥ ½`` as a
    :class:`~coherence.relations.PreferenceRelation` on the CPU (reflexive). O(n²) memory.

    >>> R = majority_relation([[0.5, 0.8, 0.5], [0.2, 0.5, 0.9], [0.5, 0.1, 0.5]], "xyz")
    >>> R.items, R.weak.astype(int).tolist()
    (('x', 'y', 'z'), [[1, 1, 1], [0, 1, 1], [1, 0, 1]])
    """
    t = prob_matrix(P, validate=validate)
    W = (t >= 0.5).cpu().numpy()
    np.fill_diagonal(W, True)
    labels = tuple(range(t.shape[0])) if items is None else tuple(items)
    return PreferenceRelation(labels, W)


def find_majority_triad(
    P: Any, *, validate: bool = True, device: Any = None
) -> tuple[int, int, int] | None:
    """A majority pump ``i ≻ j ≻ k ≽ i`` (two strict trades), or ``None``. O(n²), streamed.

    Lemma: let ``sᵢ = #{j: Pᵢⱼ > ½}``. If ``i ≻ j`` and ``sⱼ ≥ sᵢ`` then some ``k`` with
    ``j ≻ k`` is not strictly below ``i`` (``out(j)`` has ``sⱼ`` members, ``out(i) ∖ {j}``
    only ``sᵢ − 1``), so ``k ≽ i``. Without ties, ``None`` means the majority relation is a
    transitive tournament (strict scores are a utility).

    >>> find_majority_triad([[0.5, 0.8, 0.2], [0.2, 0.5, 0.8], [0.8, 0.2, 0.5]])
    (0, 1, 2)
    >>> find_majority_triad([[0.5, 0.8, 0.9], [0.2, 0.5, 0.8], [0.1, 0.2, 0.5]]) is None
    True
    """
    torch = require_torch()
    t = prob_matrix(P, device=device, validate=validate)
    n = t.shape[0]
    wins, _ = majority_scores(t, validate=False)
    s = wins
    for sl in row_blocks(n):
        S = t[sl] > 0.5
        r = torch.arange(sl.stop - sl.start, device=t.device)
        S[r, r + sl.start] = False
        hit = S & (s.unsqueeze(0) >= s[sl].unsqueeze(1))
        if hit.any():
            a, j = (int(x) for x in hit.nonzero()[0].tolist())
            i = a + sl.start
            cand = (t[j] > 0.5) & (t[:, i] >= 0.5)
            cand[i] = False
            cand[j] = False
            ks = cand.nonzero()
            if ks.numel() == 0:  # impossible by the lemma
                raise CertificationError("majority triad lemma failed; please report")
            return i, j, int(ks[0, 0])
    return None


def majority_pump(
    P: Any,
    items: Sequence[Hashable] | None = None,
    *,
    max_items: int = 8192,
    validate: bool = True,
) -> Verdict:
    """Shortest money pump of the weak majority relation, or its weak utility: a
    :class:`~coherence.verdict.Verdict` checked exactly by
    :func:`coherence.relations.check_relation`.

    Up to ``max_items`` items the full relation goes to the CPU (O(n²) booleans) and
    :func:`~coherence.relations.check_relation` returns a shortest pump or an integer utility.
    First, :func:`find_majority_triad` runs on the device; a triad found is a shortest pump
    (no pump has 2 trades) and the verdict is :func:`~coherence.relations.check_relation` on the
    3-item restriction (a pump there is a pump of the full relation). Beyond ``max_items``
    with no triad and no ties the majority relation is a
    transitive tournament, but an exact utility certificate needs the full relation, so an
    :class:`~coherence.errors.InputError` asks for a larger ``max_items``.

    >>> v = majority_pump([[0.5, 0.8, 0.2], [0.2, 0.5, 0.8], [0.8, 0.2, 0.5]], "abc")
    >>> v.status, v.certificate.labels  # holding a, it takes c, then b, then a again
    ('exploitable', ('a', 'c', 'b'))
    """
    t = prob_matrix(P, validate=validate)
    n = t.shape[0]
    labels = tuple(range(n)) if items is None else tuple(items)
    if len(labels) != n:
        raise InputError(f"{len(labels)} item labels for a {n}×{n} matrix")
    tri = find_majority_triad(t, validate=False)
    if tri is None and n <= max_items:
        return check_relation(majority_relation(t, labels, validate=False))
    if tri is None:
        raise InputError(
            f"{n} items and no majority 3-cycle: an exact utility certificate needs the full "
            f"relation; pass max_items ≥ {n}"
        )
    idx = list(tri)
    sub = t[idx][:, idx].cpu().numpy()
    W = sub >= 0.5
    np.fill_diagonal(W, True)
    return check_relation(PreferenceRelation(tuple(labels[i] for i in idx), W))
