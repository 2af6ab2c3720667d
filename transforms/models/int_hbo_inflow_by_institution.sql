-- HBO first-years in CROHO sector TECHNIEK per institution, by programme location: an
-- institution's locations summed to every COROP region, province and Nederland they lie in.
-- Grain: one row per region x institution x study year.
-- Suppressed cells add nothing; how many went into each sum is counted.
with inflow as (
    select * from stg_duo__hbo_inflow_by_programme
),

rollup as (
    select * from int_region_rollup
),

located as (
    select inflow.*, rollup.region_code
    from inflow
    inner join rollup on rollup.gemeente_code = inflow.gemeente_code
    where rollup.region_level <> 'gemeente'
    union all
    select inflow.*, 'NL01' as region_code
    from inflow
),

summed as (
    select
        located.region_code,
        located.institution_code,
        located.study_year,
        coalesce(sum(located.student_count) filter (where located.croho_sector = 'TECHNIEK'), 0)
            as technology_student_count,
        count(*) filter (where located.croho_sector = 'TECHNIEK' and located.is_suppressed)
            as technology_suppressed_cell_count,
        string_agg(distinct located.source_sha256, ',' order by located.source_sha256)
            as source_sha256
    from located
    group by located.region_code, located.institution_code, located.study_year
)

select
    summed.region_code,
    summed.institution_code as institution,
    summed.study_year::varchar || '/' || right((summed.study_year + 1)::varchar, 2) as period,
    'school_year' as period_type,
    summed.study_year,
    summed.technology_student_count,
    summed.technology_suppressed_cell_count,
    summed.source_sha256
from summed
