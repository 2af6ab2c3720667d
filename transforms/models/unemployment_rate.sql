-- Unemployment rate (werkloosheidspercentage) as CBS publishes it, in percent.
-- Grain: region x year. Source: the spliced "Arbeidsdeelname; regionale indeling" tables.
select * from indicator_figure(
    'int_cbs__labour_market_by_region',
    unemployment_rate_pct,
    0,
    present_if := unemployment_rate_pct is not null
)
