-- Share of technical-sectorkamer MBO students in BBL (learning while working) among all
-- technical-sectorkamer MBO students (BBL + BOL), by institution place.
-- Grain: region x school year.
select * from indicator_figure(
    'int_mbo_students_by_region',
    technical_bbl_count / technical_student_count,
    technical_suppressed_cell_count,
    present_if := technical_student_count > 0
)
