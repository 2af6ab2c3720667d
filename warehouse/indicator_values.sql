-- The published long table: one row per indicator x region x period x breakdown.
-- $snapshot_id is bound as a parameter. Reads the period table (warehouse/period.sql) for the
-- dates of each period.
with indicator_rows as (
    select * from indicator_rows
),

catalog as (
    select * from indicator_catalog
),

regions as (
    select * from region
),

periods as (
    select * from period
)

select
    indicator_rows.indicator_id,
    indicator_rows.region_code,
    coalesce(regions.region_name, indicator_rows.region_code) as region_name,
    coalesce(regions.region_level, case indicator_rows.region_code when 'NL01' then 'land' end)
        as region_level,
    indicator_rows.period,
    indicator_rows.period_type,
    periods.start_date as period_start,
    periods.end_date as period_end,
    indicator_rows.sex,
    indicator_rows.education_level,
    indicator_rows.institution,
    indicator_rows.value,
    case when catalog.unit = 'count' then cast(indicator_rows.value as bigint) end as value_count,
    catalog.unit,
    indicator_rows.suppressed_cell_count,
    catalog.source,
    coalesce(indicator_rows.source_dataset, catalog.source_dataset) as source_dataset,
    indicator_rows.source_sha256,
    $snapshot_id::varchar as snapshot_id
from indicator_rows
inner join catalog on catalog.indicator_id = indicator_rows.indicator_id
left join regions on regions.region_code = indicator_rows.region_code
left join periods on periods.period = indicator_rows.period
order by
    indicator_rows.indicator_id,
    regions.region_level,
    indicator_rows.region_code,
    indicator_rows.period,
    indicator_rows.sex,
    indicator_rows.education_level,
    indicator_rows.institution
