-- HBO first-years in CROHO sector TECHNIEK per institution, by programme location: an
-- institution's locations summed to every COROP region, province and Nederland they lie in
-- (macros/sum_cells_by_region.sql, without the gemeenten and the all-institutions total).
-- Grain: one row per region x institution x study year.
select * rename (breakdown as institution, period_year as study_year)
from sum_cells_by_region(
    'stg_duo__hbo_inflow_by_programme', study_year, 'school_year', student_count,
    croho_sector = 'TECHNIEK', breakdown_by := institution_code
)
where region_level <> 'gemeente' and breakdown is distinct from 'total'
