-- MBO students in the technical sectorkamer at level 2, by institution place.
-- Grain: region x school year.
with students as (
    select * from int_mbo_students_by_region
)

select
    students.region_code,
    students.period,
    students.period_type,
    students.technical_level2_count::double as value,
    students.technical_suppressed_cell_count as suppressed_cell_count,
    students.source_sha256,
    students.source_dataset
from students
