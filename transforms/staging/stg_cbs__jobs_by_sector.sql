-- Staging for CBS 83582NED "Banen van werknemers; economische activiteit (SBI 2008), regio".
-- Grain: one row per region x year x sector (total, industry = SBI C, construction = SBI F,
-- ict = SBI J), counted where the job is (workplace). job_count is jobs ("x 1 000" multiplied out).
with source as (
    select * from raw_cbs__jobs_by_sector
),

renamed as (
    select
        source.region_code,
        source.period,
        source.period_type,
        source.is_provisional,
        source.category as sector,
        source.value as job_count,
        source.source_dataset,
        source.source_sha256
    from source
    where source.measure = 'job_count'
)

select * from renamed
