"""The pact regions: which regions a run must cover, given by code or by CBS title.

A pact region is a setting (default Twente, ``CR12``). It may be written as a code (``CR36``)
or as the region's title as CBS publishes it (``Zuidoost-Noord-Brabant`` or
``Zuidoost-Noord-Brabant (CR)``): the title is resolved against the region table (the landed
CBS "Gebieden in Nederland" table when a landing zone is given and holds one, else the bundled
seed), so adding the Eindhoven pact's region is configuration, not code.
"""

from __future__ import annotations

from techpact.sources.cbs import region_hierarchy
from techpact.sources.cbs_regions import (
    SEED_FILE,
    RegionError,
    parse_region_seed,
    read_seed_text,
    resolve_region,
)
from techpact.sources.landing import LandingZone

__all__ = ["RegionError", "region_table_landed", "resolve_regions"]


def resolve_regions(
    names: tuple[str, ...] | list[str], landing: LandingZone | None = None
) -> tuple[str, ...]:
    """Region codes for codes or CBS titles, in the given order; an unknown one is an error."""
    if landing is None:
        records, origin = parse_region_seed(read_seed_text()), SEED_FILE
    else:
        hierarchy = region_hierarchy(landing)
        records, origin = hierarchy.records, hierarchy.origin
    return tuple(resolve_region(records, name, origin=origin) for name in names)


def region_table_landed(landing: LandingZone) -> bool:
    """Whether the landing zone holds a complete fetch of the CBS region table."""
    return region_hierarchy(landing).batch is not None
