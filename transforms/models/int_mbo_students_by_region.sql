-- MBO students by institution place, summed to every region the place belongs to and to
-- Nederland (macros/sum_cells_by_region.sql; the gemeente of a place: see
-- stg_duo__mbo_students_by_qualification), with the technical sectorkamer ('techniek en
-- gebouwde omgeving') broken down by level and path.
-- Counts of all students sum only the rows that make a year's all-sexes total
-- (is_counted_in_total: DUO's TOTAAL where the file has it, else MAN + VROUW), so no student is
-- counted twice; the women's share divides the female rows by the male + female rows.
-- Grain: one row per region x school year.
with students as (
    select * from stg_duo__mbo_students_by_qualification
),

-- Each group of cells that is summed, as a breakdown of its own (a cell can be in several).
cell_groups as (
    select students.*, 'counted' as cell_group from students
    where students.is_counted_in_total
    union all
    select students.*, 'level' || students.level from students
    where students.is_counted_in_total and students.level in ('2', '3', '4')
    union all
    select students.*, 'bbl' from students
    where students.is_counted_in_total and students.study_path = 'BBL'
    union all
    select students.*, 'by_sex' from students
    where students.sex in ('male', 'female')
    union all
    select students.*, 'female' from students
    where students.sex = 'female'
),

summed as (
    select * from sum_cells_by_region(
        'cell_groups', study_year, 'school_year', student_count,
        sectorkamer = 'techniek en gebouwde omgeving', breakdown_by := cell_group,
        dataset_of := source_dataset
    )
),

pivoted as (
    select
        summed.region_code,
        summed.period,
        summed.period_type,
        summed.period_year as study_year,
        coalesce(max(summed.technology_count) filter (where summed.breakdown = 'counted'), 0)
            as technical_student_count,
        coalesce(max(summed.technology_count) filter (where summed.breakdown = 'level2'), 0)
            as technical_level2_count,
        coalesce(max(summed.technology_count) filter (where summed.breakdown = 'level3'), 0)
            as technical_level3_count,
        coalesce(max(summed.technology_count) filter (where summed.breakdown = 'level4'), 0)
            as technical_level4_count,
        coalesce(max(summed.technology_count) filter (where summed.breakdown = 'bbl'), 0)
            as technical_bbl_count,
        coalesce(max(summed.technology_suppressed_cell_count)
            filter (where summed.breakdown = 'bbl'), 0) as technical_bbl_suppressed_cell_count,
        coalesce(max(summed.technology_suppressed_cell_count)
            filter (where summed.breakdown = 'counted'), 0) as technical_suppressed_cell_count,
        coalesce(max(summed.technology_count) filter (where summed.breakdown = 'female'), 0)
            as technical_female_count,
        coalesce(max(summed.technology_count) filter (where summed.breakdown = 'by_sex'), 0)
            as technical_male_female_count,
        coalesce(max(summed.technology_suppressed_cell_count)
            filter (where summed.breakdown = 'by_sex'), 0)
            as technical_by_sex_suppressed_cell_count,
        coalesce(max(summed.total_count) filter (where summed.breakdown = 'counted'), 0)
            as student_count,
        coalesce(max(summed.suppressed_cell_count) filter (where summed.breakdown = 'counted'), 0)
            as suppressed_cell_count,
        max(summed.source_sha256) filter (where summed.breakdown = 'counted') as source_sha256,
        max(summed.source_dataset) filter (where summed.breakdown = 'counted') as source_dataset
    from summed
    group by summed.region_code, summed.period, summed.period_type, summed.period_year
)

select * from pivoted
