-- Share of international students among the students of "07 Techniek, industrie en
-- bouwkunde" in higher education (hbo + wo, 0..1). Grain: Nederland x school year.
-- Source: CBS 85125NED.
select * from indicator_figure(
    'int_cbs__international_students',
    international_students / enrolled_students,
    0,
    present_if := student_group = 'technology'
    and international_students is not null
    and enrolled_students > 0
)
