-- Long rows of CBS figures (one per region x period x category x measure) with a row for every
-- COROP region the table does not publish, summed from its gemeenten: only where every
-- gemeente the region table places in that COROP region has a value for the same period,
-- category and measure (an incomplete sum would be too low, so it is left out). A COROP row
-- the table publishes is kept as published. For counts only: rates do not add up.
-- Parameter: long_table, the name of the table of rows (region_code, period, period_type,
-- is_provisional, category, measure, value, source_dataset, source_sha256).
create or replace temp macro with_corop_sums(long_table) as table
with source as (
    select
        region_code,
        period,
        period_type,
        is_provisional,
        category,
        measure,
        value,
        source_dataset,
        source_sha256
    from query_table(long_table)
),

gemeenten_per_corop as (
    select corop_code, count(*) as gemeente_count
    from region
    where region_level = 'gemeente' and corop_code is not null
    group by corop_code
),

summed as (
    select
        region.corop_code as region_code,
        source.period,
        source.period_type,
        bool_or(source.is_provisional) as is_provisional,
        source.category,
        source.measure,
        sum(source.value) as value,
        count(source.value) as gemeenten_with_value,
        string_agg(distinct source.source_dataset, ',' order by source.source_dataset)
            as source_dataset,
        string_agg(distinct source.source_sha256, ',' order by source.source_sha256)
            as source_sha256
    from source
    inner join region on region.region_code = source.region_code
    where region.region_level = 'gemeente' and region.corop_code is not null
    group by region.corop_code, source.period, source.period_type, source.category, source.measure
)

select * from source
union all
select
    summed.region_code,
    summed.period,
    summed.period_type,
    summed.is_provisional,
    summed.category,
    summed.measure,
    summed.value,
    summed.source_dataset,
    summed.source_sha256
from summed
inner join gemeenten_per_corop on gemeenten_per_corop.corop_code = summed.region_code
where summed.gemeenten_with_value = gemeenten_per_corop.gemeente_count
    and not exists (
        select 1 from source as published
        where published.region_code = summed.region_code
            and published.period = summed.period
            and published.category = summed.category
            and published.measure = summed.measure
    )
