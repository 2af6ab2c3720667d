-- Staging for CBS 85701NED "Leerlingen, deelnemers en studenten; onderwijssoort, woonregio".
-- Grain: one row per region x school year x education level (mbo total, hbo, wo), counted where
-- students LIVE (woonregio), all sexes, ages and migration backgrounds together.
select * rename (category as education_level, value as student_count)
from stage_cbs_measure_by_category('raw_cbs__students_by_education_residence', 'student_count')
