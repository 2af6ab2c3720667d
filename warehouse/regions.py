"""The pact regions: which regions a run must cover, given by code or by CBS title.

A pact region is a setting (default Twente, ``CR12``). It may be written as a code (``CR36``)
or as the region's title as CBS publishes it (``Zuidoost-Noord-Brabant`` or
``Zuidoost-Noord-Brabant (CR)``): the title is resolved against the region table, so adding the
Eindhoven pact's region is configuration, not code.
"""

from __future__ import annotations

import re

import duckdb

from techpact.transforms.runner import load_region_seed

_CODE = re.compile(r"^(NL|LD|PV|CR|GM)[0-9]{2,4}$")
_CBS_SUFFIX = re.compile(r"\s*\((CR|PV|LD|GM|NL)\)\s*$", re.IGNORECASE)


class RegionError(ValueError):
    """A pact region that the region table does not know."""


def resolve_regions(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Region codes for codes or CBS titles, in the given order; an unknown one is an error."""
    with duckdb.connect() as con:
        load_region_seed(con)
        return tuple(_resolve(con, name) for name in names)


def _resolve(con: duckdb.DuckDBPyConnection, name: str) -> str:
    text = name.strip()
    if _CODE.match(text.upper()):
        found = con.execute(
            "select region_code from region where region_code = $code", {"code": text.upper()}
        ).fetchall()
    else:
        title = _CBS_SUFFIX.sub("", text)
        found = con.execute(
            "select region_code from region where lower(region_name) = lower($title) "
            "order by region_level",
            {"title": title},
        ).fetchall()
    if not found:
        raise RegionError(
            f"pact region {name!r} is not in the region table (transforms/seeds/region.csv); "
            "give a region code like CR12 or a title like 'Twente'"
        )
    if len(found) > 1:
        codes = ", ".join(row[0] for row in found)
        raise RegionError(f"pact region {name!r} is ambiguous ({codes}); give its code")
    return found[0][0]
