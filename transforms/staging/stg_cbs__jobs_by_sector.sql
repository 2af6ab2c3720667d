-- Staging for CBS 83582NED "Banen van werknemers; economische activiteit (SBI 2008), regio".
-- Grain: one row per region x year x sector (total, industry = SBI C, construction = SBI F,
-- ict = SBI J), counted where the job is (workplace). job_count is jobs ("x 1 000" multiplied out).
select * rename (category as sector, value as job_count)
from stage_cbs_measure_by_category('raw_cbs__jobs_by_sector', 'job_count')
