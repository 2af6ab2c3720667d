-- MBO graduates (diplomas) by institution place, summed to every region the place belongs to
-- and to Nederland (macros/sum_cells_by_region.sql; the gemeente of a place: see
-- stg_duo__mbo_places); technology is the sectorkamer 'techniek en gebouwde omgeving'.
-- Grain: one row per region x diploma year. Male + female: the file has no total column.
select * exclude (breakdown) rename (period_year as diploma_year)
from sum_cells_by_region(
    'stg_duo__mbo_graduates_by_qualification', diploma_year, 'year', graduate_count,
    sectorkamer = 'techniek en gebouwde omgeving'
)
