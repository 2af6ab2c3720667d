-- WO graduates (gediplomeerden) by programme location, summed to every region the location belongs to.
-- Grain: one row per region x diploma year; sex is 'total' (the current portal files of this
-- kind have no sex breakdown, so no year is broken down by sex).
-- Regions: each gemeente in the region table, its COROP and its province, and Nederland
-- (NL01, every row). Suppressed cells (DUO's "-1", a legacy blank: fewer than 5) add nothing
-- to a sum; how many went into each sum is counted, so the true figure is at most 4 x that
-- count higher.
with graduates as (
    select * from stg_duo__wo_graduates_by_programme
),

rollup as (
    select * from int_region_rollup
),

with_sex_total as (
    select graduates.*, 'total' as sex_breakdown from graduates
),

located as (
    select rows.*, rollup.region_code
    from with_sex_total as rows
    inner join rollup on rollup.gemeente_code = rows.gemeente_code
    union all
    select rows.*, 'NL01' as region_code
    from with_sex_total as rows
),

summed as (
    select
        located.region_code,
        located.diploma_year,
        located.sex_breakdown as sex,
        coalesce(sum(located.student_count) filter (where located.croho_sector = 'TECHNIEK'), 0)
            as technology_student_count,
        count(*) filter (where located.croho_sector = 'TECHNIEK' and located.is_suppressed)
            as technology_suppressed_cell_count,
        coalesce(sum(located.student_count), 0) as student_count,
        count(*) filter (where located.is_suppressed) as suppressed_cell_count,
        string_agg(distinct located.source_sha256, ',' order by located.source_sha256)
            as source_sha256
    from located
    group by located.region_code, located.diploma_year, located.sex_breakdown
)

select
    summed.region_code,
    summed.diploma_year::varchar as period,
    'year' as period_type,
    summed.diploma_year as diploma_year,
    summed.sex,
    summed.technology_student_count,
    summed.technology_suppressed_cell_count,
    summed.student_count,
    summed.suppressed_cell_count,
    summed.source_sha256
from summed
