"""A real HTTP server for target tests: records every request and answers as scripted.

Runs ``http.server``'s threading server on 127.0.0.1 and a free port, so slow answers do not
hold up others. ``script(path, *answers)`` queues answers for a path (``(status, body)`` or
``(status, body, delay_seconds)``); once they are used up, the path answers ``default``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Answer = tuple[Any, ...]


@dataclass
class Recorded:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float = 0.0  # time.monotonic() on arrival

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Recorder:
    """The server's state: requests seen and answers to give."""

    requests: list[Recorded] = field(default_factory=list)
    answers: dict[str, deque[Answer]] = field(default_factory=dict)
    default: Answer = (200, b"{}")
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def script(self, path: str, *answers: Answer) -> None:
        """Answers for the next requests to ``path``, in order."""
        with self.lock:
            self.answers.setdefault(path, deque()).extend(answers)

    def clear(self) -> None:
        """Forget requests and scripted answers; answer 200 ``{}`` by default again."""
        with self.lock:
            self.requests.clear()
            self.answers.clear()
            self.default = (200, b"{}")

    def to(self, path: str) -> list[Recorded]:
        """The requests to ``path`` so far."""
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 5.0) -> list[Recorded]:
        """Poll until ``count`` requests reached ``path`` (or the timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.to(path)
            if len(got) >= count:
                return got
            time.sleep(0.01)
        return self.to(path)

    def _next(self, path: str) -> Answer:
        with self.lock:
            queue = self.answers.get(path)
            return queue.popleft() if queue else self.default


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen = Recorded(
                self.command,
                parts.path,
                dict(parse_qsl(parts.query)),
                {k.lower(): v for k, v in self.headers.items()},
                body,
                time.monotonic(),
            )
            with recorder.lock:
                recorder.requests.append(seen)
            answer = recorder._next(parts.path)
            if len(answer) > 2:
                time.sleep(answer[2])
            status, payload = answer[0], answer[1]
            extra: dict[str, str] = answer[3] if len(answer) > 3 else {}
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@dataclass
class TargetServer:
    """A running recorder server."""

    recorder: Recorder
    server: ThreadingHTTPServer
    thread: threading.Thread

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def start_target_server() -> TargetServer:
    """A recorder on 127.0.0.1 and a free port."""
    recorder = Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
    server.daemon_threads = True
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=lambda: server.serve_forever(0.05), daemon=True)
    thread.start()
    return TargetServer(recorder, server, thread)
