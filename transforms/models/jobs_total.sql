-- Jobs of employees (banen van werknemers), all sectors, by workplace region.
-- Grain: region x year. Source: CBS 83582NED.
with jobs as (
    select * from int_cbs__jobs_by_region
),

-- Gemeenten are left out of this count: CBS rounds every region on its own (x 1 000), so
-- gemeente counts do not add up to their COROP, which the gemeente-sum check requires. Rates
-- and shares keep their gemeente rows.
gemeenten as (
    select region.region_code from region where region.region_level = 'gemeente'
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
    and jobs.region_code not in (select gemeenten.region_code from gemeenten)
