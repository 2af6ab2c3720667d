-- Staging for CBS 85125NED "Hoger onderwijs; internationale studenten, onderwijskenmerken"
-- (Nederland only). Grain: one row per school year x student group x measure: student_group
-- total (hbo + wo), hbo, wo or technology (hbo + wo in "07 Techniek, industrie en
-- bouwkunde"); measure enrolled (every student) or international (international students),
-- all sexes, years of stay and phases.
select * exclude (period_code, classification_year, unit, source_file) rename (category as student_group)
from raw_cbs__international_students
