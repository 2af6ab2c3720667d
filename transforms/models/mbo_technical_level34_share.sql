-- Share of technical-sectorkamer MBO students at level 3 or 4 (the Human Capital Agenda's
-- focus) among all technical-sectorkamer MBO students (levels 1-4), by institution place.
-- Grain: region x school year.
with students as (
    select * from int_mbo_students_by_region
)

select
    students.region_code,
    students.period,
    students.period_type,
    (students.technical_level3_count + students.technical_level4_count)
        / students.technical_student_count as value,
    students.technical_suppressed_cell_count as suppressed_cell_count,
    students.source_sha256,
    students.source_dataset
from students
where students.technical_student_count > 0
