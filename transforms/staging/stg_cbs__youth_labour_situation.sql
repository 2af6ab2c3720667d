-- Staging for CBS "Arbeidsmarktsituatie jongeren (15 tot 27 jaar); regio (indeling <year>)"
-- (86087NED, 86223NED: one table per regional classification year), spliced into one series
-- (newest_classification). Youth in October of the year, with or without a benefit, registered
-- with UWV or not.
-- Grain: one row per region x year x group: all_youth (every person aged 15-27) or neet (not in
-- education and not in work). youth_count is persons, rounded by CBS to hundreds.
select
    region_code,
    period,
    period_type,
    is_provisional,
    category as youth_group,
    value as youth_count,
    source_dataset,
    source_sha256
from newest_classification('raw_cbs__youth_labour_situation')
where measure = 'youth_count'
