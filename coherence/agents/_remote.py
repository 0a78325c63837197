"""Agents in a worker process: start, talk to, time and kill :mod:`coherence.agents._serve`.

A worker is a fresh interpreter started by path (``python -u -P _serve.py``), which imports
only the standard library and then what the agent itself needs; it is started once per probe
and answers every question of that probe. Requests and replies are length-prefixed pickles on
two pipes; a reply is read with a restricted unpickler (plain values and
:class:`~fractions.Fraction` only), so nothing the agent returns runs code here. Each request
has a hard deadline: when it passes, the worker's whole process group is killed (SIGKILL),
not interrupted. The worker's stdout and stderr go to a temporary file whose last lines are
added to a fault's evidence; its stdin is empty, and it runs in a session of its own, so the
terminal's Ctrl-C reaches only the caller.

Start-up costs a few tens of milliseconds; a process that probes twice keeps one spare worker
started in the background for its next probe (a spare has run nothing: every probe still gets
a process of its own). A round trip costs about 30 µs (``benchmarks/probe.py``).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import importlib
import io
import math
import os
import pickle
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from typing import Any

from coherence.agents import _worker
from coherence.errors import AgentFaulted, InputError, NotAnAgentError
from coherence.verdict import AgentFault

__all__ = ["STARTUP", "Remote", "open_remote", "reuse_workers"]

#: the least time a worker is given to start and import (or build) the agent, in seconds
STARTUP = 10.0

_WORKER = str(Path(_worker.__file__).resolve().with_name("_serve.py"))
#: loads ``_serve.py`` by path and runs it, leaving ``__main__`` an empty namespace
_BOOT = ("import sys, importlib.util as u\n"
         "s = u.spec_from_file_location('_coherence_agents_serve', sys.argv[1])\n"
         "m = u.module_from_spec(s)\n"
         "sys.modules[s.name] = m\n"
         "s.loader.exec_module(m)\n"
         "m.run(sys.argv[2:])\n")
_OUTPUT_TAIL = 1500


class _Died(Exception):
    def __init__(self, status: int | None) -> None:
        super().__init__(status)
        self.status = status


class _TimedOut(Exception):
    pass


class _Reader(pickle.Unpickler):
    """Reads a worker's reply: plain values and Fractions, no other class."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("fractions", "Fraction"):
            return Fraction
        raise pickle.UnpicklingError(f"a reply may not hold {module}.{name}")


def _cloudpickle() -> Any:
    """The cloudpickle module (pickles lambdas, closures and ``__main__``'s classes by value),
    or ``None`` where it is not installed."""
    try:
        return importlib.import_module("cloudpickle")
    except ImportError:
        return None


def _dumps(message: Any) -> bytes:
    try:
        return pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        pass
    cloudpickle = _cloudpickle()
    if cloudpickle is not None:
        try:
            return bytes(cloudpickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:
            pass
    raise InputError("a question for the agent cannot be sent to its process (its items or "
                     "arguments cannot be pickled); run it in-process (isolation='none')")


def dumps_agent(obj: Any) -> bytes:
    """The agent as bytes for its worker: by value where it must be (lambdas, closures,
    classes of ``__main__``, with cloudpickle), else by reference. O(size of the agent)."""
    error: Exception | None = None
    cloudpickle = _cloudpickle()
    try:
        if cloudpickle is not None:
            return bytes(cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception as exc:
        error = exc
    if error is None:
        try:
            return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            error = exc
    raise InputError(
        f"the agent cannot be sent to a worker process ({type(error).__name__}: {error}); "
        "define it at module level, install cloudpickle, or run it in-process "
        "(isolation='none')"
    ) from None


_LIVE: weakref.WeakSet[_Process] = weakref.WeakSet()


class _Process:
    """One worker process and its two pipes."""

    def __init__(self) -> None:
        if not sys.executable:
            raise InputError("no Python interpreter to start the agent's process with; run it "
                             "in-process (isolation='none')")
        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        self.out = tempfile.TemporaryFile()  # noqa: SIM115 - as long as the worker lives
        flags = fcntl.fcntl(self.out.fileno(), fcntl.F_GETFL)
        fcntl.fcntl(self.out.fileno(), fcntl.F_SETFL, flags | os.O_APPEND)  # see forget_output
        argv = [sys.executable, "-u", "-P", "-X", "faulthandler", "-c", _BOOT, _WORKER,
                str(req_r), str(rep_w)]
        if threading.current_thread() is threading.main_thread():
            argv.append("pdeathsig")
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=self.out, stderr=subprocess.STDOUT,
                pass_fds=(req_r, rep_w), start_new_session=True, close_fds=True,
            )
        finally:
            os.close(req_r)
            os.close(rep_w)
        self.wfd, self.rfd = req_w, rep_r
        self.buffer = b""
        self.poller = select.poll()
        self.poller.register(self.rfd, select.POLLIN | select.POLLHUP | select.POLLERR)
        self.closed = False
        self._finalizer = weakref.finalize(self, _kill, self.proc, self.wfd, self.rfd, self.out)
        _LIVE.add(self)

    def alive(self) -> bool:
        return not self.closed and self.proc.poll() is None

    def send(self, data: bytes) -> None:
        view = memoryview(len(data).to_bytes(8, "big") + data)
        try:
            while view:
                view = view[os.write(self.wfd, view):]
        except OSError:
            raise _Died(self._status()) from None

    def receive(self, deadline: float | None) -> Any:
        """The next reply; :class:`_TimedOut` at the deadline, :class:`_Died` at end of file."""
        while True:
            if len(self.buffer) >= 8:
                size = int.from_bytes(self.buffer[:8], "big")
                if len(self.buffer) >= 8 + size:
                    body = self.buffer[8: 8 + size]
                    self.buffer = self.buffer[8 + size:]
                    try:
                        return _Reader(io.BytesIO(body)).load()
                    except Exception as exc:  # garbage on the pipe: not a reply of ours
                        raise pickle.UnpicklingError(f"{type(exc).__name__}: {exc}") from None
            if deadline is None:
                events = self.poller.poll()
            else:
                wait = deadline - time.monotonic()
                events = self.poller.poll(max(0, math.ceil(wait * 1000))) if wait > 0 else []
            if not events:
                if deadline is not None and time.monotonic() >= deadline:
                    raise _TimedOut
                continue
            chunk = os.read(self.rfd, 1 << 16)
            if not chunk:
                raise _Died(self._status())
            self.buffer += chunk

    def _status(self) -> int | None:
        try:
            return self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return None

    def output(self) -> str:
        """The last lines the worker printed (stdout and stderr). O(1)."""
        try:
            fd = self.out.fileno()
            size = os.fstat(fd).st_size
            data = os.pread(fd, _OUTPUT_TAIL, max(0, size - _OUTPUT_TAIL))
        except (OSError, ValueError):
            return ""
        text = data.decode("utf-8", "replace").strip()
        return ("..." + text[-_OUTPUT_TAIL:]) if size > _OUTPUT_TAIL else text

    def forget_output(self) -> None:
        """Empty the output file (the worker appends, so it goes on writing at the start)."""
        with contextlib.suppress(OSError, ValueError):
            os.ftruncate(self.out.fileno(), 0)

    def kill(self) -> None:
        self.closed = True
        _kill(self.proc, None, None, None)

    def close(self) -> None:
        self.closed = True
        self._finalizer()


def _kill(proc: subprocess.Popen[bytes], wfd: int | None, rfd: int | None, out: Any) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    for fd in (wfd, rfd):
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)
    if out is not None:
        out.close()


_SPARE: list[_Process] = []
_IDLE: list[_Process] = []  # workers handed back inside reuse_workers()
_TAKEN = [0]
_REUSE = [0]
_LOCK = threading.Lock()


@contextmanager
def reuse_workers() -> Iterator[None]:
    """Let probes share worker processes: inside this context, a probe whose worker is still
    sound when it ends (it was not killed and saw no fault) hands it back, and the next probe
    reuses it instead of starting one (the agent's modules are then imported once, not once
    per probe). The agents of one probe are dropped before the next begins, but module-level
    state carries over: for test suites of agents whose modules are slow to import. Nests;
    the idle workers are stopped when the outermost context ends.

    >>> from coherence.agents import probe
    >>> with reuse_workers():
    ...     a = probe(lambda x, y: x > y, items=[1, 2, 3], seed=0)
    ...     b = probe(lambda x, y: x < y, items=[1, 2, 3], seed=0)
    >>> a.status, b.status
    ('coherent', 'coherent')
    """
    with _LOCK:
        _REUSE[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _REUSE[0] -= 1
            idle = list(_IDLE) if _REUSE[0] == 0 else []
            if idle:
                _IDLE.clear()
        for process in idle:
            process.close()


def _hand_back(process: _Process) -> bool:
    """Keep a sound worker for the next probe (inside :func:`reuse_workers`)."""
    if not _REUSE[0] or not process.alive():
        return False
    try:
        process.send(_dumps(("reset", [])))
        process.receive(time.monotonic() + 5)
    except Exception:
        return False
    process.forget_output()
    with _LOCK:
        if not _REUSE[0]:
            return False
        _IDLE.append(process)
    return True


def _take() -> _Process:
    """A worker for a new probe: an idle one inside :func:`reuse_workers`, else one that has
    run nothing yet (the spare when there is one, else a new one; from the second probe of
    this process on, a new spare is started for the next)."""
    with _LOCK:
        while _REUSE[0] and _IDLE:
            idle = _IDLE.pop()
            if idle.alive():
                return idle
            idle.close()
        spare = _SPARE.pop() if _SPARE else None
        _TAKEN[0] += 1
        keep_spare = _TAKEN[0] >= 2
    if spare is None or not spare.alive():
        if spare is not None:
            spare.close()
        spare = _Process()
    if keep_spare and not _REUSE[0]:
        with _LOCK:
            if not _SPARE:
                _SPARE.append(_Process())
    return spare


@atexit.register
def _shutdown() -> None:
    for process in list(_LIVE):
        process.close()


def _files() -> dict[str, str]:
    """The ``file.py`` modules imported here, by their private names (the worker imports one
    when the agent refers to it)."""
    out = {}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name.startswith(_worker.FILE_MODULE) and isinstance(path, str):
            out[name] = path
    return out


class Remote:
    """An agent's instances in one worker process, by handle; every request has a deadline.

    Faults (a raising agent, an answer outside the protocol, a hang, an exit, a crash) raise
    :class:`~coherence.errors.AgentFaulted` with the worker's last output in the evidence.
    """

    def __init__(self, process: _Process, name: str) -> None:
        self.process, self.name = process, name
        self.drops: list[int] = []
        self.failed: AgentFault | None = None
        self.done = False

    def call(self, handle: int, method: str, args: tuple[Any, ...], limit: float | None,
             budget_note: str = "") -> Any:
        """The plain answer of instance ``handle`` to ``method(*args)``."""
        what = _worker.call_repr(method, args)
        return self._request(("call", self._drops(), handle, method, args), limit, what,
                             budget_note)

    def fresh(self, handle: int, limit: float | None, budget_note: str = "") -> int:
        """A new instance in the initial state; its handle."""
        return int(self._request(("fresh", self._drops(), handle), limit,
                                 "making a fresh instance", budget_note))

    def prepare(self, items: Any, limit: float | None, budget_note: str = "") -> None:
        """Send the items once, so that the modules they need are imported in the worker
        under the start's limit, not charged to the agent's first call."""
        message = ("load", self._drops(), items)
        cloudpickle = _cloudpickle()
        data = None
        if cloudpickle is not None:  # by value: classes of __main__ travel with the items
            with contextlib.suppress(Exception):
                data = bytes(cloudpickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        self._request(message, limit, "loading the items", budget_note, data)

    def release(self, handle: int) -> None:
        """Forget an instance (sent with the next request)."""
        self.drops.append(handle)

    def close(self) -> None:
        """Stop the worker (or, inside :func:`reuse_workers`, hand a sound one back).
        Idempotent; the agent cannot be asked anything afterwards."""
        if self.done:
            return
        self.done = True
        sound = self.failed is None
        self.failed = self.failed or AgentFault("invalid", f"{self.name}: the agent was closed")
        if not (sound and _hand_back(self.process)):
            self.process.close()


    def _drops(self) -> list[int]:
        out, self.drops = self.drops, []
        return out

    def _fault(self, fault: AgentFault, fatal: bool = True) -> AgentFaulted:
        """The exception for a fault; after a fatal one (the process was killed or died)
        every later request raises it again."""
        if fatal:
            self.failed = fault
        return AgentFaulted(fault)

    def _evidence(self, *lines: str) -> tuple[str, ...]:
        out = self.process.output()
        return (*lines, f"output: {out!r}") if out else lines

    def _request(self, message: Any, limit: float | None, what: str, budget_note: str,
                 data: bytes | None = None) -> Any:
        if self.failed is not None:
            raise AgentFaulted(self.failed)
        data = data or _dumps(message)
        start = time.monotonic()
        try:
            self.process.send(data)
            reply = self.process.receive(None if limit is None else start + limit)
        except _TimedOut:
            self.process.kill()
            verb = "answer" if message[0] == "call" else "finish"
            why = budget_note or f"did not {verb} within {limit:g} s"
            raise self._fault(AgentFault(
                "timeout", f"{self.name}: {what} {why}",
                self._evidence(f"{what} -> no answer after {limit:g} s (the process was "
                               "killed)"))) from None
        except _Died as died:
            self.process.kill()  # it may have closed the pipe and lived on
            raise self._fault(AgentFault(
                "exited", f"{self.name}: the agent's process {_ended(died.status)} during "
                f"{what}", self._evidence(f"{what} -> {_ended(died.status)}"))) from None
        except pickle.UnpicklingError as exc:
            self.process.kill()
            raise self._fault(AgentFault(
                "invalid", f"{self.name}: the reply to {what} could not be read ({exc})",
                self._evidence())) from None
        except BaseException:  # interrupted here (Ctrl-C): the reply is still on its way
            self.process.kill()
            self.failed = AgentFault("timeout", f"{self.name}: {what} was interrupted")
            raise
        return self._unpack(reply, what)

    def _unpack(self, reply: Any, what: str) -> Any:
        tag = reply[0] if isinstance(reply, tuple) and reply else None
        if tag == "ok":
            return reply[1]
        if tag == "ready":
            return reply[1:]
        if tag == "fault":
            _, reason, message, evidence = reply
            raise self._fault(AgentFault(str(reason), str(message),
                                         self._evidence(*map(str, evidence))), fatal=False)
        if tag == "invalid":
            raise self._fault(AgentFault("invalid", f"{self.name}: {reply[1]}",
                                         self._evidence(str(reply[1]))), fatal=False)
        if tag == "not_agent":
            raise NotAnAgentError(str(reply[1]))
        if tag == "input":
            raise InputError(str(reply[1]))
        raise self._fault(AgentFault("invalid", f"{self.name}: an unreadable reply to {what}",
                                     self._evidence()))


def _ended(status: int | None) -> str:
    if status is None:
        return "stopped answering"
    if status < 0:
        try:
            return f"was killed by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    return f"exited with status {status}"


def open_remote(*, obj: Any = None, spec: str | None = None, protocol: str | None,
                name: str | None, limit: float | None, want_items: bool = False,
                budget_note: str = "") -> tuple[Remote, int, Mapping[str, Any], Any]:
    """Start a worker and load the agent in it: ``obj`` (sent pickled) or ``spec``
    (``MODULE:OBJECT``, imported there). Returns the connection, the first instance's handle,
    what the worker saw of the agent (protocol, name, votes, identity) and, for ``spec`` with
    ``want_items``, the module's ``ITEMS`` as plain values (``None`` when it has none).

    The start, the import and the first instance share one deadline of ``limit`` seconds.
    """
    payload = None if spec is not None else dumps_agent(obj)
    label = name or (spec if spec is not None else _worker.describe(obj))
    remote = Remote(_take(), label)
    doc = {"path": list(sys.path), "cwd": os.getcwd(), "files": _files(), "agent": payload,
           "spec": spec, "protocol": protocol, "name": name, "items": want_items}
    env = dict(os.environ)
    try:
        handle, meta, items = remote._request(("init", [], doc | {"env": env}), limit,
                                              "starting the agent", budget_note)
    except BaseException:
        remote.close()
        raise
    remote.name = str(meta["name"])
    return remote, int(handle), meta, items
