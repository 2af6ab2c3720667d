-- Share of international students among all students in higher education (0..1), by
-- education level: hbo, wo and total (hbo + wo). Grain: Nederland x school year.
-- Source: CBS 85125NED (no regional figure exists: gap international_students_by_region).
select * from indicator_figure(
    'int_cbs__international_students',
    international_students / enrolled_students,
    0,
    present_if := student_group in ('total', 'hbo', 'wo')
    and international_students is not null
    and enrolled_students > 0
)
