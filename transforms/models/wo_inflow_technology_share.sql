-- Share of WO first-years in CROHO sector TECHNIEK among all WO first-years, by programme location.
-- Numerator and denominator are summed over the region first, then divided.
-- Grain: region x school year.
with inflow as (
    select * from int_wo_inflow_by_region
)

select
    inflow.region_code,
    inflow.period,
    inflow.period_type,
    inflow.sex,
    inflow.technology_count / nullif(inflow.total_count, 0) as value,
    inflow.suppressed_cell_count,
    inflow.source_sha256
from inflow
where inflow.total_count > 0
