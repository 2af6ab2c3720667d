-- One indicator's rows from a table of figures per region x period (an int_ model): the
-- contract's columns the table has (region_code, period, period_type, breakdown columns,
-- provenance), the figure as `value` and the suppressed cells that went into it.
-- Parameters, evaluated over one row of `source_table` (its columns unqualified):
--   source_table  name of the table of figures
--   figure        the indicator's value (a count cast to double, or a ratio)
--   suppressed    how many suppressed cells went into the figure (0 where none can be)
--   present_if    the rows that have a value (a share: where its denominator is above 0)
create or replace temp macro indicator_figure(
    source_table, figure, suppressed, present_if := true
) as table
select
    columns(
        lambda column_name: column_name in (
            'region_code', 'period', 'period_type', 'sex', 'education_level', 'institution',
            'source_sha256', 'source_dataset', 'is_provisional'
        )
    ),
    figure as value,
    suppressed as suppressed_cell_count
from query_table(source_table)
where present_if
