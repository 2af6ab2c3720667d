-- Share of youth aged 15-27 neither in education nor in work (NEET) among all youth of that age,
-- by residence (0..1). Grain: region x year. Source: CBS 86087NED, 86223NED.
select * from indicator_figure(
    'int_cbs__youth_by_region',
    neet_count / youth_count,
    0,
    present_if := neet_count is not null and youth_count > 0
)
