"""pytest plugin for coherence (registered through the ``pytest11`` entry point).

* Registers assertion rewriting for :mod:`coherence.assertions`.
* ``--coherence-report=PATH`` writes every certificate found in the run (verdicts of
  :func:`coherence.probe`, of the assertion helpers and of the fixtures below) to PATH: HTML
  when it ends in ``.html``, JSON otherwise.
* A ``coherence`` section in the terminal summary counts the verdicts (exploitable, agent
  fault, no exploit found, coherent) and lists the exploits and agent faults
  (``--coherence-summary=counts`` shows only the counts, ``none`` hides the section).
* Suite-level JUnit XML properties ``coherence_exploitable``, ``coherence_faults``,
  ``coherence_no_exploit_found``, ``coherence_coherent`` (and ``coherence_report``) when
  ``--junitxml`` is used.
* The ``coherence`` marker declares an agent check::

      @pytest.mark.coherence(agent=MyTrader, items=["a", "b", "c"], expect="coherent")
      def test_my_trader(coherence_verdict):
          ...  # optional further checks of the verdict

  The agent is probed before the test body runs (``coherence_verdict`` is the verdict); the
  test fails, with the exploit told as a story, unless the verdict meets ``expect``:
  ``"coherent"`` (the default) passes a coherence certificate and also a trader's "no
  exploit found" (evidence, as a property test passes when it finds no counterexample);
  ``"no_exploit_found"``, ``"exploitable"`` and ``"fault"`` need exactly that status;
  ``None`` checks nothing.
  Other keyword arguments (``max_examples``, ``seed``, ``timeout``, ``protocol``, ``prices``)
  go to :func:`coherence.probe`.
* Fixtures: ``coherence_probe`` (the :func:`coherence.probe` function), ``coherence_record``
  (add any verdict to the report) and ``coherence_verdict``.

Under pytest-xdist each worker collects its own findings; the report is written by the
controller only from what it saw, so use the report without ``-n``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import pytest

pytest.register_assert_rewrite("coherence.assertions")

_STASH: pytest.StashKey[_Collector] = pytest.StashKey()
_EXPECT = ("coherent", "no_exploit_found", "exploitable", "fault", None)
_MAX_LISTED = 20  # findings listed in the terminal summary
#: collectors of the sessions in progress; only the innermost records (pytester nests runs)
_ACTIVE: list[_Collector] = []


class _Collector:
    """Observer of :func:`coherence.reporting.notify`: keeps each verdict with its test id."""

    def __init__(self) -> None:
        self.findings: list[Any] = []
        self.current: str = ""
        self.written: str | None = None

    def __call__(self, verdict: Any) -> None:
        from coherence.reporting import Finding

        if not _ACTIVE or _ACTIVE[-1] is not self:
            return
        name = self.current or verdict.subject
        if self.current and verdict.subject:
            name = f"{self.current} [{verdict.subject}]"
        self.findings.append(Finding.from_verdict(verdict, name))

    def counts(self) -> dict[str, int]:
        from coherence.reporting import count_statuses

        return count_statuses(self.findings)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("coherence", "coherence: exploit and certificate checks")
    group.addoption(
        "--coherence-report",
        action="store",
        default=None,
        metavar="PATH",
        help="write every certificate found in the run to PATH (JSON, or HTML for .html)",
    )
    group.addoption(
        "--coherence-summary",
        action="store",
        default="all",
        choices=("all", "counts", "none"),
        help="terminal summary: list every exploit and fault (all, the default), only the "
        "counts, or nothing (none)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "coherence(agent=None, items=None, expect='coherent', **probe_options): probe an agent "
        "for exploits before the test runs; the test fails unless the verdict is `expect`",
    )
    from coherence.reporting import add_observer

    collector = _Collector()
    config.stash[_STASH] = collector
    _ACTIVE.append(collector)
    add_observer(collector)


def pytest_unconfigure(config: pytest.Config) -> None:
    collector = config.stash.get(_STASH, None)
    if collector is not None:
        from coherence.reporting import remove_observer

        remove_observer(collector)
        if collector in _ACTIVE:
            _ACTIVE.remove(collector)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[
        None, object, object]:
    collector = item.config.stash.get(_STASH, None)
    if collector is not None:
        collector.current = item.nodeid
    try:
        return (yield)
    finally:
        if collector is not None:
            collector.current = ""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        marker = item.get_closest_marker("coherence")
        if marker is None:
            continue
        names = getattr(item, "fixturenames", None)
        if names is not None and "coherence_verdict" not in names:
            names.append("coherence_verdict")


def _marker_options(marker: pytest.Mark) -> tuple[Any, dict[str, Any], Any]:
    kwargs = dict(marker.kwargs)
    args = list(marker.args)
    agent = kwargs.pop("agent", None)
    if agent is None and args:
        agent = args.pop(0)
    if args:
        raise pytest.UsageError("@pytest.mark.coherence takes the agent and keyword options")
    if agent is None:
        raise pytest.UsageError("@pytest.mark.coherence needs agent=...")
    expect = kwargs.pop("expect", "coherent")
    if expect not in _EXPECT:
        raise pytest.UsageError(
            f"@pytest.mark.coherence: expect must be one of {_EXPECT}, got {expect!r}"
        )
    return agent, kwargs, expect


def _meets(verdict: Any, expect: str | None) -> bool:
    """Whether a verdict meets a marker's ``expect`` (``"coherent"`` accepts no exploit found)."""
    if expect is None:
        return True
    if expect == "coherent":
        return verdict.status in ("coherent", "no_exploit_found")
    return bool(verdict.status == expect)


@pytest.fixture
def coherence_probe() -> Callable[..., Any]:
    """The :func:`coherence.probe` function; its verdicts go into ``--coherence-report``."""
    from coherence.agents import probe

    return probe


@pytest.fixture
def coherence_record(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``record(verdict, name=None)``: add a verdict (e.g. of ``coherence.check``) to the report."""
    collector = request.config.stash.get(_STASH, None)

    def record(verdict: Any, name: str | None = None) -> Any:
        from coherence.reporting import Finding

        if collector is not None and _ACTIVE and _ACTIVE[-1] is collector:
            label = f"{request.node.nodeid} [{name}]" if name else request.node.nodeid
            collector.findings.append(Finding.from_verdict(verdict, label))
        return verdict

    return record


@pytest.fixture
def coherence_verdict(request: pytest.FixtureRequest) -> Any:
    """The verdict of probing the agent declared by ``@pytest.mark.coherence``."""
    marker = request.node.get_closest_marker("coherence")
    if marker is None:
        raise pytest.UsageError(
            "the coherence_verdict fixture needs @pytest.mark.coherence(agent=..., items=...)"
        )
    agent, options, _ = _marker_options(marker)
    from coherence.agents import probe

    return probe(agent, **options)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    result = yield
    marker = item.get_closest_marker("coherence")
    funcargs = getattr(item, "funcargs", {})
    if marker is not None and "coherence_verdict" in funcargs:
        __tracebackhide__ = True
        _, _, expect = _marker_options(marker)
        verdict = funcargs["coherence_verdict"]
        if not _meets(verdict, expect):
            from coherence.assertions import CoherenceAssertionError

            raise CoherenceAssertionError(
                f"expected the agent to be {expect}, but the probe says:\n{verdict.explain()}",
                verdict,
            )
    return result


@pytest.fixture(scope="session", autouse=True)
def _coherence_junit_properties(request: pytest.FixtureRequest) -> Generator[None, None, None]:
    """Suite-level JUnit properties with the counts of verdicts (only with ``--junitxml``)."""
    record = None
    if request.config.getoption("xmlpath", None):
        try:
            record = request.getfixturevalue("record_testsuite_property")
        except pytest.FixtureLookupError:  # junitxml plugin disabled
            record = None
    yield
    collector = request.config.stash.get(_STASH, None)
    if record is None or collector is None:
        return
    counts = collector.counts()
    record("coherence_exploitable", counts["exploitable"])
    record("coherence_faults", counts["fault"])
    record("coherence_no_exploit_found", counts["no_exploit_found"])
    record("coherence_coherent", counts["coherent"])
    path = request.config.getoption("coherence_report")
    if path:
        record("coherence_report", str(path))


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    collector = config.stash.get(_STASH, None)
    path = config.getoption("coherence_report")
    if collector is None or not path or hasattr(config, "workerinput"):
        return
    from coherence.reporting import write_report

    try:
        write_report(path, collector.findings, title="coherence report")
    except (OSError, ValueError) as exc:
        collector.written = f"could not write {path}: {exc}"
    else:
        collector.written = f"report written to {path}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    collector = config.stash.get(_STASH, None)
    if collector is None or (not collector.findings and not collector.written):
        return
    mode = config.getoption("coherence_summary", "all")
    if mode == "none":
        return
    tr = terminalreporter
    counts = collector.counts()
    tr.write_sep("=", "coherence")
    from coherence.reporting import describe_counts

    tr.write_line(describe_counts(counts))
    bad = ([f for f in collector.findings if f.status in ("exploitable", "fault")]
           if mode == "all" else [])
    for shown, f in enumerate(bad):
        if shown == _MAX_LISTED:
            more = len(bad) - shown
            tr.write_line(f"... and {more} more (write them all with --coherence-report=PATH)")
            break
        lines = (f.explanation or "").splitlines()
        headline = lines[1] if len(lines) > 1 else (lines[0] if lines else "")
        tag = "EXPLOIT" if f.status == "exploitable" else "FAULT"
        tr.write_line(f"{tag} {f.name}: {headline.strip()}")
        if f.status == "exploitable":
            cycle = f.certificate.get("cycle")
            if isinstance(cycle, list) and cycle:
                tr.write_line("    " + " -> ".join(str(x) for x in [*cycle, cycle[0]]))
    if collector.written:
        tr.write_line(collector.written)
