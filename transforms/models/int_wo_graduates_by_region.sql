-- WO graduates (gediplomeerden) by programme location, summed to every region the location
-- belongs to and to Nederland (macros/sum_cells_by_region.sql); technology is CROHO sector
-- TECHNIEK.
-- Grain: one row per region x diploma year; sex is 'total' (the current portal files of this
-- kind have no sex breakdown, so no year is broken down by sex).
select * rename (breakdown as sex, period_year as diploma_year)
from sum_cells_by_region(
    'stg_duo__wo_graduates_by_programme', diploma_year, 'year', student_count,
    croho_sector = 'TECHNIEK'
)
