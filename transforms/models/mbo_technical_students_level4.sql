-- MBO students in the technical sectorkamer at level 4, by institution place.
-- Grain: region x school year.
select * from indicator_figure(
    'int_mbo_students_by_region',
    technical_level4_count::double,
    technical_suppressed_cell_count
)
