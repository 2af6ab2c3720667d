-- Graduates (mbo total, hbo bachelor, wo bachelor) by education level, counted where they LIVE (woonregio).
-- Grain: region x school year x education_level (mbo, hbo, wo, and total = mbo + hbo + wo where
-- all three are published for the region and year).
with counts as (
    select * from stg_cbs__graduates_by_education_residence
    where graduate_count is not null
),

levels as (
    select
        counts.region_code,
        counts.period,
        counts.period_type,
        counts.education_level,
        counts.graduate_count as value,
        counts.source_sha256
    from counts
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
