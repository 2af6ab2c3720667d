"""The DUO loader: several landed files per resource, one year from one file, sibling totals,
and data lines that repeat another line's key (the audit table source_duplicates)."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, shared_file

from techpact.sources.duo import parse_duo_file
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
    with caplog.at_level(logging.DEBUG, logger="techpact"), duckdb.connect() as con:
        duo_loader.load_raw(con, zone, ["hbo_inflow_by_programme"])
        rows = con.execute(
            'select year, source_format, sum("count") from raw_duo__hbo_inflow_by_programme '
            "group by all order by year"
        ).fetchall()
    assert rows == [(2018, "legacy", 44), (2019, "legacy", 48), (2020, "current", 40)]
    assert "skipped 1 empty record(s)" in caplog.text


def test_the_legacy_mbo_file_and_its_portal_successor_feed_one_resource(tmp_path: Path) -> None:
    zone = LandingZone(tmp_path)
    for dataset, name, fetched_at in (
        ("mbo-deelnemers", "legacy_mbo_students.csv", OLD),
        ("mbo-studenten-per-instelling", "mbo_students_per_institution.csv", NEW),
    ):
        zone.land_bytes(
            (FIXTURES / "duo" / name).read_bytes(),
            source="duo",
            dataset=dataset,
            resource="mbo_students_by_qualification",
            file_name=name,
            media_type="text/csv",
            fetched_at=fetched_at,
        )
    with duckdb.connect() as con:
        duo_loader.load_raw(con, zone, ["mbo_students_by_qualification"])
        years = con.execute(
            "select source_format, list(distinct year order by year), "
            "list(distinct sex order by sex) "
            "from raw_duo__mbo_students_by_qualification group by all order by 1"
        ).fetchall()
        assert duo_loader.find_source_duplicates(con).empty
    assert years == [
        ("current", [2021, 2022, 2023, 2024, 2025], ["female", "male"]),
        ("legacy", [2018, 2019], ["female", "male", "total"]),
    ]


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


def test_a_repeated_line_is_counted_once_when_siblings_are_compared(tmp_path: Path) -> None:
    # The by-sex file repeats its 300 line: summed, 630 against 330 would be a mismatch. The
    # siblings agree on the true total; the repetition is the gate's source_rows_unique's job.
    con = sibling_tables(tmp_path, [(2022, "MAN", 300), (2022, "MAN", 300)], [(2022, 300)])
    assert duo_loader.sibling_total_mismatches(con).empty
    assert duo_loader.find_source_duplicates(con)["line_numbers"].tolist() == ["2, 3"]


# --- repeated data lines ------------------------------------------------------------------------


def load_fixture(root: Path, fixture: str, resource: str) -> duckdb.DuckDBPyConnection:
    zone = LandingZone(root)
    land(zone, (FIXTURES / "duo" / fixture).read_bytes(), resource, OLD, fixture)
    con = duckdb.connect()
    duo_loader.load_raw(con, zone, [resource])
    return con


def test_a_repeated_current_line_is_listed_with_its_file_key_and_both_lines(
    tmp_path: Path,
) -> None:
    con = load_fixture(tmp_path, "duplicate_rows.csv", "hbo_enrolment_by_sex")

    [found] = duo_loader.find_source_duplicates(con).to_dict("records")

    assert found["source"] == "duo"
    assert found["resource"] == "hbo_enrolment_by_sex"
    assert found["file_name"] == "duplicate_rows.csv"
    assert found["year"] == 2023
    assert found["line_numbers"] == "2, 3"
    assert found["row_count"] == 2
    assert found["duplicate_key"].startswith("2023 | hbo | Utrecht | GM0344 | Utrecht | ")
    assert "source_file" not in found["duplicate_key"]


def test_a_repeated_legacy_line_is_listed_once_per_year(tmp_path: Path) -> None:
    # Wide: each of the two identical lines holds 2018 and 2019.
    con = load_fixture(tmp_path, "legacy_duplicate_rows.csv", "hbo_inflow_by_programme")

    found = duo_loader.find_source_duplicates(con)

    assert found[["year", "line_numbers", "row_count"]].values.tolist() == [
        [2018, "2, 3", 2],
        [2019, "2, 3", 2],
    ]


def test_lines_that_differ_in_any_text_column_are_not_repeated(tmp_path: Path) -> None:
    con = sibling_tables(tmp_path, [(2022, "MAN", 30), (2022, "VROUW", 30)], [(2022, 60)])
    assert duo_loader.find_source_duplicates(con).empty


def test_the_audit_table_is_written_typed_and_empty_without_raw_tables(tmp_path: Path) -> None:
    path = tmp_path / "build.duckdb"
    with duckdb.connect() as con:
        assert duo_loader.write_source_duplicates(con, path) == 0
    with duckdb.connect(str(path), read_only=True) as out:
        columns = out.execute("describe source_duplicates").fetchall()
        assert out.execute("select count(*) from source_duplicates").fetchone() == (0,)
    assert [(name, kind) for name, kind, *_ in columns] == [
        ("source", "VARCHAR"),
        ("resource", "VARCHAR"),
        ("file_name", "VARCHAR"),
        ("source_sha256", "VARCHAR"),
        ("year", "INTEGER"),
        ("duplicate_key", "VARCHAR"),
        ("line_numbers", "VARCHAR"),
        ("row_count", "BIGINT"),
    ]


def test_write_source_duplicates_logs_each_repeated_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    con = load_fixture(tmp_path, "duplicate_rows.csv", "hbo_enrolment_by_sex")
    with caplog.at_level(logging.WARNING):
        assert duo_loader.write_source_duplicates(con, tmp_path / "build.duckdb") == 1
    assert "duplicate_rows.csv repeats a data line at lines 2, 3" in caplog.text


REAL_FILES = {
    "duo/onderwijsdata_ckan_2026/ingeschrevenengeslhbo.csv": "p01hoinges",
    "duo/onderwijsdata_ckan_2026/ingeschrevenenhbo.csv": "p01hoinges",
    "duo/onderwijsdata_ckan_2026/eerstejaarsingeschrevenenhbo.csv": "p02ho1ejrs",
    "duo/onderwijsdata_ckan_2026/gediplomeerdenhbo.csv": "p04hogdipl",
    "duo/onderwijsdata_ckan_2026/01.-instellingen-hbo-en-wo.csv": "adressen-ho",
    "duo/open_onderwijsdata_legacy_2019/hbo_inscriptions_2019.csv": "p02ho1ejrs",
    "duo/open_onderwijsdata_legacy_2019/wo_inscriptions_2019.csv": "p02ho1ejrs",
    "duo/open_onderwijsdata_legacy_2019/hbo_gediplomeerden_2019.csv": "p04hogdipl",
    "duo/open_onderwijsdata_legacy_2019/mbo_inscriptions_2019_EXCERPT_first100_plus_27YU.csv": (
        "mbo-deelnemers"
    ),
}


@pytest.mark.parametrize(("name", "dataset"), REAL_FILES.items(), ids=lambda v: str(v))
def test_no_real_duo_file_repeats_a_data_line(tmp_path: Path, name: str, dataset: str) -> None:
    # Why source_rows_unique can be critical: the real portal and legacy files never repeat a
    # key (text columns + year), so a repeated line is a broken file, not DUO's way of writing.
    path = shared_file(name)
    resource = parse_duo_file(path.read_bytes(), path.name, dataset=dataset).resource
    zone = LandingZone(tmp_path)
    zone.land_bytes(
        path.read_bytes(),
        source="duo",
        dataset=dataset,
        resource=resource,
        file_name=path.name,
        media_type="text/csv",
    )
    with duckdb.connect() as con:
        duo_loader.load_raw(con, zone, [resource])
        rows = con.execute(f"select count(*) from raw_duo__{resource}").fetchone()
        assert rows is not None and rows[0] > 50
        assert duo_loader.find_source_duplicates(con).empty
