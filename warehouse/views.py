"""Views for BI tools: one value per indicator, region and period, long or wide.

``indicator_totals`` is ``indicator_values`` without breakdowns: the rows where every breakdown
column (``transforms.catalog.BREAKDOWN_COLUMNS``) is 'total', one per indicator × region ×
period, with the indicator's title and the value as a percentage where it is a share. A trend
chart needs no filter beyond the indicator and the regions.

``action_point_<n>_<period_type>`` is wide: one row per region and period (of one period type,
so calendar years and school years never interleave), one column per indicator of that action
point and period type, holding only the regions and periods those indicators have values for.
Counts are BIGINT columns, other units DOUBLE. Column names are indicator ids, which the
catalog validates as plain identifiers.
"""

from __future__ import annotations

import duckdb

from techpact.transforms.catalog import BREAKDOWN_COLUMNS, Catalog, Indicator
from techpact.warehouse.schema import comment_literal

ACTION_POINTS = {
    1: "More inflow into, and better, technical education",
    2: "Renewed employership (e.g. learning-while-working)",
    3: "Transparency of labour-market opportunities",
    4: "Attracting and retaining international knowledge workers",
    5: "A link to the bottom of the labour market",
}

TOTALS_VIEW = "indicator_totals"

TOTALS_COLUMNS = {
    "indicator_id": "Indicator id; its definition is in indicator_catalog.",
    "title_en": "English title of the indicator.",
    "action_point": "Techniekpact action point 1-5.",
    "region_code": "CBS region code: GMxxxx gemeente, CRxx COROP, PVxx provincie, NL01.",
    "region_name": "Region name.",
    "region_level": "gemeente, corop, provincie, landsdeel or land.",
    "period": "Period label: '2023' or '2023/24' (school year).",
    "period_type": "year or school_year.",
    "period_start": "First day of the period: the date axis for charts.",
    "period_end": "Last day of the period.",
    "value": "The indicator value, in the unit of the unit column.",
    "value_count": "The value as an integer where the unit is count; null otherwise.",
    "value_pct": "The value in percent where the unit is fraction (value x 100) or percent; "
    "null otherwise.",
    "unit": "count, fraction (0..1), percent or ratio.",
    "suppressed_cell_count": "Source cells suppressed as small numbers that added nothing to "
    "this value; 0 means exact.",
    "source": "Source organisation: duo or cbs.",
    "source_dataset": "Source dataset or table id.",
    "snapshot_id": "Snapshot this row was published in.",
}

WIDE_KEY_COLUMNS = {
    "region_code": "CBS region code.",
    "region_name": "Region name.",
    "region_level": "gemeente, corop, provincie, landsdeel or land.",
    "period": "Period label: '2023' or '2023/24' (school year).",
    "period_start": "First day of the period.",
    "period_end": "Last day of the period.",
}

PERIOD_TYPE_WORDS = {"year": "calendar years", "school_year": "school years"}


def action_point_view_name(action_point: int, period_type: str) -> str:
    return f"action_point_{action_point}_{period_type}"


def create_views(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> list[str]:
    """Create ``indicator_totals`` and the wide views in the connected database; their names."""
    return [create_totals_view(con), *create_action_point_views(con, catalog)]


def create_totals_view(con: duckdb.DuckDBPyConnection) -> str:
    no_breakdown = " and ".join(f"v.\"{b}\" = 'total'" for b in BREAKDOWN_COLUMNS)
    con.execute(
        f"""
        create or replace view "{TOTALS_VIEW}" as
        select
            v.indicator_id,
            c.title_en,
            c.action_point,
            v.region_code,
            v.region_name,
            v.region_level,
            v.period,
            v.period_type,
            v.period_start,
            v.period_end,
            v.value,
            v.value_count,
            case v.unit
                when 'fraction' then 100 * v.value
                when 'percent' then v.value
            end as value_pct,
            v.unit,
            v.suppressed_cell_count,
            v.source,
            v.source_dataset,
            v.snapshot_id
        from indicator_values as v
        inner join indicator_catalog as c on c.indicator_id = v.indicator_id
        where {no_breakdown}
        """
    )
    breakdowns = ", ".join(f"{b} = 'total'" for b in BREAKDOWN_COLUMNS)
    _comment_view(
        con,
        TOTALS_VIEW,
        "One value per indicator, region and period: indicator_values where "
        f"{breakdowns} (no breakdown filters needed). Join region, period and "
        "indicator_catalog on their keys.",
        TOTALS_COLUMNS,
    )
    return TOTALS_VIEW


def create_action_point_views(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> list[str]:
    """One dense wide view per action point and period type; returns their names."""
    created = []
    groups: dict[tuple[int, str], list[Indicator]] = {}
    for indicator in catalog.indicators:
        key = (indicator.action_point, indicator.grain.period_type)
        groups.setdefault(key, []).append(indicator)
    for (action_point, period_type), indicators in sorted(groups.items()):
        name = action_point_view_name(action_point, period_type)
        columns = ",\n    ".join(_wide_column(i) for i in indicators)
        ids = ", ".join(f"'{i.id}'" for i in indicators)
        con.execute(
            f"""
            create or replace view "{name}" as
            select
                region_code,
                any_value(region_name) as region_name,
                any_value(region_level) as region_level,
                period,
                any_value(period_start) as period_start,
                any_value(period_end) as period_end,
                {columns}
            from "{TOTALS_VIEW}"
            where indicator_id in ({ids}) and period_type = '{period_type}'
            group by region_code, period
            """
        )
        docs = dict(WIDE_KEY_COLUMNS)
        for i in indicators:
            docs[i.id] = f"{i.title_en} ({i.unit}). See indicator_catalog for the definition."
        _comment_view(
            con,
            name,
            f"Action point {action_point}: {ACTION_POINTS[action_point]}, by "
            f"{PERIOD_TYPE_WORDS[period_type]}. One row per region and period that has a value, "
            "one column per indicator (its value without breakdown; counts as integers).",
            docs,
        )
        created.append(name)
    return created


def _wide_column(indicator: Indicator) -> str:
    value = "value_count" if indicator.unit == "count" else "value"
    return f"max({value}) filter (where indicator_id = '{indicator.id}') as \"{indicator.id}\""


def _comment_view(
    con: duckdb.DuckDBPyConnection, name: str, doc: str, columns: dict[str, str]
) -> None:
    con.execute(f'comment on view "{name}" is {comment_literal(doc)}')
    for column, column_doc in columns.items():
        con.execute(f'comment on column "{name}"."{column}" is {comment_literal(column_doc)}')
