-- Staging for DUO wo students (ingeschrevenen, hoofdinschrijving) by sex (p01hoinges): portal and legacy files alike.
-- Grain: one row per published count: study year x location gemeente x institution x
-- CROHO sector/subsector x programme type x sex.
-- The columns: see macros/stage_duo_ho_counts.sql.
select * rename (year as study_year)
from stage_duo_ho_counts('raw_duo__wo_enrolment_by_sex')
