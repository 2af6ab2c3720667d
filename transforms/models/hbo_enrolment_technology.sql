-- HBO students in CROHO sector TECHNIEK, by programme location.
-- Grain: region x school year x sex.
with enrolment as (
    select * from int_hbo_enrolment_by_region
)

select
    enrolment.region_code,
    enrolment.period,
    enrolment.period_type,
    enrolment.sex,
    enrolment.technology_count::double as value,
    enrolment.technology_suppressed_cell_count as suppressed_cell_count,
    enrolment.source_sha256
from enrolment
