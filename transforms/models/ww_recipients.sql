-- Persons with a WW benefit (unemployment insurance) in December of the year, by residence.
-- Grain: region x year. Source: CBS 80794ned (COROP regions summed from their gemeenten).
select * from indicator_figure(
    'int_cbs__benefits_by_region',
    ww_recipients::double,
    0,
    present_if := ww_recipients is not null
)
