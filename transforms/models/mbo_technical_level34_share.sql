-- Share of technical-sectorkamer MBO students at level 3 or 4 (the Human Capital Agenda's
-- focus) among all technical-sectorkamer MBO students (levels 1-4), by institution place.
-- Grain: region x school year.
select * from indicator_figure(
    'int_mbo_students_by_region',
    (technical_level3_count + technical_level4_count) / technical_student_count,
    technical_suppressed_cell_count,
    present_if := technical_student_count > 0
)
