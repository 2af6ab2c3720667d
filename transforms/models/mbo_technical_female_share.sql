-- Share of women among technical-sectorkamer MBO students, by institution place: female rows
-- divided by male + female rows (the same cells in numerator and denominator; DUO's TOTAAL is
-- not used here, so a suppressed cell is missing from both sides alike).
-- Grain: region x school year.
select * from indicator_figure(
    'int_mbo_students_by_region',
    technical_female_count / technical_male_female_count,
    technical_by_sex_suppressed_cell_count,
    present_if := technical_male_female_count > 0
)
