-- Employed labour force (werkzame beroepsbevolking), persons 15-74, by residence.
-- Grain: region x year. Source: the spliced "Arbeidsdeelname; regionale indeling" tables.
with labour as (
    select * from int_cbs__labour_market_by_region
)

select
    labour.region_code,
    labour.period,
    labour.period_type,
    labour.employed_labour_force as value,
    0 as suppressed_cell_count,
    labour.source_sha256,
    labour.source_dataset,
    labour.is_provisional
from labour
where
    labour.employed_labour_force is not null
