-- Open vacancies per year (average of the quarters), all sectors and the technical ones side by
-- side. Grain: one row per region x year (Nederland, landsdelen and provincies only).
select
    region_code,
    period,
    period_type,
    is_provisional,
    figures['total'] as open_vacancies,
    figures['industry'] + figures['construction'] + figures['ict'] as technical_open_vacancies,
    source_dataset,
    source_sha256
from figures_side_by_side('int_cbs__vacancies_yearly', sector, open_vacancies)
