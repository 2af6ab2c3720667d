"""Load landed DUO files into raw tables."""

from __future__ import annotations

import logging

import duckdb

from techpact.sources import duo
from techpact.sources.landing import LandedFile, LandingZone
from techpact.warehouse.loaders import BuildError, create_raw_table, raw_table_name

log = logging.getLogger(__name__)


def load_raw(
    con: duckdb.DuckDBPyConnection, landing: LandingZone, resources: list[str]
) -> list[LandedFile]:
    """The latest landed file of each resource, parsed into ``raw_duo__<resource>``."""
    used = []
    for resource in resources:
        landed = landing.latest("duo", resource)
        if landed is None:
            raise BuildError(
                f"the landing zone {landing.root} holds no file for duo/{resource}. "
                "Land one with `techpact land-file` (or fetch it) first."
            )
        parsed = duo.parse_current_csv(landing.verify(landed), landed.manifest.file_name)
        if parsed.layout.resource != resource:
            raise BuildError(
                f"{landed.path}: the manifest says {resource!r} but the file's header is that "
                f"of {parsed.layout.resource!r}"
            )
        rows = parsed.rows.assign(
            source_file=landed.manifest.file_name, source_sha256=landed.manifest.sha256
        )
        create_raw_table(con, raw_table_name("duo", resource), rows, [landed])
        log.info("Loaded %d rows of duo/%s from %s", len(rows), resource, landed.path)
        used.append(landed)
    return used
