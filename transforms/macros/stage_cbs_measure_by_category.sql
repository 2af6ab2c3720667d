-- Staging of one measure of a CBS table broken down by one category (an education level, a
-- sector): the rows of that measure, with the columns the models use. The caller renames
-- `category` and `value` to what they hold.
-- Parameters: raw_table, the name of the raw table (raw_cbs__<resource>); wanted_measure, the
-- measure kept (as sources/cbs_tables.toml names it).
create or replace temp macro stage_cbs_measure_by_category(raw_table, wanted_measure) as table
select
    source.region_code,
    source.period,
    source.period_type,
    source.is_provisional,
    source.category,
    source.value,
    source.source_dataset,
    source.source_sha256
from query_table(raw_table) as source
where source.measure = wanted_measure
