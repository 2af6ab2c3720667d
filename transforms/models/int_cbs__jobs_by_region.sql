-- Jobs of employees by workplace region, all sectors and the technical ones side by side.
-- Grain: one row per region x year. Shares divide by all jobs of the same region and year.
with jobs as (
    select * from stg_cbs__jobs_by_sector
),

pivoted as (
    select
        jobs.region_code,
        jobs.period,
        jobs.period_type,
        bool_or(jobs.is_provisional) as is_provisional,
        max(jobs.job_count) filter (where jobs.sector = 'total') as job_count,
        max(jobs.job_count) filter (where jobs.sector = 'industry') as industry_job_count,
        max(jobs.job_count) filter (where jobs.sector = 'construction')
            as construction_job_count,
        max(jobs.job_count) filter (where jobs.sector = 'ict') as ict_job_count,
        string_agg(distinct jobs.source_dataset, ',' order by jobs.source_dataset)
            as source_dataset,
        string_agg(distinct jobs.source_sha256, ',' order by jobs.source_sha256) as source_sha256
    from jobs
    group by jobs.region_code, jobs.period, jobs.period_type
)

select * from pivoted
