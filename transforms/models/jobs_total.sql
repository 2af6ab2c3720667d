-- Jobs of employees (banen van werknemers), all sectors, by workplace region.
-- Grain: region x year. Source: CBS 83582NED.
with jobs as (
    select * from int_cbs__jobs_by_region
)

select
    jobs.region_code,
    jobs.period,
    jobs.period_type,
    jobs.job_count as value,
    0 as suppressed_cell_count,
    jobs.source_sha256,
    jobs.source_dataset,
    jobs.is_provisional
from jobs
where
    jobs.job_count is not null
