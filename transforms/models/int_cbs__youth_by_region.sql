-- Youth aged 15-27 by residence in October: all of them and those neither in education nor in
-- work (NEET) side by side. Grain: one row per region x year.
select
    region_code,
    period,
    period_type,
    is_provisional,
    figures['all_youth'] as youth_count,
    figures['neet'] as neet_count,
    source_dataset,
    source_sha256
from figures_side_by_side('stg_cbs__youth_labour_situation', youth_group, youth_count)
