-- Youth aged 15-27 neither in education nor in work (NEET), in October, by residence, in persons
-- (rounded by CBS to hundreds). Grain: region x year. Source: CBS 86087NED, 86223NED.
select * from indicator_figure(
    'int_cbs__youth_by_region',
    neet_count::double,
    0,
    present_if := neet_count is not null
)
