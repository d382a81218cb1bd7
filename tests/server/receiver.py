"""A real HTTP callback receiver on 127.0.0.1 for the async tests (a thread in the test process).

It records every POST (path, headers, form fields) and can answer the first `fail_first`
requests with 500 to exercise the server's retries.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Received:
    """One callback request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    form: dict[str, str]
    answered: int


class CallbackReceiver:
    """A threaded HTTP server collecting callback POSTs; use as a context manager."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.requests: queue.Queue[Received] = queue.Queue()
        self._seen = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the receiver."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def _answer_for_next(self) -> int:
        with self._lock:
            self._seen += 1
            return 500 if self._seen <= self.fail_first else 200

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                size = int(self.headers.get("content-length", 0))
                body = self.rfile.read(size).decode()
                status = receiver._answer_for_next()
                form = dict(parse_qsl(body, keep_blank_values=True))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.put(Received(self.path, headers, form, status))
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def wait(self, timeout_s: float = 60.0) -> Received:
        """The next callback received (raises queue.Empty after `timeout_s`)."""
        return self.requests.get(timeout=timeout_s)

    def __enter__(self) -> CallbackReceiver:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)
