-- Staging of one DUO higher-education count file kind (hbo or wo; students, first-years or
-- graduates), current portal and legacy duo.nl files alike: the loader has already put both
-- formats into one tidy shape (techpact.sources.duo.TIDY_COLUMNS), each year from one landed
-- file; this names its columns for the models. The caller renames `year` to what it counts
-- (study_year, diploma_year).
-- Counts are by programme LOCATION (vestigingsgemeente), not by where students live.
-- student_count is null where DUO suppressed a small number (is_suppressed).
-- Parameter: raw_table, the name of the raw table (raw_duo__<resource>).
create or replace temp macro stage_duo_ho_counts(raw_table) as table
select
    source.year,
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
from query_table(raw_table) as source
