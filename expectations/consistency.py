"""Frames for the consistency rules across indicators and tables (declared in checks.toml).

Each function returns one DataFrame per rule, computed with DuckDB on the build's published
tables (``indicator_values``, ``region``); the gate then validates it with a Great Expectations
expectation (see ``expectations.suites``). Indicator ids are bound as parameters.

Rows are compared per region x period x breakdown: every column of
``transforms.catalog.BREAKDOWN_COLUMNS`` (sex, education_level, ...). The SQL is written for
that tuple of column names, so a new breakdown needs no edit here. Those names come from the
catalog's ``Breakdown`` literal (plain identifiers), never from data.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from techpact.expectations.config import AtMostRule, ShareRule, measure_ids
from techpact.transforms.catalog import BREAKDOWN_COLUMNS

GEMEENTE_SUM = "gemeente_sum"

AT_MOST_KEYS = ("region_code", "period", *BREAKDOWN_COLUMNS)
SHARE_KEYS = ("region_code", "period", *BREAKDOWN_COLUMNS)
GEMEENTE_SUM_KEYS = ("indicator_id", "region_code", "period", *BREAKDOWN_COLUMNS)


def columns_of(alias: str, columns: tuple[str, ...] = BREAKDOWN_COLUMNS) -> str:
    """``alias.sex, alias.education_level``: a select or group-by list."""
    return ", ".join(f"{alias}.{column}" if alias else column for column in columns)


def join_on(left: str, right: str, columns: tuple[str, ...]) -> str:
    """``right.c = left.c and ...`` for every column: a join on a whole key."""
    return " and ".join(f"{right}.{column} = {left}.{column}" for column in columns)


def at_most_table(rule: AtMostRule) -> str:
    return f"at_most__{rule.name}"


def share_table(rule: ShareRule) -> str:
    return f"share__{rule.name}"


KEY = ("region_code", "period", *BREAKDOWN_COLUMNS)


def measure_sql(measure: str | tuple[str, ...], parameter: str) -> tuple[str, dict[str, Any]]:
    """A ``select region_code, period, <breakdowns>, value`` of one indicator, or several summed.

    A sum has a row only where every one of its indicators has a row.
    """
    ids = list(measure_ids(measure))
    sql = f"""
        select {columns_of("", KEY)}, sum(value) as value
        from indicator_values
        where indicator_id in (select unnest(${parameter}::varchar[]))
        group by {columns_of("", KEY)}
        having count(distinct indicator_id) = len(${parameter}::varchar[])
    """
    return sql, {parameter: ids}


def read_at_most(con: duckdb.DuckDBPyConnection, rule: AtMostRule) -> pd.DataFrame:
    """Every region x period x breakdown both measures have: part_value and whole_value."""
    part, part_params = measure_sql(rule.part, "part_id")
    whole, whole_params = measure_sql(rule.whole, "whole_id")
    sql = f"""
        with part as ({part}),

        whole as ({whole})

        select
            {columns_of("part", KEY)},
            part.value as part_value,
            whole.value as whole_value
        from part
        inner join whole on {join_on("part", "whole", KEY)}
        order by {columns_of("part", KEY)}
    """
    return con.execute(sql, {**part_params, **whole_params}).df()


def read_share(con: duckdb.DuckDBPyConnection, rule: ShareRule) -> pd.DataFrame:
    """Every row of the share indicator with its numerator, denominator and the deviation.

    A share without a numerator or denominator (or with a zero denominator) cannot be
    recomputed: its deviation is infinite, so it fails.
    """
    numerator, numerator_params = measure_sql(rule.numerator, "numerator_id")
    denominator, denominator_params = measure_sql(rule.denominator, "denominator_id")
    sql = f"""
        with share as (
            select {columns_of("", KEY)}, value
            from indicator_values
            where indicator_id = $share_id
        ),

        numerator as ({numerator}),

        denominator as ({denominator}),

        recomputed as (
            select
                {columns_of("share", KEY)},
                share.value as share_value,
                numerator.value as numerator_value,
                denominator.value as denominator_value,
                numerator.value / nullif(denominator.value, 0) as recomputed_value
            from share
            left join numerator on {join_on("share", "numerator", KEY)}
            left join denominator on {join_on("share", "denominator", KEY)}
        )

        select
            recomputed.*,
            coalesce(abs(recomputed.share_value - recomputed.recomputed_value), 'infinity'::double)
                as deviation
        from recomputed
        order by {columns_of("recomputed", KEY)}
    """
    params = {"share_id": rule.share, **numerator_params, **denominator_params}
    return con.execute(sql, params).df()


def gemeente_sum_sql() -> str:
    """A COROP region's count against the sum of its gemeenten, per indicator x breakdown.

    Compared where the data is complete: every gemeente of the COROP that has a row for the
    indicator and breakdown in any period has a non-null value in this period. Only indicators
    whose unit is count are additive.
    """
    breakdowns = BREAKDOWN_COLUMNS
    return f"""
with count_values as (
    select indicator_id, region_code, period, {columns_of("", breakdowns)}, value
    from indicator_values
    where unit = 'count' and source in (select unnest($sources::varchar[]))
),

gemeenten as (
    select region_code, corop_code
    from region
    where region_level = 'gemeente' and corop_code is not null
),

reporting as (
    select distinct count_values.indicator_id, {columns_of("count_values", breakdowns)},
        gemeenten.corop_code, gemeenten.region_code
    from count_values
    inner join gemeenten on gemeenten.region_code = count_values.region_code
),

periods as (
    select distinct indicator_id, period from count_values
),

expected as (
    select reporting.*, periods.period
    from reporting
    inner join periods on periods.indicator_id = reporting.indicator_id
),

summed as (
    select
        expected.indicator_id,
        expected.corop_code,
        expected.period,
        {columns_of("expected", breakdowns)},
        count(*) as gemeente_count,
        count(count_values.value) as gemeente_value_count,
        sum(count_values.value) as gemeente_sum
    from expected
    left join count_values
        on {join_on("expected", "count_values", ("indicator_id", "region_code", "period"))}
        and {join_on("expected", "count_values", breakdowns)}
    group by expected.indicator_id, expected.corop_code, expected.period,
        {columns_of("expected", breakdowns)}
)

select
    summed.indicator_id,
    summed.corop_code as region_code,
    summed.period,
    {columns_of("summed", breakdowns)},
    corop.value as region_value,
    summed.gemeente_sum,
    summed.gemeente_count,
    abs(corop.value - summed.gemeente_sum) as difference
from summed
inner join count_values as corop
    on corop.indicator_id = summed.indicator_id
    and corop.region_code = summed.corop_code
    and corop.period = summed.period
    and {join_on("summed", "corop", breakdowns)}
where summed.gemeente_value_count = summed.gemeente_count and corop.value is not null
order by summed.indicator_id, summed.corop_code, summed.period, {columns_of("summed", breakdowns)}
"""


def read_gemeente_sum(
    con: duckdb.DuckDBPyConnection, sources: tuple[str, ...] = ("duo", "cbs")
) -> pd.DataFrame:
    """Only count indicators of ``sources``: CBS rounds every region on its own and publishes
    only some gemeenten, so its gemeenten need not add up to their COROP."""
    return con.execute(gemeente_sum_sql(), {"sources": list(sources)}).df()
