-- CBS labour-market figures side by side, by residence: one row per region x year.
-- labour_force, employed and unemployed are persons aged 15-74 (CBS's "x 1 000" multiplied out);
-- the rates are the percentages CBS publishes (not recomputed from rounded counts).
with labour as (
    select * from stg_cbs__labour_participation
),

pivoted as (
    select
        labour.region_code,
        labour.period,
        labour.period_type,
        bool_or(labour.is_provisional) as is_provisional,
        max(labour.value) filter (where labour.measure = 'labour_force') as labour_force,
        max(labour.value) filter (where labour.measure = 'employed_labour_force')
            as employed_labour_force,
        max(labour.value) filter (where labour.measure = 'unemployed_labour_force')
            as unemployed_labour_force,
        max(labour.value) filter (where labour.measure = 'unemployment_rate')
            as unemployment_rate_pct,
        max(labour.value) filter (where labour.measure = 'net_labour_participation')
            as net_labour_participation_pct,
        string_agg(distinct labour.source_dataset, ',' order by labour.source_dataset)
            as source_dataset,
        string_agg(distinct labour.source_sha256, ',' order by labour.source_sha256)
            as source_sha256
    from labour
    group by labour.region_code, labour.period, labour.period_type
)

select * from pivoted
