-- Jobs of employees by workplace region, all sectors and the technical ones side by side.
-- Grain: one row per region x year. Shares divide by all jobs of the same region and year.
select
    region_code,
    period,
    period_type,
    is_provisional,
    figures['total'] as job_count,
    figures['industry'] as industry_job_count,
    figures['construction'] as construction_job_count,
    figures['ict'] as ict_job_count,
    source_dataset,
    source_sha256
from figures_side_by_side('stg_cbs__jobs_by_sector', sector, job_count)
