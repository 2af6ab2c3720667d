-- Share of HBO graduates in CROHO sector TECHNIEK among all HBO graduates, by programme location.
-- Numerator and denominator are summed over the region first, then divided.
-- Grain: region x diploma year.
with graduates as (
    select * from int_hbo_graduates_by_region
)

select
    graduates.region_code,
    graduates.period,
    graduates.period_type,
    graduates.sex,
    graduates.technology_count / nullif(graduates.total_count, 0) as value,
    graduates.suppressed_cell_count,
    graduates.source_sha256
from graduates
where graduates.total_count > 0
