-- Staging for DUO hbo first-years (eerstejaars ingeschrevenen) by programme (p02ho1ejrs): portal and legacy files alike.
-- Grain: one row per published count: study year x location gemeente x institution x
-- CROHO sector/subsector x programme (x mode x sex in legacy files).
-- The columns: see macros/stage_duo_ho_counts.sql.
select * rename (year as study_year)
from stage_duo_ho_counts('raw_duo__hbo_inflow_by_programme')
