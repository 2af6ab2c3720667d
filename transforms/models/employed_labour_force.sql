-- Employed labour force (werkzame beroepsbevolking), persons 15-74, by residence.
-- Grain: region x year. Source: the spliced "Arbeidsdeelname; regionale indeling" tables.
with labour as (
    select * from int_cbs__labour_market_by_region
),

-- Gemeenten are left out of this count: CBS rounds every region on its own (x 1 000), so
-- gemeente counts do not add up to their COROP, which the gemeente-sum check requires. Rates
-- and shares keep their gemeente rows.
gemeenten as (
    select region.region_code from region where region.region_level = 'gemeente'
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
    and labour.region_code not in (select gemeenten.region_code from gemeenten)
