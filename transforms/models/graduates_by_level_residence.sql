-- Graduates (mbo total, hbo bachelor, wo bachelor) by education level, counted where they LIVE
-- (woonregio).
-- Grain: region x school year x education_level (mbo, hbo, wo, and total = mbo + hbo + wo where
-- all three are published for the region and year; macros/levels_with_total.sql).
select * from levels_with_total('stg_cbs__graduates_by_education_residence', graduate_count)
