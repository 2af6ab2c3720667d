"""The region hierarchy from CBS "Gebieden in Nederland <year>", with the bundled seed as fallback.

Fixtures in tests/fixtures/cbs/85755NED are v3 responses in the real table's shape (nested
TopicGroups, Topics titled "Code"/"Naam" in every region group, padded strings, two pages).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES
from http_server import ReplayServer, running_server, serve_cbs_table

from techpact.config import HttpSettings
from techpact.sources.cbs import fetch_table, latest_batch, region_hierarchy
from techpact.sources.cbs_parse import TableResponses
from techpact.sources.cbs_regions import (
    RegionError,
    parse_region_seed,
    parse_region_table,
    read_seed_text,
    regions_to_fetch,
    resolve_region,
)
from techpact.sources.cbs_tables import RegionTableSpec, load_cbs_tables
from techpact.sources.errors import SourceFormatError
from techpact.sources.http import make_session
from techpact.sources.landing import LandingZone
from techpact.warehouse.loaders.cbs import load_region_table
from techpact.warehouse.regions import resolve_regions

TABLE = "85755NED"
TABLE_DIR = FIXTURES / "cbs" / TABLE
API = f"/ODataApi/odata/{TABLE}"
FEED = f"/ODataFeed/odata/{TABLE}/TypedDataSet"
FAST = HttpSettings(connect_timeout_s=2.0, read_timeout_s=1.0, retries=1, backoff_factor_s=0.01)
TABLES = load_cbs_tables()
SPEC = TABLES.region_table
assert isinstance(SPEC, RegionTableSpec)
DATA_SPEC = TABLES.get("85701NED")


def fixture_responses(
    properties: bytes | None = None, pages: tuple[bytes, ...] | None = None
) -> TableResponses:
    def read(name: str) -> bytes:
        return (TABLE_DIR / name).read_bytes().replace(b"{base_url}", b"https://cbs.test")

    return TableResponses(
        table_infos=read("TableInfos.json"),
        data_properties=properties or read("DataProperties.json"),
        dimensions={"RegioS": read("RegioS.json")},
        pages=pages or (read("TypedDataSet-1.json"), read("TypedDataSet-2.json")),
    )


def parse(responses: TableResponses | None = None):
    return parse_region_table(
        SPEC, responses or fixture_responses(), file_name="gebieden", source_note="note"
    )


def edited_properties(edit) -> bytes:
    payload = json.loads(fixture_responses().data_properties)
    payload["value"] = edit(payload["value"])
    return json.dumps(payload).encode()


# -- configuration ------------------------------------------------------------------------------


def test_the_region_table_is_configured_by_group_and_topic_titles_not_keys() -> None:
    assert (SPEC.id, SPEC.classification_year) == ("85755NED", 2024)
    assert SPEC.levels.corop == "COROP-gebieden"
    assert (SPEC.code_topic, SPEC.name_topic) == ("Code", "Naam")
    assert TABLES.table[0] is SPEC  # listed first: a full fetch lands it before the data tables
    assert SPEC not in TABLES.data_tables


# -- parsing ------------------------------------------------------------------------------------


def test_gebieden_rows_become_gemeenten_with_their_corop_provincie_and_landsdeel() -> None:
    records = {r.region_code: r for r in parse()}
    enschede = records["GM0153"]
    assert (enschede.region_name, enschede.region_level) == ("Enschede", "gemeente")
    assert (enschede.corop_code, enschede.province_code, enschede.landsdeel_code) == (
        "CR12",
        "PV23",
        "LD02",
    )
    assert enschede.classification_year == 2024
    assert enschede.source_note == "note"
    assert records["GM0518"].region_name == "'s-Gravenhage"  # Naam, not the RegioS title


def test_every_corop_provincie_and_landsdeel_gets_a_row_and_nederland_one_too() -> None:
    records = parse()
    levels = {r.region_code: r.region_level for r in records}
    assert records[0].region_code == "NL01" and records[0].region_name == "Nederland"
    assert {c for c, level in levels.items() if level == "corop"} == {
        "CR12",
        "CR23",
        "CR26",
        "CR36",
    }
    assert {c for c, level in levels.items() if level == "provincie"} == {
        "PV23",
        "PV27",
        "PV28",
        "PV30",
    }
    assert {c for c, level in levels.items() if level == "landsdeel"} == {"LD02", "LD03", "LD04"}
    by_code = {r.region_code: r for r in records}
    cr36 = by_code["CR36"]
    assert (cr36.region_name, cr36.province_code, cr36.landsdeel_code) == (
        "Zuidoost-Noord-Brabant",
        "PV30",
        "LD04",
    )
    assert by_code["PV30"].landsdeel_code == "LD04"
    assert [r.region_level for r in records] == sorted(
        (r.region_level for r in records),
        key=["land", "landsdeel", "provincie", "corop", "gemeente"].index,
    )


def test_padded_codes_and_names_are_trimmed() -> None:
    for record in parse():
        for value in (record.region_code, record.region_name, record.corop_code or ""):
            assert value == value.strip()


def test_topic_keys_are_resolved_by_title_whatever_their_number() -> None:
    """From 2023 on, COROP moved from Code_8/Naam_9 to Code_10/Naam_11: keys are never assumed."""
    renumber = {"Code_10": "Code_8", "Naam_11": "Naam_9", "Code_28": "Code_32"}

    def renumbered(entries):
        for entry in entries:
            entry["Key"] = renumber.get(entry["Key"], entry["Key"])
        return entries

    pages = tuple(
        page.replace(b'"Code_10"', b'"Code_8"')
        .replace(b'"Naam_11"', b'"Naam_9"')
        .replace(b'"Code_28"', b'"Code_32"')
        for page in fixture_responses().pages
    )
    assert parse(fixture_responses(edited_properties(renumbered), pages)) == parse()


def test_a_missing_topic_group_is_an_error_naming_the_table_and_what_it_has() -> None:
    def without_provincies(entries):
        for entry in entries:
            if entry["Title"] == "Provincies":
                entry["Title"] = "Provincie"
        return entries

    with pytest.raises(SourceFormatError) as error:
        parse(fixture_responses(edited_properties(without_provincies)))
    message = str(error.value)
    assert "table 85755NED" in message
    assert "'Provincies'" in message
    assert "Lokaliseringen van gemeenten > COROP-gebieden: Code, Naam" in message
    assert "Lokaliseringen van gemeenten > Provincie: Code, Naam" in message


def test_a_missing_topic_is_an_error_naming_the_group_and_its_topics() -> None:
    def corop_without_naam(entries):
        return [e for e in entries if e["Key"] != "Naam_11"]

    with pytest.raises(SourceFormatError) as error:
        parse(fixture_responses(edited_properties(corop_without_naam)))
    message = str(error.value)
    assert "table 85755NED: 0 topics titled 'Naam'" in message
    assert "'COROP-gebieden'" in message
    assert "that group has ['Code']" in message


def _page(rows: list[dict[str, object]]) -> bytes:
    return json.dumps({"odata.metadata": "x", "value": rows}).encode()


def _rows() -> list[dict[str, object]]:
    pages = fixture_responses().pages
    return [row for page in pages for row in json.loads(page)["value"]]


def test_a_row_that_is_not_a_gemeente_is_skipped() -> None:
    rows = _rows()
    nederland = {key: "." for key in rows[0]} | {"ID": 99, "RegioS": "NL01", "Code_1": "NL01  "}
    assert parse(fixture_responses(pages=(_page([*rows, nederland]),))) == parse()


def test_a_gemeente_without_a_corop_code_is_an_error_naming_it() -> None:
    rows = _rows()
    rows[1]["Code_10"] = "          "
    with pytest.raises(SourceFormatError, match=r"gemeente GM0153 has no COROP-gebieden code"):
        parse(fixture_responses(pages=(_page(rows),)))


# -- the seed and the pact regions --------------------------------------------------------------


def test_the_seed_rows_say_they_come_from_the_bundled_seed() -> None:
    records = parse_region_seed(read_seed_text())
    assert all(
        r.source_note.startswith("bundled seed transforms/seeds/region.csv: ") for r in records
    )
    assert {"CR12", "CR36", "NL01"} <= {r.region_code for r in records}


@pytest.mark.parametrize(
    ("pact", "expected"),
    [
        (("CR12",), {"NL01", "PV23", "CR12", "GM0141", "GM0153", "GM0164"}),
        (("Zuidoost-Noord-Brabant",), {"NL01", "PV30", "CR36", "GM0772", "GM0794"}),
        (("Overijssel",), {"NL01", "PV23", "CR12", "GM0141", "GM0153", "GM0164"}),
    ],
)
def test_the_regions_to_fetch_are_each_pact_region_its_gemeenten_its_provincie_and_nl01(
    pact: tuple[str, ...], expected: set[str]
) -> None:
    regions = regions_to_fetch(parse(), pact)
    assert set(regions) == expected
    assert regions[0] == "NL01"


def test_an_unknown_pact_region_names_the_region_table_it_looked_in() -> None:
    with pytest.raises(
        RegionError, match=r"'Atlantis' is not in the region table \(CBS 85755NED\)"
    ):
        resolve_region(parse(), "Atlantis", origin="CBS 85755NED")


# -- fetching -----------------------------------------------------------------------------------


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    yield from running_server()


def fetch(replay: ReplayServer, zone: LandingZone, spec=SPEC, **kwargs):
    return fetch_table(
        make_session(FAST), spec, zone, base_url=replay.base_url, http=FAST, **kwargs
    )


def test_the_gebieden_table_is_fetched_whole_and_landed_like_any_table(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_cbs_table(replay, TABLE_DIR, page_size=4)
    zone = LandingZone(tmp_path)
    outcome = fetch(replay, zone)
    assert (outcome.status, outcome.page_count, outcome.row_count) == ("fetched", 2, 7)
    assert replay.paths() == [
        f"{API}/TableInfos",
        f"{API}/DataProperties",
        f"{API}/RegioS",
        FEED,
        FEED,
    ]
    assert all("$filter" not in r.query for r in replay.requests)  # the whole table
    batch = latest_batch(zone, SPEC)
    assert batch is not None
    assert batch.info["classification_year"] == 2024
    assert {f.manifest.resource for f in batch.files} == {
        "region_hierarchy__table_infos",
        "region_hierarchy__data_properties",
        "region_hierarchy__dimension",
        "region_hierarchy__data_page",
    }

    replay.requests.clear()
    assert fetch(replay, zone).status == "unchanged"
    assert replay.paths() == [f"{API}/TableInfos"]


def test_a_gebieden_table_that_does_not_parse_lands_nothing(
    replay: ReplayServer, tmp_path: Path
) -> None:
    from techpact.sources.cbs import CbsFetchError

    serve_cbs_table(replay, TABLE_DIR, page_size=4)
    properties = edited_properties(lambda es: [e for e in es if e["Title"] != "Landsdelen"])
    replay.add_json(f"{API}/DataProperties", json.loads(properties))
    with pytest.raises(CbsFetchError, match=r"CBS table 85755NED: .*'Landsdelen'"):
        fetch(replay, LandingZone(tmp_path))
    assert not tmp_path.exists() or not any(tmp_path.rglob("*.json"))


def test_a_landed_gebieden_table_decides_the_regions_a_data_table_fetches(
    replay: ReplayServer, tmp_path: Path
) -> None:
    """Without it the seed lists 21 gemeenten in Zuidoost-Noord-Brabant; the landed (fixture)
    table has two, and the data table asks for those."""
    serve_cbs_table(replay, TABLE_DIR, page_size=4)
    serve_cbs_table(replay, FIXTURES / "cbs" / "85701NED", page_size=8)
    zone = LandingZone(tmp_path)
    assert region_hierarchy(zone).origin == "transforms/seeds/region.csv"
    fetch(replay, zone)
    assert region_hierarchy(zone).origin == "CBS 85755NED"
    fetch(replay, zone, DATA_SPEC, pact_regions=("Zuidoost-Noord-Brabant",))
    batch = latest_batch(zone, DATA_SPEC)
    assert batch is not None
    assert batch.info["regions"] == ["NL01", "PV30", "CR36", "GM0772", "GM0794"]


# -- building -----------------------------------------------------------------------------------


def test_the_region_table_comes_from_the_landed_gebieden_table_with_its_sha256(
    replay: ReplayServer, tmp_path: Path
) -> None:
    serve_cbs_table(replay, TABLE_DIR, page_size=4)
    zone = LandingZone(tmp_path)
    outcome = fetch(replay, zone)
    assert outcome.marker is not None
    con = duckdb.connect()
    used = load_region_table(con, zone)
    assert outcome.marker in used and len(used) == 6  # 5 responses + the marker
    notes = {r[0] for r in con.execute("select distinct source_note from region").fetchall()}
    assert notes == {
        f"CBS Gebieden in Nederland 2024 (85755NED); landed fetch-batch sha256 "
        f"{outcome.marker.manifest.sha256}"
    }
    assert con.execute(
        "select region_name, corop_code, province_code, classification_year from region "
        "where region_code = 'GM0772'"
    ).fetchall() == [("Eindhoven", "CR36", "PV30", 2024)]
    assert resolve_regions(["Zuidoost-Noord-Brabant"], zone) == ("CR36",)


def test_without_a_landed_gebieden_table_the_region_table_is_the_seed(tmp_path: Path) -> None:
    con = duckdb.connect()
    assert load_region_table(con, LandingZone(tmp_path)) == []
    [(count, note)] = con.execute(
        "select count(*), min(source_note) from region where region_code like 'GM%'"
    ).fetchall()
    assert count == 46
    assert note.startswith("bundled seed transforms/seeds/region.csv")
    columns = con.execute("describe region").fetchall()
    assert [(c[0], c[1]) for c in columns] == [
        ("region_code", "VARCHAR"),
        ("region_name", "VARCHAR"),
        ("region_level", "VARCHAR"),
        ("corop_code", "VARCHAR"),
        ("province_code", "VARCHAR"),
        ("landsdeel_code", "VARCHAR"),
        ("classification_year", "INTEGER"),
        ("source_note", "VARCHAR"),
    ]
