-- Share of MBO diplomas in the technical sectorkamer among all MBO diplomas, by institution
-- place. Numerator and denominator are summed over the region first, then divided.
-- Grain: region x diploma year.
select * from indicator_figure(
    'int_mbo_graduates_by_region',
    technology_count / total_count,
    suppressed_cell_count,
    present_if := total_count > 0
)
