"""The CBS OData v3 client against a local server replaying recorded responses.

Fixtures in tests/fixtures/cbs/85701NED are OData v3 responses field for field (TableInfos,
DataProperties, one code list per dimension, three TypedDataSet pages linked by odata.nextLink,
space-padded keys); ``{base_url}`` stands for the server's address.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES
from http_server import ReplayServer, Reply, running_server, serve_cbs_table

from techpact.config import HttpSettings
from techpact.sources.cbs import CbsFetchError, fetch_table, latest_batch, plan_queries
from techpact.sources.cbs_parse import Code, Property, TableStructure, tidy_table
from techpact.sources.cbs_tables import load_cbs_tables
from techpact.sources.http import make_session
from techpact.sources.landing import LandingZone

TABLE = "85701NED"
TABLE_DIR = FIXTURES / "cbs" / TABLE
API = f"/ODataApi/odata/{TABLE}"
FEED = f"/ODataFeed/odata/{TABLE}/TypedDataSet"
DIMENSIONS = ("Geslacht", "Leeftijd", "Onderwijssoort", "Migratieachtergrond", "RegioS", "Perioden")
FAST = HttpSettings(
    connect_timeout_s=2.0,
    read_timeout_s=0.5,
    max_body_bytes=1_000_000,
    retries=2,
    backoff_factor_s=0.01,
    backoff_jitter_s=0.01,
    backoff_max_s=0.1,
)
SPEC = load_cbs_tables().get(TABLE)


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def serve_table(replay: ReplayServer) -> None:
    serve_cbs_table(replay, TABLE_DIR, page_size=8)


def fetch(replay: ReplayServer, zone: LandingZone, **kwargs):
    return fetch_table(
        make_session(FAST), SPEC, zone, base_url=replay.base_url, http=FAST, **kwargs
    )


def files_in(root: Path) -> dict[str, bytes]:
    if not root.exists():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_table_fetch_follows_next_links_and_lands_every_response_then_the_marker(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_table(replay)
    zone = LandingZone(tmp_path)
    outcome = fetch(replay, zone)
    assert outcome.status == "fetched"
    assert outcome.page_count == 3
    assert replay.paths() == [
        f"{API}/TableInfos",
        f"{API}/DataProperties",
        *(f"{API}/{d}" for d in DIMENSIONS),
        FEED,
        FEED,
        FEED,
    ]
    assert [r.query.get("$skip") for r in replay.requests_to("TypedDataSet")] == [None, "8", "16"]
    batch = latest_batch(zone, SPEC)
    assert batch is not None
    assert batch.marker.manifest.file_name == "fetch-batch.json"
    assert batch.info["modified"] == "2025-03-14T02:00:00"
    assert len(batch.responses.pages) == 3
    assert batch.responses.pages[0] == replay.render(
        (TABLE_DIR / "TypedDataSet-1.json").read_bytes()
    )
    assert all(f.manifest.original_url.startswith(replay.base_url) for f in batch.files)


# Twente's 14 gemeenten, as the bundled seed lists them
TWENTE_GEMEENTEN = [
    "GM0141",
    "GM0147",
    "GM0153",
    "GM0158",
    "GM0163",
    "GM0164",
    "GM0168",
    "GM0173",
    "GM0183",
    "GM0189",
    "GM1700",
    "GM1735",
    "GM1742",
    "GM1774",
]


def test_the_filter_names_the_pact_regions_regions_and_the_periods_trimmed(
    replay: ReplayServer, tmp_path: Path
) -> None:
    """Default pact region Twente: NL01, Overijssel, Twente and its 14 gemeenten (from the
    bundled seed, as no Gebieden table is landed)."""
    serve_table(replay)
    fetch(replay, LandingZone(tmp_path))
    first_page = replay.requests_to("TypedDataSet")[0]
    assert first_page.query["$format"] == "json"
    regions = ["NL01", "PV23", "CR12", *TWENTE_GEMEENTEN]
    assert first_page.query["$filter"] == (
        "("
        + " or ".join(f"substringof('{r}', RegioS)" for r in regions)
        + ") and (Perioden eq '2019SJ00' or Perioden eq '2020SJ00' "
        "or Perioden eq '2021SJ00' or Perioden eq '2022SJ00' or Perioden eq '2023SJ00')"
    )
    batch = latest_batch(LandingZone(tmp_path), SPEC)
    assert batch is not None
    assert batch.info["regions"] == regions


def test_an_explicit_regions_list_overrides_the_pact_regions(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_table(replay)
    spec = SPEC.model_copy(update={"regions": ("NL01", "CR12")})
    fetch_table(
        make_session(FAST), spec, LandingZone(tmp_path), base_url=replay.base_url, http=FAST
    )
    [first_page, *_] = replay.requests_to("TypedDataSet")
    assert first_page.query["$filter"].startswith(
        "(substringof('NL01', RegioS) or substringof('CR12', RegioS)) and ("
    )


def test_a_second_pact_region_adds_its_regions_to_the_filter(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_table(replay)
    fetch(replay, LandingZone(tmp_path), pact_regions=("Twente", "Zuidoost-Noord-Brabant"))
    clauses = replay.requests_to("TypedDataSet")[0].query["$filter"].split(") and (")[0]
    for region in ("NL01", "PV23", "CR12", "GM0153", "PV30", "CR36", "GM0772", "GM0794"):
        assert f"substringof('{region}', RegioS)" in clauses
    assert "LD04" not in clauses


def test_an_unchanged_table_is_fetched_again_when_a_pact_region_is_added(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_table(replay)
    zone = LandingZone(tmp_path)
    fetch(replay, zone)
    replay.requests.clear()
    assert fetch(replay, zone).status == "unchanged"
    outcome = fetch(replay, zone, pact_regions=("CR12", "CR36"))
    assert outcome.status == "fetched"
    batch = latest_batch(zone, SPEC)
    assert batch is not None
    assert {"CR36", "GM0772"} <= set(batch.info["regions"])
    assert fetch(replay, zone, pact_regions=("CR36",)).status == "unchanged"


def test_an_unknown_pact_region_fails_naming_the_table_and_lands_nothing(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_table(replay)
    with pytest.raises(CbsFetchError, match=r"CBS table 85701NED: pact region 'Atlantis'"):
        fetch(replay, LandingZone(tmp_path), pact_regions=("Atlantis",))
    assert files_in(tmp_path) == {}


def test_the_landed_fetch_parses_to_tidy_rows(replay: ReplayServer, tmp_path: Path) -> None:
    serve_table(replay)
    zone = LandingZone(tmp_path)
    fetch(replay, zone)
    batch = latest_batch(zone, SPEC)
    assert batch is not None
    rows = tidy_table(SPEC, batch.responses, file_name="fetch")
    assert len(rows) == 18  # 3 regions x 2 school years x 3 levels; the men-only cell dropped
    assert set(rows["region_code"]) == {"NL01", "PV23", "CR12"}
    cr12 = rows[(rows.region_code == "CR12") & (rows.period == "2023/24")]
    assert dict(zip(cr12.category, cr12.value, strict=True)) == {
        "mbo": 17597.0,
        "hbo": 17248.0,
        "wo": 11673.0,
    }
    assert cr12.is_provisional.all()
    assert rows["value"].isna().sum() == 1


def test_a_second_fetch_with_the_same_modified_downloads_no_data(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_table(replay)
    zone = LandingZone(tmp_path)
    fetch(replay, zone)
    before = files_in(tmp_path)
    replay.requests.clear()
    outcome = fetch(replay, zone)
    assert outcome.status == "unchanged"
    assert replay.paths() == [f"{API}/TableInfos"]
    assert files_in(tmp_path) == before


def test_a_changed_modified_fetches_the_table_again(replay: ReplayServer, tmp_path: Path) -> None:
    serve_table(replay)
    zone = LandingZone(tmp_path)
    fetch(replay, zone)
    infos = json.loads(replay.render((TABLE_DIR / "TableInfos.json").read_bytes()))
    infos["value"][0]["Modified"] = "2025-09-01T02:00:00"
    replay.add_json(f"{API}/TableInfos", infos)
    replay.requests.clear()
    outcome = fetch(replay, zone)
    assert outcome.status == "fetched"
    assert len(replay.requests_to("TypedDataSet")) == 3
    batch = latest_batch(zone, SPEC)
    assert batch is not None
    assert batch.info["modified"] == "2025-09-01T02:00:00"


def test_retries_a_503_and_a_429_with_retry_after(replay: ReplayServer, tmp_path: Path) -> None:
    serve_table(replay)
    replay.add(
        f"{API}/DataProperties",
        Reply(status=503),
        Reply(body=replay.render((TABLE_DIR / "DataProperties.json").read_bytes())),
    )
    replay.add(
        FEED,
        Reply(status=429, headers={"Retry-After": "1"}),
        Reply(body=replay.render((TABLE_DIR / "TypedDataSet-1.json").read_bytes())),
        query={"$skip": None},  # the first page only
    )
    outcome = fetch(replay, LandingZone(tmp_path))
    assert outcome.status == "fetched"
    assert len(replay.requests_to("DataProperties")) == 2
    assert len(replay.requests_to("TypedDataSet")) == 4


def _page_two_with_next_link(replay: ReplayServer, next_link: str) -> Reply:
    page = json.loads(replay.render((TABLE_DIR / "TypedDataSet-2.json").read_bytes()))
    page["odata.nextLink"] = next_link
    return Reply(body=json.dumps(page).encode())


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("loop", "odata.nextLink repeats a page already read"),
        ("invalid_json", "not valid JSON"),
        ("not_an_envelope", "not an OData envelope"),
        ("truncated", "body could not be read completely"),
        ("timeout", "timed out|request failed"),
        ("server_error", "HTTP 500"),
    ],
)
def test_a_bad_page_fails_naming_the_table_and_url_and_lands_nothing(
    replay: ReplayServer, tmp_path: Path, fault: str, message: str
) -> None:
    serve_table(replay)
    page_two = f"{replay.base_url}{FEED}?$format=json&$skip=8"
    replies = {
        "loop": _page_two_with_next_link(replay, page_two),
        "invalid_json": Reply(body=b'{"odata.metadata":"x","value":[{"ID":8,'),
        "not_an_envelope": Reply(body=b'{"error":"Service unavailable"}'),
        "truncated": Reply(body=(TABLE_DIR / "TypedDataSet-2.json").read_bytes(), truncate_to=50),
        "timeout": Reply(body=b"{}", delay_s=FAST.read_timeout_s + 0.5),
        "server_error": Reply(status=500),
    }
    replay.add(FEED, replies[fault], query={"$skip": "8"})
    with pytest.raises(CbsFetchError, match=message) as error:
        fetch(replay, LandingZone(tmp_path))
    assert f"CBS table {TABLE}" in str(error.value)
    assert "/TypedDataSet" in error.value.url
    assert files_in(tmp_path) == {}


def test_a_failed_refetch_leaves_the_previous_fetch_as_it_was(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_table(replay)
    zone = LandingZone(tmp_path)
    fetch(replay, zone)
    before = files_in(tmp_path)
    replay.add(FEED, Reply(body=b"<html>maintenance</html>"), query={"$skip": "16"})
    with pytest.raises(CbsFetchError):
        fetch(replay, zone, force=True)
    assert files_in(tmp_path) == before


def test_a_table_that_does_not_exist_fails_with_404(replay: ReplayServer, tmp_path: Path) -> None:
    with pytest.raises(CbsFetchError, match=r"CBS table 85701NED: HTTP 404") as error:
        fetch(replay, LandingZone(tmp_path))
    assert error.value.url.endswith(f"{API}/TableInfos?%24format=json")
    assert files_in(tmp_path) == {}


def test_an_empty_result_is_an_error_and_lands_nothing(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_table(replay)
    replay.add_json(FEED, {"odata.metadata": "x", "value": []})
    with pytest.raises(CbsFetchError, match="returned no rows"):
        fetch(replay, LandingZone(tmp_path))
    assert files_in(tmp_path) == {}


def test_a_page_that_comes_back_empty_mid_stream_is_not_taken_for_the_end(
    replay: ReplayServer, tmp_path: Path
) -> None:
    """Page 3 answers an empty 'value' and no nextLink: 16 of the rows would land as complete.
    The rows a filter selects are known (a CBS table is a full cube), so the fetch fails."""
    serve_table(replay)
    empty = {"odata.metadata": f"{replay.base_url}/ODataFeed/OData/{TABLE}/$metadata", "value": []}
    replay.add(FEED, Reply(body=json.dumps(empty).encode()), query={"$skip": "16"})

    with pytest.raises(CbsFetchError, match=r"in 3 page\(s\) \(the last one empty\)"):
        fetch(replay, LandingZone(tmp_path))
    assert files_in(tmp_path) == {}


def test_more_selected_rows_than_the_cube_holds_are_refused() -> None:
    from techpact.sources.cbs import check_row_count

    with pytest.raises(CbsFetchError, match="the filter selects 36"):
        check_row_count(SPEC, "http://x/TypedDataSet", [36, 36], 72, 36)  # rows twice
    check_row_count(SPEC, "http://x/TypedDataSet", [30, 6, 0], 36, 36)  # a whole cube, then empty


def test_an_empty_last_page_is_judged_by_its_rows_not_by_the_selected_ones() -> None:
    """A last page that holds only rows of other regions (the feed ignored part of the filter)
    is not an empty page: fewer selected rows than a full cube is then logged, not refused."""
    from techpact.sources.cbs import check_row_count

    check_row_count(SPEC, "http://x/TypedDataSet", [8, 8, 3], 6, 60)
    with pytest.raises(CbsFetchError, match="the last one empty"):
        check_row_count(SPEC, "http://x/TypedDataSet", [8, 8, 0], 6, 60)


def _cube(regions: int, periods: int, other: int):
    """A structure and code lists: RegioS x Perioden x one other dimension of ``other`` codes."""
    structure = TableStructure(
        region_key="RegioS",
        period_key="Perioden",
        dimensions=tuple(
            Property(key, key, kind)
            for key, kind in (
                ("RegioS", "GeoDimension"),
                ("Perioden", "TimeDimension"),
                ("Geslacht", "Dimension"),
            )
        ),
        topics=(),
    )
    codes = {
        "RegioS": tuple(Code(f"GM{n:04d}", f"gemeente {n}") for n in range(regions)),
        "Perioden": tuple(Code(f"{2020 + n}JJ00", str(2020 + n)) for n in range(periods)),
        "Geslacht": tuple(Code(f"G{n}", f"g{n}") for n in range(other)),
    }
    return structure, codes


def test_odataapi_queries_group_periods_under_the_limit_then_split_regions() -> None:
    structure, codes = _cube(regions=3, periods=3, other=10)  # 30 rows a period
    regions = ["GM0000", "GM0001", "GM0002"]
    periods = ["2020JJ00", "2021JJ00", "2022JJ00"]
    assert plan_queries(structure, codes, regions, periods, 60) == [
        (tuple(regions), ("2020JJ00", "2021JJ00")),
        (tuple(regions), ("2022JJ00",)),
    ]
    assert plan_queries(structure, codes, regions, periods, 20) == [
        (("GM0000", "GM0001"), ("2020JJ00",)),
        (("GM0002",), ("2020JJ00",)),
        (("GM0000", "GM0001"), ("2021JJ00",)),
        (("GM0002",), ("2021JJ00",)),
        (("GM0000", "GM0001"), ("2022JJ00",)),
        (("GM0002",), ("2022JJ00",)),
    ]
    with pytest.raises(ValueError, match="region GM0000 in period 2020JJ00 alone holds 10 rows"):
        plan_queries(structure, codes, regions, periods, 9)
