"""The published tables declare their keys; a build that would break them fails by name.

A model that emits a row twice, or a value for a region or period without its row in the
dimension table, is a build error naming the table and the key, before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from techpact.warehouse.build import BuildError, copy_published_tables, key_violations


def dimension_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table region (region_code varchar, region_name varchar)")
    con.execute("insert into region values ('CR12', 'Twente'), ('NL01', 'Nederland')")
    con.execute("create table period (period varchar, period_type varchar)")
    con.execute("insert into period values ('2023/24', 'school_year')")
    con.execute("create table indicator_catalog (indicator_id varchar, unit varchar)")
    con.execute("insert into indicator_catalog values ('hbo_enrolment_technology', 'count')")
    con.execute("create table indicator_gaps (indicator_id varchar, why varchar)")
    con.execute(
        """
        create table indicator_values (
            indicator_id varchar, region_code varchar, period varchar, sex varchar,
            education_level varchar, institution varchar, value double
        )
        """
    )


def add_value(con: duckdb.DuckDBPyConnection, region_code: str, period: str = "2023/24") -> None:
    con.execute(
        "insert into indicator_values values "
        "('hbo_enrolment_technology', $region, $period, 'total', 'total', 'total', 5144)",
        {"region": region_code, "period": period},
    )


def test_a_clean_build_has_no_key_violations_and_is_copied_with_its_keys(tmp_path: Path) -> None:
    with duckdb.connect() as con:
        dimension_tables(con)
        add_value(con, "CR12")
        add_value(con, "NL01")
        copy_published_tables(con, tmp_path / "out.duckdb")
    with duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True) as out:
        kinds = out.execute(
            "select table_name, constraint_type from duckdb_constraints() "
            "where constraint_type in ('PRIMARY KEY', 'FOREIGN KEY') order by all"
        ).fetchall()
        [(rows,)] = out.execute("select count(*) from indicator_values").fetchall()
    assert rows == 2
    assert kinds == [
        ("indicator_catalog", "PRIMARY KEY"),
        ("indicator_gaps", "PRIMARY KEY"),
        ("indicator_values", "FOREIGN KEY"),
        ("indicator_values", "FOREIGN KEY"),
        ("indicator_values", "FOREIGN KEY"),
        ("indicator_values", "PRIMARY KEY"),
        ("period", "PRIMARY KEY"),
        ("region", "PRIMARY KEY"),
    ]


def test_a_row_emitted_twice_is_named_with_its_key(tmp_path: Path) -> None:
    with duckdb.connect() as con:
        dimension_tables(con)
        add_value(con, "CR12")
        add_value(con, "CR12")
        assert key_violations(con, "indicator_values") == [
            "indicator_values has 2 rows with the key indicator_id='hbo_enrolment_technology', "
            "region_code='CR12', period='2023/24', sex='total', education_level='total', "
            "institution='total'"
        ]
        with pytest.raises(BuildError, match="breaks the published keys"):
            copy_published_tables(con, tmp_path / "out.duckdb")
    assert not (tmp_path / "out.duckdb").exists()


def test_a_region_or_period_without_its_row_is_named(tmp_path: Path) -> None:
    with duckdb.connect() as con:
        dimension_tables(con)
        add_value(con, "GM9999")
        add_value(con, "CR12", period="2099/00")
        problems = key_violations(con, "indicator_values")
    assert problems == [
        "indicator_values.region_code = 'GM9999' is not in region.region_code",
        "indicator_values.period = '2099/00' is not in period.period",
    ]


def test_a_dimension_row_twice_is_named(tmp_path: Path) -> None:
    with duckdb.connect() as con:
        dimension_tables(con)
        con.execute("insert into region values ('CR12', 'Twente')")
        problems = key_violations(con, "region")
    assert problems == ["region has 2 rows with the key region_code='CR12'"]
