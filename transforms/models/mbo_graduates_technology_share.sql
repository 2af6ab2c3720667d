-- Share of MBO diplomas in the technical sectorkamer among all MBO diplomas, by institution
-- place. Numerator and denominator are summed over the region first, then divided.
-- Grain: region x diploma year.
with graduates as (
    select * from int_mbo_graduates_by_region
)

select
    graduates.region_code,
    graduates.period,
    graduates.period_type,
    graduates.technology_count / graduates.total_count as value,
    graduates.suppressed_cell_count,
    graduates.source_sha256
from graduates
where graduates.total_count > 0
