-- Share of technical-sectorkamer MBO students in BBL (learning while working) among all
-- technical-sectorkamer MBO students (BBL + BOL), by institution place.
-- Grain: region x school year.
with students as (
    select * from int_mbo_students_by_region
)

select
    students.region_code,
    students.period,
    students.period_type,
    students.technical_bbl_count / students.technical_student_count as value,
    students.technical_suppressed_cell_count as suppressed_cell_count,
    students.source_sha256,
    students.source_dataset
from students
where students.technical_student_count > 0
