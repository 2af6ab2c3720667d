"""The table macros of transforms/macros/ on an in-memory DuckDB: rows in, the exact rows out."""

from __future__ import annotations

import duckdb
import pytest

from techpact.transforms.runner import define_macros


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    define_macros(con)
    # Two gemeenten of one COROP region and province; a third gemeente the table does not list.
    con.execute(
        """
        create table int_region_rollup as select * from (values
            ('0153', 'GM0153', 'gemeente'), ('0153', 'CR12', 'corop'),
            ('0153', 'PV23', 'provincie'),
            ('0141', 'GM0141', 'gemeente'), ('0141', 'CR12', 'corop'),
            ('0141', 'PV23', 'provincie')
        ) as t(gemeente_code, region_code, region_level)
        """
    )
    con.execute(
        """
        create table cells as select * from (values
            ('0153', 2020, 'TECHNIEK', 'female', 10, false, 'a'),
            ('0153', 2020, 'ECONOMIE', 'male', 20, false, 'a'),
            ('0141', 2020, 'TECHNIEK', 'male', null, true, 'b'),
            ('0363', 2020, 'TECHNIEK', 'female', 7, false, 'c')
        ) as t(gemeente_code, study_year, croho_sector, sex, student_count, is_suppressed,
               source_sha256)
        """
    )
    return con


def test_cells_are_summed_to_every_region_their_gemeente_lies_in_and_to_nederland(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.execute(
        """
        select region_code, region_level, period, period_type, technology_count,
            technology_suppressed_cell_count, total_count, suppressed_cell_count, source_sha256
        from sum_cells_by_region(
            'cells', study_year, 'school_year', student_count, croho_sector = 'TECHNIEK'
        )
        order by region_code
        """
    ).fetchall()
    assert rows == [
        ("CR12", "corop", "2020/21", "school_year", 10, 1, 30, 1, "a,b"),
        ("GM0141", "gemeente", "2020/21", "school_year", 0, 1, 0, 1, "b"),
        ("GM0153", "gemeente", "2020/21", "school_year", 10, 0, 30, 0, "a"),
        ("NL01", "land", "2020/21", "school_year", 17, 1, 37, 1, "a,b,c"),
        ("PV23", "provincie", "2020/21", "school_year", 10, 1, 30, 1, "a,b"),
    ]


def test_a_breakdown_has_its_values_and_total(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """
        select breakdown, period, technology_count, total_count
        from sum_cells_by_region(
            'cells', study_year, 'year', student_count, croho_sector = 'TECHNIEK',
            breakdown_by := sex
        )
        where region_code = 'NL01'
        order by breakdown
        """
    ).fetchall()
    assert rows == [("female", "2020", 17, 17), ("male", "2020", 0, 20), ("total", "2020", 17, 37)]


def test_the_cells_may_be_a_cte_of_the_caller(con: duckdb.DuckDBPyConnection) -> None:
    [(count,)] = con.execute(
        """
        with picked as (select * from cells where gemeente_code = '0153')
        select total_count
        from sum_cells_by_region('picked', study_year, 'year', student_count, true)
        where region_code = 'NL01'
        """
    ).fetchall()
    assert count == 30


def test_levels_get_a_total_only_where_all_three_are_published() -> None:
    with duckdb.connect() as con:
        define_macros(con)
        con.execute(
            """
            create table counts as select * from (values
                ('GM0153', '2020', 'mbo', 100, 'a'), ('GM0153', '2020', 'hbo', 50, 'a'),
                ('GM0153', '2020', 'wo', 20, 'b'),
                ('GM0141', '2020', 'mbo', 10, 'a'), ('GM0141', '2020', 'hbo', null, 'a')
            ) as t(region_code, period, education_level, student_count, source_sha256)
            """
        )
        con.execute("alter table counts add column period_type varchar default 'school_year'")
        rows = con.execute(
            """
            select region_code, education_level, value, suppressed_cell_count, source_sha256
            from levels_with_total('counts', student_count)
            order by region_code, education_level
            """
        ).fetchall()
    assert rows == [
        ("GM0141", "mbo", 10, 0, "a"),
        ("GM0153", "hbo", 50, 0, "a"),
        ("GM0153", "mbo", 100, 0, "a"),
        ("GM0153", "total", 170, 0, "a,b"),
        ("GM0153", "wo", 20, 0, "b"),
    ]


def test_an_indicator_figure_keeps_the_contract_columns_and_the_rows_with_a_value() -> None:
    with duckdb.connect() as con:
        define_macros(con)
        con.execute(
            """
            create table figures as select * from (values
                ('NL01', '2020', 'year', 'total', 3, 4, 1, 'a', 'internal'),
                ('CR12', '2020', 'year', 'total', 0, 0, 0, 'b', 'internal')
            ) as t(region_code, period, period_type, sex, part, whole, hidden, source_sha256,
                   working_column)
            """
        )
        result = con.execute(
            "select * from indicator_figure('figures', part / whole, hidden, "
            "present_if := whole > 0)"
        )
        columns = [d[0] for d in result.description]
        rows = result.fetchall()
    assert columns == [
        "region_code", "period", "period_type", "sex", "source_sha256", "value",
        "suppressed_cell_count",
    ]  # fmt: skip
    assert rows == [("NL01", "2020", "year", "total", "a", 0.75, 1)]


def long_rows(*rows: tuple[object, ...]) -> duckdb.DuckDBPyConnection:
    """A connection with the macros and table ``long_rows`` (a staging table's columns)."""
    con = duckdb.connect()
    define_macros(con)
    con.execute(
        "create table long_rows (region_code varchar, period varchar, period_type varchar, "
        "is_provisional boolean, sector varchar, job_count double, source_dataset varchar, "
        "source_sha256 varchar)"
    )
    con.executemany("insert into long_rows values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def test_figures_of_a_region_and_period_come_side_by_side() -> None:
    con = long_rows(
        ("PV23", "2022", "year", False, "total", 10.0, "T1", "a"),
        ("PV23", "2022", "year", True, "ict", 2.0, "T2", "b"),
        ("NL01", "2022", "year", False, "total", 90.0, "T1", "a"),
    )
    rows = con.execute(
        """
        select region_code, is_provisional, figures['total'], figures['ict'],
            source_dataset, source_sha256
        from figures_side_by_side('long_rows', sector, job_count)
        order by region_code
        """
    ).fetchall()
    assert rows == [
        ("NL01", False, 90.0, None, "T1", "a"),
        ("PV23", True, 10.0, 2.0, "T1,T2", "a,b"),
    ]


def test_figures_side_by_side_refuses_a_key_counted_twice() -> None:
    con = long_rows(
        ("PV23", "2022", "year", False, "total", 10.0, "T1", "a"),
        ("PV23", "2022", "year", False, "total", 11.0, "T1", "a"),
    )
    with pytest.raises(duckdb.Error, match=r"(?i)unique|duplicate"):
        con.execute("select * from figures_side_by_side('long_rows', sector, job_count)")
