-- Staging for DUO hbo graduates (gediplomeerden) by programme (p04hogdipl): portal and legacy files alike.
-- Grain: one row per published count: diploma year x location gemeente x institution x
-- CROHO sector/subsector x programme x diploma type (x mode x sex in legacy files).
-- The columns: see macros/stage_duo_ho_counts.sql.
select * rename (year as diploma_year)
from stage_duo_ho_counts('raw_duo__hbo_graduates_by_programme')
