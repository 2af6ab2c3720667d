-- All HBO students (every CROHO sector), by programme location: the whole that
-- hbo_enrolment_technology is part of and hbo_enrolment_technology_share divides by.
-- Grain: region x school year x sex.
select * from indicator_figure(
    'int_hbo_enrolment_by_region',
    total_count::double,
    suppressed_cell_count
)
