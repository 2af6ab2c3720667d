-- MBO graduates (diplomas) by institution place, summed to every region the place belongs to,
-- all sectorkamers and the technical one ('techniek en gebouwde omgeving').
-- Grain: one row per region x diploma year. Male + female: the file has no total column.
-- Regions: each gemeente the place matched (see stg_duo__mbo_places), its COROP and province,
-- and Nederland (NL01, every row). Suppressed cells (-1: fewer than 5) add nothing; how many
-- went into each sum is counted.
with graduates as (
    select * from stg_duo__mbo_graduates_by_qualification
),

rollup as (
    select * from int_region_rollup
),

located as (
    select rows.*, rollup.region_code
    from graduates as rows
    inner join rollup on rollup.gemeente_code = rows.gemeente_code
    union all
    select rows.*, 'NL01' as region_code
    from graduates as rows
),

flagged as (
    select
        located.*,
        located.sectorkamer = 'techniek en gebouwde omgeving' as is_technical
    from located
),

summed as (
    select
        flagged.region_code,
        flagged.diploma_year,
        coalesce(sum(flagged.graduate_count) filter (where flagged.is_technical), 0)
            as technical_graduate_count,
        count(*) filter (where flagged.is_technical and flagged.is_suppressed)
            as technical_suppressed_cell_count,
        coalesce(sum(flagged.graduate_count), 0) as graduate_count,
        count(*) filter (where flagged.is_suppressed) as suppressed_cell_count,
        string_agg(distinct flagged.source_sha256, ',' order by flagged.source_sha256)
            as source_sha256
    from flagged
    group by flagged.region_code, flagged.diploma_year
)

select
    summed.region_code,
    summed.diploma_year::varchar as period,
    'year' as period_type,
    summed.diploma_year,
    summed.technical_graduate_count,
    summed.technical_suppressed_cell_count,
    summed.graduate_count,
    summed.suppressed_cell_count,
    summed.source_sha256
from summed
