-- Staging for the education levels of CBS "Arbeidsdeelname; regionale indeling <year>" (the
-- Persoonskenmerken "Onderwijsniveau" codes), spliced like stg_cbs__labour_participation.
-- Grain: one row per region x year x education level x measure; education_level is low
-- (basisonderwijs, vmbo, mbo 1), middle (havo, vwo, mbo 2-4), high (hbo, wo) or total (all
-- persons). CBS publishes no value where a survey cell is too small (value null).
select
    region_code,
    period,
    period_type,
    is_provisional,
    case category when 'total' then 'total' else replace(category, 'education_', '') end
        as education_level,
    measure,
    value,
    source_dataset,
    source_sha256
from newest_classification('raw_cbs__labour_participation')
