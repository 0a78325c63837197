"""Per-subject reports of a budget panel (every axiom and index, the record the CLI prints),
serially or on any :class:`concurrent.futures.Executor` in chunks of subjects.

A subject whose data cannot be checked (numbers too far apart for float arithmetic, a
certificate that cannot be verified, any other failure) gets a record with ``error`` set and
its indices ``None``; the other subjects are checked as usual.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import numpy as np

from coherence.budgets._axioms import RevealedCycle, check_garp, check_sarp, check_warp
from coherence.budgets._data import BudgetData, BudgetPanel
from coherence.budgets._houtman_maks import houtman_maks
from coherence.budgets._kernel import efficiency_fraction
from coherence.budgets._money_pump import money_pump_index, mpi_bounds
from coherence.budgets._screen import Screen, screen_panel
from coherence.budgets._varian import varian_bounds
from coherence.bulk import Chunk, PartStore, chunks_of, run_chunks
from coherence.errors import CertificationError, InputError

__all__ = ["INDICES", "REPORT_SCHEMA", "TIME_LIMIT", "panel_report", "report_row",
           "subject_report"]

#: the indices a report may compute besides the axiom counts and the cycle
INDICES = ("ccei", "houtman_maks", "varian", "mpi")
#: seconds Houtman–Maks and Varian may each take per subject before answering with bounds
TIME_LIMIT = 10.0
#: the columns of a report as a table row (CSV and Parquet), with their types
REPORT_SCHEMA: tuple[tuple[str, str], ...] = (
    ("subject", "str"), ("observations", "int"), ("goods", "str"),
    ("garp", "bool"), ("garp_violations", "int"), ("sarp", "bool"),
    ("sarp_violations", "int"), ("warp", "bool"), ("warp_violations", "int"),
    ("ccei", "float"), ("houtman_maks", "int"), ("varian", "float"), ("mpi_max", "float"),
    ("mpi_min", "float"), ("cycle", "str"), ("cycle_mpi", "float"),
    ("houtman_maks_lower", "int"), ("houtman_maks_exact", "bool"), ("varian_upper", "float"),
    ("varian_exact", "bool"), ("error", "str"),
)
_CHECKS = {"garp": check_garp, "sarp": check_sarp, "warp": check_warp}
_FIELDS = ("garp", "garp_violations", "sarp", "sarp_violations", "warp", "warp_violations",
           "ccei", "houtman_maks", "houtman_maks_lower", "houtman_maks_exact", "varian",
           "varian_upper", "varian_exact", "mpi_max", "mpi_min", "cycle", "cycle_mpi")


def _cycle(data: BudgetData, labels: tuple[str, ...], axiom: str, efficiency: Any
           ) -> tuple[list[str], float]:
    """A shortest violation of ``axiom``, as observation labels (each revealed preferred to
    the next, the last to the first), and the money pump index of that cycle."""
    cert = _CHECKS[axiom](data, efficiency).certificate
    if not isinstance(cert, RevealedCycle):  # the counts said it is violated
        raise CertificationError(f"{axiom.upper()} is violated but no cycle was found")
    return [labels[t] for t in cert.cycle], float(cert.mpi)


def subject_report(subject: str, data: BudgetData, efficiency: Any = 1, *,
                   axiom: str = "garp", labels: tuple[str, ...] = (),
                   time_limit: float | None = TIME_LIMIT,
                   indices: Sequence[str] = INDICES,
                   screen: Screen | None = None) -> dict[str, Any]:
    """One subject's record: the GARP/SARP/WARP verdicts and violation counts, the indices
    named in ``indices`` (the others ``None``), and the shortest cycle violating ``axiom``
    (``None`` when it holds), its observations named by ``labels``. Houtman–Maks and Varian
    each stop after ``time_limit`` seconds: Houtman–Maks with the best removal found and a
    proved lower bound (``houtman_maks_exact`` false), Varian with the best efficiency vector
    found and a proved upper bound (``varian_exact`` false). ``screen`` passes the subject's
    counts and CCEI from :func:`~coherence.budgets.screen_panel`. Raises on data it cannot
    check (see :func:`panel_report`, which records such subjects instead).

    >>> r = subject_report("a", BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]))
    >>> r["garp"], r["ccei"], r["cycle"], r["error"]
    (False, 0.8, ['1', '2'], None)
    """
    if axiom not in _CHECKS:
        raise InputError(f"unknown axiom {axiom!r}: choose from {', '.join(_CHECKS)}")
    if screen is None:
        screen = screen_panel({subject: data}, efficiency)[subject]
    counts = screen.counts
    lo = hi = None
    if "mpi" in indices:
        try:
            lo, hi = mpi_bounds(data)
        except InputError:  # the minimum over simple cycles of large tie groups: not computed
            lo, hi = None, float(money_pump_index(data, "max"))
    labels = labels or tuple(str(t + 1) for t in range(data.T))
    cycle, cycle_mpi = _cycle(data, labels, axiom, efficiency) if counts[axiom] else (None, None)
    hm = houtman_maks(data, efficiency, time_limit=time_limit) if "houtman_maks" in indices \
        else None
    vb = varian_bounds(data, time_limit=time_limit) if "varian" in indices else None
    return {
        "subject": subject,
        "observations": data.T,
        "goods": list(data.goods),
        "garp": counts["garp"] == 0,
        "garp_violations": counts["garp"],
        "sarp": counts["sarp"] == 0,
        "sarp_violations": counts["sarp"],
        "warp": counts["warp"] == 0,
        "warp_violations": counts["warp"],
        "ccei": screen.ccei if "ccei" in indices else None,
        "houtman_maks": None if hm is None else hm.index,
        "houtman_maks_lower": None if hm is None else hm.lower,
        "houtman_maks_exact": None if hm is None else hm.exact,
        "varian": None if vb is None else vb.index,
        "varian_upper": None if vb is None else vb.upper,
        "varian_exact": None if vb is None else vb.exact,
        "mpi_max": hi,
        "mpi_min": lo,
        "cycle": cycle,
        "cycle_mpi": cycle_mpi,
        "error": None,
    }


def _failed(subject: str, data: BudgetData, error: str) -> dict[str, Any]:
    return {"subject": subject, "observations": data.T, "goods": list(data.goods),
            **dict.fromkeys(_FIELDS), "error": error}


def _message(exc: Exception) -> str:
    if isinstance(exc, FloatingPointError):
        return f"the numbers are too far apart for float arithmetic ({exc})"
    if isinstance(exc, InputError | CertificationError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


def check_chunk(keys: Sequence[str], datas: Sequence[BudgetData],
                labels: Sequence[tuple[str, ...]], efficiency: Any, axiom: str,
                time_limit: float | None, indices: Sequence[str]) -> list[dict[str, Any]]:
    """The records of one chunk of subjects (the task :func:`panel_report` submits): screened
    together, then checked one by one; a subject that fails gets its error recorded."""
    panel = dict(zip(keys, datas))
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            screens: Mapping[str, Screen] = screen_panel(panel, efficiency)
    except Exception:  # some subject cannot be screened: screen each alone below
        screens = {}
    rows = []
    for key, data, names in zip(keys, datas, labels):
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                screen = screens.get(key) or screen_panel({key: data}, efficiency)[key]
                rows.append(subject_report(key, data, efficiency, axiom=axiom, labels=names,
                                           time_limit=time_limit, indices=indices,
                                           screen=screen))
        except Exception as exc:
            rows.append(_failed(key, data, f"subject {key!r}: {_message(exc)}"))
    return rows


def _cycle_text(cycle: list[str] | None) -> str:
    return "" if not cycle else ">".join([*cycle, cycle[0]])


def report_row(record: Mapping[str, Any]) -> list[Any]:
    """A record as a table row in :data:`REPORT_SCHEMA` order (goods joined by spaces, the
    cycle as ``1>2>1``).

    >>> row = report_row(subject_report("a", BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])))
    >>> row[:4], row[14]
    (['a', 2, '0 1', False], '1>2>1')
    """
    out = []
    for name, _ in REPORT_SCHEMA:
        v = record.get(name)
        if name == "goods":
            v = " ".join(v or ())
        elif name == "cycle":
            v = _cycle_text(v)
        out.append(v)
    return out


def fingerprint(panel: BudgetPanel | Mapping[str, BudgetData], *settings: Any) -> str:
    """A SHA-256 address of a panel's data and the settings of a run over it (what a resumed
    run must share with the run it continues). O(size of the data)."""
    h = hashlib.sha256()
    for key, data in panel.items():
        h.update(pickle.dumps((key, data.prices, data.quantities, data.goods, data.numbers),
                              protocol=5))
    h.update(repr(settings).encode())
    return h.hexdigest()


def panel_report(panel: BudgetPanel | Mapping[str, BudgetData], efficiency: Any = 1, *,
                 axiom: str = "garp", time_limit: float | None = TIME_LIMIT,
                 indices: Sequence[str] = INDICES, executor: Executor | None = None,
                 chunk_size: int | None = None, output: Any = None, resume: bool = False,
                 on_chunk: Callable[[int, int], None] | None = None
                 ) -> list[dict[str, Any]]:
    """Every subject's :func:`subject_report`, in panel order; a subject that cannot be
    checked gets a record with ``error`` set instead, and the rest go on.

    The subjects are cut into chunks of ``chunk_size`` (default: one chunk, or 100 subjects
    per chunk with an ``executor`` or ``output``) and each chunk runs as one task on
    ``executor`` (any :class:`concurrent.futures.Executor`; :func:`coherence.bulk.local_cluster`
    gives Dask's; default: inline). The records do not depend on the executor or the chunking.
    With ``output`` (a ``.csv`` or ``.parquet`` path) each finished chunk's rows
    (:func:`report_row`) are written as a part when they arrive and merged into ``output`` at
    the end; with ``resume`` the chunks finished by an earlier, interrupted run over the same
    data and settings are read back instead of rerun. ``on_chunk(done, total)`` reports
    progress in chunks. Work: the sum of the subjects' checks; memory per task: one chunk.

    >>> p = BudgetPanel({"a": BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]]),
    ...                  "b": BudgetData([[1, 2], [2, 1]], [[2, 1], [1, 2]])})
    >>> [(r["subject"], r["garp"]) for r in panel_report(p, chunk_size=1)]
    [('a', False), ('b', True)]
    """
    e = efficiency_fraction(efficiency)
    if axiom not in _CHECKS:
        raise InputError(f"unknown axiom {axiom!r}: choose from {', '.join(_CHECKS)}")
    bad = [k for k in indices if k not in INDICES]
    if bad:
        raise InputError(f"unknown indices {bad}: choose from {', '.join(INDICES)}")
    indices = tuple(k for k in INDICES if k in indices)
    if not isinstance(panel, BudgetPanel):
        panel = BudgetPanel(panel)
    keys = panel.subjects
    size = chunk_size if chunk_size is not None else (
        100 if executor is not None or output is not None else max(1, len(keys)))
    chunks = chunks_of(keys, size)
    store = None
    if output is not None:
        store = PartStore(output, REPORT_SCHEMA, resume=resume,
                          fingerprint=fingerprint(panel, str(e), axiom, time_limit, indices,
                                                  size))
    done = store.finished(chunks) if store is not None and resume else set()
    finished = [len(done)]

    def payload(chunk: Chunk) -> tuple[Any, ...]:
        return (chunk.keys, [panel[k] for k in chunk.keys],
                [panel.observation_labels(k) for k in chunk.keys], e, axiom, time_limit,
                indices)

    def arrived(chunk: Chunk, rows: list[dict[str, Any]]) -> None:
        if store is not None:
            store.write(chunk, [report_row(r) for r in rows])
        finished[0] += 1
        if on_chunk is not None:
            on_chunk(finished[0], len(chunks))

    if on_chunk is not None:
        on_chunk(finished[0], len(chunks))
    results = run_chunks(check_chunk, chunks, payload, executor=executor, skip=done,
                         on_result=arrived)
    rows: list[dict[str, Any]] = []
    for chunk in chunks:
        if chunk.index in results:
            rows.extend(results[chunk.index])
        else:
            assert store is not None
            rows.extend(_read_part(store, chunk))
    if store is not None:
        store.merge(chunks)
    return rows


def _read_part(store: PartStore, chunk: Chunk) -> list[dict[str, Any]]:
    """The records of a chunk finished by an earlier run, read back from its part."""
    raw = store.read(chunk)
    out = []
    for row in raw:
        rec = dict(zip(store.columns, row))
        rec["goods"] = rec["goods"].split(" ") if rec["goods"] else []
        cyc = rec["cycle"]
        rec["cycle"] = cyc.split(">")[:-1] if cyc else None
        out.append(rec)
    return out
