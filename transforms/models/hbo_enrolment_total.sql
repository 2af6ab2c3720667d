-- All HBO students (every CROHO sector), by programme location: the whole that
-- hbo_enrolment_technology is part of and hbo_enrolment_technology_share divides by.
-- Grain: region x school year x sex.
with enrolment as (
    select * from int_hbo_enrolment_by_region
)

select
    enrolment.region_code,
    enrolment.period,
    enrolment.period_type,
    enrolment.sex,
    enrolment.total_count::double as value,
    enrolment.suppressed_cell_count,
    enrolment.source_sha256
from enrolment
