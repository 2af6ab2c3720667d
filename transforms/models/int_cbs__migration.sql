-- Immigration, emigration and net migration by nationality (total, dutch), with the COROP
-- regions CBS does not publish summed from their gemeenten (with_corop_sums: complete sums only).
-- Grain: one row per region x year x nationality x measure.
select * from with_corop_sums('stg_cbs__migration_by_nationality')
