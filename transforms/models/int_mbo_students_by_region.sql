-- MBO students by institution place, summed to every region the place belongs to, with the
-- technical sectorkamer ('techniek en gebouwde omgeving') broken down by level and path.
-- Counts of all students sum only the rows that make a year's all-sexes total
-- (is_counted_in_total: DUO's TOTAAL where the file has it, else MAN + VROUW), so no student is
-- counted twice; the women's share divides the female rows by the male + female rows.
-- Grain: one row per region x school year.
-- Regions: each gemeente the place matched (see stg_duo__mbo_students_by_qualification), its
-- COROP and province, and Nederland (NL01, every row). Suppressed (blank) cells add nothing;
-- how many went into each sum is counted.
with students as (
    select * from stg_duo__mbo_students_by_qualification
),

rollup as (
    select * from int_region_rollup
),

located as (
    select rows.*, rollup.region_code
    from students as rows
    inner join rollup on rollup.gemeente_code = rows.gemeente_code
    union all
    select rows.*, 'NL01' as region_code
    from students as rows
),

flagged as (
    select
        located.*,
        located.is_counted_in_total
        and located.sectorkamer = 'techniek en gebouwde omgeving' as is_technical,
        located.sex in ('male', 'female')
        and located.sectorkamer = 'techniek en gebouwde omgeving' as is_technical_by_sex
    from located
),

summed as (
    select
        flagged.region_code,
        flagged.study_year,
        coalesce(sum(flagged.student_count) filter (where flagged.is_technical), 0)
            as technical_student_count,
        coalesce(sum(flagged.student_count) filter (
            where flagged.is_technical and flagged.level = '2'), 0) as technical_level2_count,
        coalesce(sum(flagged.student_count) filter (
            where flagged.is_technical and flagged.level = '3'), 0) as technical_level3_count,
        coalesce(sum(flagged.student_count) filter (
            where flagged.is_technical and flagged.level = '4'), 0) as technical_level4_count,
        coalesce(sum(flagged.student_count) filter (
            where flagged.is_technical and flagged.study_path = 'BBL'), 0)
            as technical_bbl_count,
        count(*) filter (where flagged.is_technical and flagged.is_suppressed)
            as technical_suppressed_cell_count,
        coalesce(sum(flagged.student_count) filter (
            where flagged.is_technical_by_sex and flagged.sex = 'female'), 0)
            as technical_female_count,
        coalesce(sum(flagged.student_count) filter (where flagged.is_technical_by_sex), 0)
            as technical_male_female_count,
        count(*) filter (where flagged.is_technical_by_sex and flagged.is_suppressed)
            as technical_by_sex_suppressed_cell_count,
        coalesce(sum(flagged.student_count) filter (where flagged.is_counted_in_total), 0)
            as student_count,
        count(*) filter (where flagged.is_counted_in_total and flagged.is_suppressed)
            as suppressed_cell_count,
        string_agg(distinct flagged.source_sha256, ',' order by flagged.source_sha256)
            filter (where flagged.is_counted_in_total) as source_sha256,
        string_agg(distinct flagged.source_dataset, ',' order by flagged.source_dataset)
            filter (where flagged.is_counted_in_total) as source_dataset
    from flagged
    group by flagged.region_code, flagged.study_year
)

select
    summed.region_code,
    summed.study_year::varchar || '/' || right((summed.study_year + 1)::varchar, 2) as period,
    'school_year' as period_type,
    summed.study_year,
    summed.technical_student_count,
    summed.technical_level2_count,
    summed.technical_level3_count,
    summed.technical_level4_count,
    summed.technical_bbl_count,
    summed.technical_suppressed_cell_count,
    summed.technical_female_count,
    summed.technical_male_female_count,
    summed.technical_by_sex_suppressed_cell_count,
    summed.student_count,
    summed.suppressed_cell_count,
    summed.source_sha256,
    summed.source_dataset
from summed
