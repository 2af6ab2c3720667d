-- Net migration of foreign (non-Dutch) nationals: immigration minus emigration, including
-- administrative corrections, in persons (negative when more leave). Grain: region x year.
-- Source: CBS 85451NED (Totaal minus Nederlands).
select * from indicator_figure(
    'int_cbs__migration_by_region',
    foreign_net_migration::double,
    0,
    present_if := foreign_net_migration is not null
)
