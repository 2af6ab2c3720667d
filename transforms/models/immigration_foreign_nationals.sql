-- Immigrants with a foreign (non-Dutch) nationality settling in the region, in persons.
-- Grain: region x year. Source: CBS 85451NED (Totaal minus Nederlands).
select * from indicator_figure(
    'int_cbs__migration_by_region',
    foreign_immigration::double,
    0,
    present_if := foreign_immigration is not null
)
