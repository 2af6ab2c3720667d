-- MBO students in the technical sectorkamer (techniek en gebouwde omgeving), all levels,
-- by institution place.
-- Grain: region x school year.
select * from indicator_figure(
    'int_mbo_students_by_region',
    technical_student_count::double,
    technical_suppressed_cell_count
)
