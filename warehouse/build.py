"""Build a warehouse file from the landing zone: load raw, stage, transform.

The build writes into a new file in the work folder; nothing published is touched here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from techpact.sources.landing import LandedFile, LandingZone
from techpact.transforms.catalog import Catalog
from techpact.transforms.runner import run_models
from techpact.warehouse.loaders import BuildError, loader_for
from techpact.warehouse.loaders.cbs import load_region_table
from techpact.warehouse.loaders.duo import sibling_total_mismatches, write_source_duplicates
from techpact.warehouse.schema import FOREIGN_KEYS, PRIMARY_KEYS
from techpact.warehouse.views import create_views

__all__ = ["BuildError", "BuildResult", "build_warehouse", "check_landing_zone"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildResult:
    path: Path
    row_count: int
    source_files: tuple[LandedFile, ...]

    @property
    def is_sample_data(self) -> bool:
        return any(f.manifest.is_sample_data for f in self.source_files)


def resources_by_source(catalog: Catalog) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for source, resource in catalog.resources:
        grouped.setdefault(source, []).append(resource)
    return grouped


def missing_resources(landing: LandingZone, catalog: Catalog) -> list[str]:
    """``source/resource`` of every resource the catalog needs that nothing landed for."""
    landed = {(f.manifest.source, f.manifest.resource) for f in landing.files()}
    return [f"{s}/{r}" for s, r in catalog.resources if (s, r) not in landed]


def check_landing_zone(landing: LandingZone, catalog: Catalog) -> None:
    """Fail fast, naming every resource that has nothing landed."""
    missing = missing_resources(landing, catalog)
    if missing:
        raise BuildError(
            f"the landing zone {landing.root} holds no file for: {', '.join(missing)}. "
            "Land one with `techpact land-file` (or fetch it) first."
        )


def write_catalog_table(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    records = [
        {
            "indicator_id": i.id,
            "title_nl": i.title_nl,
            "title_en": i.title_en,
            "definition": i.definition,
            "unit": i.unit,
            "action_point": i.action_point,
            "source": i.source,
            "source_dataset": i.source_dataset,
            "source_resources": ", ".join(i.resources),
            "model": i.model,
            "region_levels": ", ".join(i.grain.region_levels),
            "period_type": i.grain.period_type,
            "breakdowns": ", ".join(i.grain.breakdowns),
            "counted_by": i.counted_by,
            "direction": i.direction,
            "valid_min": i.valid_min,
            "valid_max": i.valid_max,
            "target_value": i.target.value if i.target else None,
            "target_year": i.target.year if i.target else None,
            "target_note": i.target.note if i.target else None,
        }
        for i in catalog.indicators
    ]
    frame = pd.DataFrame.from_records(records)
    frame = frame.astype(
        {"valid_min": "Float64", "valid_max": "Float64", "target_value": "Float64"}
    ).astype({"target_year": "Int64", "action_point": "int32", "target_note": "string"})
    con.register("catalog_rows", frame)
    try:
        con.execute("create or replace table indicator_catalog as select * from catalog_rows")
    finally:
        con.unregister("catalog_rows")


def write_gap_table(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """``indicator_gaps``: the indicators the pact asks for that no open source publishes."""
    con.execute(
        "create or replace table indicator_gaps (indicator_id varchar, title_nl varchar, "
        "title_en varchar, action_point integer, why varchar, nearest_source varchar)"
    )
    rows = [
        (g.id, g.title_nl, g.title_en, g.action_point, g.why, g.nearest_source)
        for g in catalog.gaps
    ]
    if rows:
        con.executemany("insert into indicator_gaps values (?, ?, ?, ?, ?, ?)", rows)


def build_indicator_values(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> int:
    sql = resources.files("techpact.warehouse").joinpath("indicator_values.sql").read_text("utf-8")
    con.execute(f"create or replace table indicator_values as {sql}", {"snapshot_id": snapshot_id})
    return con.execute("select count(*) from indicator_values").fetchone()[0]  # type: ignore[index]


def build_period_table(con: duckdb.DuckDBPyConnection) -> None:
    """One row per period of the indicator rows, with its dates (BI tools sort and filter)."""
    sql = resources.files("techpact.warehouse").joinpath("period.sql").read_text("utf-8")
    con.execute(f"create or replace table period as {sql}")


def check_sibling_totals(con: duckdb.DuckDBPyConnection) -> None:
    """Files that break the same students down differently must agree on the totals."""
    mismatches = sibling_total_mismatches(con)
    if not mismatches.empty:
        rows = mismatches.head(10).to_dict("records")
        raise BuildError(
            "sibling DUO files disagree on yearly totals beyond what suppression explains "
            f"({len(mismatches)} pair-year(s)): {rows}"
        )


# The published tables of a build, in the order their keys need (a foreign key's table first).
BUILT_TABLES = ("region", "period", "indicator_catalog", "indicator_values", "indicator_gaps")

# The published file is read by BI tools that embed DuckDB 1.x (DBeaver, Metabase's driver, ODBC
# for Power BI, Superset's duckdb_engine): write it in the oldest storage format DuckDB 2.0
# offers. DuckDB keeps a file's storage version when it is opened again, so every later write
# (snapshot tables, comments, views) stays readable. DuckDB 1.1 and newer open it; 1.0 cannot
# read the primary keys DuckDB 2.0 writes, even in this format (tried with 1.0.0, 1.1.0, 1.2.2,
# 1.3.2, 1.4.4, 1.5.6). Checked with 1.5.6 by tests/test_bi_compat.py.
STORAGE_VERSION = "v1.0.0"


def key_violations(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """What would break ``table``'s declared keys, in words (empty when nothing would)."""
    problems = []
    key = PRIMARY_KEYS.get(table, ())
    if key:
        columns = ", ".join(f'"{c}"' for c in key)
        any_null = " or ".join(f'"{c}" is null' for c in key)
        rows = con.execute(
            f'select {columns}, count(*) as n from "{table}" '
            f"group by all having count(*) > 1 or {any_null} order by n desc limit 5"
        ).fetchall()
        problems += [
            f"{table} has {row[-1]} rows with the key "
            + ", ".join(f"{c}={v!r}" for c, v in zip(key, row, strict=False))
            for row in rows
        ]
    for column, referenced in FOREIGN_KEYS.get(table, ()):
        [ref_column] = PRIMARY_KEYS[referenced]
        missing = con.execute(
            f'select distinct t."{column}" from "{table}" as t '
            f'anti join "{referenced}" as r on r."{ref_column}" = t."{column}" '
            f"order by 1 limit 5"
        ).fetchall()
        problems += [
            f"{table}.{column} = {value!r} is not in {referenced}.{ref_column}"
            for (value,) in missing
        ]
    return problems


def keyed_table_ddl(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """``create table`` with the columns of the in-memory ``table`` and its declared keys."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = 'memory' and table_name = $table "
        "order by column_index",
        {"table": table},
    ).fetchall()
    parts = [f'"{name}" {data_type}' for name, data_type in columns]
    if table in PRIMARY_KEYS:
        parts.append("primary key (" + ", ".join(f'"{c}"' for c in PRIMARY_KEYS[table]) + ")")
    for column, referenced in FOREIGN_KEYS.get(table, ()):
        [ref_column] = PRIMARY_KEYS[referenced]
        parts.append(f'foreign key ("{column}") references "{referenced}" ("{ref_column}")')
    body = ",\n    ".join(parts)
    return f'create table "{table}" (\n    {body}\n)'


def copy_published_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Copy the tables a build publishes, with their declared keys, into the new file ``path``.

    A duplicated key or a value without its dimension row is a build error naming the keys,
    before anything is written.
    """
    problems = [p for table in BUILT_TABLES for p in key_violations(con, table)]
    if problems:
        raise BuildError(
            "the build breaks the published keys (a model emits a row twice or a region/period "
            "without its row): " + "; ".join(problems)
        )
    con.execute(
        f"attach $path as build_output (storage_version '{STORAGE_VERSION}')", {"path": str(path)}
    )
    ddl = {table: keyed_table_ddl(con, table) for table in BUILT_TABLES}
    # Foreign keys name their tables unqualified: create them with the new file as default.
    con.execute("use build_output")
    try:
        for table in BUILT_TABLES:
            con.execute(ddl[table])
            con.execute(f'insert into "{table}" select * from memory."{table}"')
    finally:
        con.execute("use memory")
        con.execute("detach build_output")


def build_warehouse(
    path: Path, *, landing: LandingZone, catalog: Catalog, snapshot_id: str
) -> BuildResult:
    """Build a complete (not yet validated) warehouse into the new file ``path``."""
    if path.exists():
        raise BuildError(f"{path} exists already; a build always writes a new file")
    path.parent.mkdir(parents=True, exist_ok=True)
    check_landing_zone(landing, catalog)
    source_files: list[LandedFile] = []
    # Raw, staging and intermediate tables live in memory only; the build file gets the
    # published tables, so BI tools see the contract and nothing else.
    with duckdb.connect() as con:
        source_files += load_region_table(con, landing)  # CBS Gebieden if landed, else seed
        for source, resources in resources_by_source(catalog).items():
            source_files += loader_for(source).load_raw(con, landing, resources)
        check_sibling_totals(con)
        write_catalog_table(con, catalog)
        write_gap_table(con, catalog)
        run_models(con, catalog)
        build_period_table(con)
        row_count = build_indicator_values(con, snapshot_id)
        copy_published_tables(con, path)
        write_source_duplicates(con, path)
    with duckdb.connect(str(path)) as out:
        create_views(out, catalog)
    log.info("Built %s indicator rows into %s", row_count, path)
    return BuildResult(path=path, row_count=row_count, source_files=tuple(source_files))


def source_files_json(files: tuple[LandedFile, ...]) -> str:
    return json.dumps(
        [
            {
                "source": f.manifest.source,
                "dataset": f.manifest.dataset,
                "resource": f.manifest.resource,
                "file_name": f.manifest.file_name,
                "sha256": f.manifest.sha256,
                "byte_size": f.manifest.byte_size,
                "original_url": f.manifest.original_url,
                "fetched_at": f.manifest.fetched_at,
                "is_sample_data": f.manifest.is_sample_data,
            }
            for f in files
        ],
        sort_keys=True,
    )
