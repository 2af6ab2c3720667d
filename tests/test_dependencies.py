"""The dependency finder: exactly the tables a model reads, found by parsing its SQL.

The regular expression it replaced took every word after ``from`` or ``join`` for a table, so
ordinary SQL made a build fail with "needs table 'start_date'".
"""

from __future__ import annotations

import duckdb
import pytest

from techpact.transforms import runner
from techpact.transforms.dependencies import (
    DependencyError,
    macro_order,
    macro_reads,
    parse_macro,
    references,
)

REGIONS_OF = """
-- Cells summed per region (the region lookup is the macro's own business).
create or replace temp macro regions_of(cells, count_of) as table
with located as (
    select lookup.region_code, count_of as cell_count
    from query_table(cells) as cells_rows
    inner join region_lookup as lookup on lookup.gemeente_code = cells_rows.gemeente_code
)
select located.region_code, sum(located.cell_count) as total from located group by all
"""

NATIONAL_TOO = """
create or replace temp macro national_too(cells) as table
select * from regions_of(cells, n)
union all
select 'NL01', sum(n) from query_table(cells) join national_flags using (gemeente_code)
"""


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ("select extract(year from start_date) as y from contracts", {"contracts"}),
        ("select trim(both ' ' from name) as name from people", {"people"}),
        ("select a.* from a /* join b */", {"a"}),
        ("select 'from x' as label from a", {"a"}),
        ("select a.* from a -- join c on true", {"a"}),
        ("select substring(name from 2 for 3) from people", {"people"}),
    ],
)
def test_words_after_from_that_are_no_table_are_not_dependencies(
    sql: str, tables: set[str]
) -> None:
    assert references(sql) == tables


def test_the_mis_reads_of_the_issue_all_in_one_model() -> None:
    sql = """
    select
        extract(year from contracts.start_date) as start_year, -- join d
        trim(both ' ' from people.name) as name,
        'from x' as label
    from contracts /* join b */
    inner join people on people.id = contracts.person_id
    """
    assert references(sql) == {"contracts", "people"}


def test_cte_names_are_not_dependencies_but_the_tables_they_read_are() -> None:
    sql = """
    with recent as (select * from stg_orders where year > 2020),
    totals as (select count(*) as n from recent)
    select * from totals cross join (select * from "Region") as r
    """
    assert references(sql) == {"stg_orders", "region"}


def test_a_table_named_in_query_table_is_a_dependency() -> None:
    assert references("select * from query_table('stg_things')") == {"stg_things"}


def test_a_model_calling_a_table_macro_reads_what_the_macro_reads() -> None:
    macro = parse_macro(REGIONS_OF, origin="macros/regions_of.sql")
    assert macro.name == "regions_of"
    assert macro.parameters == ("cells", "count_of")
    assert macro.reads == {"region_lookup"}
    assert macro.table_parameters == {0}
    model = "select * from regions_of('stg_cells', cell_count)"
    assert references(model, {"regions_of": macro}) == {"region_lookup", "stg_cells"}


def test_a_cte_handed_to_a_macro_by_name_is_not_a_dependency() -> None:
    macro = parse_macro(REGIONS_OF, origin="macros/regions_of.sql")
    model = """
    with picked as (select * from stg_cells where cell_count > 0)
    select * from regions_of('picked', cell_count)
    """
    assert references(model, {"regions_of": macro}) == {"region_lookup", "stg_cells"}


def test_a_macro_reads_what_the_macros_it_calls_read() -> None:
    macros = {
        m.name: m
        for m in (
            parse_macro(REGIONS_OF, origin="macros/regions_of.sql"),
            parse_macro(NATIONAL_TOO, origin="macros/national_too.sql"),
        )
    }
    assert macro_reads("national_too", macros) == {"region_lookup", "national_flags"}
    assert macro_order(macros) == ["regions_of", "national_too"]
    model = "select * from national_too('stg_cells')"
    assert references(model, macros) == {"region_lookup", "national_flags", "stg_cells"}


def test_the_order_found_runs_a_macro_model_in_duckdb() -> None:
    """What the finder says a macro model needs is what DuckDB needs to run it."""
    macro = parse_macro(REGIONS_OF, origin="macros/regions_of.sql")
    model = "select * from regions_of('stg_cells', cell_count) order by region_code"
    needs = references(model, {"regions_of": macro})
    with duckdb.connect() as con:
        con.execute(REGIONS_OF)
        tables = {
            "region_lookup": "select * from (values ('0153', 'CR12')) as t(gemeente_code, "
            "region_code)",
            "stg_cells": "select * from (values ('0153', 4), ('0153', 5)) as t(gemeente_code, "
            "cell_count)",
        }
        for name in sorted(needs):
            con.execute(f"create table {name} as {tables[name]}")
        assert con.execute(model).fetchall() == [("CR12", 9)]


def test_an_unparsable_model_names_its_file() -> None:
    with pytest.raises(DependencyError, match=r"models/broken\.sql is not valid SQL"):
        references("select from from where", origin="models/broken.sql")


def test_a_macro_file_without_a_macro_says_what_it_must_hold() -> None:
    with pytest.raises(DependencyError, match=r"macros/m\.sql must hold one 'create or replace"):
        parse_macro("select 1", origin="macros/m.sql")


def test_the_duo_region_models_depend_on_the_rollup_through_their_macro() -> None:
    """int_*_by_region name only their staging table; the region rollup comes via the macro."""
    order = runner.build_order(
        ["hbo_enrolment_technology_share"], {"region", "raw_duo__hbo_enrolment_by_sex"}
    )
    assert order.index("int_region_rollup") < order.index("int_hbo_enrolment_by_region")
    assert order.index("stg_duo__hbo_enrolment_by_sex") < order.index("int_hbo_enrolment_by_region")
    assert order[-1] == "hbo_enrolment_technology_share"


def test_every_model_and_macro_of_the_project_parses() -> None:
    macros = runner.load_macros()
    assert {"sum_cells_by_region", "levels_with_total"} <= set(macros)
    for folder in ("staging", "models"):
        for name in runner.model_names(folder):
            assert runner.model_references(name, macros), f"{folder}/{name}.sql reads nothing"
