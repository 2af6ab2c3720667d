"""Before `techpact run` starts Prefect it asks the sources whether anything changed: metadata
only, several at once; a change or a failure means "let the run fetch"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from http_server import ReplayServer, Reply, running_server, serve_sample_cbs
from test_duo_ckan import CONFIG, FAST, package, serve

from techpact.config import Settings
from techpact.sources.cbs import fetch_table
from techpact.sources.cbs_tables import load_cbs_tables
from techpact.sources.ckan import fetch_duo, plan_duo
from techpact.sources.http import make_session
from techpact.sources.landing import LandingZone
from techpact.sources.upstream import check_upstream


@pytest.fixture
def cbs(tmp_path: Path) -> Iterator[ReplayServer]:
    for server in running_server():
        serve_sample_cbs(server, tmp_path / "recorded")
        yield server


def settings_for(server: ReplayServer, tmp_path: Path) -> Settings:
    return replace(Settings.from_paths(tmp_path, cbs_base_url=server.base_url), http=FAST)


def fetch_every_table(settings: Settings) -> None:
    tables = load_cbs_tables()
    for spec in tables.table:  # the region table is the first one configured
        fetch_table(
            make_session(settings.http),
            spec,
            LandingZone(settings.landing_dir),
            base_url=settings.cbs_base_url,
            http=settings.http,
            tables=tables,
        )


def test_tables_never_landed_are_changes(cbs: ReplayServer, tmp_path: Path) -> None:
    upstream = check_upstream(settings_for(cbs, tmp_path), ["cbs"])

    assert not upstream.unchanged
    assert len(upstream.changed) == len(load_cbs_tables().table)


def test_landed_tables_with_the_same_modified_are_unchanged_after_one_request_each(
    cbs: ReplayServer, tmp_path: Path
) -> None:
    settings = settings_for(cbs, tmp_path)
    fetch_every_table(settings)
    cbs.requests.clear()

    upstream = check_upstream(settings, ["cbs"])

    assert upstream.unchanged, upstream.changed
    assert upstream.describe() == f"{len(load_cbs_tables().table)} CBS tables"
    assert {r.path.rsplit("/", 1)[1] for r in cbs.requests} == {"TableInfos"}
    assert len(cbs.requests) == len(load_cbs_tables().table)


def test_a_new_modified_is_a_change_naming_the_table(cbs: ReplayServer, tmp_path: Path) -> None:
    settings = settings_for(cbs, tmp_path)
    fetch_every_table(settings)
    table = load_cbs_tables().data_tables[0].id
    infos = json.loads(cbs.render((tmp_path / "recorded" / table / "TableInfos.json").read_bytes()))
    infos["value"][0]["Modified"] = "2099-01-01T00:00"
    cbs.add_json(f"/ODataApi/odata/{table}/TableInfos", infos)

    upstream = check_upstream(settings, ["cbs"])

    assert not upstream.unchanged
    assert upstream.changed == (f"CBS table {table}: Modified 2099-01-01T00:00",)


def test_a_source_that_cannot_be_reached_means_let_the_run_fetch(tmp_path: Path) -> None:
    settings = replace(Settings.from_paths(tmp_path, cbs_base_url="http://127.0.0.1:9"), http=FAST)

    upstream = check_upstream(settings, ["cbs"])

    assert not upstream.unchanged
    assert upstream.changed[0].startswith("cbs: could not tell")


def test_a_duo_plan_after_a_fetch_downloads_nothing(tmp_path: Path) -> None:
    for server in running_server():
        serve(server, package(server))
        settings = replace(Settings.from_paths(tmp_path, duo_base_url=server.base_url), http=FAST)
        legacy = f"{server.base_url}/legacy"
        fetch_duo(settings, datasets=CONFIG, legacy_base_url=legacy)
        server.requests.clear()

        planned, missing = plan_duo(settings, datasets=CONFIG, legacy_base_url=legacy)

        assert missing == []
        assert planned and all(file.unchanged for file in planned)
        assert [r.path for r in server.requests] == ["/api/3/action/package_show"]


def test_a_failing_source_is_asked_once_without_retries(tmp_path: Path) -> None:
    for server in running_server():
        server.add("/ODataApi/odata/85755NED/TableInfos", Reply(status=503))
        settings = Settings.from_paths(tmp_path, cbs_base_url=server.base_url)  # 5 retries

        upstream = check_upstream(settings, ["cbs"])

        assert not upstream.unchanged
        assert "could not tell" in upstream.changed[0]
        assert len(server.requests_to("85755NED/TableInfos")) == 1


def test_an_answer_of_an_unexpected_shape_means_let_the_run_fetch(tmp_path: Path) -> None:
    for server in running_server():
        server.add_json("/api/3/action/package_show", {"success": True, "result": None})
        settings = replace(Settings.from_paths(tmp_path, duo_base_url=server.base_url), http=FAST)

        upstream = check_upstream(settings, ["duo"])

        assert not upstream.unchanged
        assert upstream.changed[0].startswith("duo: could not tell")
