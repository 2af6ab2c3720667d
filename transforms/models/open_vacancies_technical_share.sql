-- Share of the technical sectors (SBI C, F, J) in all open vacancies (0..1), yearly average of
-- the quarter-end figures. Grain: provincie or Nederland x year. Source: CBS 83599NED.
select * from indicator_figure(
    'int_cbs__vacancies_by_region',
    technical_open_vacancies / open_vacancies,
    0,
    present_if := technical_open_vacancies is not null and open_vacancies > 0
)
