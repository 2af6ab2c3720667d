-- Share of WO students in CROHO sector TECHNIEK among all WO students, by programme location.
-- Numerator and denominator are summed over the region first, then divided.
-- Grain: region x school year x sex.
select * from indicator_figure(
    'int_wo_enrolment_by_region',
    technology_count / nullif(total_count, 0),
    suppressed_cell_count,
    present_if := total_count > 0
)
