"""Wide views for dashboard tools that prefer columns: one per pact action point.

``action_point_<n>`` has one row per region and period and one column per indicator of that
action point: the value without breakdown, where every breakdown column
(``transforms.catalog.BREAKDOWN_COLUMNS``: sex, education_level) is 'total'. Column names are
indicator ids and breakdown names, which the catalog validates as plain identifiers.
"""

from __future__ import annotations

import duckdb

from techpact.transforms.catalog import BREAKDOWN_COLUMNS, Catalog
from techpact.warehouse.schema import comment_literal

ACTION_POINTS = {
    1: "More inflow into, and better, technical education",
    2: "Renewed employership (e.g. learning-while-working)",
    3: "Transparency of labour-market opportunities",
    4: "Attracting and retaining international knowledge workers",
    5: "A link to the bottom of the labour market",
}


def action_point_view_name(action_point: int) -> str:
    return f"action_point_{action_point}"


def create_action_point_views(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> list[str]:
    """Create the wide views in the connected database; returns their names."""
    created = []
    no_breakdown = " and ".join(f"\"{b}\" = 'total'" for b in BREAKDOWN_COLUMNS)
    totals = ", ".join(f"{b} = total" for b in BREAKDOWN_COLUMNS)
    for action_point in sorted({i.action_point for i in catalog.indicators}):
        indicators = [i for i in catalog.indicators if i.action_point == action_point]
        name = action_point_view_name(action_point)
        columns = ",\n    ".join(
            f"max(value) filter (where indicator_id = '{i.id}') as \"{i.id}\"" for i in indicators
        )
        con.execute(
            f"""
            create or replace view "{name}" as
            select
                region_code,
                region_name,
                region_level,
                period,
                period_type,
                {columns}
            from indicator_values
            where {no_breakdown}
            group by region_code, region_name, region_level, period, period_type
            """
        )
        con.execute(
            f'comment on view "{name}" is '
            + comment_literal(
                f"Action point {action_point}: {ACTION_POINTS[action_point]}. One row per "
                f"region and period, one column per indicator (value for {totals})."
            )
        )
        for column, doc in {
            "region_code": "CBS region code.",
            "region_name": "Region name.",
            "region_level": "gemeente, corop, provincie, landsdeel or land.",
            "period": "Period label: '2023' or '2023/24' (school year).",
            "period_type": "year or school_year.",
        }.items():
            con.execute(f'comment on column "{name}"."{column}" is {comment_literal(doc)}')
        for i in indicators:
            doc = f"{i.title_en} ({i.unit}). See indicator_catalog for the definition."
            con.execute(f'comment on column "{name}"."{i.id}" is {comment_literal(doc)}')
        created.append(name)
    return created
