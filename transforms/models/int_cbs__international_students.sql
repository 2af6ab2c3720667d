-- International students and all students side by side, per student group.
-- Grain: one row per region (Nederland) x school year x student group; education_level is the
-- group for total, hbo and wo (the technology group is hbo + wo: total).
select
    enrolled.region_code,
    enrolled.period,
    enrolled.period_type,
    enrolled.is_provisional or international.is_provisional as is_provisional,
    enrolled.student_group,
    case when enrolled.student_group in ('hbo', 'wo') then enrolled.student_group else 'total' end
        as education_level,
    enrolled.value as enrolled_students,
    international.value as international_students,
    enrolled.source_dataset,
    enrolled.source_sha256
from stg_cbs__international_students as enrolled
inner join stg_cbs__international_students as international
    on international.region_code = enrolled.region_code
    and international.period = enrolled.period
    and international.student_group = enrolled.student_group
where enrolled.measure = 'enrolled' and international.measure = 'international'
