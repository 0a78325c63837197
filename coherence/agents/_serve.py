"""The worker process a user's agent runs in.

Loaded by path (:mod:`coherence.agents._remote` starts ``python -u -P -c BOOT _serve.py FD_IN
FD_OUT``, where ``BOOT`` loads this file and calls :func:`run`), it imports only the standard
library and loads :mod:`coherence.agents._worker` by path beside it, so it starts without
importing :mod:`coherence`; the process's ``__main__`` stays an empty namespace, where the
classes of the caller's ``__main__`` that the items use are put when they arrive.

It answers one request at a time: a length-prefixed pickle read from ``FD_IN``, the reply
(plain values) written to ``FD_OUT``; it exits at the end of its input.
Its stdout and stderr are the parent's capture file; the agent's exceptions of any kind come
back as replies, and what ends the process (an exit, a crash, a kill) the parent sees.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import pickle
import sys
from collections.abc import Mapping
from types import ModuleType
from typing import Any


def read_frame(fd: int) -> bytes | None:
    """One length-prefixed message from ``fd`` (``None`` at end of file)."""
    head = _read(fd, 8)
    if head is None:
        return None
    return _read(fd, int.from_bytes(head, "big"))


def _read(fd: int, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def write_message(fd: int, message: Any) -> None:
    """Write one length-prefixed pickle to ``fd``."""
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    data = memoryview(len(body).to_bytes(8, "big") + body)
    while data:
        data = data[os.write(fd, data):]


class _Loader(pickle.Unpickler):
    """Unpickles the agent, importing on first use the ``file.py`` modules it refers to."""

    def __init__(self, data: bytes, files: Mapping[str, str], worker: ModuleType) -> None:
        super().__init__(io.BytesIO(data))
        self.files, self.worker = files, worker

    def find_class(self, module: str, name: str) -> Any:
        if module in self.files and module not in sys.modules:
            self.worker.import_file(self.files[module], module, reuse=True)
        return super().find_class(module, name)


class Server:
    """The worker's side of the conversation: instances by handle, one request at a time;
    ``worker`` is :mod:`coherence.agents._worker` (loaded by path)."""

    def __init__(self, worker: ModuleType) -> None:
        self.w = worker
        self.agents: dict[int, Any] = {}
        self.next = 0
        self.files: Mapping[str, str] = {}

    def load(self, body: bytes) -> Any:
        """A request; the ``file.py`` modules its arguments refer to are imported first."""
        return _Loader(body, self.files, self.w).load()

    def _keep(self, local: Any) -> int:
        self.next += 1
        self.agents[self.next] = local
        return self.next

    def init(self, doc: Mapping[str, Any]) -> Any:
        sys.path[:] = list(doc["path"])
        if doc.get("env") is not None:
            os.environ.clear()
            os.environ.update(doc["env"])
        with contextlib.suppress(OSError):
            os.chdir(doc["cwd"])
        w, module = self.w, None
        self.files = doc.get("files", {})
        if doc.get("spec") is not None:
            module, obj = w.load_target(doc["spec"])
        else:
            try:
                obj = _Loader(doc["agent"], self.files, w).load()
            except w.OURS:
                raise
            except (ImportError, AttributeError, pickle.UnpicklingError) as exc:
                raise w.BadInput(f"the agent cannot be loaded in a separate process "
                                 f"({w.said(exc)}); define it in an importable module or run "
                                 "it in-process (isolation='none')") from None
            except BaseException as exc:
                raise w.Fault("raised", f"loading the agent raised {w.said(exc)}") from None
        local = w.build(obj, doc.get("protocol"), doc.get("name"))
        items = None
        if doc.get("items") and module is not None:
            found = getattr(module, "ITEMS", None)
            items = None if found is None else w.encode_items(found)
        return ("ready", self._keep(local), local.meta(), items)

    def handle(self, op: str, rest: list[Any]) -> Any:
        if op == "call":
            handle, method, args = rest
            return ("ok", self.agents[handle].ask(method, args))
        if op == "fresh":
            return ("ok", self._keep(self.agents[rest[0]].fresh()))
        if op == "init":
            return self.init(rest[0])
        if op == "reset":
            self.agents.clear()
        if op == "load":
            _adopt(rest[0])
        return ("ok", None)  # "load": the items were unpickled (their modules imported)

    def answer(self, message: Any) -> Any:
        op, drops, *rest = message
        for h in drops:
            self.agents.pop(h, None)
        w = self.w
        try:
            return self.handle(op, rest)
        except w.Invalid as exc:
            return ("invalid", str(exc))
        except w.Fault as exc:
            return ("fault", exc.reason, exc.message, exc.evidence)
        except w.NotAgent as exc:
            return ("not_agent", str(exc))
        except w.BadInput as exc:
            return ("input", str(exc))
        except BaseException as exc:  # the agent broke the worker's own bookkeeping
            return ("fault", "raised", f"the agent's process failed: {w.said(exc)}", ())


def _adopt(value: Any, depth: int = 0) -> None:
    """Put the classes of the caller's ``__main__`` that ``value`` uses (received by value)
    into this process's ``__main__``, so that later questions can name them."""
    main = sys.modules["__main__"]
    kind = type(value)
    if kind.__module__ == "__main__" and "." not in kind.__qualname__ and not hasattr(
            main, kind.__qualname__):
        setattr(main, kind.__qualname__, kind)
    if depth < 3 and isinstance(value, tuple | list | frozenset | set):
        for v in value:
            _adopt(v, depth + 1)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the parent dies (best effort)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except Exception:
        pass


def sibling(name: str) -> ModuleType:
    """A module of this folder, loaded by path under a private name (no package import)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_coherence_agents{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str], worker: ModuleType) -> None:
    """``_serve.py FD_IN FD_OUT [pdeathsig]``: answer requests until the input closes."""
    rfd, wfd = int(argv[1]), int(argv[2])
    if len(argv) > 3 and argv[3] == "pdeathsig":
        _die_with_parent()
    server = Server(worker)
    while True:
        body = read_frame(rfd)
        if body is None:
            return
        try:
            message = server.load(body)
        except BaseException as exc:  # told to the parent
            write_message(wfd, ("input", "a question cannot be read in the agent's process "
                                f"({worker.said(exc)}): use items of plain values or of "
                                "importable classes, or run the agent in-process "
                                "(isolation='none')"))
            continue
        if message[0] == "close":
            return
        reply = server.answer(message)
        try:
            write_message(wfd, reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            write_message(wfd, ("fault", "invalid",
                                f"an answer could not be sent: {worker.said(exc)}", ()))


def run(argv: list[str]) -> None:
    """``run([FD_IN, FD_OUT, ...])``: serve, then end the process at once (no atexit
    handlers of the agent's, no waiting for its threads)."""
    main(["_serve.py", *argv], sibling("_worker"))
    os._exit(0)


if __name__ == "__main__":
    run(sys.argv[1:])
