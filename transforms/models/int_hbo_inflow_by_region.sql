-- HBO first-years (eerstejaars ingeschrevenen) by programme location, summed to every region the location
-- belongs to and to Nederland (macros/sum_cells_by_region.sql); technology is CROHO sector
-- TECHNIEK.
-- Grain: one row per region x study year; sex is 'total' (the current portal files of this
-- kind have no sex breakdown, so no year is broken down by sex).
select * rename (breakdown as sex, period_year as study_year)
from sum_cells_by_region(
    'stg_duo__hbo_inflow_by_programme', study_year, 'school_year', student_count,
    croho_sector = 'TECHNIEK'
)
