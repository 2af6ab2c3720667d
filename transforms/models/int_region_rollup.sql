-- Every region of the region table a gemeente lies in, the gemeente itself included:
-- gemeente -> gemeente, its COROP region, its province. Models that sum locations join on it
-- and add Nederland (NL01) themselves, since Nederland also covers gemeenten the region table
-- does not list.
-- Grain: one row per gemeente x region it lies in.
with gemeenten as (
    select region_code, corop_code, province_code
    from region
    where region_level = 'gemeente'
)

select gemeenten.region_code as gemeente_code, gemeenten.region_code, 'gemeente' as region_level
from gemeenten
union all
select gemeenten.region_code, gemeenten.corop_code, 'corop'
from gemeenten
where gemeenten.corop_code is not null
union all
select gemeenten.region_code, gemeenten.province_code, 'provincie'
from gemeenten
where gemeenten.province_code is not null
