-- MBO diplomas in the technical sectorkamer (techniek en gebouwde omgeving), all levels and
-- paths, by institution place.
-- Grain: region x diploma year.
with graduates as (
    select * from int_mbo_graduates_by_region
)

select
    graduates.region_code,
    graduates.period,
    graduates.period_type,
    graduates.technology_count::double as value,
    graduates.technology_suppressed_cell_count as suppressed_cell_count,
    graduates.source_sha256
from graduates
