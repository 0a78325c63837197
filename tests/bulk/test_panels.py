"""Budget panels in chunks: the same records on any executor, errors kept per subject,
parts streamed to CSV/Parquet, resume after an interruption."""

from __future__ import annotations

from concurrent.futures import Executor, Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import coherence.budgets._report as report_module
from coherence.budgets import (
    REPORT_SCHEMA,
    BudgetData,
    BudgetPanel,
    panel_report,
    report_row,
    subject_report,
)
from coherence.bulk import csv_text
from coherence.errors import CertificationError, InputError


def random_panel(subjects: int, T: int = 6, K: int = 3, seed: int = 0) -> BudgetPanel:
    rng = np.random.default_rng(seed)
    data = {}
    for s in range(subjects):
        p = rng.integers(1, 9, size=(T, K))
        x = rng.integers(0, 9, size=(T, K))
        x[x.sum(axis=1) == 0, 0] = 1
        data[f"s{s:03d}"] = BudgetData(p, x)
    return BudgetPanel(data)


INDICES = ("ccei", "houtman_maks", "varian", "mpi")


class Counting(Executor):
    """Counts submitted tasks; runs them inline."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        f: Future[Any] = Future()
        f.set_result(fn(*args, **kwargs))
        return f


def test_records_do_not_depend_on_chunks_or_executor():
    panel = random_panel(23)
    serial = panel_report(panel)
    assert [r["subject"] for r in serial] == list(panel)
    assert any(not r["garp"] for r in serial) and any(r["garp"] for r in serial)
    with ThreadPoolExecutor(2) as ex:
        threaded = panel_report(panel, executor=ex, chunk_size=4)
    assert threaded == serial
    assert panel_report(panel, chunk_size=1) == serial
    assert serial[3] == subject_report("s003", panel["s003"])


def test_a_subject_that_cannot_be_checked_is_recorded_and_the_rest_go_on(monkeypatch):
    good = random_panel(5)
    bad = BudgetData([[1, 2], [2, 1]], [[1, 2], [2, 1]])
    panel = BudgetPanel({**good, "huge": bad, "after": good["s000"]})
    real = report_module.subject_report

    def failing(subject, data, *args, **kwargs):
        if subject == "huge":
            raise CertificationError("the certificate could not be verified")
        return real(subject, data, *args, **kwargs)

    monkeypatch.setattr(report_module, "subject_report", failing)
    rows = panel_report(panel, chunk_size=3)
    by = {r["subject"]: r for r in rows}
    assert by["huge"]["error"] is not None and "huge" in by["huge"]["error"]
    assert by["huge"]["garp"] is None and by["huge"]["observations"] == 2
    assert all(by[k]["error"] is None for k in by if k != "huge")
    assert "could not be verified" in by["huge"]["error"]
    assert by["after"] == real("after", good["s000"])


def test_output_csv_is_the_table_of_the_records(tmp_path: Path):
    panel = random_panel(12)
    out = tmp_path / "r.csv"
    rows = panel_report(panel, output=out, chunk_size=5)
    assert out.read_text() == csv_text([c for c, _ in REPORT_SCHEMA],
                                       [report_row(r) for r in rows])
    assert not (tmp_path / "r.csv.parts").exists()


def test_resume_reruns_only_unfinished_chunks(tmp_path: Path):
    panel = random_panel(10)
    out = tmp_path / "r.csv"
    expected = panel_report(panel, chunk_size=2)

    def interrupt(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        panel_report(panel, output=out, chunk_size=2, on_chunk=interrupt)
    assert not out.exists() and len(list((tmp_path / "r.csv.parts").glob("part-*.csv"))) == 3
    counting = Counting()
    rows = panel_report(panel, output=out, chunk_size=2, resume=True, executor=counting)
    assert counting.submitted == 2  # chunks 3 and 4 of 5
    assert [r["subject"] for r in rows] == list(panel)
    assert [report_row(r) for r in rows] == [report_row(r) for r in expected]
    fresh = tmp_path / "fresh.csv"
    panel_report(panel, output=fresh, chunk_size=2)
    assert out.read_bytes() == fresh.read_bytes()


def test_resume_refuses_parts_of_other_settings(tmp_path: Path):
    panel = random_panel(6)
    out = tmp_path / "r.csv"
    with pytest.raises(KeyboardInterrupt):
        panel_report(panel, output=out, chunk_size=2,
                     on_chunk=lambda d, t: (_ for _ in ()).throw(KeyboardInterrupt) if d else None)
    with pytest.raises(InputError, match="other input or settings"):
        panel_report(panel, 0.9, output=out, chunk_size=2, resume=True)


def test_bad_arguments_are_input_errors():
    panel = random_panel(2)
    with pytest.raises(InputError, match="unknown indices"):
        panel_report(panel, indices=("ccei", "nope"))
    with pytest.raises(InputError, match="unknown axiom"):
        panel_report(panel, axiom="harp")
    with pytest.raises(InputError):
        panel_report(panel, chunk_size=0)
