-- Labour force (beroepsbevolking), persons 15-74, by residence.
-- Grain: region x year. Source: the spliced "Arbeidsdeelname; regionale indeling" tables.
select * from indicator_figure(
    'int_cbs__labour_market_by_region',
    labour_force,
    0,
    present_if := labour_force is not null
)
