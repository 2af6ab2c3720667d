-- Staging for CBS "Arbeidsdeelname; regionale indeling <year>" (85269NED, 85494NED, 86088NED, ...:
-- one table per regional classification year), spliced into one series (newest_classification).
-- Grain: one row per region x year x measure, all persons (Persoonskenmerken "Totaal personen").
-- Values are persons (CBS's "x 1 000" multiplied out) or percentages, as the measure says.
select * exclude (category)
from newest_classification('raw_cbs__labour_participation')
where category = 'total'
