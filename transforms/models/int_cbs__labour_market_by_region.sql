-- CBS labour-market figures side by side, by residence: one row per region x year.
-- labour_force, employed and unemployed are persons aged 15-74 (CBS's "x 1 000" multiplied out);
-- the rates are the percentages CBS publishes (not recomputed from rounded counts).
select
    region_code,
    period,
    period_type,
    is_provisional,
    figures['labour_force'] as labour_force,
    figures['employed_labour_force'] as employed_labour_force,
    figures['unemployed_labour_force'] as unemployed_labour_force,
    figures['unemployment_rate'] as unemployment_rate_pct,
    figures['net_labour_participation'] as net_labour_participation_pct,
    source_dataset,
    source_sha256
from figures_side_by_side('stg_cbs__labour_participation', measure, value)
