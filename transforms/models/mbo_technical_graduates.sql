-- MBO diplomas in the technical sectorkamer (techniek en gebouwde omgeving), all levels and
-- paths, by institution place.
-- Grain: region x diploma year.
select * from indicator_figure(
    'int_mbo_graduates_by_region',
    technology_count::double,
    technology_suppressed_cell_count
)
