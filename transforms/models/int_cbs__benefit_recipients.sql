-- Persons with a WW or a bijstand benefit in December, by residence, with the COROP regions
-- CBS does not publish summed from their gemeenten (with_corop_sums: only complete sums).
-- Grain: one row per region x year x measure (ww_recipients, bijstand_recipients).
select * from with_corop_sums('stg_cbs__benefit_recipients')
