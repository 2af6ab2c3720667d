-- Women's share among students in CROHO sector TECHNIEK in higher education (hbo and wo
-- together), by programme location: female technology students / all technology students
-- (men, women and unknown sex). Numerator and denominator are summed over hbo and wo and the
-- region first, then divided.
-- Grain: region x school year.
with hbo as (
    select * from int_hbo_enrolment_by_region
),

wo as (
    select * from int_wo_enrolment_by_region
),

both_sectors as (
    select hbo.region_code, hbo.period, hbo.period_type, hbo.sex,
        hbo.technology_count, hbo.technology_suppressed_cell_count, hbo.source_sha256
    from hbo
    union all
    select wo.region_code, wo.period, wo.period_type, wo.sex,
        wo.technology_count, wo.technology_suppressed_cell_count, wo.source_sha256
    from wo
),

summed as (
    select
        both_sectors.region_code,
        both_sectors.period,
        both_sectors.period_type,
        sum(both_sectors.technology_count) filter (where both_sectors.sex = 'female')
            as female_count,
        sum(both_sectors.technology_count) filter (where both_sectors.sex = 'total')
            as total_count,
        sum(both_sectors.technology_suppressed_cell_count)
            filter (where both_sectors.sex = 'total')::bigint as suppressed_cell_count,
        string_agg(distinct both_sectors.source_sha256, ',' order by both_sectors.source_sha256)
            as source_sha256
    from both_sectors
    group by both_sectors.region_code, both_sectors.period, both_sectors.period_type
)

select
    summed.region_code,
    summed.period,
    summed.period_type,
    coalesce(summed.female_count, 0) / summed.total_count as value,
    summed.suppressed_cell_count,
    summed.source_sha256
from summed
where summed.total_count > 0
