"""The benchmark's deterministic parts: its 10× input and its floors (timings belong to
`make bench`, never to tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, SAMPLE_LANDING, shared_file

from techpact.sources.duo import parse_duo_file

sys.path.insert(0, str(REPO_ROOT / "bench"))
import floors
import zones

CURRENT = "duo/p01hoinges/83181990c92c4a42/ingeschrevenengeslhbo.csv"  # generated, portal format
LEGACY = "duo/p02ho1ejrs/99608dbf09b0cdc1/03b-eerstejaars-ingeschrevenen-hbo-domein-hbo-2019.csv"


def test_a_quoted_field_keeps_its_quotes_and_a_comma_inside_quotes_splits_nothing() -> None:
    line = b'"2020","Enschede, Hengelo","23AH","Saxion",50\r\n'
    assert zones.with_institution_suffix(line, 2, b",", b"~3") == (
        b'"2020","Enschede, Hengelo","23AH~3","Saxion",50\r\n'
    )


def test_an_unquoted_field_gets_the_suffix_and_an_empty_record_stays_as_it_is() -> None:
    assert zones.with_institution_suffix(b"a;23AH;b\r\n", 1, b";", b"~1") == b"a;23AH~1;b\r\n"
    assert zones.with_institution_suffix(b'""\r\n', 1, b";", b"~1") == b'""\r\n'


@pytest.mark.parametrize("relative", [CURRENT, LEGACY])
def test_ten_times_the_file_has_ten_times_its_rows_each_key_once(relative: str) -> None:
    path = SAMPLE_LANDING / relative
    dataset = path.parent.parent.name
    once = parse_duo_file(path.read_bytes(), path.name, dataset=dataset).rows
    scaled = zones.scale_duo_file(path.read_bytes(), 10, path.name)
    ten = parse_duo_file(scaled, path.name, dataset=dataset).rows

    assert zones.data_line_count(scaled) == 10 * zones.data_line_count(path.read_bytes())
    assert len(ten) == 10 * len(once)
    key = [c for c in ten.columns if c not in ("count", "is_suppressed", "line_number")]
    assert not ten.duplicated(subset=key).any()
    assert set(ten["institution_code"]) == {
        f"{code}{suffix}"
        for code in once["institution_code"]
        for suffix in ["", *(f"~{k}" for k in range(1, 10))]
    }
    assert ten["count"].sum() == 10 * once["count"].sum()


def test_the_first_copy_is_the_file_itself() -> None:
    data = (SAMPLE_LANDING / CURRENT).read_bytes()
    assert zones.scale_duo_file(data, 10, "x.csv").startswith(data)
    assert zones.scale_duo_file(data, 1, "x.csv") == data


@pytest.fixture(scope="module")
def zone_1x(tmp_path_factory: pytest.TempPathFactory) -> Path:
    shared_file("duo/onderwijsdata_ckan_2026/ingeschrevenengeslhbo.csv")  # skip/fail if missing
    root = tmp_path_factory.mktemp("bench") / "landing"
    zones.make_zone(root, 1)
    return root


def test_the_1x_zone_holds_the_real_files_unchanged_and_the_sample_cbs_tables(
    zone_1x: Path,
) -> None:
    landed = {p.name: p for p in zone_1x.rglob("*.csv")}
    for name in zones.REAL_DUO_FILES:
        real = shared_file(f"duo/onderwijsdata_ckan_2026/{name}")
        assert landed[name].read_bytes() == real.read_bytes()
    cbs = {p.parent.name for p in (zone_1x / "cbs").rglob("manifest.json")}
    assert cbs == {p.parent.name for p in (SAMPLE_LANDING / "cbs").rglob("manifest.json")}


def test_both_floors_compute_exactly_the_builds_rows(zone_1x: Path, tmp_path: Path) -> None:
    given = floors.floor_input(zone_1x, tmp_path)
    built = floors.build_rows(
        floors.build_subject(zone_1x, tmp_path / "build.duckdb", floors.floor_catalog())
    )

    assert {row[0] for row in built} == set(floors.INDICATORS)
    assert floors.row_differences(built, floors.duckdb_floor(given)) == []
    assert floors.row_differences(built, floors.pandas_floor(given)) == []


def test_a_wrong_value_is_a_row_difference(zone_1x: Path, tmp_path: Path) -> None:
    rows = floors.duckdb_floor(floors.floor_input(zone_1x, tmp_path))
    changed = [(*rows[0][:4], rows[0][4] + 1, rows[0][5]), *rows[1:]]
    assert floors.row_differences(rows, changed) == [
        f"{rows[0][:4]}: {rows[0][4]!r}, {rows[0][5]} vs {rows[0][4] + 1!r}, {rows[0][5]}"
    ]
    assert floors.row_differences(rows, rows[1:]) == [f"missing {rows[0][:4]}"]
