-- Net labour participation (nettoarbeidsparticipatie) as CBS publishes it, in percent.
-- Grain: region x year. Source: the spliced "Arbeidsdeelname; regionale indeling" tables.
select * from indicator_figure(
    'int_cbs__labour_market_by_region',
    net_labour_participation_pct,
    0,
    present_if := net_labour_participation_pct is not null
)
