-- WO students (ingeschrevenen) by programme location, summed to every region the location
-- belongs to and to Nederland (macros/sum_cells_by_region.sql); technology is CROHO sector
-- TECHNIEK.
-- Grain: one row per region x study year x sex (with 'total' for all sexes together).
select * rename (breakdown as sex, period_year as study_year)
from sum_cells_by_region(
    'stg_duo__wo_enrolment_by_sex', study_year, 'school_year', student_count,
    croho_sector = 'TECHNIEK', breakdown_by := sex
)
