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
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


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


Handler = Callable[[dict[str, str]], Reply]


@dataclass
class _Route:
    path: str
    query: dict[str, str | None] | None  # a None value: the parameter must be absent
    replies: list[Reply]
    served: int = 0
    handler: Handler | None = None  # builds the reply from the query instead
    ignore_case: bool = False  # CBS paths: /ODataApi/odata/... and /ODataApi/OData/... alike

    def matches(self, path: str, query: dict[str, str]) -> bool:
        mine, theirs = self.path.rstrip("/"), path.rstrip("/")
        if self.ignore_case:
            mine, theirs = mine.lower(), theirs.lower()
        if mine != theirs:
            return False
        return self.query is None or all(query.get(k) == v for k, v in self.query.items())

    def next_reply(self, query: dict[str, str]) -> Reply:
        if self.handler is not None:
            return self.handler(query)
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

    def add(
        self,
        path: str,
        *replies: Reply,
        query: dict[str, str | None] | None = None,
        ignore_case: bool = False,
    ) -> None:
        """Serve ``replies`` in order at ``path`` (last one repeats); newer routes win."""
        with self._lock:
            self._routes.insert(0, _Route(path, query, list(replies), ignore_case=ignore_case))

    def add_handler(
        self,
        path: str,
        handler: Handler,
        *,
        query: dict[str, str | None] | None = None,
        ignore_case: bool = False,
    ) -> None:
        """Answer requests to ``path`` with ``handler(query)``; newer routes win."""
        with self._lock:
            self._routes.insert(
                0, _Route(path, query, [], handler=handler, ignore_case=ignore_case)
            )

    def add_json(self, path: str, payload: Any, **kwargs: Any) -> None:
        self.add(path, Reply(body=json.dumps(payload).encode("utf-8")), **kwargs)

    def add_file(
        self,
        path: str,
        file: Path,
        *,
        query: dict[str, str | None] | None = None,
        ignore_case: bool = False,
    ) -> None:
        """Serve a recorded file, with ``{base_url}`` replaced by this server's address."""
        self.add(
            path, Reply(body=self.render(file.read_bytes())), query=query, ignore_case=ignore_case
        )

    def render(self, data: bytes) -> bytes:
        return data.replace(b"{base_url}", self.base_url.encode("ascii"))

    def render_hosts(self, data: bytes | str) -> Any:
        """A saved CBS response (or URL) with the CBS host replaced by this server's address."""
        text = data if isinstance(data, bytes) else data.encode("utf-8")
        for host in CBS_HOSTS:
            text = text.replace(host, self.base_url.encode("ascii"))
        return text if isinstance(data, bytes) else text.decode("utf-8")

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
                    return route.next_reply(query)
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
    ``TypedDataSet-<n>.json``, page n answering ``$skip=(n - 1) * page_size``. Paths match
    whatever the case of ``odata`` (CBS's own next links say ``OData``)."""
    table = folder.name
    pages = sorted(folder.glob("TypedDataSet-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    for file in sorted(folder.glob("*.json")):
        if file not in pages:
            server.add_file(f"/ODataApi/odata/{table}/{file.stem}", file, ignore_case=True)
    feed = f"/ODataFeed/odata/{table}/TypedDataSet"
    for number, page in enumerate(pages, start=1):
        skip = str((number - 1) * page_size) if number > 1 else None
        server.add_file(feed, page, query={"$skip": skip}, ignore_case=True)


# The generated CBS responses of the bundled sample landing zone (rows per TypedDataSet page).
SAMPLE_LANDING = Path(__file__).resolve().parent.parent / "sample" / "landing"
SAMPLE_PAGE_SIZE = 60


def serve_sample_cbs(server: ReplayServer, folder: Path) -> None:
    """Serve every table of the sample landing zone's generated CBS responses as CBS does,
    recorded first into ``folder`` (one folder per table, the public CBS address replaced by
    the server's own)."""
    for manifest in sorted(SAMPLE_LANDING.glob("cbs/*/*/manifest.json")):
        meta = json.loads(manifest.read_text("utf-8"))
        if meta["file_name"] == "fetch-batch.json":
            continue
        body = (manifest.parent / meta["file_name"]).read_bytes()
        target = folder / meta["dataset"] / meta["file_name"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body.replace(b"https://opendata.cbs.nl", b"{base_url}"))
    for table in sorted(p for p in folder.iterdir() if p.is_dir()):
        serve_cbs_table(server, table, page_size=SAMPLE_PAGE_SIZE)


# -- real CBS captures ------------------------------------------------------------------------

# The hosts in captured metadata URLs and next links; replayed, they name the replay server.
CBS_HOSTS = (b"https://opendata.cbs.nl", b"http://opendata.cbs.nl", b"https://datasets.cbs.nl")
DATA_SETS = frozenset({"TypedDataSet", "UntypedDataSet", "Observations"})
# The 500 ODataApi answers to a query over its limit. The message is the one users report;
# the exact JSON body was never captured (../shared/samples/cbs_real/PROVENANCE.md).
TOO_MANY_RECORDS = "query returns more than {limit} records"
_V3_URL = re.compile(
    r"/(?P<service>ODataApi|ODataFeed)/OData/(?P<table>\w+)/\$metadata(#Cbs\.OData\.WebAPI\.(?P<entity>\w+))?$",
    re.IGNORECASE,
)
_V4_URL = re.compile(r"/odata/v1/CBS/(?P<table>\w+)/\$metadata#(?P<entity>\w+)$")
_SUBSTRINGOF = re.compile(r"^substringof\('([^']*)',\s*(\w+)\)$")
_EQ = re.compile(r"^(\w+) eq '([^']*)'$")


@dataclass(frozen=True)
class Capture:
    """One saved CBS response: where CBS served it (from its own metadata URL) and its JSON."""

    file: Path
    api: str  # "ODataApi", "ODataFeed" or "v4"
    table: str
    entity: str  # "" for a v3 service root
    payload: dict[str, Any]

    @property
    def path(self) -> str:
        if self.api == "v4":
            return f"/odata/v1/CBS/{self.table}/{self.entity}"
        return f"/{self.api}/odata/{self.table}/{self.entity}"

    @property
    def next_link(self) -> str | None:
        return self.payload.get("odata.nextLink") or self.payload.get("@odata.nextLink")


def read_capture(file: Path) -> Capture:
    """A capture, placed by its ``odata.metadata`` (v3) or ``@odata.context`` (v4) URL."""
    payload = json.loads(file.read_bytes().decode("utf-8-sig"))
    if "@odata.context" in payload:
        match = _V4_URL.search(payload["@odata.context"])
        api = "v4"
    else:
        match = _V3_URL.search(payload.get("odata.metadata", ""))
        api = match["service"] if match else ""
    if match is None:
        raise ValueError(f"{file}: no CBS metadata URL tells where it was served")
    entity = match["entity"] or ""
    return Capture(file, api, match["table"], entity, payload)


def filter_rows(rows: list[dict[str, Any]], odata_filter: str | None) -> list[dict[str, Any]]:
    """Rows a ``$filter`` as the client writes it selects: ``(a or b ...) and (c or ...)`` of
    ``substringof('X', Key)`` and ``Key eq 'X'``. Anything else is a ``ValueError``."""
    if not odata_filter:
        return rows
    clauses = []
    for clause in re.split(r"\)\s+and\s+\(", odata_filter.strip()[1:-1]):
        atoms = []
        for atom in clause.split(" or "):
            if match := _SUBSTRINGOF.match(atom.strip()):
                atoms.append(("in", match[2], match[1]))
            elif match := _EQ.match(atom.strip()):
                atoms.append(("eq", match[1], match[2]))
            else:
                raise ValueError(f"the replay server does not understand {atom!r}")
        clauses.append(atoms)

    def keep(row: dict[str, Any]) -> bool:
        return all(
            any(
                (value in str(row.get(key, ""))) if op == "in" else str(row.get(key)) == value
                for op, key, value in atoms
            )
            for atoms in clauses
        )

    return [row for row in rows if keep(row)]


def _error(status: int, message: str) -> Reply:
    body = {"odata.error": {"code": "", "message": {"lang": "en-US", "value": message}}}
    return Reply(status=status, body=json.dumps(body).encode("utf-8"))


def _data_set_handler(
    server: ReplayServer, capture: Capture, *, page_size: int, api_limit: int, service: str
) -> Handler:
    """Serve one whole captured data set as CBS would: filtered by ``$filter``; from ODataApi
    all at once, or HTTP 500 over ``api_limit`` rows; from ODataFeed and v4 in pages of
    ``page_size`` rows by ``$skip``, each but the last with a next link echoing the query."""
    rows = capture.payload["value"]
    context_key = "@odata.context" if capture.api == "v4" else "odata.metadata"
    context = server.render_hosts(capture.payload[context_key])

    def handle(query: dict[str, str]) -> Reply:
        try:
            selected = filter_rows(rows, query.get("$filter"))
        except ValueError as exc:
            return _error(400, str(exc))
        if service == "ODataApi":
            if len(selected) > api_limit:
                return _error(500, TOO_MANY_RECORDS.format(limit=api_limit))
            page, link = selected, None
        else:
            skip = int(query.get("$skip", "0"))
            page = selected[skip : skip + page_size]
            link = None
            if skip + page_size < len(selected):
                echoed = urlencode(
                    {k: v for k, v in query.items() if k != "$skip"}, safe="$'(), "
                ).replace(" ", "%20")
                separator = "/?" if capture.api != "v4" else "?"
                link = (
                    f"{server.base_url}{_served_path(capture, service)}{separator}{echoed}"
                    f"&$skip={skip + page_size}"
                )
        envelope: dict[str, Any] = {context_key: context, "value": page}
        if link:
            envelope["@odata.nextLink" if capture.api == "v4" else "odata.nextLink"] = link
        return Reply(body=json.dumps(envelope, ensure_ascii=False).encode("utf-8"))

    return handle


def _served_path(capture: Capture, service: str) -> str:
    """The path of a capture under ``service``, spelt as CBS's own links spell it."""
    if capture.api == "v4":
        return capture.path
    return f"/{service}/OData/{capture.table}/{capture.entity}"


def serve_cbs_captures(
    server: ReplayServer,
    root: Path,
    *,
    page_size: int = 10_000,
    api_limit: int = 10_000,
    mirror_feed_as_api: bool = False,
) -> list[Capture]:
    """Serve every saved CBS response under ``root`` (one folder per table) at its original
    path, found from its own metadata URL: v3 ``/ODataApi/odata/<id>/<entity>`` and
    ``/ODataFeed/odata/<id>/<entity>`` (``OData`` or ``odata``), v4
    ``/odata/v1/CBS/<id>/<entity>``.

    A data set saved whole (TypedDataSet, Observations) is filtered and paged per request
    (``_data_set_handler``). A data set saved as pages (83599NED) is served page by page as
    saved: page n at the ``$skip`` its predecessor's next link names. Bodies are served as
    saved, with the CBS host in URLs replaced by the server's address. Nothing a capture lacks
    is made up: a request for it is answered 404.

    ``mirror_feed_as_api`` also serves ODataFeed captures under ``/ODataApi/`` (CBS serves
    every table from both), to replay an ODataApi client against a table saved from the feed.
    """
    captures = [
        read_capture(f)
        for folder in sorted(root.iterdir())
        if folder.is_dir()
        for f in sorted(folder.iterdir())
        if f.suffix.lower() == ".json"
    ]
    paged: dict[str, list[Capture]] = {}
    for capture in captures:
        services = [capture.api]
        if mirror_feed_as_api and capture.api == "ODataFeed":
            services.append("ODataApi")
        if capture.entity in DATA_SETS:
            pages = [c for c in captures if c.path == capture.path]
            if len(pages) > 1 or capture.next_link:
                paged.setdefault(capture.path, pages)
                continue
            for service in services:
                handler = _data_set_handler(
                    server, capture, page_size=page_size, api_limit=api_limit, service=service
                )
                server.add_handler(_served_path(capture, service), handler, ignore_case=True)
            continue
        body = server.render_hosts(capture.file.read_bytes())
        for service in services:
            server.add_handler(
                _served_path(capture, service),
                lambda _query, body=body: Reply(body=body),
                ignore_case=True,
            )
    for path, pages in paged.items():
        pages.sort(key=lambda c: c.payload["value"][0].get("ID", 0))
        skip: str | None = None
        for page in pages:
            body = server.render_hosts(page.file.read_bytes())
            server.add_handler(
                path,
                lambda _query, body=body: Reply(body=body),
                query={"$skip": skip},
                ignore_case=True,
            )
            link = page.next_link
            skip = parse_qs(urlsplit(link).query)["$skip"][-1] if link else None
    return captures
