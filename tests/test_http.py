"""The shared HTTP layer against a local server: retries, timeouts, limits, conditional requests."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from http_server import ReplayServer, Reply, running_server

from techpact.config import HttpSettings
from techpact.sources.http import (
    FetchError,
    check_resolvable,
    fetch_to_landing,
    get_json,
    make_session,
)
from techpact.sources.landing import LandingZone

FAST = HttpSettings(
    connect_timeout_s=2.0,
    read_timeout_s=0.5,
    max_body_bytes=10_000,
    retries=2,
    backoff_factor_s=0.01,
    backoff_jitter_s=0.01,
    backoff_max_s=0.1,
)


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def _fetch(
    replay: ReplayServer,
    zone: LandingZone,
    path: str = "/file.csv",
    http: HttpSettings = FAST,
    **kwargs,
):
    return fetch_to_landing(
        make_session(http),
        replay.base_url + path,
        zone,
        source="duo",
        dataset="p01hoinges",
        resource="hbo_enrolment_by_sex",
        file_name="file.csv",
        media_type="text/csv",
        http=http,
        **kwargs,
    )


def _landed_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_body_lands_unchanged_with_its_validators_and_a_descriptive_user_agent(
    replay: ReplayServer, tmp_path: Path
) -> None:
    body = b'"STUDIEJAAR"\r\n"2020"\r\n'
    replay.add(
        "/file.csv",
        Reply(
            body=body, headers={"ETag": '"v1"', "Last-Modified": "Sat, 01 Feb 2025 10:00:00 GMT"}
        ),
    )
    outcome = _fetch(replay, LandingZone(tmp_path))
    assert outcome.status == "landed"
    assert outcome.landed is not None
    assert outcome.landed.path.read_bytes() == body
    assert outcome.landed.manifest.http == {
        "etag": '"v1"',
        "last_modified": "Sat, 01 Feb 2025 10:00:00 GMT",
        "status": "200",
    }
    assert outcome.landed.manifest.original_url == replay.base_url + "/file.csv"
    assert replay.requests[0].headers["User-Agent"].startswith("techpact/")


def test_a_second_fetch_sends_the_stored_validators_and_a_304_lands_nothing(
    replay: ReplayServer, tmp_path: Path
) -> None:
    zone = LandingZone(tmp_path)
    replay.add("/file.csv", Reply(body=b"a", headers={"ETag": '"v1"', "Last-Modified": "X"}))
    first = _fetch(replay, zone)
    before = _landed_files(tmp_path)
    replay.add("/file.csv", Reply(status=304, body=b""))
    second = _fetch(replay, zone, previous=first.landed)
    assert second.status == "not_modified"
    assert second.landed == first.landed
    assert replay.requests[1].headers["If-None-Match"] == '"v1"'
    assert replay.requests[1].headers["If-Modified-Since"] == "X"
    assert _landed_files(tmp_path) == before


def test_429_with_retry_after_is_retried_after_the_given_seconds(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.add(
        "/file.csv",
        Reply(status=429, body=b"slow down", headers={"Retry-After": "1"}),
        Reply(body=b"ok"),
    )
    started = time.monotonic()
    outcome = _fetch(replay, LandingZone(tmp_path))
    assert time.monotonic() - started >= 0.9
    assert outcome.status == "landed"
    assert replay.paths() == ["/file.csv", "/file.csv"]


def test_a_retry_after_beyond_the_bound_is_cut_to_the_bound() -> None:
    """A 'come back in an hour' must not hold a scheduled run: it waits at most the bound."""
    from dataclasses import replace
    from types import SimpleNamespace

    session = make_session(replace(FAST, retry_after_max_s=2.5))
    retry = session.get_adapter("http://127.0.0.1/").max_retries
    an_hour = SimpleNamespace(status=429, headers={"Retry-After": "3600"})
    a_second = SimpleNamespace(status=429, headers={"Retry-After": "1"})
    assert retry.get_retry_after(an_hour) == 2.5
    assert retry.get_retry_after(a_second) == 1
    # urllib3 makes a new Retry for every attempt; the bound goes with it.
    assert retry.increment(method="GET", url="/x").get_retry_after(an_hour) == 2.5


def test_503_then_success_is_retried(replay: ReplayServer, tmp_path: Path) -> None:
    replay.add("/file.csv", Reply(status=503), Reply(status=503), Reply(body=b"ok"))
    outcome = _fetch(replay, LandingZone(tmp_path))
    assert outcome.landed is not None
    assert outcome.landed.path.read_bytes() == b"ok"
    assert len(replay.requests) == 3


def test_a_5xx_that_persists_fails_naming_the_url_after_the_retries(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.add("/file.csv", Reply(status=502))
    with pytest.raises(FetchError, match=r"/file\.csv: HTTP 502") as error:
        _fetch(replay, LandingZone(tmp_path))
    assert error.value.status == 502
    assert len(replay.requests) == 1 + FAST.retries
    assert _landed_files(tmp_path) == []


def test_a_404_fails_at_once(replay: ReplayServer, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        _fetch(replay, LandingZone(tmp_path), path="/missing.csv")
    assert len(replay.requests) == 1


def test_a_timeout_is_retried_then_fails_naming_the_url(
    replay: ReplayServer, tmp_path: Path
) -> None:
    replay.add("/file.csv", Reply(body=b"late", delay_s=FAST.read_timeout_s + 0.5))
    with pytest.raises(FetchError, match=r"/file\.csv: timed out|/file\.csv: request failed"):
        _fetch(replay, LandingZone(tmp_path))
    assert len(replay.requests) == 1 + FAST.retries
    assert _landed_files(tmp_path) == []


def test_a_truncated_body_fails_and_lands_nothing(replay: ReplayServer, tmp_path: Path) -> None:
    replay.add("/file.csv", Reply(body=b"x" * 1000, truncate_to=100))
    with pytest.raises(FetchError, match="could not be read completely"):
        _fetch(replay, LandingZone(tmp_path))
    assert _landed_files(tmp_path) == []


def test_a_body_over_the_size_limit_is_refused(replay: ReplayServer, tmp_path: Path) -> None:
    replay.add("/file.csv", Reply(body=b"x" * (FAST.max_body_bytes + 1)))
    with pytest.raises(FetchError, match="over the limit"):
        _fetch(replay, LandingZone(tmp_path))
    assert _landed_files(tmp_path) == []


def test_get_json_refuses_a_body_that_is_not_json(replay: ReplayServer) -> None:
    replay.add("/api", Reply(body=b"<html>maintenance</html>"))
    with pytest.raises(FetchError, match=r"/api: response is not valid JSON"):
        get_json(make_session(FAST), replay.base_url + "/api", http=FAST)


def test_get_json_sends_query_parameters(replay: ReplayServer) -> None:
    replay.add_json("/api", {"value": [1]})
    assert get_json(
        make_session(FAST), replay.base_url + "/api", http=FAST, params={"$format": "json"}
    ) == {"value": [1]}
    assert replay.requests[0].query == {"$format": "json"}


def test_a_trickling_body_is_cut_off_at_the_deadline_and_lands_nothing(
    replay: ReplayServer, tmp_path: Path
) -> None:
    """A byte every 0.2 s never trips the 0.5 s read timeout; the deadline stops it."""
    http = replace(FAST, deadline_s=1.0)
    replay.add("/file.csv", Reply(body=b"x" * 200, trickle_s=0.2))
    with pytest.raises(
        FetchError, match=r"/file\.csv: body still arriving after the deadline"
    ) as e:
        _fetch(replay, LandingZone(tmp_path), http=http)
    assert e.value.kind == "deadline"
    assert _landed_files(tmp_path) == []


def test_a_server_that_hangs_on_every_attempt_gets_no_retry_after_the_deadline(
    replay: ReplayServer, tmp_path: Path
) -> None:
    """Retries that would start after the deadline are not made."""
    http = replace(FAST, retries=20, deadline_s=0.1)
    replay.add("/file.csv", Reply(body=b"late", delay_s=http.read_timeout_s + 0.3))
    with pytest.raises(FetchError) as e:
        _fetch(replay, LandingZone(tmp_path), http=http)
    assert e.value.kind == "deadline"
    assert len(replay.requests) == 2  # the first attempt and one retry, not 21


def test_a_host_that_does_not_resolve_fails_at_once_with_the_offline_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lookups: list[str] = []

    def no_dns(host: str, *args: object, **kwargs: object) -> list[object]:
        lookups.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(FetchError, match=r"cannot resolve host 'opendata\.example'") as e:
        fetch_to_landing(
            make_session(FAST),
            "http://opendata.example/file.csv",
            LandingZone(tmp_path),
            source="duo",
            dataset="p01hoinges",
            resource="hbo_enrolment_by_sex",
            file_name="file.csv",
            media_type="text/csv",
            http=FAST,
        )
    assert e.value.kind == "unreachable"
    assert "--offline" in str(e.value)
    assert lookups == ["opendata.example"]  # not retried
    with pytest.raises(FetchError, match="--offline"):
        check_resolvable("http://opendata.example/api")
