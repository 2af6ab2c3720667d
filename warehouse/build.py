"""Build a warehouse file from the landing zone: load raw, stage, transform.

The build writes into a new file in the work folder; nothing published is touched here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from techpact.sources import duo
from techpact.sources.landing import LandedFile, LandingZone
from techpact.transforms.catalog import Catalog
from techpact.transforms.runner import load_region_seed, run_models

log = logging.getLogger(__name__)

# How each source's landed bytes become rows: (bytes, file name) -> (resource, rows).
Parser = Callable[[bytes, str], tuple[str, pd.DataFrame]]


def _parse_duo(data: bytes, file_name: str) -> tuple[str, pd.DataFrame]:
    parsed = duo.parse_current_csv(data, file_name)
    return parsed.layout.resource, parsed.rows


PARSERS: dict[str, Parser] = {"duo": _parse_duo}


class BuildError(RuntimeError):
    """The landing zone cannot be built into a warehouse; the message says what is missing."""


@dataclass(frozen=True)
class BuildResult:
    path: Path
    row_count: int
    source_files: tuple[LandedFile, ...]

    @property
    def is_sample_data(self) -> bool:
        return any(f.manifest.is_sample_data for f in self.source_files)


def select_source_files(landing: LandingZone, catalog: Catalog) -> tuple[LandedFile, ...]:
    """The latest landed file of every resource the catalog needs; an error names the gaps."""
    chosen, missing = [], []
    for source, resource in catalog.resources:
        landed = landing.latest(source, resource)
        if landed is None:
            missing.append(f"{source}/{resource}")
        else:
            chosen.append(landed)
    if missing:
        raise BuildError(
            f"the landing zone {landing.root} holds no file for: {', '.join(missing)}. "
            "Land one with `techpact land-file` (or fetch it) first."
        )
    return tuple(chosen)


def load_raw(con: duckdb.DuckDBPyConnection, landing: LandingZone, landed: LandedFile) -> str:
    """Parse one landed file into table ``raw_<source>__<resource>``; returns its staging model."""
    manifest = landed.manifest
    data = landing.verify(landed)
    resource, rows = PARSERS[manifest.source](data, manifest.file_name)
    if resource != manifest.resource:
        raise BuildError(
            f"{landed.path}: the manifest says {manifest.resource!r} but the file's header is "
            f"that of {resource!r}"
        )
    rows = rows.assign(source_file=manifest.file_name, source_sha256=manifest.sha256)
    table = f"raw_{manifest.source}__{resource}"
    con.register("parsed_rows", rows)
    try:
        con.execute(f'create or replace table "{table}" as select * from parsed_rows')
    finally:
        con.unregister("parsed_rows")
    log.info("Loaded %s rows from %s into %s", len(rows), manifest.file_name, table)
    return f"stg_{manifest.source}__{resource}"


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
            "counted_by": i.counted_by,
            "direction": i.direction,
            "valid_min": i.valid_min,
            "valid_max": i.valid_max,
            "target_value": i.target.value if i.target else None,
            "target_year": i.target.year if i.target else None,
        }
        for i in catalog.indicators
    ]
    frame = pd.DataFrame.from_records(records)
    frame = frame.astype(
        {"valid_min": "Float64", "valid_max": "Float64", "target_value": "Float64"}
    ).astype({"target_year": "Int64", "action_point": "int32"})
    con.register("catalog_rows", frame)
    try:
        con.execute("create or replace table indicator_catalog as select * from catalog_rows")
    finally:
        con.unregister("catalog_rows")


def build_indicator_values(con: duckdb.DuckDBPyConnection, snapshot_id: str) -> int:
    sql = resources.files("techpact.warehouse").joinpath("indicator_values.sql").read_text("utf-8")
    con.execute(f"create or replace table indicator_values as {sql}", {"snapshot_id": snapshot_id})
    return con.execute("select count(*) from indicator_values").fetchone()[0]  # type: ignore[index]


def build_warehouse(
    path: Path, *, landing: LandingZone, catalog: Catalog, snapshot_id: str
) -> BuildResult:
    """Build a complete (not yet validated) warehouse into the new file ``path``."""
    if path.exists():
        raise BuildError(f"{path} exists already; a build always writes a new file")
    path.parent.mkdir(parents=True, exist_ok=True)
    source_files = select_source_files(landing, catalog)
    with duckdb.connect(str(path)) as con:
        load_region_seed(con)
        staged = [load_raw(con, landing, landed) for landed in source_files]
        write_catalog_table(con, catalog)
        run_models(con, catalog, staged)
        row_count = build_indicator_values(con, snapshot_id)
    log.info("Built %s indicator rows into %s", row_count, path)
    return BuildResult(path=path, row_count=row_count, source_files=source_files)


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
