"""The DUO loader: several landed files per resource, one year from one file, sibling totals."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES

from techpact.sources.errors import SourceFormatError
from techpact.sources.landing import LandingZone
from techpact.warehouse.loaders import BuildError
from techpact.warehouse.loaders import duo as duo_loader

HEADER = (
    '"STUDIEJAAR","PROVINCIENAAM","GEMEENTENUMMER","GEMEENTENAAM","SOORT_INSTELLING",'
    '"TYPE_HOGER_ONDERWIJS","INSTELLINGSCODE_ACTUEEL","INSTELLINGSNAAM_ACTUEEL","ONDERDEEL",'
    '"SUBONDERDEEL","{last}","AANTAL_INGESCHREVENEN"'
)


OLD = "2025-01-01T00:00:00+00:00"
NEW = "2026-01-01T00:00:00+00:00"


def by_sex(*rows: tuple[int, str, int]) -> bytes:
    lines = [HEADER.format(last="GESLACHT")] + [
        f'"{year}","Overijssel","0153","Enschede","reguliere inst.","bachelor","23AH",'
        f'"Saxion Hogeschool","TECHNIEK","n.v.t.","{sex}",{count}'
        for year, sex, count in rows
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def by_programme(*rows: tuple[int, int]) -> bytes:
    header = HEADER.replace('"{last}",', '"{last}","OPLEIDINGSNAAM_ACTUEEL",').format(
        last="OPLEIDINGSCODE_ACTUEEL"
    )
    lines = [header] + [
        f'"{year}","Overijssel","0153","Enschede","reguliere inst.","bachelor","23AH",'
        f'"Saxion Hogeschool","TECHNIEK","n.v.t.","34267","B Elektrotechniek",{count}'
        for year, count in rows
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def land(zone: LandingZone, data: bytes, resource: str, fetched_at: str, name: str) -> None:
    zone.land_bytes(
        data,
        source="duo",
        dataset="p01hoinges" if "enrolment" in resource else "p02ho1ejrs",
        resource=resource,
        file_name=name,
        media_type="text/csv",
        fetched_at=fetched_at,
    )


def test_each_year_comes_from_the_newest_file_that_has_it(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    land(zone, by_sex((2020, "MAN", 10), (2021, "MAN", 11)), "hbo_enrolment_by_sex", OLD, "old.csv")
    land(zone, by_sex((2021, "MAN", 12), (2022, "MAN", 13)), "hbo_enrolment_by_sex", NEW, "new.csv")
    with duckdb.connect() as con:
        used = duo_loader.load_raw(con, zone, ["hbo_enrolment_by_sex"])
        rows = con.execute(
            'select year, "count", source_file from raw_duo__hbo_enrolment_by_sex order by year'
        ).fetchall()
    assert rows == [(2020, 10, "old.csv"), (2021, 12, "new.csv"), (2022, 13, "new.csv")]
    assert [f.manifest.file_name for f in used] == ["new.csv", "old.csv"]


def test_legacy_and_current_files_of_one_resource_are_loaded_together(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    zone = LandingZone(tmp_path)
    legacy = (FIXTURES / "duo" / "legacy_ho_students.csv").read_bytes()
    land(zone, legacy, "hbo_inflow_by_programme", OLD, "legacy.csv")
    current = by_programme((2020, 40)).replace(
        b"AANTAL_INGESCHREVENEN", b"AANTAL_EERSTEJAARS_INGESCHREVENEN"
    )
    land(zone, current, "hbo_inflow_by_programme", NEW, "current.csv")
    with caplog.at_level(logging.WARNING), duckdb.connect() as con:
        duo_loader.load_raw(con, zone, ["hbo_inflow_by_programme"])
        rows = con.execute(
            'select year, source_format, sum("count") from raw_duo__hbo_inflow_by_programme '
            "group by all order by year"
        ).fetchall()
    assert rows == [(2018, "legacy", 44), (2019, "legacy", 48), (2020, "current", 40)]
    assert "skipped 1 empty record(s)" in caplog.text


def test_a_file_landed_under_the_wrong_resource_is_refused(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    land(zone, by_sex((2020, "MAN", 10)), "hbo_enrolment_by_programme", OLD, "x.csv")
    with duckdb.connect() as con, pytest.raises(BuildError, match="hbo_enrolment_by_sex"):
        duo_loader.load_raw(con, zone, ["hbo_enrolment_by_programme"])


def test_a_resource_with_nothing_landed_is_named(tmp_path: Path) -> None:
    with duckdb.connect() as con, pytest.raises(BuildError, match="duo/wo_inflow_by_programme"):
        duo_loader.load_raw(con, LandingZone(tmp_path), ["wo_inflow_by_programme"])


def test_a_broken_landed_file_fails_the_load_naming_file_line_and_column(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    broken = (FIXTURES / "duo" / "legacy_bad_negative_count.csv").read_bytes()
    land(zone, broken, "hbo_inflow_by_programme", OLD, "broken.csv")
    with duckdb.connect() as con, pytest.raises(SourceFormatError) as caught:
        duo_loader.load_raw(con, zone, ["hbo_inflow_by_programme"])
    assert str(caught.value).startswith("broken.csv, line 3, column 2019: ")


def sibling_tables(
    root: Path, sex_rows: list[tuple[int, str, int]], programme_rows: list[tuple[int, int]]
) -> duckdb.DuckDBPyConnection:
    zone = LandingZone(root)
    land(zone, by_sex(*sex_rows), "hbo_enrolment_by_sex", OLD, "s.csv")
    land(zone, by_programme(*programme_rows), "hbo_enrolment_by_programme", OLD, "p.csv")
    con = duckdb.connect()
    duo_loader.load_raw(con, zone, ["hbo_enrolment_by_sex", "hbo_enrolment_by_programme"])
    return con


def test_sibling_totals_agree_within_what_suppressed_cells_can_hide(tmp_path: Path) -> None:
    # by sex: 30 + suppressed (0..4); by programme: 33. |30 - 33| <= 4 x 1: they agree.
    con = sibling_tables(tmp_path, [(2022, "MAN", 30), (2022, "VROUW", -1)], [(2022, 33)])
    assert duo_loader.sibling_total_mismatches(con).empty


def test_sibling_totals_that_disagree_are_reported_per_year(tmp_path: Path) -> None:
    con = sibling_tables(
        tmp_path,
        [(2022, "MAN", 30), (2022, "VROUW", -1), (2023, "MAN", 40)],
        [(2022, 33), (2023, 52)],
    )
    mismatches = duo_loader.sibling_total_mismatches(con)
    columns = ["left_resource", "right_resource", "year", "left_total", "right_total"]
    assert mismatches[columns].values.tolist() == [
        ["hbo_enrolment_by_sex", "hbo_enrolment_by_programme", 2023, 40, 52]
    ]
