-- Technical-sectorkamer MBO students in BBL (learning while working: an apprenticeship with an
-- employer), by institution place.
-- Grain: region x school year.
select * from indicator_figure(
    'int_mbo_students_by_region',
    technical_bbl_count::double,
    technical_bbl_suppressed_cell_count
)
