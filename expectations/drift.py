"""Frames for the drift checks: the build compared with the last published snapshot.

The published file is read read-only, only its ``indicator_values`` keys and values. With no
published snapshot the previous frame is empty, every drift frame is empty, and the drift
checks pass: there is nothing to drift from.

Rows are matched on indicator x region x period x every breakdown column
(``transforms.catalog.BREAKDOWN_COLUMNS``); the SQL is written for that tuple, so a new
breakdown needs no edit here. A published snapshot from before a breakdown existed has no such
column: its rows are read with the breakdown 'total', which is what they meant.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from techpact.expectations.config import DriftConfig
from techpact.expectations.consistency import columns_of, join_on
from techpact.transforms.catalog import BREAKDOWN_COLUMNS

DRIFT_ROW_COUNT = "drift_row_count"
DRIFT_VALUE_JUMP = "drift_value_jump"
DRIFT_REGIONS = "drift_regions"
DRIFT_PERIODS = "drift_periods"
DRIFT_PUBLISHED_VALUE = "drift_published_value"

ROW_COUNT_KEYS = ("indicator_id", "previous_row_count", "row_count")
VALUE_JUMP_KEYS = ("indicator_id", "region_code", "period", *BREAKDOWN_COLUMNS, "previous_period")
REGION_KEYS = ("indicator_id", "region_code", "period")
PERIOD_KEYS = ("indicator_id", "period")
PUBLISHED_VALUE_KEYS = ("indicator_id", "region_code", "period", *BREAKDOWN_COLUMNS)

SERIES_KEY = ("indicator_id", "region_code", *BREAKDOWN_COLUMNS)
PREVIOUS_COLUMNS = ("indicator_id", "region_code", "period", *BREAKDOWN_COLUMNS, "value")


def read_previous_values(previous_path: Path | None) -> pd.DataFrame:
    """The published snapshot's indicator rows (keys and value); empty without one."""
    if previous_path is None:
        return pd.DataFrame(
            {
                **{c: pd.Series([], dtype="str") for c in PREVIOUS_COLUMNS if c != "value"},
                "value": pd.Series([], dtype="float64"),
            }
        )
    with duckdb.connect(str(previous_path), read_only=True) as con:
        present = {
            row[0]
            for row in con.execute(
                "select column_name from duckdb_columns() where table_name = 'indicator_values'"
            ).fetchall()
        }
        # Column names come from BREAKDOWN_COLUMNS (catalog identifiers), never from data.
        breakdowns = ", ".join(c if c in present else f"'total' as {c}" for c in BREAKDOWN_COLUMNS)
        return con.execute(
            f"select indicator_id, region_code, period, {breakdowns}, value::double as value "
            "from indicator_values"
        ).df()


ROW_COUNT_SQL = """
with previous_counts as (
    select indicator_id, count(*) as previous_row_count
    from previous_values
    where indicator_id in (select unnest($indicator_ids::varchar[]))
    group by indicator_id
),

current_counts as (
    select indicator_id, count(*) as row_count
    from indicator_values
    group by indicator_id
)

select
    previous_counts.indicator_id,
    previous_counts.previous_row_count,
    coalesce(current_counts.row_count, 0) as row_count,
    abs(coalesce(current_counts.row_count, 0) - previous_counts.previous_row_count)
        / previous_counts.previous_row_count as relative_change
from previous_counts
left join current_counts on current_counts.indicator_id = previous_counts.indicator_id
order by previous_counts.indicator_id
"""

REGIONS_SQL = """
-- Regions the published snapshot had for an indicator and period that the build still has.
with previous_cells as (
    select distinct indicator_id, region_code, period
    from previous_values
    where indicator_id in (select unnest($indicator_ids::varchar[]))
),

current_periods as (
    select distinct indicator_id, period from indicator_values
)

select
    previous_cells.indicator_id,
    previous_cells.region_code,
    previous_cells.period,
    count(indicator_values.indicator_id) as row_count
from previous_cells
inner join current_periods
    on current_periods.indicator_id = previous_cells.indicator_id
    and current_periods.period = previous_cells.period
left join indicator_values
    on indicator_values.indicator_id = previous_cells.indicator_id
    and indicator_values.region_code = previous_cells.region_code
    and indicator_values.period = previous_cells.period
group by previous_cells.indicator_id, previous_cells.region_code, previous_cells.period
order by previous_cells.indicator_id, previous_cells.region_code, previous_cells.period
"""

PERIODS_SQL = """
with previous_periods as (
    select distinct indicator_id, period
    from previous_values
    where indicator_id in (select unnest($indicator_ids::varchar[]))
)

select
    previous_periods.indicator_id,
    previous_periods.period,
    count(indicator_values.indicator_id) as row_count
from previous_periods
left join indicator_values
    on indicator_values.indicator_id = previous_periods.indicator_id
    and indicator_values.period = previous_periods.period
group by previous_periods.indicator_id, previous_periods.period
order by previous_periods.indicator_id, previous_periods.period
"""


def change_sql(table: str, previous: str) -> str:
    """How far ``table.value`` is from ``table.<previous>``: shares as an absolute change in
    fraction points (percent / 100), counts and ratios relative to the previous value."""
    return f"""case {table}.unit
            when 'fraction' then abs({table}.value - {table}.{previous})
            when 'percent' then abs({table}.value - {table}.{previous}) / 100
            else abs({table}.value - {table}.{previous}) / nullif(abs({table}.{previous}), 0)
        end"""


def published_value_sql() -> str:
    """Values the published snapshot has for the same key (indicator x region x period x every
    breakdown) that the build changed: a revision. Catches a whole series scaled at once (a
    unit or source mistake), which the period-to-period jump cannot see."""
    return f"""
with revised as (
    select
        {columns_of("indicator_values", PUBLISHED_VALUE_KEYS)},
        indicator_values.unit,
        previous_values.value as published_value,
        indicator_values.value
    from indicator_values
    inner join previous_values
        on {join_on("indicator_values", "previous_values", PUBLISHED_VALUE_KEYS)}
    where indicator_values.value is distinct from previous_values.value
        and indicator_values.value is not null and previous_values.value is not null
),

measured as (
    select
        revised.*,
        revised.unit in ('fraction', 'percent') as is_share,
        {change_sql("revised", "published_value")} as change
    from revised
)

select
    {columns_of("measured", PUBLISHED_VALUE_KEYS)},
    measured.published_value,
    measured.value,
    measured.change,
    case when measured.is_share then $max_fraction_change else $max_relative_change end
        as max_change
from measured
where measured.is_share or abs(measured.published_value) >= $min_previous_count
order by {columns_of("measured", PUBLISHED_VALUE_KEYS)}
"""


def value_jump_sql() -> str:
    """Values new or changed since the published snapshot, against the previous period's value.

    A series is one indicator x region x breakdown, ordered by period.
    """
    return f"""
with series as (
    select
        {columns_of("indicator_values", SERIES_KEY)},
        indicator_values.period,
        indicator_values.unit,
        indicator_values.value,
        lag(indicator_values.period) over by_series as previous_period,
        lag(indicator_values.value) over by_series as previous_period_value
    from indicator_values
    where indicator_values.value is not null
    window by_series as (
        partition by {columns_of("indicator_values", SERIES_KEY)}
        order by indicator_values.period
    )
),

changed as (
    select series.*
    from series
    left join previous_values
        on {join_on("series", "previous_values", SERIES_KEY)}
        and previous_values.period = series.period
    where $has_previous
        and previous_values.value is distinct from series.value
        and series.previous_period is not null
),

measured as (
    select
        changed.*,
        changed.unit in ('fraction', 'percent') as is_share,
        {change_sql("changed", "previous_period_value")} as change
    from changed
)

select
    measured.indicator_id,
    measured.region_code,
    measured.period,
    {columns_of("measured")},
    measured.previous_period,
    measured.previous_period_value,
    measured.value,
    measured.change,
    case when measured.is_share then $max_fraction_change else $max_relative_change end
        as max_change
from measured
where measured.is_share or abs(measured.previous_period_value) >= $min_previous_count
order by measured.indicator_id, measured.region_code, measured.period, {columns_of("measured")}
"""


def read_drift_tables(
    con: duckdb.DuckDBPyConnection,
    config: DriftConfig,
    indicator_ids: list[str],
    previous: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """The drift frames of a build (``con``) against the published rows ``previous``."""
    con.register("previous_values", previous)
    try:
        ids = {"indicator_ids": indicator_ids}
        jump = config.value_jump
        revision = config.published_value
        return {
            DRIFT_PUBLISHED_VALUE: con.execute(
                published_value_sql(),
                {
                    "max_fraction_change": revision.max_fraction_change,
                    "max_relative_change": revision.max_relative_change,
                    "min_previous_count": revision.min_previous_count,
                },
            ).df(),
            DRIFT_ROW_COUNT: con.execute(ROW_COUNT_SQL, ids).df(),
            DRIFT_REGIONS: con.execute(REGIONS_SQL, ids).df(),
            DRIFT_PERIODS: con.execute(PERIODS_SQL, ids).df(),
            DRIFT_VALUE_JUMP: con.execute(
                value_jump_sql(),
                {
                    "has_previous": len(previous) > 0,
                    "max_fraction_change": jump.max_fraction_change,
                    "max_relative_change": jump.max_relative_change,
                    "min_previous_count": jump.min_previous_count,
                },
            ).df(),
        }
    finally:
        con.unregister("previous_values")
