-- Share of jobs of employees in SBI J Informatie en communicatie among all jobs, by workplace region (0..1).
-- Grain: region x year. Source: CBS 83582NED.
select * from indicator_figure(
    'int_cbs__jobs_by_region',
    ict_job_count / job_count,
    0,
    present_if := ict_job_count is not null and job_count > 0
)
