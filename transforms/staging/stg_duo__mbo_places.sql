-- The places DUO's mbo files name an institution by (PLAATSNAAM / PLAATSNAAM INSTELLING, upper
-- case), matched to a gemeente of the region table. Shared by the mbo student and graduate
-- staging models, legacy and current files alike.
-- Grain: one row per place name.
-- A place matches a gemeente by its name (upper case; a place written with DUO's province
-- suffix, ' OV' for Overijssel as in 'HENGELO OV', is compared without it), or through the list
-- below of places that are not the name of their gemeente (Twente and Zuidoost-Noord-Brabant,
-- the pact regions). Any other place counts for Nederland only.
-- CBS names some gemeenten with a suffix ('Hengelo (O.)', 'Bergen (NH.)'): such a gemeente
-- also matches its name without the suffix, where that name is not shared by another gemeente.
with gemeente_names as (
    select region_code as gemeente_code, upper(region_name) as place_name
    from region
    where region_level = 'gemeente'
    union
    select region_code, regexp_replace(upper(region_name), '\s*\([^)]*\)$', '')
    from region
    where region_level = 'gemeente'
),

gemeenten as (
    select any_value(gemeente_code) as gemeente_code, place_name
    from gemeente_names
    group by place_name
    having count(distinct gemeente_code) = 1
),

-- Places that are not the name of their gemeente (gemeente codes of the region table).
other_places as (
    select * from (
        values
            ('NIJVERDAL', 'GM0163'),
            ('GOOR', 'GM1735'),
            ('DELDEN', 'GM1735'),
            ('VRIEZENVEEN', 'GM1700'),
            ('RIJSSEN', 'GM1742'),
            ('WEERSELO', 'GM1774'),
            ('DENEKAMP', 'GM1774'),
            ('GELDROP', 'GM1771'),
            ('MIERLO', 'GM1771'),
            ('NUENEN', 'GM0820'),
            ('SON', 'GM0848'),
            ('BREUGEL', 'GM0848'),
            ('GEMERT', 'GM1652'),
            ('BAKEL', 'GM1652'),
            ('HEEZE', 'GM1658'),
            ('LEENDE', 'GM1658'),
            ('BEEK EN DONK', 'GM1659'),
            ('LIESHOUT', 'GM1659'),
            ('BUDEL', 'GM1706'),
            ('REUSEL', 'GM1667'),
            ('HAPERT', 'GM1728')
    ) as places (place_name, gemeente_code)
)

select other_places.place_name, other_places.gemeente_code
from other_places
union all
select gemeenten.place_name, gemeenten.gemeente_code
from gemeenten
where gemeenten.place_name not in (select other_places.place_name from other_places)
