"""Frames for the consistency rules across indicators and tables (declared in checks.toml).

Each function returns one DataFrame per rule, computed with DuckDB on the build's published
tables (``indicator_values``, ``region``); the gate then validates it with a Great Expectations
expectation (see ``expectations.suites``). Indicator ids are bound as parameters.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from techpact.expectations.config import AtMostRule, ShareRule, measure_ids

GEMEENTE_SUM = "gemeente_sum"

AT_MOST_KEYS = ("region_code", "period", "sex")
SHARE_KEYS = ("region_code", "period", "sex")
GEMEENTE_SUM_KEYS = ("indicator_id", "region_code", "period", "sex")


def at_most_table(rule: AtMostRule) -> str:
    return f"at_most__{rule.name}"


def share_table(rule: ShareRule) -> str:
    return f"share__{rule.name}"


def measure_sql(measure: str | tuple[str, ...], parameter: str) -> tuple[str, dict[str, Any]]:
    """A ``select region_code, period, sex, value`` of one indicator, or of several summed.

    A sum has a row only where every one of its indicators has a row.
    """
    ids = list(measure_ids(measure))
    sql = f"""
        select region_code, period, sex, sum(value) as value
        from indicator_values
        where indicator_id in (select unnest(${parameter}::varchar[]))
        group by region_code, period, sex
        having count(distinct indicator_id) = len(${parameter}::varchar[])
    """
    return sql, {parameter: ids}


def read_at_most(con: duckdb.DuckDBPyConnection, rule: AtMostRule) -> pd.DataFrame:
    """Every region x period x sex that both measures have: part_value and whole_value."""
    part, part_params = measure_sql(rule.part, "part_id")
    whole, whole_params = measure_sql(rule.whole, "whole_id")
    sql = f"""
        with part as ({part}),

        whole as ({whole})

        select
            part.region_code,
            part.period,
            part.sex,
            part.value as part_value,
            whole.value as whole_value
        from part
        inner join whole
            on whole.region_code = part.region_code
            and whole.period = part.period
            and whole.sex = part.sex
        order by part.region_code, part.period, part.sex
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
            select region_code, period, sex, value
            from indicator_values
            where indicator_id = $share_id
        ),

        numerator as ({numerator}),

        denominator as ({denominator}),

        recomputed as (
            select
                share.region_code,
                share.period,
                share.sex,
                share.value as share_value,
                numerator.value as numerator_value,
                denominator.value as denominator_value,
                numerator.value / nullif(denominator.value, 0) as recomputed_value
            from share
            left join numerator
                on numerator.region_code = share.region_code
                and numerator.period = share.period
                and numerator.sex = share.sex
            left join denominator
                on denominator.region_code = share.region_code
                and denominator.period = share.period
                and denominator.sex = share.sex
        )

        select
            recomputed.*,
            coalesce(abs(recomputed.share_value - recomputed.recomputed_value), 'infinity'::double)
                as deviation
        from recomputed
        order by recomputed.region_code, recomputed.period, recomputed.sex
    """
    params = {"share_id": rule.share, **numerator_params, **denominator_params}
    return con.execute(sql, params).df()


GEMEENTE_SUM_SQL = """
-- A COROP region's count equals the sum of its gemeenten where the data is complete: every
-- gemeente of the COROP that has a row for the indicator and sex in any period has a non-null
-- value in this period. Only indicators whose unit is count are additive.
with count_values as (
    select indicator_id, region_code, period, sex, value
    from indicator_values
    where unit = 'count'
),

gemeenten as (
    select region_code, corop_code
    from region
    where region_level = 'gemeente' and corop_code is not null
),

reporting as (
    select distinct count_values.indicator_id, count_values.sex, gemeenten.corop_code,
        gemeenten.region_code
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
        expected.sex,
        count(*) as gemeente_count,
        count(count_values.value) as gemeente_value_count,
        sum(count_values.value) as gemeente_sum
    from expected
    left join count_values
        on count_values.indicator_id = expected.indicator_id
        and count_values.region_code = expected.region_code
        and count_values.period = expected.period
        and count_values.sex = expected.sex
    group by expected.indicator_id, expected.corop_code, expected.period, expected.sex
)

select
    summed.indicator_id,
    summed.corop_code as region_code,
    summed.period,
    summed.sex,
    corop.value as region_value,
    summed.gemeente_sum,
    summed.gemeente_count,
    abs(corop.value - summed.gemeente_sum) as difference
from summed
inner join count_values as corop
    on corop.indicator_id = summed.indicator_id
    and corop.region_code = summed.corop_code
    and corop.period = summed.period
    and corop.sex = summed.sex
where summed.gemeente_value_count = summed.gemeente_count and corop.value is not null
order by summed.indicator_id, summed.corop_code, summed.period, summed.sex
"""


def read_gemeente_sum(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(GEMEENTE_SUM_SQL).df()
