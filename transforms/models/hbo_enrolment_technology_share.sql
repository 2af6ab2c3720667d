-- Share of HBO students in CROHO sector TECHNIEK among all HBO students, by programme location.
-- Numerator and denominator are summed first, then divided (never an average of shares).
-- Grain: region x school year x sex.
with enrolment as (
    select * from int_hbo_enrolment_by_region
)

select
    enrolment.region_code,
    enrolment.period,
    enrolment.period_type,
    enrolment.sex,
    enrolment.technology_count / nullif(enrolment.total_count, 0) as value,
    enrolment.suppressed_cell_count,
    enrolment.source_sha256
from enrolment
where enrolment.total_count > 0
