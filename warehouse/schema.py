"""What the published warehouse holds, described once: tables, columns and their comments.

BI users read these descriptions through ``information_schema`` / ``duckdb_columns()``.
DuckDB drops comments on ``create or replace``, so they are applied after every rebuild.
"""

from __future__ import annotations

import duckdb

PUBLISHED_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "indicator_values": (
        "Techniekpact indicators, long and tidy: one row per indicator, region, period and "
        "breakdown (primary key indicator_id, region_code, period, sex, education_level, "
        "institution). For one value per indicator, region and period use the view "
        "indicator_totals.",
        {
            "indicator_id": "Indicator id; its definition is in indicator_catalog.",
            "region_code": "CBS region code: GMxxxx gemeente, CRxx COROP, PVxx provincie, "
            "NL01 Nederland.",
            "region_name": "Region name as in the region table.",
            "region_level": "gemeente, corop, provincie, landsdeel or land.",
            "period": "Period label: '2023' for a year, '2023/24' for a school year.",
            "period_type": "year or school_year.",
            "period_start": "First day of the period (1 January, or 1 August for a school "
            "year): the date axis for charts.",
            "period_end": "Last day of the period (31 December, or 31 July for a school year).",
            "sex": "Breakdown by sex: male, female, unknown, or total where not broken down.",
            "education_level": "Breakdown by education level: mbo, hbo, wo (CBS education "
            "indicators; their total row is mbo + hbo + wo, hbo + wo for international "
            "students); low, middle, high (the education "
            "a person has attained, CBS labour indicators: basisonderwijs-vmbo-mbo 1, "
            "havo-vwo-mbo 2-4, hbo-wo); or total where not broken down (the definition says "
            "which education such an indicator covers).",
            "institution": "Breakdown by institution: DUO institution code (e.g. 23AH Saxion "
            "Hogeschool) for indicators per institution, or total.",
            "value": "The indicator value, in the unit of the unit column.",
            "value_count": "The value as an integer where the unit is count; null otherwise.",
            "unit": "count, fraction (0..1), percent or ratio.",
            "suppressed_cell_count": "Source cells suppressed as small numbers (DUO: fewer than "
            "5) that added nothing to this value; 0 means the value is exact.",
            "source": "Source organisation: duo or cbs.",
            "source_dataset": "Source dataset or table id (DUO CKAN dataset, CBS table).",
            "source_sha256": "sha256 of the landed file(s) this row was computed from.",
            "snapshot_id": "Snapshot this row was published in.",
        },
    ),
    "indicator_catalog": (
        "One row per indicator: what it counts, its unit, pact action point and source.",
        {
            "indicator_id": "Indicator id, as in indicator_values.",
            "title_nl": "Dutch title.",
            "title_en": "English title.",
            "definition": "What is counted, and whether by programme location or residence.",
            "unit": "count, fraction (0..1), percent or ratio.",
            "action_point": "Techniekpact action point 1-5.",
            "source": "Source organisation: duo or cbs.",
            "source_dataset": "Source dataset or table id.",
            "source_resources": "Landed resources (raw tables) the indicator is computed from, "
            "comma-separated.",
            "model": "SQL model that computes it (transforms/models/<model>.sql).",
            "region_levels": "Grain: the region levels it has rows for, comma-separated "
            "(gemeente, corop, provincie, landsdeel, land).",
            "period_type": "Grain: year or school_year.",
            "breakdowns": "Grain: breakdown columns of indicator_values it fills (sex, "
            "education_level, institution), comma-separated; empty when none (all 'total').",
            "counted_by": "programme_location, residence, workplace or institution.",
            "direction": "higher_is_better, lower_is_better or neutral.",
            "valid_min": "Lowest valid value (checked before publishing).",
            "valid_max": "Highest valid value (checked before publishing).",
            "target_value": "Pact target, where the pact set one.",
            "target_year": "Year the pact target is for.",
            "target_note": "Where the pact target comes from.",
        },
    ),
    "indicator_gaps": (
        "Indicators the pact asks for that no open source publishes (per region): what is "
        "missing, why, and the nearest open figure. They have no rows in indicator_values.",
        {
            "indicator_id": "Id of the missing indicator (not in indicator_catalog).",
            "title_nl": "Dutch title.",
            "title_en": "English title.",
            "action_point": "Techniekpact action point 1-5.",
            "why": "Why no open source gives it, with the evidence.",
            "nearest_source": "The closest open figure (e.g. a national one), where there is one.",
        },
    ),
    "period": (
        "One row per period used in indicator_values, with its dates for sorting and filtering.",
        {
            "period": "Period label as in indicator_values: '2023' or '2023/24'.",
            "period_type": "year or school_year.",
            "start_year": "First calendar year of the period.",
            "start_date": "First day: 1 January, or 1 August for a school year.",
            "end_date": "Last day: 31 December, or 31 July for a school year.",
            "label_nl": "Dutch label ('schooljaar 2023/24').",
            "label_en": "English label ('school year 2023/24').",
        },
    ),
    "region": (
        "Region hierarchy: gemeente -> COROP -> provincie -> landsdeel -> Nederland.",
        {
            "region_code": "CBS region code (keys trimmed).",
            "region_name": "Region name.",
            "region_level": "gemeente, corop, provincie, landsdeel or land.",
            "corop_code": "COROP region of a gemeente.",
            "province_code": "Provincie of a gemeente or COROP region.",
            "landsdeel_code": "Landsdeel of a gemeente, COROP region or provincie.",
            "classification_year": "Year of the CBS regional classification.",
            "source_note": "Where the row comes from.",
        },
    ),
    "snapshot_info": (
        "One row describing this snapshot: when, from which files, and whether it passed.",
        {
            "snapshot_id": "Snapshot id (UTC creation time and a random suffix).",
            "created_at": "When the snapshot was built (UTC).",
            "is_sample_data": "True when any source file is generated sample data, "
            "not official figures.",
            "quality_status": "passed or passed_with_warnings.",
            "row_count": "Rows in indicator_values.",
            "techpact_version": "Version of techpact that built the snapshot.",
            "source_files": "JSON list of the landed files used, with sha256 and origin.",
            "accepted_checks": "JSON list of failed checks a person accepted to publish this "
            "snapshot (techpact run --accept), each with check_name and reason; [] normally.",
        },
    ),
    "source_duplicates": (
        "Audit: data lines of a landed source file that repeat the key of another line (every "
        "text column and the year). Normally empty; the quality check source_rows_unique "
        "blocks publishing when it is not, because such lines would be counted twice.",
        {
            "source": "Source organisation: duo.",
            "resource": "Raw resource the file was loaded as (e.g. hbo_enrolment_by_sex).",
            "file_name": "Landed file that holds the repeated lines.",
            "source_sha256": "sha256 of that landed file.",
            "year": "Year (study or diploma year) of the repeated rows; null for files "
            "without years.",
            "duplicate_key": "The repeated key: the rows' non-empty text values joined by ' | '.",
            "line_numbers": "Line numbers in the file (header = line 1) of every row with this "
            "key, comma-separated.",
            "row_count": "How many rows share this key (2 or more).",
        },
    ),
    "quality_results": (
        "Every quality check run on this snapshot before it was published.",
        {
            "snapshot_id": "Snapshot the checks ran on.",
            "check_name": "Name of the check.",
            "severity": "critical (blocks publishing) or warning.",
            "success": "Whether the check passed.",
            "unexpected_count": "Rows that failed the check.",
            "failing_keys": "JSON sample of the failing rows' keys.",
            "description": "What the check asserts.",
            "accepted_reason": "Why a person accepted this check's failure for this snapshot "
            "(techpact run --accept --reason); null otherwise.",
        },
    ),
}


# Declared keys of the published tables, so BI tools find the grain and the joins. The tables
# are created in this order (a foreign key needs the table it references).
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "region": ("region_code",),
    "period": ("period",),
    "indicator_catalog": ("indicator_id",),
    "indicator_gaps": ("indicator_id",),
    "indicator_values": (
        "indicator_id",
        "region_code",
        "period",
        "sex",
        "education_level",
        "institution",
    ),
}
FOREIGN_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    # table: ((column, referenced table), ...); the referenced column is that table's key
    "indicator_values": (
        ("indicator_id", "indicator_catalog"),
        ("region_code", "region"),
        ("period", "period"),
    ),
}

SAMPLE_DATA_PREFIX = "GENERATED SAMPLE DATA, not official figures. "


def apply_comments(con: duckdb.DuckDBPyConnection, *, is_sample_data: bool = False) -> None:
    """Comment every published table and column (parameters, never pasted values).

    A snapshot built from generated sample files says so first in the comment of every table
    and view, where a BI user browsing the schema reads it.
    """
    prefix = SAMPLE_DATA_PREFIX if is_sample_data else ""
    for table, (table_doc, columns) in PUBLISHED_TABLES.items():
        con.execute(f'comment on table "{table}" is {comment_literal(prefix + table_doc)}')
        for column, doc in columns.items():
            con.execute(f'comment on column "{table}"."{column}" is {comment_literal(doc)}')
    if prefix:
        views = con.execute(
            "select view_name, comment from duckdb_views() where not internal "
            "and schema_name = 'main'"
        ).fetchall()
        for view, doc in views:
            if not (doc or "").startswith(prefix):
                con.execute(f'comment on view "{view}" is {comment_literal(prefix + (doc or ""))}')


def comment_literal(text: str) -> str:
    """Quote our own documentation text: COMMENT ON accepts no bound parameters.

    Only descriptions written in this module and the catalog pass through here, never data.
    """
    return "'" + text.replace("'", "''") + "'"
