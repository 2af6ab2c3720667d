-- Staging for DUO mbo graduates (diplomas) by institution, path, level and qualification: the
-- portal's "Gediplomeerden" file (gediplomeerde-mbo-studenten), DIPMAN/DIPVROUW per year.
-- Grain: one row per diploma year x institution x place x path x level x qualification x sex
-- (male, female; the file has no total column: the total is male + female).
-- diploma_year is the year of DUO's column names (DIPMAN2021: 2021), never the file name's.
-- Counts are by the institution's PLACE as DUO names it ('HENGELO OV'), not by where graduates
-- live; stg_duo__mbo_places matches the place to a gemeente. Unmatched places count for
-- Nederland only. Paths as published: BBL, BOLVT, BOLDT, EX, OVO.
with source as (
    select * from raw_duo__mbo_graduates_by_qualification
),

places as (
    select * from stg_duo__mbo_places
),

renamed as (
    select
        source.year as diploma_year,
        places.gemeente_code,
        source.place_name,
        source.institution_code,
        source.institution_name,
        source.subsector as main_group,
        source.sectorkamer,
        source.programme_code as qualification_code,
        source.programme_name as qualification_name,
        source.level,
        source.study_path,
        source.sex,
        source."count" as graduate_count,
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
