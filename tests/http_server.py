"""A local replay server on 127.0.0.1 for client tests: recorded replies, request history, faults.

Routes are added per path (optionally per query parameters); a route holds a list of replies
served in order, the last one repeating. Faults are replies too: an error status with headers
(429 + Retry-After, 503), a delay longer than the client's read timeout, a body cut short of its
Content-Length, a body trickled a byte at a time, or any bytes at all (invalid JSON). Bodies may
hold ``{base_url}``, replaced by the server's own address (for ``odata.nextLink`` and
``odata.metadata`` in recorded files).

Use it as a context manager (``with ReplayServer() as server: ...``) or through the ``replay``
fixture of the tests that import it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    truncate_to: int | None = None
    trickle_s: float = 0.0  # send the body one byte at a time, this long apart
    content_type: str = "application/json;odata=minimalmetadata;streaming=true;charset=utf-8"


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class _Route:
    path: str
    query: dict[str, str | None] | None  # a None value: the parameter must be absent
    replies: list[Reply]
    served: int = 0

    def matches(self, path: str, query: dict[str, str]) -> bool:
        if path.rstrip("/") != self.path.rstrip("/"):
            return False
        return self.query is None or all(query.get(k) == v for k, v in self.query.items())

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (a timeout, a deadline) is not an error of the server; anything
        else is printed as usual."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ReplayServer:
    """See the module docstring."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        # Every reply waits this long first (a distant server); the most requests that were
        # being answered at once is kept (a client's concurrency).
        self.latency_s = 0.0
        self.max_in_flight = 0
        self._in_flight = 0
        self._routes: list[_Route] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ReplayServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- routes -----------------------------------------------------------------------------

    def add(self, path: str, *replies: Reply, query: dict[str, str | None] | None = None) -> None:
        """Serve ``replies`` in order at ``path`` (last one repeats); newer routes win."""
        with self._lock:
            self._routes.insert(0, _Route(path, query, list(replies)))

    def add_json(self, path: str, payload: Any, **kwargs: Any) -> None:
        self.add(path, Reply(body=json.dumps(payload).encode("utf-8")), **kwargs)

    def add_file(
        self, path: str, file: Path, *, query: dict[str, str | None] | None = None
    ) -> None:
        """Serve a recorded file, with ``{base_url}`` replaced by this server's address."""
        self.add(path, Reply(body=self.render(file.read_bytes())), query=query)

    def render(self, data: bytes) -> bytes:
        return data.replace(b"{base_url}", self.base_url.encode("ascii"))

    # -- history ----------------------------------------------------------------------------

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def requests_to(self, path_part: str) -> list[Recorded]:
        return [r for r in self.requests if path_part in r.path]

    # -- serving ----------------------------------------------------------------------------

    def _reply_for(self, path: str, query: dict[str, str]) -> Reply:
        with self._lock:
            for route in self._routes:
                if route.matches(path, query):
                    return route.next_reply()
        return Reply(status=404, body=b'{"odata.error":{"message":"not found"}}')

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with server._lock:
                    server.requests.append(
                        Recorded("GET", parts.path, query, dict(self.headers.items()))
                    )
                    server._in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server._in_flight)
                try:
                    self._answer(parts.path, query)
                finally:
                    with server._lock:
                        server._in_flight -= 1

            def _answer(self, path: str, query: dict[str, str]) -> None:
                reply = server._reply_for(path, query)
                if reply.delay_s or server.latency_s:
                    time.sleep(reply.delay_s + server.latency_s)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.truncate_to is not None:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    body = reply.body
                    if reply.truncate_to is not None:
                        body = body[: reply.truncate_to]
                        self.close_connection = True
                    if reply.status != 304 and reply.trickle_s:
                        for byte in body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(reply.trickle_s)
                    elif reply.status != 304:
                        self.wfile.write(body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the request history is the log."""

        return Handler


def running_server() -> Iterator[ReplayServer]:
    """A started server, for a pytest fixture: ``yield from running_server()``."""
    with ReplayServer() as server:
        yield server


def serve_cbs_table(server: ReplayServer, folder: Path, page_size: int) -> None:
    """Serve a recorded CBS table folder as CBS does: ``ODataApi/odata/<ID>/<entity>`` for
    every ``<entity>.json`` and ``ODataFeed/odata/<ID>/TypedDataSet`` for
    ``TypedDataSet-<n>.json``, page n answering ``$skip=(n - 1) * page_size``."""
    table = folder.name
    pages = sorted(folder.glob("TypedDataSet-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    for file in sorted(folder.glob("*.json")):
        if file not in pages:
            server.add_file(f"/ODataApi/odata/{table}/{file.stem}", file)
    feed = f"/ODataFeed/odata/{table}/TypedDataSet"
    for number, page in enumerate(pages, start=1):
        skip = str((number - 1) * page_size) if number > 1 else None
        server.add_file(feed, page, query={"$skip": skip})
