-- HBO students in CROHO sector TECHNIEK, by programme location.
-- Grain: region x school year x sex.
select * from indicator_figure(
    'int_hbo_enrolment_by_region',
    technology_count::double,
    technology_suppressed_cell_count
)
