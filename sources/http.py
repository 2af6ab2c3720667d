"""The one HTTP layer every source uses. Only this module imports ``requests`` (a ruff rule).

Public API::

    make_session(http: HttpSettings) -> Session   (``Session`` = ``requests.Session``)
        A session whose adapters retry connection errors, read errors, 429 and 5xx with
        exponential backoff and jitter, honouring ``Retry-After`` (urllib3 ``Retry``), and that
        sends a descriptive User-Agent. Build it once per run and pass it down.

    fetch_to_landing(session, url, zone, *, source, dataset, resource, file_name, media_type,
                     http, params=None, previous=None, note=None) -> FetchOutcome
        GET ``url``, streaming the body to a temporary file (refusing more than
        ``http.max_body_bytes``), then land it unchanged through ``LandingZone`` with the
        response's validators (ETag, Last-Modified) in the manifest's ``http`` dict. With
        ``previous`` (the last landed file of this resource), the request carries
        ``If-None-Match`` / ``If-Modified-Since``; a 304 lands nothing
        (``outcome.status == "not_modified"``).

    fetch_bytes(session, url, *, http, params=None) -> FetchedBody
        GET into memory (bounded by ``max_body_bytes``), for callers that must inspect a body
        before landing it (e.g. a data page that has to be valid JSON).

    get_json(session, url, *, http, params=None) -> Any
        GET and decode JSON; a body that is not JSON is a ``FetchError``
        (``decode_json(body)`` does the same for a ``FetchedBody``).

    land_fetched(body, zone, *, source, dataset, resource, file_name, media_type, note=None)
        Land a ``FetchedBody`` unchanged, its validators in the manifest.

Every call has (connect, read) timeouts and a deadline (``http.deadline_s``): retries stop, and a
body still arriving is cut off, once it has passed (a server that trickles a byte every few
seconds never trips a read timeout). A host name that does not resolve is not retried: it fails
at once as ``kind="unreachable"`` (no network: build offline instead). Every failure is a
``FetchError`` naming the URL: an HTTP error status (after retries), a timeout, a connection
error, a truncated body, a body over the size limit, the deadline. Nothing half-written ever
reaches the landing zone: the body is complete and hashed before ``LandingZone.land_bytes``
writes it (atomically, file before manifest).
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import MaxRetryError, NameResolutionError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from techpact.config import HttpSettings
from techpact.sources.landing import LandedFile, LandingZone

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# The session type, for callers that may not import requests themselves (ruff TID251).
Session = requests.Session
_CHUNK = 64 * 1024


FetchErrorKind = Literal["status", "timeout", "deadline", "unreachable", "connection", "body"]

OFFLINE_HINT = "no network? `techpact run --offline` builds from the landing zone without fetching"


class FetchError(RuntimeError):
    """A request failed for good; the message names the URL (and status, if there was one).

    ``kind`` says what failed, so a caller can tell whether trying again later may help:
    ``status`` (an HTTP error status, in ``status``), ``timeout`` (after the retries),
    ``deadline`` (``http.deadline_s`` passed), ``unreachable`` (the host name does not resolve),
    ``connection`` (refused or reset, after the retries), ``body`` (cut short, over the limit,
    not the expected content).
    """

    def __init__(
        self,
        url: str,
        message: str,
        *,
        status: int | None = None,
        kind: FetchErrorKind | None = None,
    ) -> None:
        self.url = url
        self.status = status
        self.kind: FetchErrorKind = kind or ("status" if status is not None else "body")
        super().__init__(f"{url}: {message}")


@dataclass(frozen=True)
class FetchedBody:
    """A complete response body held in memory, with its validators."""

    url: str
    data: bytes
    validators: dict[str, str]


@dataclass(frozen=True)
class FetchOutcome:
    """What ``fetch_to_landing`` did: ``landed`` (new file), ``already_landed`` (same sha256
    as a landed file) or ``not_modified`` (304: nothing landed, ``landed`` is ``previous``)."""

    url: str
    status: Literal["landed", "already_landed", "not_modified"]
    landed: LandedFile | None


class BoundedRetry(Retry):
    """urllib3's Retry, bounded three ways: a server's Retry-After is honoured only up to
    ``retry_after_max_s``; no retry starts after ``deadline_s`` since the first failure; a host
    name that does not resolve is not retried (no network does not heal in seconds).

    urllib3 copies a Retry with ``type(self)(...)`` on every attempt, so the bounds live on a
    subclass made per session (``bounded``) and the first failure's time travels through
    ``new``.
    """

    retry_after_max_s: float = 300.0
    deadline_s: float = 180.0

    def __init__(self, *args: Any, first_failure_at: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_failure_at = first_failure_at

    @classmethod
    def bounded(cls, retry_after_max_s: float, deadline_s: float) -> type[BoundedRetry]:
        bounds = {"retry_after_max_s": retry_after_max_s, "deadline_s": deadline_s}
        return type(cls.__name__, (cls,), bounds)

    def new(self, **kw: Any) -> BoundedRetry:
        kw.setdefault("first_failure_at", self.first_failure_at or time.monotonic())
        return super().new(**kw)  # type: ignore[return-value]

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, **kw):  # type: ignore[no-untyped-def, override]
        if isinstance(error, NameResolutionError):
            raise MaxRetryError(_pool, url or "", error) from error  # type: ignore[arg-type]
        retry = super().increment(method, url, response, error, _pool, **kw)
        if time.monotonic() - (retry.first_failure_at or time.monotonic()) > self.deadline_s:
            raise MaxRetryError(_pool, url or "", DeadlinePassed(self.deadline_s)) from error  # type: ignore[arg-type]
        return retry

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.retry_after_max_s)


class DeadlinePassed(Urllib3Error):
    def __init__(self, deadline_s: float) -> None:
        super().__init__(f"no retry after the deadline of {deadline_s:g} s")


def make_session(http: HttpSettings) -> requests.Session:
    """A session with timeouts' companions: retries with backoff, jitter and a bounded
    Retry-After."""
    retry = BoundedRetry.bounded(http.retry_after_max_s, http.deadline_s)(
        total=http.retries,
        connect=http.retries,
        read=http.retries,
        status=http.retries,
        other=0,
        backoff_factor=http.backoff_factor_s,
        backoff_jitter=http.backoff_jitter_s,
        backoff_max=http.backoff_max_s,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = http.user_agent
    return session


def conditional_headers(previous: LandedFile | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators a previous fetch stored."""
    if previous is None:
        return {}
    stored = previous.manifest.http
    headers = {}
    if stored.get("etag"):
        headers["If-None-Match"] = stored["etag"]
    if stored.get("last_modified"):
        headers["If-Modified-Since"] = stored["last_modified"]
    return headers


def _validators(response: requests.Response) -> dict[str, str]:
    found = {
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
    }
    return {name: value for name, value in found.items() if value}


def _open(
    session: requests.Session,
    url: str,
    http: HttpSettings,
    params: dict[str, str] | None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    try:
        response = session.get(
            url,
            params=params,
            headers=headers,
            stream=True,
            timeout=(http.connect_timeout_s, http.read_timeout_s),
        )
    except requests.exceptions.RequestException as exc:
        raise _request_failure(url, exc, http) from exc
    if response.status_code >= 400:
        response.close()
        raise FetchError(
            response.url,
            f"HTTP {response.status_code} {response.reason}",
            status=response.status_code,
        )
    return response


def _request_failure(
    url: str, exc: requests.exceptions.RequestException, http: HttpSettings
) -> FetchError:
    """The ``FetchError`` for a request that got no usable response."""
    if _caused_by(exc, NameResolutionError):
        host = urlsplit(url).hostname
        return FetchError(url, f"cannot resolve host {host!r} ({OFFLINE_HINT})", kind="unreachable")
    if _caused_by(exc, DeadlinePassed):
        return FetchError(
            url, f"no answer within the deadline of {http.deadline_s:g} s", kind="deadline"
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return FetchError(url, f"timed out after {http.retries} retries ({exc})", kind="timeout")
    if isinstance(exc, requests.exceptions.RetryError):
        return FetchError(url, f"gave up after {http.retries} retries ({exc})", kind="connection")
    return FetchError(
        url, f"request failed after {http.retries} retries ({exc})", kind="connection"
    )


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``kind`` is anywhere in ``exc``'s chain or in a MaxRetryError's reason."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        reason = getattr(seen, "reason", None)
        if isinstance(reason, kind):
            return True
        args = [a for a in getattr(seen, "args", ()) if isinstance(a, BaseException)]
        seen = seen.__cause__ or seen.__context__ or (args[0] if args else None)
    return False


def check_resolvable(url: str) -> None:
    """Fail at once, with the ``--offline`` hint, when ``url``'s host name does not resolve.

    Called once before a fetch of many URLs, so that a machine without network fails in a
    second instead of timing out on every table.
    """
    host = urlsplit(url).hostname
    if not host:
        raise FetchError(url, "not a URL with a host name", kind="unreachable")
    try:
        socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            url, f"cannot resolve host {host!r}: {exc} ({OFFLINE_HINT})", kind="unreachable"
        ) from exc


def _stream_body(
    response: requests.Response, http: HttpSettings, started: float
) -> tuple[Path, str, int]:
    """Stream the body to a temporary file; returns its path, sha256 and size.

    Reads whatever has arrived (``read1``), so that the deadline is checked however slowly
    the bytes come.
    """
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > http.max_body_bytes:
        response.close()
        raise FetchError(
            response.url, f"body of {declared} bytes is over the limit of {http.max_body_bytes}"
        )
    digest = hashlib.sha256()
    size = 0
    handle = tempfile.NamedTemporaryFile(prefix="techpact-fetch-", delete=False)  # noqa: SIM115
    path = Path(handle.name)
    try:
        with handle, response:
            while chunk := response.raw.read1(_CHUNK, decode_content=True):
                if time.monotonic() - started > http.deadline_s:
                    raise FetchError(
                        response.url,
                        f"body still arriving after the deadline of {http.deadline_s:g} s "
                        f"({size + len(chunk)} bytes so far)",
                        kind="deadline",
                    )
                size += len(chunk)
                if size > http.max_body_bytes:
                    raise FetchError(
                        response.url, f"body is over the limit of {http.max_body_bytes} bytes"
                    )
                digest.update(chunk)
                handle.write(chunk)
    except (requests.exceptions.RequestException, Urllib3Error, OSError) as exc:
        path.unlink(missing_ok=True)
        raise FetchError(response.url, f"body could not be read completely ({exc})") from exc
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size


def fetch_bytes(
    session: requests.Session,
    url: str,
    *,
    http: HttpSettings,
    params: dict[str, str] | None = None,
) -> FetchedBody:
    """GET a complete body into memory (bounded by ``http.max_body_bytes``)."""
    started = time.monotonic()
    response = _open(session, url, http, params)
    final_url = response.url
    validators = _validators(response)
    path, _, _ = _stream_body(response, http, started)
    try:
        data = path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
    return FetchedBody(url=final_url, data=data, validators=validators)


def decode_json(body: FetchedBody) -> Any:
    """The body as JSON, or a ``FetchError`` naming the URL."""
    try:
        return json.loads(body.data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(body.url, f"response is not valid JSON ({exc})") from exc


def get_json(
    session: requests.Session,
    url: str,
    *,
    http: HttpSettings,
    params: dict[str, str] | None = None,
) -> Any:
    """GET and decode JSON."""
    return decode_json(fetch_bytes(session, url, http=http, params=params))


def fetch_to_landing(
    session: requests.Session,
    url: str,
    zone: LandingZone,
    *,
    source: str,
    dataset: str,
    resource: str,
    file_name: str,
    media_type: str,
    http: HttpSettings,
    params: dict[str, str] | None = None,
    previous: LandedFile | None = None,
    note: str | None = None,
) -> FetchOutcome:
    """Stream ``url`` into the landing zone (see the module docstring)."""
    started = time.monotonic()
    response = _open(session, url, http, params, conditional_headers(previous))
    final_url = response.url
    if response.status_code == 304:
        response.close()
        log.info("Not modified since the last fetch: %s", final_url)
        return FetchOutcome(url=final_url, status="not_modified", landed=previous)
    validators = {**_validators(response), "status": str(response.status_code)}
    path, _, size = _stream_body(response, http, started)
    try:
        landed, is_new = zone.land_bytes(
            path.read_bytes(),
            source=source,
            dataset=dataset,
            resource=resource,
            file_name=file_name,
            media_type=media_type,
            original_url=final_url,
            note=note,
            http=validators,
        )
    finally:
        path.unlink(missing_ok=True)
    log.info("%s %s (%d bytes) from %s", "Landed" if is_new else "Unchanged", file_name, size, url)
    return FetchOutcome(
        url=final_url, status="landed" if is_new else "already_landed", landed=landed
    )


def land_fetched(
    body: FetchedBody,
    zone: LandingZone,
    *,
    source: str,
    dataset: str,
    resource: str,
    file_name: str,
    media_type: str,
    note: str | None = None,
) -> LandedFile:
    """Land a body already fetched (and checked) with ``fetch_bytes``."""
    landed, _ = zone.land_bytes(
        body.data,
        source=source,
        dataset=dataset,
        resource=resource,
        file_name=file_name,
        media_type=media_type,
        original_url=body.url,
        note=note,
        http={**body.validators, "status": "200"},
    )
    return landed
