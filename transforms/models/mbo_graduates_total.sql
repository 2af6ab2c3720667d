-- MBO diplomas of every sectorkamer, all levels and paths, by institution place: the whole that
-- mbo_technical_graduates is part of and the denominator of mbo_graduates_technology_share.
-- Grain: region x diploma year.
with graduates as (
    select * from int_mbo_graduates_by_region
)

select
    graduates.region_code,
    graduates.period,
    graduates.period_type,
    graduates.total_count::double as value,
    graduates.suppressed_cell_count,
    graduates.source_sha256
from graduates
