-- Share of women among technical-sectorkamer MBO students, by institution place: female rows
-- divided by male + female rows (the same cells in numerator and denominator; DUO's TOTAAL is
-- not used here, so a suppressed cell is missing from both sides alike).
-- Grain: region x school year.
with students as (
    select * from int_mbo_students_by_region
)

select
    students.region_code,
    students.period,
    students.period_type,
    students.technical_female_count / students.technical_male_female_count as value,
    students.technical_by_sex_suppressed_cell_count as suppressed_cell_count,
    students.source_sha256,
    students.source_dataset
from students
where students.technical_male_female_count > 0
