-- The period table: one row per period that the indicator rows (and so indicator_values) use.
-- A year '2023' runs from 1 January to 31 December; a school year '2023/24' from 1 August 2023
-- to 31 July 2024 (DUO and CBS count students on 1 October, in its first calendar year).
select
    periods.period,
    periods.period_type,
    cast(substr(periods.period, 1, 4) as integer) as start_year,
    case periods.period_type
        when 'school_year' then make_date(cast(substr(periods.period, 1, 4) as integer), 8, 1)
        else make_date(cast(substr(periods.period, 1, 4) as integer), 1, 1)
    end as start_date,
    case periods.period_type
        when 'school_year' then make_date(cast(substr(periods.period, 1, 4) as integer) + 1, 7, 31)
        else make_date(cast(substr(periods.period, 1, 4) as integer), 12, 31)
    end as end_date,
    case periods.period_type
        when 'school_year' then 'schooljaar ' || periods.period
        else periods.period
    end as label_nl,
    case periods.period_type
        when 'school_year' then 'school year ' || periods.period
        else periods.period
    end as label_en
from (select distinct period, period_type from indicator_rows) as periods
order by periods.period_type, periods.period
