-- Students (mbo total, hbo, wo) by education level, counted where they LIVE (woonregio).
-- Grain: region x school year x education_level (mbo, hbo, wo, and total = mbo + hbo + wo where
-- all three are published for the region and year; macros/levels_with_total.sql).
select * from levels_with_total('stg_cbs__students_by_education_residence', student_count)
