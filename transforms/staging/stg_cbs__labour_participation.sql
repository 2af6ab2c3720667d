-- Staging for CBS "Arbeidsdeelname; regionale indeling <year>" (85269NED, 85494NED, 86088NED, ...:
-- one table per regional classification year), spliced into one series.
-- Grain: one row per region x year x measure. Where the tables overlap, the table with the newer
-- classification year wins; source_dataset keeps the table id of every row.
-- Values are persons (CBS's "x 1 000" multiplied out) or percentages, as the measure says.
with source as (
    select * from raw_cbs__labour_participation
),

ranked as (
    select
        source.*,
        row_number() over (
            partition by source.region_code, source.period_code, source.category, source.measure
            order by source.classification_year desc, source.source_dataset desc
        ) as classification_rank
    from source
),

spliced as (
    select
        ranked.region_code,
        ranked.period,
        ranked.period_type,
        ranked.is_provisional,
        ranked.measure,
        ranked.value,
        ranked.unit,
        ranked.source_dataset,
        ranked.classification_year,
        ranked.source_sha256
    from ranked
    where ranked.classification_rank = 1 and ranked.category = 'total'
)

select * from spliced
