-- Staging for DUO mbo students (1 October) by institution, path, level and qualification, from
-- two files the loader puts into one tidy table, each year from one file:
-- - the legacy duo.nl deelnemers file (2015-2019): MAN, VROUW and DUO's own TOTAAL per year;
-- - the portal's "Studenten per instelling plaats van de instelling sectorkamer leerweg
--   opleiding niveau geslacht" (mbo-studenten-per-instelling, 2021-): MAN and VROUW only.
-- Grain: one row per year x institution x place x path x level x qualification x sex.
-- study_path: BBL, BOL (BOLVT full-time, BOLDT part-time) or EX (extraneus, exams only).
-- is_counted_in_total marks the rows that make the all-sexes total of their year: the TOTAAL
-- rows where the file has them (never add them to male + female), else male and female.
-- Counts are by the institution's PLACE as DUO names it (its seat, e.g. 'HENGELO OV'), not by
-- where students live or where the course is taught; stg_duo__mbo_places matches the place to
-- a gemeente. Unmatched places count for Nederland only.
with source as (
    select * from raw_duo__mbo_students_by_qualification
),

places as (
    select * from stg_duo__mbo_places
),

with_totals as (
    select
        source.*,
        bool_or(source.sex = 'total') over (
            partition by source.source_file, source.year
        ) as file_has_total
    from source
),

renamed as (
    select
        with_totals.year as study_year,
        places.gemeente_code,
        with_totals.place_name,
        with_totals.institution_code,
        with_totals.institution_name,
        with_totals.sector as mbo_sector,
        with_totals.subsector as main_group,
        with_totals.sectorkamer,
        with_totals.programme_code as qualification_code,
        with_totals.programme_name as qualification_name,
        with_totals.level,
        case
            when with_totals.study_path = 'BBL' then 'BBL'
            when with_totals.study_path like 'BOL%' then 'BOL'
            else with_totals.study_path
        end as study_path,
        with_totals.study_path as study_path_published,
        with_totals.sex,
        case
            when with_totals.file_has_total then with_totals.sex = 'total'
            else with_totals.sex <> 'total'
        end as is_counted_in_total,
        with_totals."count" as student_count,
        with_totals.is_suppressed,
        with_totals.source_format,
        case
            when with_totals.source_format = 'legacy' then 'mbo-deelnemers'
            else 'mbo-studenten-per-instelling'
        end as source_dataset,
        with_totals.line_number,
        with_totals.source_file,
        with_totals.source_sha256
    from with_totals
    left join places
        on places.place_name = regexp_replace(with_totals.place_name, ' OV$', '')
)

select * from renamed
