-- Staging for CBS 85451NED "Immi- en emigratie; geslacht, leeftijd, nationaliteit, regio".
-- Grain: one row per region x year x nationality x measure: nationality total (every
-- nationality) or dutch ("Nederlands"); measure immigration, emigration (including
-- administrative corrections) or net_migration (their balance), in persons, all sexes and ages.
select * exclude (period_code, classification_year, unit, source_file)
from raw_cbs__migration_by_nationality
