-- Jobs of employees (banen van werknemers), all sectors, by workplace region.
-- Grain: region x year. Source: CBS 83582NED.
select * from indicator_figure(
    'int_cbs__jobs_by_region',
    job_count,
    0,
    present_if := job_count is not null
)
