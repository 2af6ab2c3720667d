-- Staging for CBS 83599NED "Openstaande vacatures; SBI 2008, regio" (quarterly; Nederland,
-- landsdelen and provincies only).
-- Grain: one row per region x quarter x sector (total = SBI A-U, industry = C, construction = F,
-- ict = J): the vacancies open at the end of the quarter ("x 1 000" multiplied out).
select * rename (category as sector, value as open_vacancies)
from stage_cbs_measure_by_category('raw_cbs__vacancies_by_sector', 'open_vacancies')
