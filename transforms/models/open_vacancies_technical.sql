-- Open vacancies in the technical sectors (SBI C Industrie, F Bouwnijverheid, J Informatie en
-- communicatie), yearly average of the quarter-end figures, by workplace region.
-- Grain: provincie or Nederland x year. Source: CBS 83599NED.
select * from indicator_figure(
    'int_cbs__vacancies_by_region',
    technical_open_vacancies,
    0,
    present_if := technical_open_vacancies is not null
)
