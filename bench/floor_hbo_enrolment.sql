-- The DuckDB floor of the build (bench/floors.py): the three indicators fed by DUO
-- "ingeschrevenen hbo by sex" (hbo_enrolment_technology, hbo_enrolment_technology_share,
-- hbo_enrolment_total), computed straight from the landed CSV file(s) and the region table the
-- build uses (exported to CSV once, untimed). Same rules as the build: a suppressed cell
-- (-1, <5, 4*) adds nothing and is counted; CROHO sector TECHNIEK is technology; each gemeente
-- is summed into itself, its COROP region and its provincie, every row into Nederland (NL01).
-- Parameters: $duo_files (list of CSV paths), $region_csv (path).
with source as (
    select *
    from read_csv(
        $duo_files,
        header = true,
        delim = ',',
        quote = '"',
        all_varchar = true
    )
),

enrolment as (
    select
        source."STUDIEJAAR"::integer as study_year,
        'GM' || lpad(trim(source."GEMEENTENUMMER"), 4, '0') as gemeente_code,
        upper(trim(source."ONDERDEEL")) = 'TECHNIEK' as is_technology,
        case upper(trim(source."GESLACHT"))
            when 'MAN' then 'male'
            when 'VROUW' then 'female'
            else 'unknown'
        end as sex,
        trim(source."AANTAL_INGESCHREVENEN") in ('-1', '<5', '4*') as is_suppressed,
        case
            when trim(source."AANTAL_INGESCHREVENEN") not in ('-1', '<5', '4*')
                then trim(source."AANTAL_INGESCHREVENEN")::bigint
        end as student_count
    from source
),

gemeenten as (
    select region_code, corop_code, province_code
    from read_csv($region_csv, header = true, all_varchar = true)
    where region_level = 'gemeente'
),

rollup as (
    select gemeenten.region_code as gemeente_code, gemeenten.region_code from gemeenten
    union all
    select gemeenten.region_code, gemeenten.corop_code from gemeenten
    where gemeenten.corop_code is not null
    union all
    select gemeenten.region_code, gemeenten.province_code from gemeenten
    where gemeenten.province_code is not null
),

located as (
    select enrolment.*, rollup.region_code
    from enrolment
    inner join rollup on rollup.gemeente_code = enrolment.gemeente_code
    union all
    select enrolment.*, 'NL01' as region_code
    from enrolment
),

summed as (
    select
        located.region_code,
        located.study_year,
        coalesce(located.sex, 'total') as sex,
        coalesce(sum(located.student_count) filter (where located.is_technology), 0)
            as technology_student_count,
        count(*) filter (where located.is_technology and located.is_suppressed)
            as technology_suppressed_cell_count,
        coalesce(sum(located.student_count), 0) as student_count,
        count(*) filter (where located.is_suppressed) as suppressed_cell_count
    from located
    group by grouping sets (
        (located.region_code, located.study_year, located.sex),
        (located.region_code, located.study_year)
    )
),

periods as (
    select
        summed.*,
        summed.study_year::varchar || '/' || right((summed.study_year + 1)::varchar, 2) as period
    from summed
)

select
    'hbo_enrolment_technology' as indicator_id,
    periods.region_code,
    periods.period,
    periods.sex,
    periods.technology_student_count::double as value,
    periods.technology_suppressed_cell_count as suppressed_cell_count
from periods
union all
select
    'hbo_enrolment_technology_share',
    periods.region_code,
    periods.period,
    periods.sex,
    periods.technology_student_count / periods.student_count,
    periods.suppressed_cell_count
from periods
where periods.student_count > 0
union all
select
    'hbo_enrolment_total',
    periods.region_code,
    periods.period,
    periods.sex,
    periods.student_count::double,
    periods.suppressed_cell_count
from periods
