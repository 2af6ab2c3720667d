-- Staging for CBS 85702NED "Gediplomeerden; onderwijssoort, woonregio".
-- Grain: one row per region x school year x education level (mbo total, hbo bachelor, wo
-- bachelor), counted where graduates LIVE (woonregio).
with source as (
    select * from raw_cbs__graduates_by_education_residence
),

renamed as (
    select
        source.region_code,
        source.period,
        source.period_type,
        source.is_provisional,
        source.category as education_level,
        source.value as graduate_count,
        source.source_dataset,
        source.source_sha256
    from source
    where source.measure = 'graduate_count'
)

select * from renamed
