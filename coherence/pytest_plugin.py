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

Which verdicts count (one finding per check, not one per generated example): a test keeps the
verdicts of its final run only.

* For a Hypothesis test the findings of the call phase are cleared at the start of every
  example (the plugin wraps the test's ``hypothesis.inner_test``, the hook Hypothesis offers
  plugins). Hypothesis replays the minimal failing example last, so a property test that finds
  an exploit counts once, with its shrunk example; one that passes keeps its last example's
  verdicts; with several distinct failures, those of the one replayed last.
* More generally, each verdict is filed under the function of the test's own code that started
  it: the outermost frame below pytest, Hypothesis and the other runners (the test function, a
  fixture, a doctest example, a rule of a stateful test; frames inside :mod:`coherence` are
  skipped). A new call of that function drops the verdicts of its earlier call.
* A plain test calls its function once, so a loop of checks keeps every check, in order. The
  ``@pytest.mark.coherence`` probe (made by the plugin's fixture) is kept as it comes, and so
  are verdicts made outside any test (at collection: they go with the next test's findings).

Under pytest-xdist the same summary, report and JUnit properties come out as in a serial run:
at the end of each test the worker attaches the test's findings to the teardown report, as
JSON (``Verdict.to_json()`` with the name and the story, attribute ``coherence_findings``),
which xdist sends to the controller; the controller (like a serial run, through the same path)
collects them in ``pytest_runtest_logreport`` and writes the report and the properties.
(Every worker imports the test modules, so a verdict made at import comes once per worker.)
Findings are listed in the order their tests finish.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Generator
from types import CodeType, FrameType
from typing import Any

import pytest

pytest.register_assert_rewrite("coherence.assertions")

_STASH: pytest.StashKey[_Collector] = pytest.StashKey()
_EXPECT = ("coherent", "no_exploit_found", "exploitable", "fault", None)
_MAX_LISTED = 20  # findings listed in the terminal summary
#: collectors of the sessions in progress; only the innermost records (pytester nests runs)
_ACTIVE: list[_Collector] = []
#: the attribute of a teardown report that carries its test's findings (a JSON string)
_REPORT_ATTR = "coherence_findings"
#: top-level packages of the runners: the walk up the stack for a verdict's origin stops there
_RUNNERS = frozenset({"_pytest", "pytest", "pluggy", "hypothesis", "_hypothesis_pytestplugin",
                      "xdist", "execnet", "doctest", "unittest", "runpy"})


def _origin(frame: FrameType | None, skip: str) -> FrameType | None:
    """The outermost frame of user code that led to ``frame``: walk outwards, skipping frames
    of files under ``skip`` (the coherence package), until a runner's frame. O(stack depth)."""
    outer = None
    while frame is not None:
        module = frame.f_globals.get("__name__")
        if isinstance(module, str) and module.partition(".")[0] in _RUNNERS:
            break
        if not frame.f_code.co_filename.startswith(skip):
            outer = frame
        frame = frame.f_back
    return outer


class _Collector:
    """Observer of :func:`coherence.reporting.notify`: files each verdict under its test.

    ``pending`` holds the current test's findings with the code object of the function that
    started them (``None`` for the plugin's own probe) and whether they were made in the call
    phase; ``calls`` the frame of the latest call of each such function, so a new call drops
    the old call's findings, and :meth:`new_example` drops the call phase's findings.
    ``findings`` are the final ones of the finished tests.
    """

    def __init__(self) -> None:
        self.findings: list[Any] = []
        self.current: str = ""
        self.written: str | None = None
        self.pending: list[tuple[CodeType | None, bool, Any]] = []
        self.calls: dict[CodeType, FrameType] = {}
        self.in_call = False
        self._skip: str | None = None

    def __call__(self, verdict: Any) -> None:
        if not _ACTIVE or _ACTIVE[-1] is not self:
            return
        name = self.current or verdict.subject
        if self.current and verdict.subject:
            name = f"{self.current} [{verdict.subject}]"
        self.add(verdict, name)

    def add(self, verdict: Any, name: str) -> None:
        """File a verdict under the current test (see the module docstring for the rule)."""
        from coherence.reporting import Finding

        finding = Finding.from_verdict(verdict, name)
        if not self.current:  # outside a test: goes with the next test's findings
            self.pending.append((None, False, finding))
            return
        origin = _origin(sys._getframe(1), self._package())
        code = origin.f_code if origin is not None else None
        if origin is not None and code is not None and self.calls.get(code) is not origin:
            self.pending = [entry for entry in self.pending if entry[0] is not code]
            self.calls[code] = origin
        self.pending.append((code, self.in_call, finding))

    def new_example(self) -> None:
        """A Hypothesis example starts: forget the findings of the earlier examples."""
        self.pending = [entry for entry in self.pending if not entry[1]]
        self.calls = {}

    def _package(self) -> str:
        if self._skip is None:
            import os

            import coherence

            self._skip = os.path.dirname(os.path.abspath(coherence.__file__)) + os.sep
        return self._skip

    def start(self, nodeid: str) -> None:
        self.current, self.calls, self.in_call = nodeid, {}, False

    def take(self) -> str:
        """The current test's findings as JSON (a list of findings' JSON), forgetting them."""
        import json

        doc = [finding.to_json() for _, _, finding in self.pending]
        self.pending, self.calls = [], {}
        return json.dumps(doc)

    def receive(self, text: str) -> None:
        """Add the findings of a finished test, as :meth:`take` wrote them (maybe elsewhere)."""
        import json

        from coherence.reporting import Finding

        for doc in json.loads(text):
            self.findings.append(
                Finding(str(doc["name"]), doc["verdict"], str(doc.get("explanation") or ""))
            )

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
    from coherence._observers import add_observer  # the bus alone: coherence loads on use

    collector = _Collector()
    config.stash[_STASH] = collector
    _ACTIVE.append(collector)
    add_observer(collector)


def pytest_unconfigure(config: pytest.Config) -> None:
    collector = config.stash.get(_STASH, None)
    if collector is not None:
        from coherence._observers import remove_observer

        remove_observer(collector)
        if collector in _ACTIVE:
            _ACTIVE.remove(collector)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[
        None, object, object]:
    collector = item.config.stash.get(_STASH, None)
    if collector is not None:
        collector.start(item.nodeid)
    try:
        return (yield)
    finally:
        if collector is not None:
            collector.start("")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[
        None, pytest.TestReport, pytest.TestReport]:
    report = yield
    collector = item.config.stash.get(_STASH, None)
    if call.when == "teardown" and collector is not None and collector.pending:
        setattr(report, _REPORT_ATTR, collector.take())
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    text = getattr(report, _REPORT_ATTR, None)
    if isinstance(text, str) and _ACTIVE:
        _ACTIVE[-1].receive(text)
#: the rooms whose import means a test suite uses coherence (the plugin itself loads none)
_IN_USE = ("coherence.relations", "coherence.budgets", "coherence.beliefs",
           "coherence.decisions", "coherence.agents", "coherence.dispatch", "coherence.subagents",
           "coherence.stochastic", "coherence.strategies")


def pytest_collection_finish(session: pytest.Session) -> None:
    """When the collected tests use coherence, load what checks and assertions need now, so
    that the cost is not paid inside the first Hypothesis example (and its deadline)."""
    if any(name in sys.modules for name in _IN_USE):
        import coherence.assertions
        import coherence.dispatch
        import coherence.reporting  # noqa: F401


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
        if collector is not None and _ACTIVE and _ACTIVE[-1] is collector:
            label = f"{request.node.nodeid} [{name}]" if name else request.node.nodeid
            collector.add(verdict, label)
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


def _each_example(item: pytest.Item, collector: _Collector) -> Callable[[], None]:
    """For a Hypothesis test, wrap its ``inner_test`` (the hook Hypothesis offers plugins) so
    that each example starts with :meth:`_Collector.new_example`; returns the undo."""
    handle: Any = getattr(getattr(item, "obj", None), "hypothesis", None)
    inner = getattr(handle, "inner_test", None)
    if handle is None or inner is None:
        return lambda: None
    import functools

    @functools.wraps(inner)  # Hypothesis names the failing example after the function
    def example(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        collector.new_example()
        return inner(*args, **kwargs)

    handle.inner_test = example

    def undo() -> None:
        handle.inner_test = inner

    return undo


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    collector = item.config.stash.get(_STASH, None)
    undo = _each_example(item, collector) if collector is not None else None
    if collector is not None:
        collector.in_call = True
    try:
        result = yield
    finally:
        if collector is not None:
            collector.in_call = False
        if undo is not None:
            undo()
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


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    collector = config.stash.get(_STASH, None)
    if collector is None or hasattr(config, "workerinput"):
        return
    if collector.pending:  # made after the last test, or in a test that never ended
        collector.receive(collector.take())
    path = config.getoption("coherence_report")
    _junit_properties(config, collector, path)
    if not path:
        return
    from coherence.reporting import write_report

    try:
        write_report(path, collector.findings, title="coherence report")
    except (OSError, ValueError) as exc:
        collector.written = f"could not write {path}: {exc}"
    else:
        collector.written = f"report written to {path}"


def _junit_properties(config: pytest.Config, collector: _Collector, path: str | None) -> None:
    """Suite-level JUnit properties with the counts of verdicts (only with ``--junitxml``).

    Added to the XML writer before it writes (this hook runs first), in the controller, so
    they hold the findings of every worker under xdist.
    """
    if not config.getoption("xmlpath", None):
        return
    try:
        from _pytest.junitxml import xml_key  # the writer behind record_testsuite_property
    except ImportError:  # pragma: no cover - a pytest without it
        return
    xml = config.stash.get(xml_key, None)
    if xml is None:  # junitxml plugin disabled
        return
    counts = collector.counts()
    xml.add_global_property("coherence_exploitable", counts["exploitable"])
    xml.add_global_property("coherence_faults", counts["fault"])
    xml.add_global_property("coherence_no_exploit_found", counts["no_exploit_found"])
    xml.add_global_property("coherence_coherent", counts["coherent"])
    if path:
        xml.add_global_property("coherence_report", str(path))


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
