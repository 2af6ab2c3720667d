-- MBO students in the technical sectorkamer at level 2, by institution place.
-- Grain: region x school year.
select * from indicator_figure(
    'int_mbo_students_by_region',
    technical_level2_count::double,
    technical_suppressed_cell_count
)
