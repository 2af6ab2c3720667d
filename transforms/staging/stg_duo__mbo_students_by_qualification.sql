-- Staging for DUO mbo students (deelnemers, 1 October) by institution, path, level and
-- qualification: the legacy duo.nl file (2015-2019), put into the tidy shape by the loader.
-- Grain: one row per year x institution x place x path (BOL/BBL) x level x qualification x
-- sex, where sex 'total' is DUO's own TOTAAL column (never add it to male + female).
-- Counts are by the institution's PLACE as DUO names it (its seat, e.g. 'HENGELO OV'), not by
-- where students live or where the course is taught. The place is matched to a gemeente of
-- the region table by its name (upper case, ' OV' for Overijssel stripped), or through the
-- few Twente places that are not a gemeente's name (listed below). Unmatched places count
-- for Nederland only.
with source as (
    select * from raw_duo__mbo_students_by_qualification
),

gemeenten as (
    select region_code, upper(region_name) as place_name
    from region
    where region_level = 'gemeente'
),

-- Places in Twente that are not the name of their gemeente.
places as (
    select * from (
        values
            ('NIJVERDAL', 'GM0163'),
            ('GOOR', 'GM1735'),
            ('DELDEN', 'GM1735'),
            ('VRIEZENVEEN', 'GM1700'),
            ('RIJSSEN', 'GM1742'),
            ('WEERSELO', 'GM1774'),
            ('DENEKAMP', 'GM1774')
    ) as places (place_name, gemeente_code)
    union all
    select gemeenten.place_name, gemeenten.region_code from gemeenten
),

renamed as (
    select
        source.year as study_year,
        places.gemeente_code,
        source.place_name,
        source.institution_code,
        source.institution_name,
        source.sector as mbo_sector,
        source.sectorkamer,
        source.programme_code as qualification_code,
        source.programme_name as qualification_name,
        source.level,
        case when source.study_path = 'BBL' then 'BBL' else 'BOL' end as study_path,
        source.study_path as study_path_published,
        source.sex,
        source."count" as student_count,
        source.is_suppressed,
        source.source_format,
        source.line_number,
        source.source_file,
        source.source_sha256
    from source
    left join places
        on places.place_name = regexp_replace(source.place_name, ' OV$', '')
)

select * from renamed
