"""Nothing half-downloaded sticks: a DUO download is checked against the portal's listing.

CKAN lists a resource's ``size`` and ``hash``. A download cut at a line boundary (with an
honest Content-Length, so the HTTP layer cannot tell) or one whose bytes changed mid-way
parses fine; only the listing reveals it. Such a download is refused and nothing lands; a copy
landed cut short before this check is fetched again rather than called "unchanged"; and
``force`` downloads even what looks unchanged. A file name the landing zone cannot hold is
made safe instead of crashing the fetch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from http_server import ReplayServer, Reply, running_server
from test_duo_ckan import BY_SEX, BY_SEX_PATH, FAST, package

from techpact.config import Settings
from techpact.sources.ckan import (
    CkanDataset,
    DuoDatasets,
    ckan_mismatch,
    fetch_duo,
    url_file_name,
)
from techpact.sources.landing import LandingZone

CUT = BY_SEX[: BY_SEX.index(b"\r\n", len(BY_SEX) // 2) + 2]  # whole lines only
BY_SEX_ONLY = DuoDatasets(
    legacy_base_url="http://127.0.0.1:9/unused",
    dataset=(
        CkanDataset(
            id="p01hoinges",
            ckan_id="p01hoinges",
            title="test",
            file_names=("ingeschrevenengeslhbo.csv",),
        ),
    ),
)


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def listing(server: ReplayServer, **fields: object) -> dict:
    """package_show whose by-sex resource has ``fields`` (e.g. size, hash)."""
    reply = package(server)
    [by_sex] = [r for r in reply["result"]["resources"] if r["url"].endswith(BY_SEX_PATH)]
    by_sex.update(fields)
    return reply


def serve(server: ReplayServer, reply: dict, body: bytes) -> None:
    server.add(
        "/api/3/action/package_show",
        Reply(body=json.dumps(reply).encode()),
        query={"id": "p01hoinges"},
    )
    server.add(BY_SEX_PATH, Reply(body=body, content_type="text/csv"))


def fetch(server: ReplayServer, tmp_path: Path, *, force: bool = False, config=BY_SEX_ONLY):
    settings = replace(Settings.from_paths(tmp_path, duo_base_url=server.base_url), http=FAST)
    return fetch_duo(settings, datasets=config, force=force)


def landed(tmp_path: Path) -> list[bytes]:
    return [f.path.read_bytes() for f in LandingZone(tmp_path / "landing").files()]


def test_a_download_cut_at_a_line_boundary_is_refused_by_the_listed_size(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay, listing(replay, size=len(BY_SEX)), CUT)

    [outcome] = fetch(replay, tmp_path)

    assert outcome.status == "failed"
    assert outcome.message
    assert f"{len(CUT)} bytes downloaded, the portal lists {len(BY_SEX)} bytes" in outcome.message
    assert outcome.retryable
    assert landed(tmp_path) == []


def test_a_download_whose_bytes_changed_is_refused_by_the_listed_hash(
    replay: ReplayServer, tmp_path: Path
) -> None:
    changed = BY_SEX.replace(b"MAN", b"VROUW", 1)
    digest = hashlib.sha256(BY_SEX).hexdigest()
    serve(replay, listing(replay, hash=f"sha256:{digest}"), changed)

    [outcome] = fetch(replay, tmp_path)

    assert outcome.status == "failed"
    assert outcome.message and f"the portal lists {digest}" in outcome.message
    assert landed(tmp_path) == []


def test_a_download_that_matches_the_listing_lands(replay: ReplayServer, tmp_path: Path) -> None:
    md5 = hashlib.md5(BY_SEX).hexdigest()  # bare hex, told by its length
    serve(replay, listing(replay, size=len(BY_SEX), hash=md5), BY_SEX)

    [outcome] = fetch(replay, tmp_path)

    assert outcome.status == "landed"
    assert landed(tmp_path) == [BY_SEX]


def test_a_copy_landed_cut_short_is_fetched_again_not_called_unchanged(
    replay: ReplayServer, tmp_path: Path
) -> None:
    """Before the listing was checked, a cut copy landed; the same metadata must not keep it."""
    serve(replay, listing(replay), CUT)  # no size listed: the cut copy lands
    assert fetch(replay, tmp_path)[0].status == "landed"

    serve(replay, listing(replay, size=len(BY_SEX)), BY_SEX)
    [outcome] = fetch(replay, tmp_path)

    assert outcome.status == "landed"
    assert sorted(landed(tmp_path), key=len) == [CUT, BY_SEX]


def test_force_downloads_a_resource_whose_metadata_is_unchanged(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay, listing(replay), BY_SEX)
    fetch(replay, tmp_path)
    assert fetch(replay, tmp_path)[0].status == "unchanged"
    downloads = len(replay.requests_to(BY_SEX_PATH))

    [outcome] = fetch(replay, tmp_path, force=True)

    assert outcome.status == "already_landed"  # downloaded, same bytes
    assert len(replay.requests_to(BY_SEX_PATH)) == downloads + 1


@pytest.mark.parametrize(
    ("url", "landed_as"),
    [
        ("https://x/download/2021-2025%20gediplomeerden.csv", "2021-2025_gediplomeerden.csv"),
        ("https://x/download/studenten%20(mbo)%202024.csv", "studenten_mbo_2024.csv"),
        ("https://x/download/..%2F..%2Fetc%2Fpasswd", "etc_passwd"),
        ("https://x/download/%20", "download"),
    ],
)
def test_an_unusual_file_name_lands_under_a_safe_name(url: str, landed_as: str) -> None:
    assert url_file_name(url) == landed_as


def test_a_resource_with_a_percent_encoded_name_is_fetched_and_landed(
    replay: ReplayServer, tmp_path: Path
) -> None:
    odd_path = "/dataset/978f900e/resource/c454d7e1/download/2021-2025%20ingeschreven.csv"
    reply = package(replay)
    [by_sex] = [r for r in reply["result"]["resources"] if r["url"].endswith(BY_SEX_PATH)]
    by_sex["url"] = replay.base_url + odd_path
    serve(replay, reply, BY_SEX)
    replay.add(odd_path, Reply(body=BY_SEX, content_type="text/csv"))
    config = DuoDatasets(
        legacy_base_url="http://127.0.0.1:9/unused",
        dataset=(
            CkanDataset(
                id="p01hoinges",
                ckan_id="p01hoinges",
                title="test",
                resource_names=(by_sex["name"],),
            ),
        ),
    )

    [outcome] = fetch(replay, tmp_path, config=config)

    assert (outcome.status, outcome.file_name) == ("landed", "2021-2025_ingeschreven.csv")


def test_a_listing_without_size_or_hash_checks_nothing() -> None:
    assert ckan_mismatch(b"abc", {"size": None, "hash": ""}) is None
    assert ckan_mismatch(b"abc", {"size": 3, "hash": "crc32:1234"}) is None
