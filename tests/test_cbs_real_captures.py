"""The CBS client against real StatLine responses, replayed from ../shared/samples/cbs_real.

The captures (PROVENANCE.md there) are served at their original paths by
``http_server.serve_cbs_captures``: v3 ODataApi (80518ENG), v3 ODataFeed (80137ned, and the two
saved UntypedDataSet pages of 83599NED), v4 (85224NED). The tables are declared in a test copy
of cbs_tables.toml (tests/fixtures/cbs_real), which ``techpact fetch`` reads through
TECHPACT_CBS_TABLES.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, shared_file
from http_server import ReplayServer, running_server, serve_cbs_captures
from typer.testing import CliRunner

from techpact.cli import app
from techpact.config import HttpSettings
from techpact.sources.cbs import CbsFetchError, fetch_pages, fetch_table, latest_batch
from techpact.sources.cbs_parse import TIDY_COLUMNS, parse_page, tidy_table
from techpact.sources.cbs_tables import TableSpec, load_cbs_tables
from techpact.sources.http import make_session
from techpact.sources.landing import LandingZone

runner = CliRunner()
TABLES_FILE = FIXTURES / "cbs_real" / "cbs_tables.toml"
TABLES = load_cbs_tables(TABLES_FILE)
FAST = HttpSettings(
    connect_timeout_s=2.0,
    read_timeout_s=5.0,
    retries=1,
    backoff_factor_s=0.01,
    backoff_jitter_s=0.01,
    backoff_max_s=0.1,
)


@pytest.fixture
def captures() -> Path:
    return shared_file("cbs_real/PROVENANCE.md").parent


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def fetch_cli(replay: ReplayServer, data_dir: Path, table: str):
    return runner.invoke(
        app,
        ["fetch", "--source", "cbs", "--data-dir", str(data_dir), "--table", table],
        env={
            "TECHPACT_CBS_BASE_URL": replay.base_url,
            "TECHPACT_CBS_V4_BASE_URL": replay.base_url,
            "TECHPACT_CBS_TABLES": str(TABLES_FILE),
            "TECHPACT_HTTP_RETRIES": "1",
            "TECHPACT_HTTP_BACKOFF_FACTOR_S": "0.01",
            "COLUMNS": "200",
        },
    )


def fetch_direct(replay: ReplayServer, spec: TableSpec, landing: Path, **kwargs: Any):
    """``fetch_table`` itself, for what the CLI does not expose (page sizes, limits)."""
    return fetch_table(
        make_session(FAST),
        spec,
        LandingZone(landing),
        base_url=replay.base_url,
        v4_base_url=replay.base_url,
        http=FAST,
        **kwargs,
    )


def tidy_landed(data_dir: Path, table: str):
    spec = TABLES.get(table)
    batch = latest_batch(LandingZone(data_dir / "landing"), spec)
    assert batch is not None
    rows = tidy_table(spec, batch.responses, file_name=table, regions=batch.info.get("regions"))
    return batch, rows


def landed_names(data_dir: Path, table: str) -> set[str]:
    folder = data_dir / "landing" / "cbs" / table
    return {json.loads(p.read_text())["file_name"] for p in folder.rglob("manifest.json")}


def test_the_real_80137ned_feed_is_fetched_landed_unchanged_and_tidied_through_the_cli(
    replay: ReplayServer, captures: Path, tmp_path: Path
) -> None:
    serve_cbs_captures(replay, captures)
    result = fetch_cli(replay, tmp_path, "80137ned")
    assert result.exit_code == 0, result.output
    assert "fetched" in result.output
    assert {r.path for r in replay.requests} == {
        f"/ODataFeed/odata/80137ned/{entity}"
        for entity in (
            "TableInfos",
            "DataProperties",
            "Persoonskenmerken",
            "BedrijfstakkenSBI93",
            "Perioden",
            "TypedDataSet",
        )
    }
    batch, rows = tidy_landed(tmp_path, "80137ned")
    folder = captures / "v3_ODataFeed_80137ned"
    # landed as served: the saved bytes, the CBS host in URLs naming the replay server
    saved = {
        name: replay.render_hosts((folder / name).read_bytes())
        for name in ("meta_7.json", "meta_4.json")
    }
    assert batch.responses.data_properties == saved["meta_7.json"]
    assert batch.responses.dimensions["Persoonskenmerken"] == saved["meta_4.json"]
    assert list(rows.columns) == list(TIDY_COLUMNS)
    # 2 categories x 5 years (2001-2005) x 2 measures, all for Nederland
    assert len(rows) == 20
    assert set(rows["region_code"]) == {"NL01"}
    first = rows.query("category == 'total' and period == '2001' and measure == 'employee_jobs'")
    assert first["value"].tolist() == [7559.0]  # Werknemers_2 of the first saved row
    assert first["unit"].tolist() == ["1 000 banen"]

    replay.requests.clear()
    again = fetch_cli(replay, tmp_path, "80137ned")
    assert "unchanged" in again.output
    assert replay.paths() == ["/ODataFeed/odata/80137ned/TableInfos"]


def test_the_real_80137ned_feed_in_pages_of_100_rows_tidies_to_the_same_rows(
    replay: ReplayServer, captures: Path, tmp_path: Path
) -> None:
    """Paged as ODataFeed pages (here by 100 rows, not 10,000), with next links that echo the
    query and add $skip: seven pages, the same 20 rows, and the row count checked."""
    serve_cbs_captures(replay, captures, page_size=100)
    outcome = fetch_direct(replay, TABLES.get("80137ned"), tmp_path / "landing")
    assert outcome.page_count == 7  # 675 rows
    pages = replay.requests_to("TypedDataSet")
    assert [p.query.get("$skip") for p in pages] == [None, *(str(n * 100) for n in range(1, 7))]
    assert {p.query["$filter"] for p in pages} == {pages[0].query["$filter"]}
    _, rows = tidy_landed(tmp_path, "80137ned")
    assert len(rows) == 20


def test_the_real_85224NED_v4_table_lands_raw_and_tidies_into_the_v3_raw_shape(
    replay: ReplayServer, captures: Path, tmp_path: Path
) -> None:
    serve_cbs_captures(replay, captures)
    result = fetch_cli(replay, tmp_path, "85224NED")
    assert result.exit_code == 0, result.output
    assert landed_names(tmp_path, "85224NED") == {
        "Properties.json",
        "Dimensions.json",
        "MeasureCodes.json",
        "SeizoenEnWerkdagcorrectieCodes.json",
        "PeriodenCodes.json",
        "Observations-0001.json",
        "fetch-batch.json",
    }
    [observations] = replay.requests_to("Observations")
    assert "Perioden eq '2013JJ00'" in observations.query["$filter"]
    batch, rows = tidy_landed(tmp_path, "85224NED")
    assert batch.info["api"] == "v4"
    assert batch.info["modified"] == "2026-04-30T06:30:00+02:00"
    assert list(rows.columns) == list(TIDY_COLUMNS)
    # 13 years 2013-2025 (2026 has only a first quarter) x 5 measures
    assert len(rows) == 65
    assert set(rows["period_type"]) == {"year"}
    saved = json.loads((captures / "v4_85224NED" / "observations-page-1.json").read_bytes())
    [labour_force_2013] = [
        o["Value"]
        for o in saved["value"]
        if (o["Measure"], o["Perioden"], o["SeizoenEnWerkdagcorrectie"])
        == ("3000790_2", "2013JJ00", "A042501")
    ]
    found = rows.query("measure == 'labour_force' and period == '2013'")
    assert found["value"].tolist() == [labour_force_2013 * 1000]  # unit "x 1 000"
    assert found["unit"].tolist() == ["x 1 000"]
    assert rows.query("measure == 'unemployment_rate'")["unit"].unique().tolist() == ["%"]


def test_v4_observations_are_followed_through_next_links_to_the_same_rows(
    replay: ReplayServer, captures: Path, tmp_path: Path
) -> None:
    serve_cbs_captures(replay, captures, page_size=100)
    outcome = fetch_direct(replay, TABLES.get("85224NED"), tmp_path / "landing")
    assert outcome.page_count == len(replay.requests_to("Observations")) > 1
    skips = [r.query.get("$skip") for r in replay.requests_to("Observations")]
    assert skips[:3] == [None, "100", "200"]
    _, rows = tidy_landed(tmp_path, "85224NED")
    assert len(rows) == 65


def test_paging_follows_83599NEDs_two_real_untyped_pages(
    replay: ReplayServer, captures: Path
) -> None:
    """83599NED was saved as its two UntypedDataSet pages only (no TableInfos, DataProperties
    or code lists), so the paging is all a client can be shown on it."""
    serve_cbs_captures(replay, captures)
    spec = TABLES.get("80137ned").model_copy(update={"id": "83599NED"})
    start = f"{replay.base_url}/ODataFeed/odata/83599NED/UntypedDataSet"
    pages = fetch_pages(
        make_session(FAST), spec, start, {"$format": "json"}, http=FAST, note=lambda _: None
    )
    rows = [row for page in pages for row in parse_page(page.data, page.url).rows]
    assert [len(parse_page(p.data, p.url).rows) for p in pages] == [10_000, 5_504]
    assert [r.query.get("$skip") for r in replay.requests] == [None, "10000"]
    assert [row["ID"] for row in rows] == list(range(15_504))
    assert rows[0]["RegioS"] == "NL01  "  # 6 wide
    assert pages[1].url.endswith("/UntypedDataSet/?$format=json&$skip=10000")


def test_80518ENG_stops_at_the_countries_code_list_that_was_never_saved(
    replay: ReplayServer, captures: Path, tmp_path: Path
) -> None:
    """The 80518ENG capture holds TableInfos, DataProperties, CategoryGroups, Periods,
    PersonalCharacteristics and TypedDataSet, but not the Countries code list its
    DataProperties names; the replay server does not make one up."""
    serve_cbs_captures(replay, captures)
    result = fetch_cli(replay, tmp_path, "80518ENG")
    assert result.exit_code == 1
    assert "CBS table 80518ENG: HTTP 404" in result.output
    assert "/ODataApi/odata/80518ENG/Countries" in result.output
    assert replay.requests_to("TypedDataSet") == []
    assert not (tmp_path / "landing" / "cbs").exists()


def test_odataapi_answers_http_500_to_a_query_over_its_limit_on_real_80518ENG_rows(
    replay: ReplayServer, captures: Path
) -> None:
    """The saved 80518ENG TypedDataSet (3,689 rows) came whole from ODataApi: under the
    10,000-record limit. Replayed with a limit of 1,000, the same query is refused."""
    serve_cbs_captures(replay, captures, api_limit=1_000)
    spec = TABLES.get("80518ENG")
    start = f"{replay.base_url}/ODataApi/odata/80518ENG/TypedDataSet"
    one_year = {"$format": "json", "$filter": "(Periods eq '2012JJ00')"}
    [page] = fetch_pages(make_session(FAST), spec, start, one_year, http=FAST, note=print)
    assert 0 < len(parse_page(page.data, page.url).rows) <= 1_000
    with pytest.raises(CbsFetchError, match="CBS table 80518ENG: HTTP 500"):
        fetch_pages(make_session(FAST), spec, start, {"$format": "json"}, http=FAST, note=print)


def fetch_80137ned_from_odataapi(replay: ReplayServer, landing: Path, limit: int):
    spec = TABLES.get("80137ned").model_copy(update={"api": "v3_api"})
    return fetch_direct(replay, spec, landing, api_limit=limit)


def test_an_odataapi_fetch_is_split_by_period_to_stay_under_the_limit(
    replay: ReplayServer, captures: Path, tmp_path: Path
) -> None:
    """80137ned holds 9 x 15 = 135 rows a year. Under a limit of 300 rows the five years are
    asked two, two and one at a time; the server (same limit) never answers 500."""
    serve_cbs_captures(replay, captures, api_limit=300, mirror_feed_as_api=True)
    outcome = fetch_80137ned_from_odataapi(replay, tmp_path / "landing", 300)
    assert outcome.status == "fetched"
    queries = [
        r.query["$filter"] for r in replay.requests_to("/ODataApi/odata/80137ned/TypedDataSet")
    ]
    assert [q.count("Perioden eq") for q in queries] == [2, 2, 1]
    _, rows = tidy_landed(tmp_path, "80137ned")
    assert len(rows) == 20


def test_an_odataapi_query_that_cannot_be_split_under_the_limit_is_refused_before_any_data(
    replay: ReplayServer, captures: Path, tmp_path: Path
) -> None:
    serve_cbs_captures(replay, captures, api_limit=100, mirror_feed_as_api=True)
    with pytest.raises(CbsFetchError, match="alone holds 135 rows, over the 100"):
        fetch_80137ned_from_odataapi(replay, tmp_path / "landing", 100)
    assert replay.requests_to("TypedDataSet") == []
