-- Net labour participation (nettoarbeidsparticipatie) by education level, as CBS publishes it,
-- in percent: low, middle, high and total. Grain: region x year x education level. Source: the
-- spliced "Arbeidsdeelname; regionale indeling" tables; no row where CBS publishes no value.
select * from indicator_figure(
    'stg_cbs__labour_by_education',
    value,
    0,
    present_if := measure = 'net_labour_participation' and value is not null
)
