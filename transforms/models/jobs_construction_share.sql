-- Share of jobs of employees in SBI F Bouwnijverheid among all jobs, by workplace region (0..1).
-- Grain: region x year. Source: CBS 83582NED.
select * from indicator_figure(
    'int_cbs__jobs_by_region',
    construction_job_count / job_count,
    0,
    present_if := construction_job_count is not null and job_count > 0
)
