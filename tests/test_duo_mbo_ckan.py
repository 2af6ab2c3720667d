"""Fetching the mbo portal datasets: resources are found by their NAME through package_show.

The mbo download URLs embed the year range (``2021-2025-03-…csv``, next year ``2022-2026-…``)
and change every year, so ``duo_datasets.toml`` names the resource, not the file. The
package_show replies in tests/fixtures/duo/ckan/package_show_*mbo*.json are hand-made in the
shape the portal returns (resource names, ids and positions as published; URLs shortened); the
CSV bodies are the hand-made fixtures tests/fixtures/duo/mbo_*.csv.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES
from http_server import ReplayServer, Reply, running_server
from test_duo_ckan import FAST

from techpact.config import Settings
from techpact.sources.ckan import CkanDataset, DuoDatasets, fetch_duo, load_duo_datasets
from techpact.sources.landing import LandingZone

CKAN = FIXTURES / "duo" / "ckan"
STUDENTS = (FIXTURES / "duo" / "mbo_students_per_institution.csv").read_bytes()
GRADUATES = (FIXTURES / "duo" / "mbo_graduates.csv").read_bytes()
STUDENTS_RESOURCE = (
    "Studenten per instelling plaats van de instelling sectorkamer leerweg opleiding niveau "
    "geslacht"
)


def bundled_mbo_config() -> DuoDatasets:
    """The bundled duo_datasets.toml, mbo datasets only, no legacy files."""
    config = load_duo_datasets()
    return DuoDatasets(
        legacy_base_url=config.legacy_base_url,
        dataset=tuple(d for d in config.dataset if d.resource_names),
    )


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def package(server: ReplayServer, dataset: str) -> dict:
    path = CKAN / f"package_show_{dataset}.json"
    return json.loads(server.render(path.read_bytes()))


def serve(server: ReplayServer, students: dict, graduates: dict) -> None:
    """Both package_show replies, and at every resource URL of them a body: the mbo fixture for
    the resources techpact wants, something unparseable for the others (never downloaded)."""
    for reply in (students, graduates):
        name = reply["result"]["name"]
        server.add(
            "/api/3/action/package_show",
            Reply(body=json.dumps(reply).encode()),
            query={"id": name},
        )
        for resource in reply["result"]["resources"]:
            body = {STUDENTS_RESOURCE: STUDENTS, "Gediplomeerden": GRADUATES}.get(
                resource["name"], b'"X","Y"\r\n"1","2"\r\n'
            )
            path = resource["url"].removeprefix(server.base_url)
            server.add(path, Reply(body=body, content_type="text/csv"))


def fetch(server: ReplayServer, tmp_path: Path, config: DuoDatasets | None = None):
    settings = replace(Settings.from_paths(tmp_path, duo_base_url=server.base_url), http=FAST)
    return fetch_duo(settings, datasets=config or bundled_mbo_config())


def test_only_the_configured_resource_of_each_mbo_dataset_is_downloaded_and_landed(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(
        replay,
        package(replay, "mbo-studenten-per-instelling"),
        package(replay, "gediplomeerde-mbo-studenten"),
    )
    outcomes = fetch(replay, tmp_path)
    assert [(o.dataset, o.status, o.resource) for o in outcomes] == [
        ("mbo-studenten-per-instelling", "landed", "mbo_students_by_qualification"),
        ("gediplomeerde-mbo-studenten", "landed", "mbo_graduates_by_qualification"),
    ]
    downloads = [r.path.rsplit("/", 1)[1] for r in replay.requests_to("/download/")]
    assert downloads == [
        "2021-2025-03-studenten-per-instelling-plaats-van-de-instelling-sectorkamer-leerweg-"
        "opleiding-niveau-geslacht.csv",
        "2020-2024-gediplomeerden.csv",
    ]
    landed = {f.manifest.dataset: f for f in LandingZone(tmp_path / "landing").files("duo")}
    students = landed["mbo-studenten-per-instelling"]
    assert students.path.read_bytes() == STUDENTS
    assert students.manifest.http["ckan_resource_name"] == STUDENTS_RESOURCE
    assert students.manifest.http["ckan_resource_id"] == "0cf33778-666c-4a6d-bd58-0b4d1ddefb61"
    assert landed["gediplomeerde-mbo-studenten"].manifest.resource == (
        "mbo_graduates_by_qualification"
    )


def test_next_years_resource_under_a_new_url_and_id_is_found_by_its_name(
    replay: ReplayServer, tmp_path: Path
) -> None:
    students = package(replay, "mbo-studenten-per-instelling")
    graduates = package(replay, "gediplomeerde-mbo-studenten")
    serve(replay, students, graduates)
    fetch(replay, tmp_path)

    replay.requests.clear()
    again = fetch(replay, tmp_path)
    assert [o.status for o in again] == ["unchanged", "unchanged"]
    assert replay.requests_to("/download/") == []

    # A year later: DUO publishes 2022-2026 under a new resource id and URL, same name.
    resource = students["result"]["resources"][2]
    resource["id"] = "11111111-2222-3333-4444-555555555555"
    resource["url"] = (
        resource["url"]
        .replace("2021-2025-03", "2022-2026-03")
        .replace("0cf33778-666c-4a6d-bd58-0b4d1ddefb61", resource["id"])
    )
    resource["last_modified"] = "2027-02-01T09:00:00.000000"
    next_year = STUDENTS.replace(b"ROC van Twente", b"ROC van Twente 2027")
    resource["hash"] = hashlib.md5(next_year).hexdigest()  # checked against the download
    serve(replay, students, graduates)
    replay.add(resource["url"].removeprefix(replay.base_url), Reply(body=next_year))
    replay.requests.clear()
    outcomes = fetch(replay, tmp_path)

    assert [(o.dataset, o.status) for o in outcomes] == [
        ("mbo-studenten-per-instelling", "landed"),
        ("gediplomeerde-mbo-studenten", "unchanged"),
    ]
    assert [r.path.rsplit("/", 1)[1][:12] for r in replay.requests_to("/download/")] == [
        "2022-2026-03"
    ]
    files = LandingZone(tmp_path / "landing").files("duo", "mbo-studenten-per-instelling")
    assert len(files) == 2


def test_a_configured_resource_name_the_portal_no_longer_lists_is_reported(
    replay: ReplayServer, tmp_path: Path
) -> None:
    students = package(replay, "mbo-studenten-per-instelling")
    students["result"]["resources"][2]["name"] = "Studenten per instelling (nieuwe naam)"
    serve(replay, students, package(replay, "gediplomeerde-mbo-studenten"))
    outcomes = fetch(replay, tmp_path)
    failed = [o for o in outcomes if o.status == "failed"]
    assert [o.dataset for o in failed] == ["mbo-studenten-per-instelling"]
    assert STUDENTS_RESOURCE in (failed[0].message or "")
    assert "lists no resource named" in (failed[0].message or "")
    assert [o.status for o in outcomes if o.dataset == "gediplomeerde-mbo-studenten"] == ["landed"]
    assert replay.requests_to("2021-2025") == []


def test_resource_names_are_compared_ignoring_case_and_repeated_spaces() -> None:
    dataset = CkanDataset(
        id="gediplomeerde-mbo-studenten",
        ckan_id="gediplomeerde-mbo-studenten",
        title="t",
        resource_names=("Gediplomeerden",),
    )
    assert dataset.wants({"name": " gediplomeerden ", "url": "http://x/2030-a.csv"})
    assert not dataset.wants({"name": "Gediplomeerden per jaar", "url": "http://x/a.csv"})


def test_a_dataset_entry_must_select_files_or_resources() -> None:
    with pytest.raises(ValueError, match="file_names or resource_names"):
        CkanDataset(id="x", ckan_id="x", title="t")
