"""Elicit pairwise choice probabilities from a model over an item set.

Three kinds of model:

* **comparators** ``f(a, b) → logit`` that ``a`` is preferred (a ``torch.nn.Module`` whose
  ``forward`` takes two batches, or :class:`Comparator` around any batched callable);
* **scorers** ``f(a) → utility`` (one batch; coherent by construction, a useful control);
* **plain callables** ``f(a, b) → probability`` on single items (:class:`PairwiseCallable`),
  called pair by pair.

Both orders are asked and averaged, ``P[i, j] = ½(p(i over j) + 1 − p(j over i))``, so
``P[i, j] + P[j, i] = 1`` holds by construction (the lower triangle is ``1 −`` the upper);
the mean gap between the two orders is reported as ``order_bias``.
"""

from __future__ import annotations

import inspect
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coherence.bridge._torch import ModelOutputError, require_torch, resolve_device
from coherence.errors import InputError
from coherence.relations import PreferenceRelation, check_relation
from coherence.validation import check_integer
from coherence.verdict import Verdict

__all__ = [
    "Comparator",
    "Elicitation",
    "PairwiseCallable",
    "SampledComparisons",
    "Scorer",
    "SortElicitation",
    "as_model",
    "elicit",
    "elicit_sampled",
    "elicit_sorted",
    "symmetrise",
]


@dataclass(frozen=True)
class Comparator:
    """A batched comparator: ``fn(A, B)`` returns the logit (or, with ``output="prob"``, the
    probability) that each row of ``A`` is preferred to the matching row of ``B``."""

    fn: Callable[[Any, Any], Any]
    output: str = "logit"


@dataclass(frozen=True)
class Scorer:
    """A batched scorer: ``fn(A)`` returns one utility per row; ``P = σ((uᵢ − uⱼ)/temperature)``."""

    fn: Callable[[Any], Any]
    temperature: float = 1.0


@dataclass(frozen=True)
class PairwiseCallable:
    """A plain Python callable ``fn(a, b)`` on single items returning the probability (or a
    bool) that ``a`` is preferred; called once per ordered pair."""

    fn: Callable[[Any, Any], Any]


def as_model(model: Any) -> Comparator | Scorer | PairwiseCallable:
    """Wrap ``model``: wrappers pass through; a ``torch.nn.Module`` or callable whose
    ``forward``/call takes one positional argument is a :class:`Scorer`, two a
    :class:`Comparator` (a non-module callable with two arguments is a
    :class:`PairwiseCallable`).

    >>> type(as_model(lambda a: a.sum(dim=1))).__name__, type(as_model(lambda a, b: 1.0)).__name__
    ('Scorer', 'PairwiseCallable')
    """
    if isinstance(model, Comparator | Scorer | PairwiseCallable):
        return model
    if not callable(model):
        raise InputError(f"model must be callable, got {type(model).__name__}")
    torch = require_torch()
    target = model.forward if isinstance(model, torch.nn.Module) else model
    try:
        params = [
            p
            for p in inspect.signature(target).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
        ]
    except (TypeError, ValueError):
        raise InputError(
            "cannot inspect the model's signature; wrap it in Comparator/Scorer"
        ) from None
    if len(params) == 1:
        return Scorer(model)
    if len(params) == 2:
        return Comparator(model) if isinstance(model, torch.nn.Module) else PairwiseCallable(model)
    raise InputError(f"model takes {len(params)} arguments; expected 1 (scorer) or 2 (comparator)")


def symmetrise(p_ab: Any, p_ba: Any) -> Any:
    """``½(p_ab + 1 − p_ba)``: the order-averaged probability that ``a`` beats ``b``. O(size).

    >>> round(symmetrise(0.9, 0.3), 6)  # asked both ways: 0.9, and 1 − 0.3
    0.8
    """
    return 0.5 * (p_ab + 1.0 - p_ba)


@dataclass(frozen=True, eq=False)
class Elicitation:
    """Dense choice probabilities elicited from a model (immutable).

    Attributes:
        items: item labels (``0..n-1`` for tensors of features).
        P: ``n × n`` float64 tensor on ``device``; ``P[i, j] + P[j, i] = 1``, diagonal ½.
        kind: ``"comparator"``, ``"scorer"`` or ``"callable"``.
        order_bias: mean ``|p(i over j) − (1 − p(j over i))|`` over pairs (0 for scorers).
        queries: number of model evaluations (ordered pairs, or items for a scorer).
        utility: the scorer's utilities (numpy), else ``None``.
    """

    items: tuple[Any, ...]
    P: Any = field(repr=False)
    kind: str
    order_bias: float
    queries: int
    utility: np.ndarray | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return len(self.items)


class _Progress:
    """A one-line progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, total: int, label: str, enabled: bool | None) -> None:
        self.total = max(1, total)
        self.label = label
        self.on = sys.stderr.isatty() if enabled is None else bool(enabled)
        self.done = 0

    def update(self, k: int) -> None:
        self.done += k
        if self.on:
            frac = min(1.0, self.done / self.total)
            bar = "#" * int(30 * frac)
            sys.stderr.write(f"\r{self.label} [{bar:<30}] {100 * frac:5.1f}%")
            sys.stderr.flush()

    def close(self) -> None:
        if self.on:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _features(items: Any, device: Any) -> tuple[tuple[Any, ...], Any]:
    torch = require_torch()
    if isinstance(items, (torch.Tensor, np.ndarray)):
        X = torch.as_tensor(items).to(device)
        if X.ndim < 1:
            raise InputError("items must be a sequence or an array with one row per item")
        if X.is_floating_point() and not torch.isfinite(X).all():
            raise InputError("item features contain NaN or inf")
        return tuple(range(X.shape[0])), X
    if isinstance(items, str | bytes):
        raise InputError("items must be a collection, not a single string")
    try:
        seq = tuple(items)
    except TypeError:
        raise InputError("items must be iterable") from None
    return seq, None


def _check_out(out: Any, m: int, what: str) -> Any:
    torch = require_torch()
    try:
        t = torch.as_tensor(out) if not isinstance(out, torch.Tensor) else out.detach()
    except (TypeError, ValueError, RuntimeError):
        raise ModelOutputError(
            f"{what} returned a non-numeric value of type {type(out).__name__}"
        ) from None
    if t.ndim == 2 and t.shape[1] == 1:
        t = t[:, 0]
    if t.shape != (m,):
        raise ModelOutputError(
            f"{what} returned shape {tuple(t.shape)} for a batch of {m}; expected ({m},)"
        )
    t = t.to(torch.float64)
    if not torch.isfinite(t).all():
        k = int((~torch.isfinite(t)).nonzero()[0, 0])
        raise ModelOutputError(f"{what} returned {float(t[k])} (not finite) in its output")
    return t


def _pair_probs(model: Comparator, X: Any, a: Any, b: Any, *, both: bool = False) -> Any:
    """``p(a over b)`` (and, with ``both``, ``1 − p`` computed as ``σ(−logit)``)."""
    torch = require_torch()
    with torch.no_grad():
        out = _check_out(model.fn(X[a], X[b]), a.shape[0], "comparator")
    if model.output == "prob":
        if ((out < 0) | (out > 1)).any():
            raise ModelOutputError("comparator with output='prob' returned values outside [0, 1]")
        return (out, 1.0 - out) if both else out
    return (torch.sigmoid(out), torch.sigmoid(-out)) if both else torch.sigmoid(out)


def _prepare(
    model: Any, items: Any, device: Any
) -> tuple[Any, Any, tuple[Any, ...], Any, int]:
    """Device, adapted model, labels, features and item count; at least 3 items."""
    dev = resolve_device(device)
    m = as_model(model)
    labels, X = _features(items, dev)
    n = len(labels)
    if n < 3:
        raise InputError(f"need at least 3 items to look for cycles, got {n}")
    return dev, m, labels, X, n


def elicit(
    model: Any,
    items: Any,
    *,
    device: Any = "auto",
    batch_size: int = 65_536,
    progress: bool | None = None,
) -> Elicitation:
    """Dense elicitation: ask every unordered pair in both orders, batched on the device.

    ``n(n − 1)`` comparator evaluations in batches of ``batch_size`` (``n`` for a scorer).
    Raises :class:`~coherence.bridge.ModelOutputError` on NaN/inf or wrongly shaped output
    and :class:`~coherence.errors.InputError` for fewer than 3 items.

    >>> import torch
    >>> el = elicit(Scorer(lambda A: A[:, 0]), torch.tensor([[2.0], [1.0], [0.0]]), device="cpu")
    >>> el.kind, el.queries, [round(p, 4) for p in el.P[0].tolist()]
    ('scorer', 3, [0.5, 0.7311, 0.8808])
    """
    torch = require_torch()
    dev, m, labels, X, n = _prepare(model, items, device)
    if isinstance(m, Scorer):
        if X is None:
            raise InputError("a scorer needs items as a tensor/array of features")
        with torch.no_grad():
            u = _check_out(m.fn(X), n, "scorer")
        if not m.temperature > 0:
            raise InputError("temperature must be positive")
        P = torch.sigmoid((u[:, None] - u[None, :]) / m.temperature)
        P.fill_diagonal_(0.5)
        return Elicitation(labels, P, "scorer", 0.0, n, u.cpu().numpy())
    iu, ju = torch.triu_indices(n, n, 1, device=dev)
    npairs = iu.shape[0]
    upper = torch.empty(npairs, dtype=torch.float64, device=dev)
    lower = torch.empty(npairs, dtype=torch.float64, device=dev)
    bias = 0.0
    bar = _Progress(npairs, "eliciting", progress)
    try:
        if isinstance(m, Comparator):
            if X is None:
                raise InputError("a comparator needs items as a tensor/array of features")
            half = max(1, batch_size // 2)
            for s in range(0, npairs, half):
                a, b = iu[s : s + half], ju[s : s + half]
                pab, qab = _pair_probs(m, X, a, b, both=True)
                pba, qba = _pair_probs(m, X, b, a, both=True)
                # P[a, b] = ½(p_ab + q_ba) and P[b, a] = ½(p_ba + q_ab) with q = 1 − p computed
                # without cancellation, so small probabilities keep their precision
                upper[s : s + half] = 0.5 * (pab + qba)
                lower[s : s + half] = 0.5 * (pba + qab)
                bias += float((pab - (1 - pba)).abs().sum())
                bar.update(a.shape[0])
        else:
            vals = []
            for i, j in zip(iu.tolist(), ju.tolist(), strict=True):
                pab = _call_plain(m, labels[i], labels[j])
                pba = _call_plain(m, labels[j], labels[i])
                vals.append(symmetrise(pab, pba))
                bias += abs(pab - (1 - pba))
                if len(vals) % 1024 == 0:
                    bar.update(1024)
            upper = torch.as_tensor(vals, dtype=torch.float64, device=dev)
            lower = 1.0 - upper
    finally:
        bar.close()
    P = torch.full((n, n), 0.5, dtype=torch.float64, device=dev)
    P[iu, ju] = upper
    P[ju, iu] = lower
    kind = "comparator" if isinstance(m, Comparator) else "callable"
    return Elicitation(labels, P, kind, bias / npairs, 2 * npairs)


def _call_plain(m: PairwiseCallable, a: Any, b: Any) -> float:
    try:
        v = m.fn(a, b)
    except Exception as exc:
        raise ModelOutputError(
            f"model raised {type(exc).__name__} on ({a!r}, {b!r}): {exc}"
        ) from None
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise ModelOutputError(
            f"model returned {v!r} on ({a!r}, {b!r}); expected a probability"
        ) from None
    if not (0.0 <= f <= 1.0):  # also rejects NaN
        raise ModelOutputError(
            f"model returned {f} on ({a!r}, {b!r}); expected a probability in [0, 1]"
        )
    return f


def _prob_fn(m: Any, X: Any, labels: Sequence[Any]) -> Callable[[Any, Any], Any]:
    """Vectorised symmetrised ``p(a over b)`` for index tensors ``a``, ``b``."""
    torch = require_torch()
    if isinstance(m, Scorer):
        with torch.no_grad():
            u = _check_out(m.fn(X), X.shape[0], "scorer")
        return lambda a, b: torch.sigmoid((u[a] - u[b]) / m.temperature)
    if isinstance(m, Comparator):
        return lambda a, b: symmetrise(_pair_probs(m, X, a, b), _pair_probs(m, X, b, a))

    def plain(a: Any, b: Any) -> Any:
        vals = [
            symmetrise(_call_plain(m, labels[i], labels[j]), _call_plain(m, labels[j], labels[i]))
            for i, j in zip(a.tolist(), b.tolist(), strict=True)
        ]
        return torch.as_tensor(vals, dtype=torch.float64, device=a.device)

    return plain


@dataclass(frozen=True, eq=False)
class SampledComparisons:
    """Symmetrised probabilities on a subset of pairs: ``P[i[k], j[k]] = p[k]``."""

    items: tuple[Any, ...]
    i: Any = field(repr=False)
    j: Any = field(repr=False)
    p: Any = field(repr=False)
    rounds: int

    def relation(self) -> PreferenceRelation:
        """The observed weak majority relation (unobserved pairs incomparable). O(n²) bools."""
        n = len(self.items)
        W = np.zeros((n, n), dtype=bool)
        i, j, p = self.i.cpu().numpy(), self.j.cpu().numpy(), self.p.cpu().numpy()
        W[i[p >= 0.5], j[p >= 0.5]] = True
        W[j[p <= 0.5], i[p <= 0.5]] = True
        np.fill_diagonal(W, True)
        return PreferenceRelation(self.items, W)


def elicit_sampled(
    model: Any,
    items: Any,
    *,
    pairs: int,
    rounds: int = 4,
    candidates: int = 8,
    device: Any = "auto",
    seed: int = 0,
) -> SampledComparisons:
    """Sampled elicitation with vectorised active pair selection, for large ``n``.

    Round 0 asks ``pairs / rounds`` random pairs. Each later round fits a utility to the
    answers so far (one pass of ``uᵢ = mean log-odds``, HodgeRank on the sampled graph, by a
    few Jacobi sweeps), draws ``candidates`` random pairs per slot and keeps the ones whose
    predicted probability is closest to ½ (``topk``), where an answer tells most. O(pairs)
    model calls, O(pairs · candidates) selection work.

    >>> import torch
    >>> s = elicit_sampled(Scorer(lambda A: A[:, 0]), torch.arange(6.0).unsqueeze(1),
    ...                    pairs=8, device="cpu")
    >>> s.i.numel(), s.relation().n
    (8, 6)
    """
    torch = require_torch()
    dev, m, labels, X, n = _prepare(model, items, device)
    check_integer(pairs, "pairs", min_value=1)
    f = _prob_fn(m, X, labels)
    g = torch.Generator(device="cpu").manual_seed(seed)
    per = max(1, pairs // rounds)
    I, J, Pv = [], [], []
    u = torch.zeros(n, dtype=torch.float64, device=dev)
    for r in range(rounds):
        k = per if r < rounds - 1 else pairs - per * (rounds - 1)
        if k <= 0:
            break
        c = k if r == 0 else k * candidates
        a = torch.randint(0, n, (c,), generator=g).to(dev)
        b = torch.randint(0, n - 1, (c,), generator=g).to(dev)
        b = b + (b >= a)
        if r > 0:
            score = (torch.sigmoid(u[a] - u[b]) - 0.5).abs()
            keep = torch.topk(-score, k).indices
            a, b = a[keep], b[keep]
        p = f(a, b)
        I.append(a)
        J.append(b)
        Pv.append(p)
        ii, jj, pp = torch.cat(I), torch.cat(J), torch.cat(Pv)
        L = torch.log(pp.clamp(1e-12, 1 - 1e-12)) - torch.log1p(-pp.clamp(1e-12, 1 - 1e-12))
        deg = torch.zeros(n, dtype=torch.float64, device=dev)
        deg.index_add_(0, ii, torch.ones_like(L))
        deg.index_add_(0, jj, torch.ones_like(L))
        for _ in range(20):  # Jacobi sweeps for the graph-Laplacian least squares
            s = torch.zeros(n, dtype=torch.float64, device=dev)
            s.index_add_(0, ii, L + u[jj])
            s.index_add_(0, jj, -L + u[ii])
            u = torch.where(deg > 0, s / deg.clamp_min(1), u)
            u = u - u.mean()
    return SampledComparisons(labels, torch.cat(I), torch.cat(J), torch.cat(Pv), rounds)


@dataclass(frozen=True, eq=False)
class SortElicitation:
    """Result of :func:`elicit_sorted`.

    Attributes:
        items: labels; ``order``: item positions from best to worst by the model's sort.
        comparisons: pairs asked by the sort; ``window``: local window width.
        local_cycles: list of ``(i, j, k)`` majority 3-cycles found among items at most
            ``window`` apart in the order (``i ≻ j ≻ k ≻ i``).
        local_p: the probabilities asked in the window, as ``(i, j, P[i, j])`` tensors.
    """

    items: tuple[Any, ...]
    order: np.ndarray
    comparisons: int
    window: int
    local_cycles: list[tuple[int, int, int]]

    def pump(self) -> Verdict | None:
        """A verified money pump on the first local cycle (a 3-item restriction), or ``None``."""
        if not self.local_cycles:
            return None
        i, j, k = self.local_cycles[0]
        W = np.eye(3, dtype=bool)
        W[0, 1] = W[1, 2] = W[2, 0] = True
        return check_relation(PreferenceRelation((self.items[i], self.items[j], self.items[k]), W))


def _parallel_quicksort(f: Callable[[Any, Any], Any], n: int, g: Any, dev: Any) -> tuple[Any, int]:
    """Item positions sorted best first by ``f``'s majority, and the comparisons asked.

    Each round compares every unsorted item with its segment's random pivot in one batch and
    fixes every pivot's position, so an intransitive ``f`` still terminates."""
    torch = require_torch()
    perm = torch.randperm(n, generator=g).to(dev)
    seg = torch.zeros(n, dtype=torch.int64, device=dev)  # segment id per position (sorted ids)
    done = torch.zeros(n, dtype=torch.bool, device=dev)
    pos = torch.arange(n, device=dev)
    comparisons = 0
    for _ in range(4 * (int(math.log2(n)) + 8)):
        if bool(done.all()):
            break
        # segment boundaries in position order
        first = torch.ones(n, dtype=torch.bool, device=dev)
        first[1:] = seg[1:] != seg[:-1]
        start = torch.cummax(torch.where(first, pos, torch.zeros_like(pos)), 0).values
        sizes = torch.bincount(seg, minlength=int(seg.max()) + 1)
        done |= sizes[seg] == 1
        # random pivot offset per segment
        offs = (torch.rand(sizes.shape[0], generator=g).to(dev) * sizes).long().clamp_max(sizes - 1)
        piv_pos = start + offs[seg]
        active = ~done & (pos != piv_pos)
        a = perm[active]
        better = torch.zeros(n, dtype=torch.bool, device=dev)
        if a.numel():
            better[active] = f(a, perm[piv_pos[active]]) > 0.5
            comparisons += int(a.numel())
        # new key: (segment, side) with side 0 = better than pivot, 1 = pivot, 2 = worse
        side = torch.where(pos == piv_pos, 1, torch.where(better, 0, 2))
        key = seg * 3 + torch.where(done, 1, side)
        order = torch.argsort(key * n + pos)
        perm, key = perm[order], key[order]
        done = done[order] | (side == 1)[order]
        seg = torch.zeros(n, dtype=torch.int64, device=dev)
        seg[1:] = torch.cumsum((key[1:] != key[:-1]).long(), 0)
    return perm, comparisons


def _local_cycles(
    f: Callable[[Any, Any], Any], perm: Any, d: int
) -> tuple[list[tuple[int, int, int]], int]:
    """Majority 3-cycles among items fewer than ``d`` positions apart in ``perm`` (at most
    1,000 per offset pair), and the ``≈ n·d`` comparisons asked. Vectorised per offset."""
    torch = require_torch()
    n = perm.shape[0]
    cycles: list[tuple[int, int, int]] = []
    pi_ = torch.arange(n, device=perm.device)
    Pw = torch.full((n, d), 0.5, dtype=torch.float64, device=perm.device)  # P[t, t+s]
    comparisons = 0
    for s in range(1, d):
        t_ = pi_[: n - s]
        Pw[: n - s, s] = f(perm[t_], perm[t_ + s])
        comparisons += n - s
    for s1 in range(1, d - 1):
        for s2 in range(s1 + 1, d):
            T = n - s2
            if T <= 0:
                continue
            pab = Pw[:T, s1]  # t over t+s1
            pbc = Pw[pi_[:T] + s1, s2 - s1]  # t+s1 over t+s2
            pac = Pw[:T, s2]  # t over t+s2
            cyc_fwd = (pab > 0.5) & (pbc > 0.5) & (pac < 0.5)
            cyc_bwd = (pab < 0.5) & (pbc < 0.5) & (pac > 0.5)
            for tt in cyc_fwd.nonzero().flatten().tolist()[:1000]:
                cycles.append((int(perm[tt]), int(perm[tt + s1]), int(perm[tt + s2])))
            for tt in cyc_bwd.nonzero().flatten().tolist()[:1000]:
                cycles.append((int(perm[tt]), int(perm[tt + s2]), int(perm[tt + s1])))
    return cycles, comparisons


def elicit_sorted(
    model: Any,
    items: Any,
    *,
    window: int = 4,
    device: Any = "auto",
    seed: int = 0,
) -> SortElicitation:
    """O(n log n) elicitation: a parallel randomised quicksort by the model's majority, then
    all pairs within ``window`` positions of each other, where local 3-cycles are found.

    Each quicksort round compares every unsorted item with its segment's random pivot in one
    batch (expected ~2n ln n comparisons in O(log n) batched rounds, Hoare 1962); then
    ``n · window`` local pairs are asked and every triple within a window is checked for a
    majority cycle (vectorised). An intransitive model still terminates: each round fixes
    every pivot's position.

    >>> rps = {("rock", "scissors"), ("scissors", "paper"), ("paper", "rock")}
    >>> res = elicit_sorted(PairwiseCallable(lambda a, b: (a, b) in rps),
    ...                     ["rock", "paper", "scissors"], device="cpu")
    >>> len(res.local_cycles), res.pump().status
    (1, 'exploitable')
    """
    torch = require_torch()
    dev, m, labels, X, n = _prepare(model, items, device)
    check_integer(window, "window", min_value=2)
    f = _prob_fn(m, X, labels)
    g = torch.Generator(device="cpu").manual_seed(seed)
    perm, comparisons = _parallel_quicksort(f, n, g, dev)
    cycles, local = _local_cycles(f, perm, window)
    return SortElicitation(labels, perm.cpu().numpy(), comparisons + local, window, cycles)
