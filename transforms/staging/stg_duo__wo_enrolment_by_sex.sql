-- Staging for DUO wo students (ingeschrevenen, hoofdinschrijving) by sex (p01hoinges), current portal and legacy duo.nl files alike: the
-- loader has already put both formats into one tidy shape (techpact.sources.duo.TIDY_COLUMNS),
-- each year from one landed file.
-- Grain: one row per published count: study year x location gemeente x institution x
-- CROHO sector/subsector x programme type x sex.
-- Counts are by programme LOCATION (vestigingsgemeente), not by where students live.
-- student_count is null where DUO suppressed a small number (is_suppressed).
with source as (
    select * from raw_duo__wo_enrolment_by_sex
),

renamed as (
    select
        source.year as study_year,
        source.gemeente_code,
        source.gemeente_name,
        source.province_name,
        source.institution_code,
        source.institution_name,
        source.programme_type,
        source.sector as croho_sector,
        source.subsector as croho_subsector,
        source.programme_code,
        source.programme_name,
        source.study_mode,
        source.diploma_type,
        source.sex,
        source."count" as student_count,
        source.is_suppressed,
        source.source_format,
        source.line_number,
        source.source_file,
        source.source_sha256
    from source
)

select * from renamed
