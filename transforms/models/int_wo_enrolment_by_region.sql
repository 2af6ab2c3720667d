-- WO students (ingeschrevenen) by programme location, summed to every region the location belongs to.
-- Grain: one row per region x study year x sex (with 'total' for all sexes together).
-- Regions: each gemeente in the region table, its COROP and its province, and Nederland
-- (NL01, every row). Suppressed cells (DUO's "-1": fewer than 5 students) add nothing to a
-- sum; how many went into each sum is counted, so the true figure is at most 4 x that count
-- higher.
with enrolment as (
    select * from stg_duo__wo_enrolment_by_sex
),

rollup as (
    select * from int_region_rollup
),

with_sex_total as (
    select enrolment.*, enrolment.sex as sex_breakdown from enrolment
    union all
    select enrolment.*, 'total' as sex_breakdown from enrolment
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
        located.study_year,
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
    group by located.region_code, located.study_year, located.sex_breakdown
)

select
    summed.region_code,
    summed.study_year::varchar || '/' || right((summed.study_year + 1)::varchar, 2) as period,
    'school_year' as period_type,
    summed.study_year as study_year,
    summed.sex,
    summed.technology_student_count,
    summed.technology_suppressed_cell_count,
    summed.student_count,
    summed.suppressed_cell_count,
    summed.source_sha256
from summed
