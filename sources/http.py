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

Every call has (connect, read) timeouts. Every failure is a ``FetchError`` naming the URL: an
HTTP error status (after retries), a timeout, a connection error, a truncated body, a body over
the size limit. Nothing half-written ever reaches the landing zone: the body is complete and
hashed before ``LandingZone.land_bytes`` writes it (atomically, file before manifest).
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import requests
from requests.adapters import HTTPAdapter
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from techpact.config import HttpSettings
from techpact.sources.landing import LandedFile, LandingZone

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# The session type, for callers that may not import requests themselves (ruff TID251).
Session = requests.Session
_CHUNK = 64 * 1024


class FetchError(RuntimeError):
    """A request failed for good; the message names the URL (and status, if there was one)."""

    def __init__(self, url: str, message: str, *, status: int | None = None) -> None:
        self.url = url
        self.status = status
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
    """urllib3's Retry, but a server's Retry-After is honoured only up to ``retry_after_max_s``.

    urllib3 copies a Retry with ``type(self)(...)`` on every attempt, so the bound lives on a
    subclass made per session (``bounded``), not on the instance.
    """

    retry_after_max_s: float = 300.0

    @classmethod
    def bounded(cls, retry_after_max_s: float) -> type[BoundedRetry]:
        return type(cls.__name__, (cls,), {"retry_after_max_s": retry_after_max_s})

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.retry_after_max_s)


def make_session(http: HttpSettings) -> requests.Session:
    """A session with timeouts' companions: retries with backoff, jitter and a bounded
    Retry-After."""
    retry = BoundedRetry.bounded(http.retry_after_max_s)(
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
    except requests.exceptions.RetryError as exc:
        raise FetchError(url, f"gave up after {http.retries} retries ({exc})") from exc
    except requests.exceptions.Timeout as exc:
        raise FetchError(url, f"timed out after {http.retries} retries ({exc})") from exc
    except requests.exceptions.RequestException as exc:
        raise FetchError(url, f"request failed after {http.retries} retries ({exc})") from exc
    if response.status_code >= 400:
        response.close()
        raise FetchError(
            response.url,
            f"HTTP {response.status_code} {response.reason}",
            status=response.status_code,
        )
    return response


def _stream_body(response: requests.Response, http: HttpSettings) -> tuple[Path, str, int]:
    """Stream the body to a temporary file; returns its path, sha256 and size."""
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
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > http.max_body_bytes:
                    raise FetchError(
                        response.url, f"body is over the limit of {http.max_body_bytes} bytes"
                    )
                digest.update(chunk)
                handle.write(chunk)
    except requests.exceptions.RequestException as exc:
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
    response = _open(session, url, http, params)
    final_url = response.url
    validators = _validators(response)
    path, _, _ = _stream_body(response, http)
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
    response = _open(session, url, http, params, conditional_headers(previous))
    final_url = response.url
    if response.status_code == 304:
        response.close()
        log.info("Not modified since the last fetch: %s", final_url)
        return FetchOutcome(url=final_url, status="not_modified", landed=previous)
    validators = {**_validators(response), "status": str(response.status_code)}
    path, _, size = _stream_body(response, http)
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
