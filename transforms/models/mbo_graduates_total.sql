-- MBO diplomas of every sectorkamer, all levels and paths, by institution place: the whole that
-- mbo_technical_graduates is part of and the denominator of mbo_graduates_technology_share.
-- Grain: region x diploma year.
select * from indicator_figure(
    'int_mbo_graduates_by_region',
    total_count::double,
    suppressed_cell_count
)
