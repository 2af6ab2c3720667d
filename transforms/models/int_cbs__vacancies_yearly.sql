-- Open vacancies per year: the average of the four quarter-end figures of a year, by region and
-- sector; a year without all four quarters (the current one) has no row.
-- Grain: one row per region x year x sector.
select
    region_code,
    left(period, 4) as period,
    'year' as period_type,
    bool_or(is_provisional) as is_provisional,
    sector,
    avg(open_vacancies) as open_vacancies,
    string_agg(distinct source_dataset, ',' order by source_dataset) as source_dataset,
    string_agg(distinct source_sha256, ',' order by source_sha256) as source_sha256
from stg_cbs__vacancies_by_sector
group by region_code, left(period, 4), sector
having count(open_vacancies) = 4
