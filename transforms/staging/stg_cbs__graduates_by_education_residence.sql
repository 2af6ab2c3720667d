-- Staging for CBS 85702NED "Gediplomeerden; onderwijssoort, woonregio".
-- Grain: one row per region x school year x education level (mbo total, hbo bachelor, wo
-- bachelor), counted where graduates LIVE (woonregio).
select * rename (category as education_level, value as graduate_count)
from stage_cbs_measure_by_category('raw_cbs__graduates_by_education_residence', 'graduate_count')
