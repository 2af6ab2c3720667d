-- Year-on-year growth of HBO first-years in CROHO sector TECHNIEK, by programme location:
-- technology first-years this study year / the previous study year - 1 (0.20 = +20 %).
-- Only where the previous year had technology first-years (no growth from nothing). Both
-- years' suppressed cells add nothing; suppressed_cell_count is the two years' together.
-- Years come from the legacy files (2015-2019) and the portal files (2020-) alike: both count
-- first-years in the hbo domain by location.
-- Grain: region x school year x institution: 'total' for all institutions at the region's
-- locations, and one row per institution with technology first-years there in both years
-- (the pact's own example: "Saxion +20 %").
with inflow as (
    select * from int_hbo_inflow_by_region
),

by_institution as (
    select * from int_hbo_inflow_by_institution
),

-- All institutions at the region's locations by sex, and each institution for all sexes.
counts as (
    select
        inflow.region_code,
        inflow.sex,
        'total' as institution,
        inflow.period,
        inflow.period_type,
        inflow.study_year,
        inflow.technology_count,
        inflow.technology_suppressed_cell_count,
        inflow.source_sha256
    from inflow
    union all
    select
        by_institution.region_code,
        'total' as sex,
        by_institution.institution,
        by_institution.period,
        by_institution.period_type,
        by_institution.study_year,
        by_institution.technology_count,
        by_institution.technology_suppressed_cell_count,
        by_institution.source_sha256
    from by_institution
),

paired as (
    select
        this_year.region_code,
        this_year.period,
        this_year.period_type,
        this_year.sex,
        this_year.institution,
        this_year.technology_count,
        previous_year.technology_count as previous_technology_count,
        this_year.technology_suppressed_cell_count
            + previous_year.technology_suppressed_cell_count as suppressed_cell_count,
        this_year.source_sha256 || ',' || previous_year.source_sha256 as source_sha256
    from counts as this_year
    inner join counts as previous_year
        on previous_year.region_code = this_year.region_code
        and previous_year.sex = this_year.sex
        and previous_year.institution = this_year.institution
        and previous_year.study_year = this_year.study_year - 1
)

select
    paired.region_code,
    paired.period,
    paired.period_type,
    paired.sex,
    paired.institution,
    paired.technology_count / paired.previous_technology_count - 1 as value,
    paired.suppressed_cell_count,
    paired.source_sha256
from paired
where paired.previous_technology_count > 0
