-- Share of WO graduates in CROHO sector TECHNIEK among all WO graduates, by programme location.
-- Numerator and denominator are summed over the region first, then divided.
-- Grain: region x diploma year.
select * from indicator_figure(
    'int_wo_graduates_by_region',
    technology_count / nullif(total_count, 0),
    suppressed_cell_count,
    present_if := total_count > 0
)
