-- Figures of one region x period side by side: the long rows of a staging table (one per
-- region x period x what is counted) folded into one row per region x period, with the
-- figures in a map by what they count. The caller names its columns:
-- `figures['industry'] as industry_job_count`. A key a region and period lack gives null.
-- is_provisional is true where any figure is provisional; source_dataset and source_sha256
-- list every dataset and file that went into the row.
-- Parameters, evaluated over one row of `long_table` (its columns unqualified):
--   long_table  name of the staging table (region_code, period, period_type,
--               is_provisional, source_dataset, source_sha256 and the two below)
--   key_of      what the figure counts (a sector, a measure); unique per region x period
--   value_of    the figure
create or replace temp macro figures_side_by_side(long_table, key_of, value_of) as table
select
    region_code,
    period,
    period_type,
    bool_or(is_provisional) as is_provisional,
    map_from_entries(list((key_of, value_of))) as figures,
    string_agg(distinct source_dataset, ',' order by source_dataset) as source_dataset,
    string_agg(distinct source_sha256, ',' order by source_sha256) as source_sha256
from query_table(long_table)
group by region_code, period, period_type
