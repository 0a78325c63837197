"""The OpenAI-compatible HTTP backend against a fake server on 127.0.0.1 that also answers
with errors, delays and malformed bodies."""

from __future__ import annotations

import json
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import numpy as np
import pytest

pytest.importorskip("torch")

from coherence.bridge.llm import OpenAIBackend, audit_llm, elicit_llm

ITEMS = ["apple", "banana", "cherry"]
TEMPLATE = "A: {a}\nB: {b}\nAnswer A or B."
UTILITY = {x: k for k, x in enumerate(ITEMS)}


class Fake(BaseHTTPRequestHandler):
    """Answers the better option; the prompt's first line may ask it to misbehave."""

    behaviour: ClassVar[dict[str, int]] = {}
    lock = threading.Lock()
    seen: ClassVar[list[dict]] = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            self.seen.append(body)
        prompt = body["messages"][0]["content"] if "messages" in body else body["prompt"]
        lines = prompt.splitlines()
        a, b = lines[-3][3:], lines[-2][3:]
        mode = lines[0] if len(lines) > 3 else ""
        with self.lock:
            left = self.behaviour.get(mode, 0)
            self.behaviour[mode] = left - 1
        if mode == "flaky" and left > 0:
            return self._send(500, b"{}")
        if mode == "broken":
            return self._send(200, b"{not json")
        if mode == "slow":
            time.sleep(0.5)
        if mode == "denied":
            return self._send(401, b"{}")
        better = "A" if UTILITY[a] > UTILITY[b] else "B"
        if body.get("logprobs"):
            lp = math.log(0.9)
            other = "B" if better == "A" else "A"
            top = [{"token": " " + better, "logprob": lp},
                   {"token": other, "logprob": math.log(0.1)}]
            doc = {"choices": [{"logprobs": {"content": [{"top_logprobs": top}]}}]}
        elif "messages" in body:
            doc = {"choices": [{"message": {"content": f"I choose {better}."}}]}
        else:
            doc = {"choices": [{"text": better}]}
        self._send(200, json.dumps(doc).encode())

    def _send(self, code, data):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that timed out and hung up (the slow case)


@pytest.fixture(scope="module")
def server():
    httpd = QuietServer(("127.0.0.1", 0), Fake)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def backend(url, **kw):
    return OpenAIBackend(url, "fake", backoff=0.01, **kw)


def test_chat_answers_give_a_coherent_audit_and_send_seeds(server):
    Fake.seen.clear()
    result = audit_llm(backend(server, concurrency=4), ITEMS, TEMPLATE, samples=2)
    assert result.coherent and result.elicitation.calls == 12
    assert result.elicitation.faulted.sum() == 0
    assert len({b["seed"] for b in Fake.seen}) == 12 and Fake.seen[0]["model"] == "fake"


def test_completions_and_logprobs(server):
    el = elicit_llm(backend(server, chat=False), ITEMS, TEMPLATE, samples=1)
    assert el.matrix()[2, 0] == 1.0
    lp = elicit_llm(backend(server, output="logprobs"), ITEMS, TEMPLATE)
    assert lp.matrix()[2, 0] == pytest.approx(0.9)


def test_server_errors_are_retried_then_reported_per_pair(server):
    Fake.behaviour["flaky"] = 3  # three 500s, then answers
    el = elicit_llm(backend(server, retries=4), ITEMS, "flaky\n" + TEMPLATE, samples=1)
    assert el.faulted.sum() == 0 and np.triu(el.observed, 1).sum() == 3
    bad = elicit_llm(backend(server, retries=1), ITEMS, "broken\n" + TEMPLATE, samples=1)
    assert bad.faulted.sum() == 6 and bad.faults[0].reason == "malformed"
    assert "after 2 tries" in bad.faults[0].message
    denied = elicit_llm(backend(server), ITEMS, "denied\n" + TEMPLATE, samples=1)
    assert denied.faults[0].reason == "http" and "401" in denied.faults[0].message


def test_timeouts_are_faults_and_an_all_failed_audit_exits_3(server):
    result = audit_llm(backend(server, timeout=0.1, retries=0), ITEMS, "slow\n" + TEMPLATE,
                       samples=1)
    assert result.verdict.exit_code == 3
    assert result.elicitation.faults[0].reason == "timeout"


def test_an_unreachable_server_is_a_fault_not_a_crash():
    result = audit_llm(OpenAIBackend("http://127.0.0.1:9", "m", retries=0, timeout=1),
                       ITEMS, TEMPLATE, samples=1)
    assert result.verdict.status == "fault"
