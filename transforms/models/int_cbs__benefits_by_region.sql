-- Persons with a WW and with a bijstand benefit in December side by side.
-- Grain: one row per region x year.
select
    region_code,
    period,
    period_type,
    is_provisional,
    figures['ww_recipients'] as ww_recipients,
    figures['bijstand_recipients'] as bijstand_recipients,
    source_dataset,
    source_sha256
from figures_side_by_side('int_cbs__benefit_recipients', measure, value)
