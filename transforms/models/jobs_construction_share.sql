-- Share of jobs of employees in SBI F Bouwnijverheid among all jobs, by workplace region (0..1).
-- Grain: region x year. Source: CBS 83582NED.
with jobs as (
    select * from int_cbs__jobs_by_region
)

select
    jobs.region_code,
    jobs.period,
    jobs.period_type,
    jobs.construction_job_count / jobs.job_count as value,
    0 as suppressed_cell_count,
    jobs.source_sha256,
    jobs.source_dataset,
    jobs.is_provisional
from jobs
where jobs.construction_job_count is not null and jobs.job_count > 0
