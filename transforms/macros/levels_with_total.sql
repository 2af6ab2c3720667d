-- Counts by education level (mbo, hbo, wo) with their total: one row per region x period x
-- education_level, and education_level 'total' = mbo + hbo + wo where all three are published
-- for the region and period. CBS publishes no suppressed cells here (suppressed_cell_count 0);
-- a level CBS leaves empty (null) is left out.
-- Parameters, evaluated over one row of `counts` (its columns unqualified):
--   counts    name of the table or CTE (region_code, period, period_type, education_level,
--             source_sha256 and the count)
--   count_of  the count
create or replace temp macro levels_with_total(counts, count_of) as table
with levels as (
    select
        region_code,
        period,
        period_type,
        education_level,
        count_of as value,
        source_sha256
    from query_table(counts)
    where count_of is not null
),

totals as (
    select
        levels.region_code,
        levels.period,
        levels.period_type,
        'total' as education_level,
        sum(levels.value) as value,
        string_agg(distinct levels.source_sha256, ',' order by levels.source_sha256)
            as source_sha256
    from levels
    group by levels.region_code, levels.period, levels.period_type
    having count(distinct levels.education_level) = 3
)

select
    region_code,
    period,
    period_type,
    education_level,
    value,
    0 as suppressed_cell_count,
    source_sha256
from (
    select * from levels
    union all
    select * from totals
) as with_total
