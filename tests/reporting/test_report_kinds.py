"""Every verdict kind the library produces is written to a report and read back.

For each registered type (the contract's subjects) an exploitable and a coherent verdict are
found with ``hypothesis.find`` (with the further public checkers' verdicts on the same
object, and the kinds the strategies reach rarely); each is written with ``write_report`` as
HTML and as JSON, and the JSON goes through ``coherence report`` on the command line.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable

from coherence.reporting import load_findings, render_html, write_report
from coherence.verdict import Verdict
from tests.contract.subjects import (
    FURTHER_CHECKERS,
    SUBJECTS,
    Subject,
    further_verdicts,
    verdict_of,
)
from tests.contract.test_rare_kinds import RARE_KINDS

_SEARCH = settings(max_examples=300, database=None, deadline=None, phases=[Phase.generate],
                   suppress_health_check=list(HealthCheck))

#: subjects whose strategies cannot draw a verdict of one status: committees are drawn as
#: unanimity committees (their pumps are among the rare kinds)
_NEVER: set[tuple[str, str]] = {("Committee", "exploitable")}


class _Draws:
    """The ``data.draw`` the contract's check hooks take, inside a composite strategy."""

    def __init__(self, draw: Callable[..., Any]) -> None:
        self._draw = draw

    def draw(self, strategy: st.SearchStrategy[Any], label: str | None = None) -> Any:
        return self._draw(strategy)


def _verdicts(subject: Subject) -> st.SearchStrategy[tuple[Any, Verdict]]:
    @st.composite
    def drawn(draw: Callable[..., Any]) -> tuple[Any, Verdict]:
        variant = draw(st.sampled_from(subject.variants))
        obj = draw(subject.strategy(variant))
        return obj, verdict_of(subject, obj, _Draws(draw))  # type: ignore[arg-type]

    return drawn()


@functools.cache
def _found(subject: Subject, status: str) -> list[Verdict]:
    try:
        obj, verdict = find(_verdicts(subject), lambda ov: ov[1].status == status,
                            settings=_SEARCH)
    except (NoSuchExample, Unsatisfiable):
        if (subject.name, status) in _NEVER:
            return []
        raise
    out = [verdict]
    for further in FURTHER_CHECKERS.get(subject.type_path, ()):
        try:
            out.extend(further_verdicts(further, obj))
        except Exception:  # the further checker takes fewer objects than the strategy draws
            continue
    return out


def _round_trip(tmp_path: Any, verdicts: list[Verdict]) -> None:
    named = [(f"{v.certificate.kind} {k}", v) for k, v in enumerate(verdicts)]
    html = write_report(tmp_path / "r.html", named).read_text(encoding="utf-8")
    assert html.count('class="finding ') == len(verdicts)
    for v in verdicts:
        assert f"<code>{v.certificate.kind}</code>" in html
    saved = write_report(tmp_path / "r.json", named)
    back = load_findings(saved)
    assert [f.status for f in back] == [v.status for v in verdicts]
    assert render_html(back).count('class="finding ') == len(verdicts)
    assert render_html([v.to_json() for v in verdicts]).count("<section") == len(verdicts)


@pytest.mark.parametrize("status", ["exploitable", "coherent"])
@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: s.name)
def test_every_kind_is_reported(subject: Subject, status: str, tmp_path: Any) -> None:
    verdicts = _found(subject, status)
    if not verdicts:
        pytest.skip(f"{subject.name} draws no {status} verdict")
    _round_trip(tmp_path, verdicts)


@pytest.mark.parametrize("kind", sorted(RARE_KINDS))
def test_rare_kinds_are_reported(kind: str, tmp_path: Any) -> None:
    verdict = RARE_KINDS[kind]()
    assert verdict.certificate.kind == kind
    _round_trip(tmp_path, [verdict])


@pytest.mark.slow
def test_coherence_report_reads_every_kind_back(tmp_path: Any) -> None:
    verdicts = [RARE_KINDS[k]() for k in sorted(RARE_KINDS)]
    for subject in SUBJECTS:
        for status in ("exploitable", "coherent"):
            verdicts.extend(_found(subject, status))
    kinds = {v.certificate.kind for v in verdicts}
    assert {"committee_pump", "multi_utility", "money_pump", "dutch_book"} <= kinds
    source = tmp_path / "verdicts.json"
    source.write_text(json.dumps([v.to_json() for v in verdicts]), encoding="utf-8")
    out = tmp_path / "out.html"
    done = subprocess.run([sys.executable, "-m", "coherence", "report", str(source), "-o",
                           str(out), "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    doc = json.loads(done.stdout)
    assert doc["findings"] == len(verdicts)
    assert doc["exploitable"] + doc["coherent"] + doc["no_exploit_found"] == len(verdicts)
    html = out.read_text(encoding="utf-8")
    for kind in kinds:
        assert f"<code>{kind}</code>" in html
    # a saved report (write_report's JSON) reads back through the command line too
    saved = write_report(tmp_path / "saved.json", verdicts)
    again = subprocess.run([sys.executable, "-m", "coherence", "report", str(saved), "-o",
                            str(tmp_path / "again.html")], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0 and again.stderr == "", again.stderr
