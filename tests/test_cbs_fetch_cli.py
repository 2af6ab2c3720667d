"""`techpact fetch --source cbs` against a local CBS stand-in (TECHPACT_CBS_BASE_URL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES
from http_server import ReplayServer, running_server, serve_cbs_table
from typer.testing import CliRunner

from techpact.cli import app

runner = CliRunner()
TABLE_DIR = FIXTURES / "cbs" / "85701NED"


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def fetch(replay: ReplayServer, data_dir: Path, *args: str):
    return runner.invoke(
        app,
        ["fetch", "--source", "cbs", "--data-dir", str(data_dir), *args],
        env={"TECHPACT_CBS_BASE_URL": replay.base_url},
    )


def test_fetch_lands_the_table_with_manifests_and_a_rerun_downloads_no_data(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_cbs_table(replay, TABLE_DIR, page_size=8)
    result = fetch(replay, tmp_path, "--table", "85701NED")
    assert result.exit_code == 0, result.output
    assert "fetched" in result.output
    manifests = [
        json.loads(p.read_text()) for p in (tmp_path / "landing" / "cbs").rglob("manifest.json")
    ]
    assert {m["file_name"] for m in manifests} >= {
        "TableInfos.json",
        "DataProperties.json",
        "RegioS.json",
        "TypedDataSet-0003.json",
        "fetch-batch.json",
    }
    assert all(m["original_url"].startswith(replay.base_url) for m in manifests)
    assert not any(m["is_sample_data"] for m in manifests)

    replay.requests.clear()
    again = fetch(replay, tmp_path, "--table", "85701NED")
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output
    assert replay.requests_to("TypedDataSet") == []


def test_fetch_of_a_missing_table_fails_naming_table_and_url(
    replay: ReplayServer, tmp_path: Path
) -> None:
    result = fetch(replay, tmp_path, "--table", "85702NED")
    assert result.exit_code == 1
    assert "CBS table 85702NED: HTTP 404" in result.output
    assert replay.base_url in result.output
    assert not (tmp_path / "landing" / "cbs").exists()


def test_fetch_refuses_an_unknown_table_or_source(replay: ReplayServer, tmp_path: Path) -> None:
    assert fetch(replay, tmp_path, "--table", "12345NED").exit_code == 2
    result = runner.invoke(app, ["fetch", "--source", "eurostat", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert replay.requests == []


@pytest.mark.prefect
def test_the_ingest_flow_fetches_then_reports_unchanged(
    prefect_harness: None, replay: ReplayServer, tmp_path: Path
) -> None:
    from techpact.flows.ingest import ingest_cbs

    serve_cbs_table(replay, TABLE_DIR, page_size=8)
    kwargs = {"data_dir": str(tmp_path), "tables": ["85701NED"], "cbs_base_url": replay.base_url}
    [first] = ingest_cbs(**kwargs)
    assert (first.status, first.page_count) == ("fetched", 3)
    replay.requests.clear()
    [second] = ingest_cbs(**kwargs)
    assert second.status == "unchanged"
    assert replay.paths() == ["/ODataApi/odata/85701NED/TableInfos"]


def test_fetch_lands_the_gebieden_region_table_like_any_table(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_cbs_table(replay, FIXTURES / "cbs" / "85755NED", page_size=4)
    result = fetch(replay, tmp_path, "--table", "85755NED")
    assert result.exit_code == 0, result.output
    assert "fetched" in result.output
    landed = tmp_path / "landing" / "cbs" / "85755NED"
    manifests = [json.loads(p.read_text()) for p in landed.rglob("manifest.json")]
    assert {m["file_name"] for m in manifests} == {
        "TableInfos.json",
        "DataProperties.json",
        "RegioS.json",
        "TypedDataSet-0001.json",
        "TypedDataSet-0002.json",
        "fetch-batch.json",
    }
    again = fetch(replay, tmp_path, "--table", "85755NED")
    assert again.exit_code == 0, again.output
    assert "unchanged" in again.output


def test_fetch_asks_for_every_pact_region_with_its_gemeenten_provincie_and_nederland(
    replay: ReplayServer, tmp_path: Path
) -> None:
    """TECHPACT_PACT_REGIONS is all it takes: Eindhoven's COROP (by its CBS title) joins Twente
    in the data tables' region filter (resolved through the region table; here the seed)."""
    serve_cbs_table(replay, TABLE_DIR, page_size=8)
    result = runner.invoke(
        app,
        ["fetch", "--source", "cbs", "--data-dir", str(tmp_path), "--table", "85701NED"],
        env={
            "TECHPACT_CBS_BASE_URL": replay.base_url,
            "TECHPACT_PACT_REGIONS": "Twente,Zuidoost-Noord-Brabant",
        },
    )
    assert result.exit_code == 0, result.output
    [first, *_] = replay.requests_to("TypedDataSet")
    region_filter = first.query["$filter"]
    for code in ("CR12", "GM0153", "PV23", "CR36", "GM0772", "PV30", "NL01"):
        assert f"'{code}'" in region_filter, code
    assert "'CR10'" not in region_filter  # Noord-Overijssel is no pact region


def test_the_ingest_flow_takes_the_pact_regions_as_a_parameter(
    prefect_harness: None, replay: ReplayServer, tmp_path: Path
) -> None:
    from techpact.flows.ingest import ingest_cbs

    serve_cbs_table(replay, TABLE_DIR, page_size=8)
    ingest_cbs(
        data_dir=str(tmp_path),
        tables=["85701NED"],
        cbs_base_url=replay.base_url,
        pact_regions=["CR36"],
    )
    [first, *_] = replay.requests_to("TypedDataSet")
    assert "'CR36'" in first.query["$filter"]
    assert "'CR12'" not in first.query["$filter"]
