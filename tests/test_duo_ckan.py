"""Fetching DUO through CKAN `package_show` and legacy URLs, against a local replay server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES
from http_server import ReplayServer, Reply, running_server

from techpact.config import HttpSettings, Settings
from techpact.sources.ckan import CkanDataset, DuoDatasets, LegacyFile, fetch_duo, load_duo_datasets
from techpact.sources.landing import LandingZone

FAST = HttpSettings(
    connect_timeout_s=2.0,
    read_timeout_s=2.0,
    max_body_bytes=1_000_000,
    retries=1,
    backoff_factor_s=0.01,
    backoff_jitter_s=0.01,
    backoff_max_s=0.1,
)
PACKAGE = FIXTURES / "duo" / "ckan" / "package_show_p01hoinges.json"
BY_SEX = (FIXTURES / "duo" / "enrolment_by_sex.csv").read_bytes()
BY_PROGRAMME_PATH = "/dataset/978f900e/resource/7761bd6a/download/ingeschrevenenhbo.csv"
BY_SEX_PATH = "/dataset/978f900e/resource/c454d7e1/download/ingeschrevenengeslhbo.csv"
LEGACY_PATH = "/legacy/03b-eerstejaars-ingeschrevenen-hbo-domein-hbo-2019.csv"
CONFIG = DuoDatasets(
    legacy_base_url="http://127.0.0.1:9/unused",
    dataset=(
        CkanDataset(
            id="p01hoinges",
            ckan_id="p01hoinges",
            title="test",
            file_names=("ingeschrevenengeslhbo.csv", "ingeschrevenenhbo.csv"),
        ),
    ),
    legacy=(LegacyFile(dataset="p02ho1ejrs", file_name=LEGACY_PATH.rsplit("/", 1)[1]),),
)


def by_programme(count: int) -> bytes:
    header = (
        '"STUDIEJAAR","PROVINCIENAAM","GEMEENTENUMMER","GEMEENTENAAM","SOORT_INSTELLING",'
        '"TYPE_HOGER_ONDERWIJS","INSTELLINGSCODE_ACTUEEL","INSTELLINGSNAAM_ACTUEEL","ONDERDEEL",'
        '"SUBONDERDEEL","OPLEIDINGSCODE_ACTUEEL","OPLEIDINGSNAAM_ACTUEEL","AANTAL_INGESCHREVENEN"'
    )
    row = (
        '"2023","Overijssel","0153","Enschede","reguliere inst.","bachelor","23AH",'
        f'"Saxion Hogeschool","TECHNIEK","n.v.t.","34267","B Elektrotechniek",{count}'
    )
    return f"{header}\r\n{row}\r\n".encode()


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def serve(server: ReplayServer, package: dict, programme_count: int = 120) -> None:
    server.add(
        "/api/3/action/package_show",
        Reply(body=json.dumps(package).encode()),
        query={"id": "p01hoinges"},
    )
    server.add(BY_SEX_PATH, Reply(body=BY_SEX, content_type="text/csv"))
    server.add(
        BY_PROGRAMME_PATH, Reply(body=by_programme(programme_count), content_type="text/csv")
    )
    legacy = (FIXTURES / "duo" / "legacy_ho_students.csv").read_bytes()
    server.add(LEGACY_PATH, Reply(body=legacy, content_type="text/csv"))


def package(server: ReplayServer) -> dict:
    return json.loads(server.render(PACKAGE.read_bytes()))


def fetch(server: ReplayServer, tmp_path: Path):
    settings = replace(Settings.from_paths(tmp_path, duo_base_url=server.base_url), http=FAST)
    steps: list[str] = []
    outcomes = fetch_duo(
        settings,
        datasets=CONFIG,
        legacy_base_url=f"{server.base_url}/legacy",
        progress=steps.append,
    )
    return outcomes, steps


def test_first_fetch_downloads_every_configured_resource_and_lands_it_parsed(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay, package(replay))
    outcomes, steps = fetch(replay, tmp_path)
    assert [(o.file_name, o.status, o.resource) for o in outcomes] == [
        ("ingeschrevenengeslhbo.csv", "landed", "hbo_enrolment_by_sex"),
        ("ingeschrevenenhbo.csv", "landed", "hbo_enrolment_by_programme"),
        (LEGACY_PATH.rsplit("/", 1)[1], "landed", "hbo_inflow_by_programme"),
    ]
    assert not replay.requests_to("toelichting.pdf")
    assert replay.requests_to("package_show")[0].query == {"id": "p01hoinges"}
    landed = {f.manifest.file_name: f for f in LandingZone(tmp_path / "landing").files()}
    by_sex = landed["ingeschrevenengeslhbo.csv"]
    assert by_sex.path.read_bytes() == BY_SEX
    assert by_sex.manifest.http["ckan_resource_id"] == "c454d7e1-b9b1-4460-b9ff-55938c85788e"
    assert by_sex.manifest.http["ckan_last_modified"] == "2026-01-15T09:12:44.123456"
    assert by_sex.manifest.original_url.endswith(BY_SEX_PATH)
    assert any("package_show" in s for s in steps)


def test_an_unchanged_resource_is_not_downloaded_and_a_changed_one_is(
    replay: ReplayServer, tmp_path: Path
) -> None:
    reply = package(replay)
    serve(replay, reply)
    fetch(replay, tmp_path)
    downloads_before = len(replay.requests_to("/download/"))
    legacy_before = len(replay.requests_to("/legacy/"))

    reply["result"]["resources"][1]["last_modified"] = "2026-02-01T08:00:00"
    serve(replay, reply, programme_count=130)
    outcomes, _ = fetch(replay, tmp_path)

    assert [(o.file_name, o.status) for o in outcomes] == [
        ("ingeschrevenengeslhbo.csv", "unchanged"),
        ("ingeschrevenenhbo.csv", "landed"),
        (LEGACY_PATH.rsplit("/", 1)[1], "unchanged"),
    ]
    new_downloads = replay.requests_to("/download/")[downloads_before:]
    assert [r.path for r in new_downloads] == [BY_PROGRAMME_PATH]
    assert len(replay.requests_to("/legacy/")) == legacy_before
    files = [
        f
        for f in LandingZone(tmp_path / "landing").files()
        if "ingeschrevenenhbo" in f.manifest.file_name
    ]
    assert len(files) == 2


def test_a_file_that_does_not_parse_is_reported_and_not_landed(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve(replay, package(replay))
    replay.add(
        BY_SEX_PATH, Reply(body=b'"STUDIEJAAR","X"\r\n"2020","1"\r\n', content_type="text/csv")
    )
    outcomes, _ = fetch(replay, tmp_path)
    failed = [o for o in outcomes if o.status == "failed"]
    assert [o.file_name for o in failed] == ["ingeschrevenengeslhbo.csv"]
    assert "ingeschrevenengeslhbo.csv, line 1" in (failed[0].message or "")
    names = {f.manifest.file_name for f in LandingZone(tmp_path / "landing").files()}
    assert "ingeschrevenengeslhbo.csv" not in names


def test_a_download_error_is_reported_per_resource(replay: ReplayServer, tmp_path: Path) -> None:
    serve(replay, package(replay))
    replay.add(BY_PROGRAMME_PATH, Reply(status=404, body=b"not found"))
    outcomes, _ = fetch(replay, tmp_path)
    statuses = {o.file_name: o.status for o in outcomes}
    assert statuses["ingeschrevenenhbo.csv"] == "failed"
    assert statuses["ingeschrevenengeslhbo.csv"] == "landed"


def test_the_bundled_dataset_config_is_valid() -> None:
    config = load_duo_datasets()
    assert {d.id for d in config.dataset} == {
        "p01hoinges",
        "p02ho1ejrs",
        "p04hogdipl",
        "mbo-studenten-per-instelling",
        "gediplomeerde-mbo-studenten",
    }
    assert all(item.file_name.endswith(".csv") for item in config.legacy)
    mbo = [d for d in config.dataset if d.id.startswith(("mbo", "gediplomeerde-mbo"))]
    assert all(d.resource_names and not d.file_names for d in mbo)
