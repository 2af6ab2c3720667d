-- Share of HBO students in CROHO sector TECHNIEK among all HBO students, by programme location.
-- Numerator and denominator are summed first, then divided (never an average of shares).
-- Grain: region x school year x sex.
select * from indicator_figure(
    'int_hbo_enrolment_by_region',
    technology_count / nullif(total_count, 0),
    suppressed_cell_count,
    present_if := total_count > 0
)
