-- Staging for CBS 80794ned "Personen met een uitkering; uitkeringsontvangers per regio" (monthly).
-- Grain: one row per region x year x benefit: the persons with that benefit in December of the
-- year (a year without a December figure has no row). measure is ww_recipients (WW,
-- unemployment insurance) or bijstand_recipients (bijstand, below the AOW age). CBS publishes
-- gemeenten, provincies and Nederland; with_corop_sums adds the COROP regions.
select
    region_code,
    left(period, 4) as period,
    'year' as period_type,
    is_provisional,
    category,
    measure,
    value,
    source_dataset,
    source_sha256
from raw_cbs__benefit_recipients
where period_type = 'month' and right(period, 2) = '12'
