-- DUO count cells summed to every region their gemeente lies in: the gemeente, its COROP and
-- its province (int_region_rollup), and Nederland (NL01, every cell, also those of gemeenten
-- the region table does not list; region_level 'land').
-- Grain: one row per region x period x breakdown, with breakdown 'total' for all cells.
-- Suppressed cells (is_suppressed: DUO's "-1" or a blank, fewer than 5) add nothing to a sum;
-- how many went into each sum is counted, so the true figure is at most 4 x that count higher.
-- Parameters, evaluated over one cell of `cells` (its columns unqualified):
--   cells          name of the table or CTE of cells (gemeente_code, is_suppressed,
--                  source_sha256 and the columns the other arguments name)
--   year_of        the period's starting year (study_year, diploma_year)
--   period_kind    'school_year' (period '2020/21') or 'year' (period '2020')
--   count_of       the cell's count
--   technology_if  true for a cell of technology
--   breakdown_by   what to break down by besides 'total' ('total': no breakdown)
--   dataset_of     the cell's source dataset, or null where the cells do not say
create or replace temp macro sum_cells_by_region(
    cells, year_of, period_kind, count_of, technology_if, breakdown_by := 'total',
    dataset_of := null
) as table
with standard_cells as (
    select
        gemeente_code,
        year_of as period_year,
        count_of as cell_count,
        technology_if as is_technology,
        is_suppressed,
        source_sha256,
        dataset_of::varchar as source_dataset,
        breakdown_by as breakdown
    from query_table(cells)
),

with_total as (
    select * from standard_cells
    where breakdown is distinct from 'total'
    union all
    select * replace ('total' as breakdown) from standard_cells
),

located as (
    select with_total.*, rollup.region_code, rollup.region_level
    from with_total
    inner join int_region_rollup as rollup on rollup.gemeente_code = with_total.gemeente_code
    union all
    select with_total.*, 'NL01' as region_code, 'land' as region_level
    from with_total
),

summed as (
    select
        located.region_code,
        located.region_level,
        located.period_year,
        located.breakdown,
        coalesce(sum(located.cell_count) filter (where located.is_technology), 0)
            as technology_count,
        count(*) filter (where located.is_technology and located.is_suppressed)
            as technology_suppressed_cell_count,
        coalesce(sum(located.cell_count), 0) as total_count,
        count(*) filter (where located.is_suppressed) as suppressed_cell_count,
        string_agg(distinct located.source_sha256, ',' order by located.source_sha256)
            as source_sha256,
        string_agg(distinct located.source_dataset, ',' order by located.source_dataset)
            as source_dataset
    from located
    group by located.region_code, located.region_level, located.period_year, located.breakdown
)

select
    summed.region_code,
    summed.region_level,
    case
        when period_kind = 'school_year'
            then summed.period_year::varchar || '/' || right((summed.period_year + 1)::varchar, 2)
        else summed.period_year::varchar
    end as period,
    period_kind as period_type,
    summed.period_year,
    summed.breakdown,
    summed.technology_count,
    summed.technology_suppressed_cell_count,
    summed.total_count,
    summed.suppressed_cell_count,
    summed.source_sha256,
    summed.source_dataset
from summed
