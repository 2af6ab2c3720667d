"""The ingest flows retry a failed fetch only when a retry can heal it."""

from __future__ import annotations

import pytest

from techpact.flows.ingest import may_heal
from techpact.sources.cbs import CbsFetchError
from techpact.sources.errors import SourceFormatError
from techpact.sources.http import FetchError


def wrapped(cause: BaseException) -> CbsFetchError:
    """A CBS fetch error raised from ``cause``, as sources.cbs raises them."""
    try:
        raise CbsFetchError("85701NED", "http://x/", str(cause)) from cause
    except CbsFetchError as exc:
        return exc


@pytest.mark.parametrize(
    ("failure", "retried"),
    [
        (FetchError("http://x/", "HTTP 404 Not Found", status=404), False),
        (FetchError("http://x/", "HTTP 403 Forbidden", status=403), False),
        (FetchError("http://x/", "HTTP 503 Service Unavailable", status=503), True),
        (FetchError("http://x/", "HTTP 429 Too Many Requests", status=429), True),
        (FetchError("http://x/", "read timed out"), True),
        (SourceFormatError("TypedDataSet.json", "not JSON"), False),
        (ConnectionResetError("reset by peer"), True),
    ],
    ids=["404", "403", "503", "429", "timeout", "does-not-parse", "connection-reset"],
)
def test_a_fetch_is_retried_only_when_a_retry_can_help(
    failure: BaseException, retried: bool
) -> None:
    assert may_heal(failure) is retried
    assert may_heal(wrapped(failure)) is retried
