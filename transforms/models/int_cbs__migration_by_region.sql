-- Migration of foreign nationals (every nationality but Dutch) by region: all immigrants minus
-- Dutch ones, and the same for net migration. Grain: one row per region x year.
select
    region_code,
    period,
    period_type,
    is_provisional,
    figures['total_immigration'] - figures['dutch_immigration'] as foreign_immigration,
    figures['total_net_migration'] - figures['dutch_net_migration'] as foreign_net_migration,
    source_dataset,
    source_sha256
from figures_side_by_side('int_cbs__migration', category || '_' || measure, value)
