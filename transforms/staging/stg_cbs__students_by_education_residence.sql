-- Staging for CBS 85701NED "Leerlingen, deelnemers en studenten; onderwijssoort, woonregio".
-- Grain: one row per region x school year x education level (mbo total, hbo, wo), counted where
-- students LIVE (woonregio), all sexes, ages and migration backgrounds together.
with source as (
    select * from raw_cbs__students_by_education_residence
),

renamed as (
    select
        source.region_code,
        source.period,
        source.period_type,
        source.is_provisional,
        source.category as education_level,
        source.value as student_count,
        source.source_dataset,
        source.source_sha256
    from source
    where source.measure = 'student_count'
)

select * from renamed
