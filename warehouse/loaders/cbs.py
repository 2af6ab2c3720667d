"""Load landed CBS fetches into raw tables, one per resource of ``cbs_tables.toml``.

Only complete fetches are read: those whose fetch-batch marker exists (it is landed last). For
each table feeding a resource, the newest complete fetch is used; tables of one resource (the
classification years of "Arbeidsdeelname; regionale indeling") are stacked with their table id
in ``source_dataset``; the staging model splices them. Each fetch keeps the regions its
marker lists (those it asked for).

``load_region_table`` creates the ``region`` table from the newest complete fetch of the
"Gebieden in Nederland" table, or from the bundled seed when none is landed.
"""

from __future__ import annotations

import logging

import duckdb
import pandas as pd

from techpact.sources.cbs import latest_batch, region_hierarchy
from techpact.sources.cbs_parse import TIDY_COLUMNS, tidy_table
from techpact.sources.cbs_tables import CbsTables, load_cbs_tables
from techpact.sources.landing import LandedFile, LandingZone
from techpact.transforms.runner import write_region_table
from techpact.warehouse.loaders import BuildError, create_raw_table, raw_table_name

log = logging.getLogger(__name__)


def load_raw(
    con: duckdb.DuckDBPyConnection,
    landing: LandingZone,
    resources: list[str],
    tables: CbsTables | None = None,
) -> list[LandedFile]:
    """Tidy rows of every complete fetch of each resource into ``raw_cbs__<resource>``."""
    tables = tables or load_cbs_tables()
    used: list[LandedFile] = []
    for resource in resources:
        specs = tables.for_resource(resource)
        if not specs:
            raise BuildError(f"cbs/{resource} is not a resource of cbs_tables.toml")
        frames = []
        for spec in specs:
            batch = latest_batch(landing, spec)
            if batch is None:
                log.info("No complete fetch of CBS table %s (cbs/%s) landed", spec.id, resource)
                continue
            rows = tidy_table(
                spec,
                batch.responses,
                file_name=str(batch.marker.path.parent),
                regions=batch.info.get("regions"),
            )
            frames.append(
                rows.assign(
                    source_file=batch.marker.manifest.file_name,
                    source_sha256=batch.marker.manifest.sha256,
                )
            )
            used += [*batch.files, batch.marker]
        if not frames:
            raise BuildError(
                f"the landing zone {landing.root} holds no complete fetch of any table of "
                f"cbs/{resource} ({', '.join(s.id for s in specs)}). "
                "Fetch them with `techpact fetch --source cbs` first."
            )
        rows = pd.concat(frames, ignore_index=True)[[*TIDY_COLUMNS, "source_file", "source_sha256"]]
        create_raw_table(con, raw_table_name("cbs", resource), rows, used)
        log.debug("Loaded %d rows of cbs/%s", len(rows), resource)
    return used


def load_region_table(
    con: duckdb.DuckDBPyConnection, landing: LandingZone, tables: CbsTables | None = None
) -> list[LandedFile]:
    """The ``region`` table from the landed Gebieden table, else the bundled seed; returns the
    landed files it read (none for the seed). ``source_note`` says which, with the sha256 of
    the landed fetch."""
    hierarchy = region_hierarchy(landing, tables)
    write_region_table(con, hierarchy.records)
    log.info("Region table: %d regions from %s", len(hierarchy.records), hierarchy.origin)
    return list(hierarchy.files)
