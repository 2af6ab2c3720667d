-- The rows of a CBS raw table fed by one table per regional classification year (the
-- "Arbeidsdeelname; regionale indeling <year>" or "Arbeidsmarktsituatie jongeren; regio
-- (indeling <year>)" series), spliced into one series: where tables overlap (same region,
-- period, category and measure) the table with the newer classification year wins;
-- source_dataset keeps the table id of every row.
-- Parameter: raw_table, the name of the raw table (raw_cbs__<resource>).
create or replace temp macro newest_classification(raw_table) as table
select source.* exclude (period_code, source_file)
from query_table(raw_table) as source
qualify row_number() over (
    partition by source.region_code, source.period_code, source.category, source.measure
    order by source.classification_year desc, source.source_dataset desc
) = 1
