-- Staging for DUO "ingeschrevenen hbo naar geslacht" (dataset p01hoinges), current portal format.
-- Grain: one row per data line of the landed file (study year x location gemeente x institution
-- x programme type x CROHO sector/subsector x sex). Counts are by programme LOCATION
-- (vestigingsgemeente), not by where students live.
-- student_count is null where DUO suppressed a small number (is_suppressed).
with source as (
    select * from raw_duo__hbo_enrolment_by_sex
),

renamed as (
    select
        source.year as study_year,
        'GM' || lpad(trim(source."GEMEENTENUMMER"), 4, '0') as gemeente_code,
        trim(source."GEMEENTENAAM") as gemeente_name,
        trim(source."PROVINCIENAAM") as province_name,
        trim(source."INSTELLINGSCODE_ACTUEEL") as institution_code,
        trim(source."INSTELLINGSNAAM_ACTUEEL") as institution_name,
        lower(trim(source."TYPE_HOGER_ONDERWIJS")) as programme_type,
        upper(trim(source."ONDERDEEL")) as croho_sector,
        trim(source."SUBONDERDEEL") as croho_subsector,
        case upper(trim(source."GESLACHT"))
            when 'MAN' then 'male'
            when 'VROUW' then 'female'
            else 'unknown'
        end as sex,
        source.count as student_count,
        source.is_suppressed,
        source.line_number,
        source.source_file,
        source.source_sha256
    from source
)

select * from renamed
