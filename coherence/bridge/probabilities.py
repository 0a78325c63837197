"""Choice-probability matrices: validation, streaming in row blocks, and log-odds.

``P[i, j]`` is the probability that item ``i`` is chosen over item ``j``; off the diagonal
``P[i, j] + P[j, i] = 1`` (the diagonal is ignored). Every bridge metric accepts a numpy array
or a torch tensor and works in row blocks (:func:`row_blocks`), so an ``n × n`` matrix is
streamed through memory a few times and nothing ``n × n`` is allocated besides the input;
reductions run in float64.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from coherence.bridge._torch import as_tensor, require_torch
from coherence.errors import InputError

__all__ = ["BLOCK_ELEMENTS", "CLIP", "DENSE_BYTES", "log_odds", "prob_matrix", "row_blocks",
           "saturated"]

#: elements per streamed block (float64: 256 MiB)
BLOCK_ELEMENTS = 1 << 25
#: matrices up to this many bytes (float64) may be materialised whole
DENSE_BYTES = 1 << 30
#: probabilities are clipped to [CLIP, 1 - CLIP] before taking log-odds
CLIP = 1e-12


def row_blocks(
    n: int, cols: int | None = None, *, elements: int | None = None
) -> Iterator[slice]:
    """Slices ``[a, b)`` of rows such that ``(b − a) · cols ≤ elements`` (at least one row).

    ``elements`` defaults to :data:`BLOCK_ELEMENTS`, read at call time. O(n / block).

    >>> [(s.start, s.stop) for s in row_blocks(5, elements=10)]
    [(0, 2), (2, 4), (4, 5)]
    """
    budget = BLOCK_ELEMENTS if elements is None else elements
    step = max(1, budget // max(1, cols if cols is not None else n))
    for a in range(0, n, step):
        yield slice(a, min(n, a + step))


def prob_matrix(
    P: Any,
    *,
    device: Any = None,
    validate: bool = True,
    min_items: int = 3,
    atol: float | None = None,
) -> Any:
    """Validate a choice-probability matrix and return it as a floating tensor.

    Checks: square, ``n ≥ min_items``, every entry finite and in ``[0, 1]`` off the diagonal,
    and ``|P + Pᵀ − 1| ≤ atol`` off the diagonal (default ``1e-9`` in float64, ``1e-5`` in
    float32). O(n²) in row blocks. Raises :class:`~coherence.errors.InputError`.

    >>> t = prob_matrix([[0.5, 0.8, 0.2], [0.2, 0.5, 0.8], [0.8, 0.2, 0.5]])
    >>> tuple(t.shape), str(t.dtype)
    ((3, 3), 'torch.float64')
    >>> prob_matrix([[0.5, 0.9, 0.2], [0.2, 0.5, 0.8], [0.8, 0.2, 0.5]])
    Traceback (most recent call last):
    ...
    coherence.errors.InputError: P[0,1] + P[1,0] = 1.1 ≠ 1: ask both orders ...
    """
    torch = require_torch()
    t = as_tensor(P, device=device, name="choice-probability matrix")
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise InputError(f"choice-probability matrix must be square, got shape {tuple(t.shape)}")
    n = t.shape[0]
    if n < min_items:
        raise InputError(f"need at least {min_items} items, got {n}")
    if t.is_complex():
        raise InputError("choice-probability matrix must be real")
    if not t.is_floating_point():
        t = t.to(torch.float64)
    if not validate:
        return t
    tol = atol if atol is not None else (1e-9 if t.dtype == torch.float64 else 1e-5)
    for sl in row_blocks(n):
        blk = t[sl].clone()
        r = torch.arange(sl.stop - sl.start, device=t.device)
        blk[r, r + sl.start] = 0.5
        lo, hi = torch.aminmax(blk)
        if not (bool(lo >= 0) and bool(hi <= 1)):  # also false on NaN
            bad = (~((blk >= 0) & (blk <= 1))).nonzero()[0].tolist()
            v = float(blk[bad[0], bad[1]])
            what = "not finite" if not math.isfinite(v) else "outside [0, 1]"
            raise InputError(f"choice probability is {what} at ({bad[0] + sl.start}, {bad[1]})")
        blk += t[:, sl].T
        blk[r, r + sl.start] = 1.0
        lo, hi = torch.aminmax(blk)
        if float(lo) < 1 - tol or float(hi) > 1 + tol:
            bad = ((blk - 1).abs() > tol).nonzero()[0].tolist()
            i, j = bad[0] + sl.start, bad[1]
            raise InputError(
                f"P[{i},{j}] + P[{j},{i}] = {float(t[i, j] + t[j, i]):.6g} ≠ 1: "
                "ask both orders and symmetrise (coherence.bridge.symmetrise)"
            )
    return t


def _offdiag_block(t: Any, sl: slice) -> Any:
    """``t[sl]`` in float64 with its diagonal entries zeroed."""
    torch = require_torch()
    blk = t[sl].to(torch.float64).clone()
    r = torch.arange(sl.stop - sl.start, device=t.device)
    blk[r, r + sl.start] = 0.0
    return blk


def log_odds(P: Any, PT: Any = None, *, clip: float = CLIP) -> Any:
    """``L[i, j] = log(Pᵢⱼ / Pⱼᵢ)``, both probabilities clipped below at ``clip``.

    ``PT`` is the transposed block ``P[j, i]`` (read, so that small complements keep their
    precision); by default ``1 − P``. Entries with ``min(Pᵢⱼ, Pⱼᵢ) < clip`` are saturated
    (``|L| ≤ log(1/clip)``); :func:`saturated` marks them. O(size of ``P``).

    >>> [round(v, 4) for v in log_odds([0.5, 0.8, 0.2]).tolist()]
    [0.0, 1.3863, -1.3863]
    """
    torch = require_torch()
    t = as_tensor(P).to(torch.float64)
    q = (1.0 - t) if PT is None else as_tensor(PT).to(torch.float64)
    return torch.log(t.clamp(min=clip)) - torch.log(q.clamp(min=clip))


def saturated(P: Any, PT: Any = None, *, clip: float = CLIP) -> Any:
    """Boolean mask of pairs whose log-odds are beyond what ``clip`` resolves.

    >>> saturated([0.5, 1.0, 1e-15]).tolist()
    [False, True, True]
    """
    torch = require_torch()
    t = as_tensor(P).to(torch.float64)
    q = (1.0 - t) if PT is None else as_tensor(PT).to(torch.float64)
    return torch.minimum(t, q) < clip
